"""Every write in the ambassadors programme. Keyword-only, atomic, state checked first.

A refused action raises AmbassadorsError with a message that can be shown to the person as it is. One module per
part; this package re-exports their public names:
- applications.py  cohorts, applications, nominations, the review pipeline, appointing
- ambassadors.py   an ambassador's public profile, standing down
- engagements.py   engagement requests, invitations, logging what was held, emerging projects
- common.py        the domain error, the pipeline's transitions, the load window
"""

from ambassadors.services.ambassadors import (
    ambassador_stand_down,
    ambassador_update,
)
from ambassadors.services.applications import (
    COHORT_FIELDS,
    NOMINATIONS_PER_DAY,
    BulkMoveResult,
    application_move,
    application_submit,
    application_withdraw,
    applications_move_bulk,
    cohort_save,
    nomination_create,
    reviewer_note_add,
)
from ambassadors.services.common import (
    LOAD_WINDOW,
    TRANSITIONS,
    AmbassadorsError,
    Status,
)
from ambassadors.services.engagements import (
    ambassador_load,
    emerging_project_add,
    engagement_invite,
    engagement_log,
    engagement_request_create,
    engagement_request_withdraw,
    invitation_accept,
    invitation_decline,
)

__all__ = [
    "COHORT_FIELDS",
    "LOAD_WINDOW",
    "NOMINATIONS_PER_DAY",
    "TRANSITIONS",
    "AmbassadorsError",
    "BulkMoveResult",
    "Status",
    "ambassador_load",
    "ambassador_stand_down",
    "ambassador_update",
    "application_move",
    "application_submit",
    "application_withdraw",
    "applications_move_bulk",
    "cohort_save",
    "emerging_project_add",
    "engagement_invite",
    "engagement_log",
    "engagement_request_create",
    "engagement_request_withdraw",
    "invitation_accept",
    "invitation_decline",
    "nomination_create",
    "reviewer_note_add",
]
