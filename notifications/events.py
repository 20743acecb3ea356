"""Every event the service tells people about: its preference category, how its in-app notice reads, and whether
it is emailed. docs/notifications.md is the same table for readers, with who is told; a test keeps the two equal
and checks, event by event, that exactly those people are told by exactly those channels.

A notice's words are a format string filled from the notice's params (people by reference: references.py). An
emailed event has templates/notifications/email/<key>/subject.txt and body.txt (plain text); the HTML version is
built from the text in one accessible layout (rendering.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from notifications.models import Category, Notice

Kind = Notice.Kind


@dataclass(frozen=True)
class Event:
    key: str
    category: str
    kind: str
    notice: str | None  # the in-app notice's words; None: no notice
    email: bool
    # False: once sent, the record of the email goes too (it is to the address of someone who has left).
    keep_record: bool = True


def _events(*events: Event) -> dict[str, Event]:
    return {event.key: event for event in events}


MENTORING, MESSAGES, PROGRAMME, ESSENTIAL = (
    Category.MENTORING,
    Category.MESSAGES,
    Category.PROGRAMME,
    Category.ESSENTIAL,
)

EVENTS: dict[str, Event] = _events(
    # --- Matching: requests, suggestions and introductions -----------------------------------------------------
    Event(
        "request_submitted", MENTORING, Kind.INTRODUCTION, "{actor} asked for a mentor for {mutual}: “{title}”.", False
    ),
    Event(
        "suggestions_ready",
        MENTORING,
        Kind.INTRODUCTION,
        "Suggested mentors are ready for “{title}”. Choose up to three, in order.",
        True,
    ),
    Event(
        "choices_sent",
        MENTORING,
        Kind.INTRODUCTION,
        "{actor} chose mentors for “{title}”. We have asked {mentor} first.",
        False,
    ),
    Event(
        "introduction_sent",
        MENTORING,
        Kind.INTRODUCTION,
        "{mutual} would like you as their mentor: “{title}”. Please reply by {reply_by}.",
        True,
    ),
    Event(
        "introduction_sent_by_programme",
        MENTORING,
        Kind.INTRODUCTION,
        "The programme team has introduced you to {mutual} as a possible mentor: “{title}”. "
        "Please reply by {reply_by}.",
        True,
    ),
    Event(
        "introduced_by_programme",
        MENTORING,
        Kind.INTRODUCTION,
        "The programme team has introduced you to {mentor} as a possible mentor for “{title}”. They have until "
        "{reply_by} to reply. You can withdraw the introduction and choose mentors yourself.",
        True,
    ),
    Event(
        "introduction_accepted",
        MENTORING,
        Kind.RELATIONSHIP,
        "{mentor} accepted your request “{title}”. Your mentoring has started.",
        True,
    ),
    Event("relationship_started", MENTORING, Kind.RELATIONSHIP, None, True),
    Event(
        "introduction_declined",
        MENTORING,
        Kind.INTRODUCTION,
        "{mentor} cannot mentor you for “{title}” this time. We have asked your next choice, {next_mentor}.",
        True,
    ),
    Event(
        "introduction_declined_last",
        MENTORING,
        Kind.INTRODUCTION,
        "{mentor} cannot mentor you for “{title}” this time, and none of your other choices can take it on. The "
        "programme team will look for a mentor by hand and be in touch.",
        True,
    ),
    Event(
        "introduction_expired",
        MENTORING,
        Kind.INTRODUCTION,
        "{mentor} did not reply in time to “{title}”. We have asked your next choice, {next_mentor}.",
        True,
    ),
    Event(
        "introduction_expired_last",
        MENTORING,
        Kind.INTRODUCTION,
        "{mentor} did not reply in time to “{title}”, and none of your other choices can take it on. The programme "
        "team will look for a mentor by hand and be in touch.",
        True,
    ),
    Event(
        "introduction_expired_mentor",
        MENTORING,
        Kind.INTRODUCTION,
        "You did not reply in time to {mutual}'s request “{title}”, so it has moved on. There is nothing more to do.",
        False,
    ),
    Event(
        "introduction_withdrawn",
        MENTORING,
        Kind.INTRODUCTION,
        "{mutual} no longer needs you for “{title}”: {reason} There is nothing more to do.",
        True,
    ),
    Event(
        "request_needs_attention",
        MENTORING,
        Kind.INTRODUCTION,
        "We are looking for a mentor for “{title}” by hand. The programme team will be in touch.",
        True,
    ),
    Event(
        "request_needs_attention_staff",
        MENTORING,
        Kind.PROGRAMME,
        "{mutual}'s request “{title}” needs a mentor found by hand: {reason}",
        False,
    ),
    Event(
        "request_no_match",
        MENTORING,
        Kind.INTRODUCTION,
        "We could not find a mentor for “{title}” this time. The programme team has left a note.",
        True,
    ),
    # --- Mentors and mutuals --------------------------------------------------------------------------------------
    Event(
        "mentor_volunteered",
        MENTORING,
        Kind.PROGRAMME,
        "{actor} volunteered as a mentor and is waiting for vetting.",
        False,
    ),
    Event("vetting_decided", ESSENTIAL, Kind.DECISION, "{decision}", True),
    Event("mutual_invitation", ESSENTIAL, Kind.ACCOUNT, None, True),
    # --- Relationships ------------------------------------------------------------------------------------------
    Event(
        "relationship_paused",
        MENTORING,
        Kind.RELATIONSHIP,
        "{actor} paused your mentoring relationship ({mentor} and {mutual}).{note}",
        True,
    ),
    Event(
        "relationship_resumed",
        MENTORING,
        Kind.RELATIONSHIP,
        "{actor} resumed your mentoring relationship ({mentor} and {mutual}).",
        True,
    ),
    Event(
        "relationship_completed",
        MENTORING,
        Kind.RELATIONSHIP,
        "{actor} marked your mentoring relationship ({mentor} and {mutual}) as completed. Tell us how it went.",
        True,
    ),
    Event(
        "relationship_ended_early",
        MENTORING,
        Kind.RELATIONSHIP,
        "{actor} ended your mentoring relationship ({mentor} and {mutual}) early.",
        True,
    ),
    Event("messages_unread", MESSAGES, Kind.MESSAGE, "New messages in your conversation with {other_side}.", True),
    Event(
        "goal_proposed",
        MENTORING,
        Kind.RELATIONSHIP,
        "{actor} proposed a goal: {goal}. Agree it if it is right.",
        False,
    ),
    Event("goal_agreed", MENTORING, Kind.RELATIONSHIP, "{actor} agreed the goal: {goal}.", False),
    Event("check_in_recorded", MENTORING, Kind.RELATIONSHIP, "{actor} logged a check-in on {met_on}.", False),
    Event(
        "relationship_quiet",
        MENTORING,
        Kind.NUDGE,
        "Nothing has happened in your mentoring relationship ({mentor} and {mutual}) for {days} days. "
        "Send a message or log a check-in.",
        True,
    ),
    Event(
        "relationship_at_risk",
        MENTORING,
        Kind.PROGRAMME,
        "The mentoring relationship between {mentor} and {mutual} has been quiet for {days} days.",
        False,
    ),
    # --- Meetings -------------------------------------------------------------------------------------------------
    Event(
        "meeting_proposed",
        MENTORING,
        Kind.RELATIONSHIP,
        "{actor} proposed a meeting ({how}) on {when}. Accept it or suggest another time.",
        True,
    ),
    Event(
        "meeting_time_suggested",
        MENTORING,
        Kind.RELATIONSHIP,
        "{actor} suggested another time for your meeting: {when}. Accept it or suggest another time.",
        True,
    ),
    Event("meeting_accepted", MENTORING, Kind.RELATIONSHIP, "{actor} accepted the meeting on {when}.", False),
    Event("meeting_cancelled", MENTORING, Kind.RELATIONSHIP, "{actor} cancelled the meeting on {when}.", False),
    # The calendar invitation (.ics) to every party, the one who acted too: their calendar needs it as well.
    Event("meeting_invitation", MENTORING, Kind.RELATIONSHIP, None, True),
    Event(
        "meeting_reminder",
        MENTORING,
        Kind.NUDGE,
        "Reminder: your mentoring meeting ({mentor} and {mutual}) is on {when}.",
        True,
    ),
    Event(
        "first_meeting_due",
        MENTORING,
        Kind.NUDGE,
        "Your mentoring relationship ({mentor} and {mutual}) started {days} days ago and you have not met yet. "
        "Propose a first meeting.",
        True,
    ),
    Event(
        "first_meeting_missing",
        MENTORING,
        Kind.PROGRAMME,
        "{mentor} and {mutual} have not held a first meeting {days} days after their relationship started.",
        False,
    ),
    Event("document_shared", MENTORING, Kind.RELATIONSHIP, "{actor} shared a document: {document}.", False),
    # --- Mentoring groups ---------------------------------------------------------------------------------------
    Event(
        "group_started",
        MENTORING,
        Kind.RELATIONSHIP,
        "A mentoring group has started: “{title}”, with {mentor} as its mentor and {count} mutuals.",
        True,
    ),
    Event("group_message", MESSAGES, Kind.MESSAGE, "{actor} wrote in the group “{title}”.", False),
    # The calendar invitation (.ics) to every party of the group, the mentor who arranged it too.
    Event("group_meeting_invitation", MENTORING, Kind.RELATIONSHIP, None, True),
    Event(
        "group_meeting_reminder",
        MENTORING,
        Kind.NUDGE,
        "Reminder: your group mentoring meeting (“{title}”) is on {when}.",
        True,
    ),
    Event(
        "group_mutual_left",
        MENTORING,
        Kind.RELATIONSHIP,
        "{mutual} left the group “{title}”. Tell us how it went for them.",
        False,
    ),
    Event(
        "group_feedback_due",
        MENTORING,
        Kind.NUDGE,
        "{mutual} has left the group “{title}”. Tell us how it went: it takes two minutes.",
        False,
    ),
    Event(
        "group_closed",
        MENTORING,
        Kind.RELATIONSHIP,
        "{actor} closed the group “{title}”. Tell us how it went.",
        True,
    ),
    # --- Mentoring agreements -------------------------------------------------------------------------------------
    Event(
        "agreement_proposed",
        MENTORING,
        Kind.RELATIONSHIP,
        "{actor} proposed {change}. Read it and confirm it if it is right.",
        True,
    ),
    Event("agreement_confirmed", MENTORING, Kind.RELATIONSHIP, "{actor} confirmed your mentoring agreement.", False),
    Event(
        "agreement_review_due",
        MENTORING,
        Kind.NUDGE,
        "Your mentoring agreement ({mentor} and {mutual}) is due for review ({review_on}). Review it, extend it or "
        "close the relationship.",
        True,
    ),
    # --- Moderation ---------------------------------------------------------------------------------------------
    Event("message_reported", ESSENTIAL, Kind.MODERATION, "A message has been reported: {reason}.", False),
    Event(
        "conduct_breach_reported",
        ESSENTIAL,
        Kind.MODERATION,
        "A member of {mutual} reported a breach of the mentor code of conduct by {mentor}.",
        False,
    ),
    Event("message_hidden", ESSENTIAL, Kind.MODERATION, "The programme team hid one of your messages: {note}", True),
    Event(
        "message_restored", ESSENTIAL, Kind.MODERATION, "The programme team showed one of your messages again.", False
    ),
    Event("account_suspended", ESSENTIAL, Kind.MODERATION, None, True),
    Event("account_reinstated", ESSENTIAL, Kind.MODERATION, "Your account can be used again.", True),
    # --- Ambassadors ---------------------------------------------------------------------------------------------
    Event("application_received", ESSENTIAL, Kind.AMBASSADOR, None, True),
    Event(
        "application_received_staff",
        PROGRAMME,
        Kind.PROGRAMME,
        "{actor} applied to be an ambassador ({cohort}).",
        False,
    ),
    Event("application_moved", PROGRAMME, Kind.AMBASSADOR, "Your ambassador application is now: {status}.", False),
    Event("application_decided", ESSENTIAL, Kind.AMBASSADOR, "{decision}", True),
    Event("nomination_sent", ESSENTIAL, Kind.AMBASSADOR, None, True),
    Event(
        "engagement_invitation",
        PROGRAMME,
        Kind.AMBASSADOR,
        "You are invited to an engagement: “{title}”. Please reply.",
        True,
    ),
    Event(
        "engagement_response",
        PROGRAMME,
        Kind.AMBASSADOR,
        "{ambassador} {answer} your engagement request “{title}”.",
        True,
    ),
    Event("ambassador_stood_down", ESSENTIAL, Kind.AMBASSADOR, "You have stood down as an ambassador: {reason}", True),
    # --- The information service: enquiries and case studies ---------------------------------------------------
    Event("enquiry_received", ESSENTIAL, Kind.ACCOUNT, None, True),
    Event(
        "enquiry_received_staff",
        PROGRAMME,
        Kind.PROGRAMME,
        "New {what} in the enquiry queue: {reference} from {sender}.",
        False,
    ),
    Event("enquiry_assigned", PROGRAMME, Kind.PROGRAMME, "{actor} assigned enquiry {reference} to you.", False),
    Event("enquiry_reply", ESSENTIAL, Kind.ACCOUNT, None, True),
    Event("enquiry_invitation", ESSENTIAL, Kind.ACCOUNT, None, True),
    Event(
        "case_study_published",
        PROGRAMME,
        Kind.PROGRAMME,
        "Your mutual's story is published in the case studies: “{title}”.",
        False,
    ),
    # --- Your account -------------------------------------------------------------------------------------------
    Event("account_deleted", ESSENTIAL, Kind.ACCOUNT, None, True, keep_record=False),
    # --- Added alongside (outcomes, announcements, imports) ---------------------------------------------------
    Event(
        "outcome_survey_due",
        MENTORING,
        Kind.NUDGE,
        "A short {survey} about your mentoring ({mentor} and {mutual}) is ready. It takes about two minutes.",
        True,
    ),
    Event(
        "outcome_survey_reminder",
        MENTORING,
        Kind.NUDGE,
        "Reminder: your {survey} about your mentoring ({mentor} and {mutual}) is still waiting for your answers.",
        True,
    ),
    Event("announcement", PROGRAMME, Kind.PROGRAMME, "From the programme team: {subject}", True),
    Event("record_claim_invitation", ESSENTIAL, Kind.ACCOUNT, None, True),
    # --- Claiming a mutual nobody has joined yet (accounts.claims) ------------------------------------------
    Event("mutual_claim_invitation", ESSENTIAL, Kind.ACCOUNT, None, True),
    Event("mutual_claim_requested", PROGRAMME, Kind.PROGRAMME, "{actor} asked to claim {mutual}.", False),
    Event("mutual_claimed", PROGRAMME, Kind.PROGRAMME, "{actor} claimed {mutual}: they are its first member.", False),
    Event(
        "mutual_claim_decided",
        ESSENTIAL,
        Kind.ACCOUNT,
        "Your request to claim {mutual} was {decision}.",
        True,
    ),
    # Notices written before events existed: their words were stored as they were shown.
    Event("legacy", MENTORING, Kind.ACCOUNT, "{text}", False),
)


def get(key: str) -> Event:
    try:
        return EVENTS[key]
    except KeyError:
        raise ValueError(f"Unknown notification event {key!r}: add it to notifications/events.py") from None
