"""Every write of the information service. Keyword-only functions named <entity>_<verb>, atomic, each checking the
current state first and raising InformationError (its message fit to show) when a change is not allowed.

One module per part; this package re-exports their public names.
"""

from information.services.case_studies import (
    case_study_create,
    case_study_draft_from_relationship,
    case_study_publish,
    case_study_record_consent,
    case_study_unpublish,
    case_study_update,
    case_study_withdraw_consent,
)
from information.services.common import InformationError
from information.services.enquiries import (
    EnquiryRateLimited,
    enquiries_purge_closed,
    enquiry_assign,
    enquiry_close,
    enquiry_reopen,
    enquiry_reply,
    enquiry_submit,
    new_reference,
    retention_cutoff,
)
from information.services.guide import guide_task_create, guide_task_delete, guide_task_update
from information.services.invitations import (
    enquiry_invite,
    invitation_create_mutual,
    invitation_problem,
    invitation_request_engagement,
    invitation_request_mentor,
    invitation_volunteer_as_mentor,
)
from information.services.readiness import readiness_save
from information.services.resources import (
    resource_create,
    resource_mark_reviewed,
    resource_publish,
    resource_unpublish,
    resource_update,
)

__all__ = [
    "EnquiryRateLimited",
    "InformationError",
    "case_study_create",
    "case_study_draft_from_relationship",
    "case_study_publish",
    "case_study_record_consent",
    "case_study_unpublish",
    "case_study_update",
    "case_study_withdraw_consent",
    "enquiries_purge_closed",
    "enquiry_assign",
    "enquiry_close",
    "enquiry_invite",
    "enquiry_reopen",
    "enquiry_reply",
    "enquiry_submit",
    "guide_task_create",
    "guide_task_delete",
    "guide_task_update",
    "invitation_create_mutual",
    "invitation_problem",
    "invitation_request_engagement",
    "invitation_request_mentor",
    "invitation_volunteer_as_mentor",
    "new_reference",
    "readiness_save",
    "resource_create",
    "resource_mark_reviewed",
    "resource_publish",
    "resource_unpublish",
    "resource_update",
    "retention_cutoff",
]
