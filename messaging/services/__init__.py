"""Every write for relationships, conversations, goals, check-ins, closing, nudges, notices and moderation.

Keyword-only functions named <entity>_<verb>; each is atomic, checks the current state first and raises
`RelationshipError` (whose message is written for the person who asked) when the change is not allowed.
Emails go out from Celery tasks enqueued after commit.

One module per part; this package re-exports their public names, so callers write `services.message_send`:
- conversations.py  messages, read markers, unread-message notices
- lifecycle.py      pause, resume, complete, end early, ask for a new mentor
- documents.py      shared files: upload (checked by content, size, quota), delete, the stored file's removal
- goals.py          goals, check-ins, closing feedback
- nudges.py         reminders when a relationship goes quiet; the at-risk flag
- agreements.py     the mentoring agreement: terms, confirmation, the review-date prompt
- meetings.py       meetings and their calendar invitations, reminders, the first-meeting milestone, feeds
- conduct_reports.py reports that a mentor broke the code of conduct, and closing them
- moderation.py     reports and what the programme team does about them
- common.py         the domain error, party and status checks, activity, who is told
"""

from messaging.services.agreements import (
    agreement_can_confirm,
    agreement_confirm,
    agreement_propose,
    agreements_prompt_review,
)
from messaging.services.common import (
    AT_RISK_AFTER,
    NOTIFICATION_WINDOW,
    QUIET_AFTER,
    RelationshipError,
)
from messaging.services.conduct_reports import conduct_report_close, conduct_report_create
from messaging.services.conversations import (
    conversation_mark_read,
    conversation_notify,
    message_send,
)
from messaging.services.documents import (
    document_delete,
    document_upload,
    documents_delete_of,
    quota_used,
)
from messaging.services.goals import (
    check_in_create,
    feedback_give,
    goal_agree,
    goal_can_agree,
    goal_create,
    goal_update,
)
from messaging.services.lifecycle import (
    can_reopen_request,
    relationship_complete,
    relationship_end_early,
    relationship_pause,
    relationship_request_reopen,
    relationship_resume,
    relationship_start,
)
from messaging.services.meetings import (
    FIRST_MEETING_DUE_AFTER,
    FirstMeetingSummary,
    calendar_feed_create,
    calendar_feed_revoke,
    calendar_feed_used,
    group_meetings_remind,
    meeting_accept,
    meeting_can_accept,
    meeting_cancel,
    meeting_propose,
    meeting_record_outcome,
    meeting_suggest_time,
    meetings_remind,
    relationships_flag_without_first_meeting,
    when_text,
)
from messaging.services.moderation import (
    account_reinstate,
    account_suspend,
    message_hide,
    message_report,
    message_restore,
    report_dismiss,
)
from messaging.services.nudges import (
    NudgeSummary,
    relationships_nudge_quiet,
)

__all__ = [
    "AT_RISK_AFTER",
    "FIRST_MEETING_DUE_AFTER",
    "NOTIFICATION_WINDOW",
    "QUIET_AFTER",
    "FirstMeetingSummary",
    "NudgeSummary",
    "RelationshipError",
    "account_reinstate",
    "account_suspend",
    "agreement_can_confirm",
    "agreement_confirm",
    "agreement_propose",
    "agreements_prompt_review",
    "calendar_feed_create",
    "calendar_feed_revoke",
    "calendar_feed_used",
    "can_reopen_request",
    "check_in_create",
    "conduct_report_close",
    "conduct_report_create",
    "conversation_mark_read",
    "conversation_notify",
    "document_delete",
    "document_upload",
    "documents_delete_of",
    "feedback_give",
    "goal_agree",
    "goal_can_agree",
    "goal_create",
    "goal_update",
    "group_meetings_remind",
    "meeting_accept",
    "meeting_can_accept",
    "meeting_cancel",
    "meeting_propose",
    "meeting_record_outcome",
    "meeting_suggest_time",
    "meetings_remind",
    "message_hide",
    "message_report",
    "message_restore",
    "message_send",
    "quota_used",
    "relationship_complete",
    "relationship_end_early",
    "relationship_pause",
    "relationship_request_reopen",
    "relationship_resume",
    "relationship_start",
    "relationships_flag_without_first_meeting",
    "relationships_nudge_quiet",
    "report_dismiss",
    "when_text",
]
