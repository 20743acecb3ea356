"""The ambassadors programme's pages, by audience: public.py (the directory), applying.py (applicants and
nominators), review.py (the programme team's pipeline and cohorts), own.py (an ambassador's own pages),
engagements.py (engagement requests, logging, emerging projects, reports)."""

from ambassadors.views.applying import (
    application_create,
    application_detail,
    application_withdraw,
    apply_start,
    my_applications,
    nominate,
    nomination_accept,
)
from ambassadors.views.engagements import (
    emerging_project_add,
    emerging_projects,
    engagement_log,
    reports,
    reports_csv,
    request_create,
    request_detail,
    request_list,
    request_withdraw,
)
from ambassadors.views.own import (
    invitation_detail,
    invitation_list,
    profile_edit,
)
from ambassadors.views.public import (
    directory,
    photo,
    profile,
)
from ambassadors.views.review import (
    cohort_create,
    cohort_edit,
    cohort_list,
    pipeline,
    review,
    stand_down,
)

__all__ = [
    "application_create",
    "application_detail",
    "application_withdraw",
    "apply_start",
    "cohort_create",
    "cohort_edit",
    "cohort_list",
    "directory",
    "emerging_project_add",
    "emerging_projects",
    "engagement_log",
    "invitation_detail",
    "invitation_list",
    "my_applications",
    "nominate",
    "nomination_accept",
    "photo",
    "pipeline",
    "profile",
    "profile_edit",
    "reports",
    "reports_csv",
    "request_create",
    "request_detail",
    "request_list",
    "request_withdraw",
    "review",
    "stand_down",
]
