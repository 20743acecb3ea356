"""Meetings: proposing, accepting or moving, cancelling, recording whether they happened, the reminder the day
before, the first-meeting milestone, and each person's calendar feed.

Every accepted meeting is emailed to every party with a calendar invitation (messaging/ics.py) through the
notifications app; a change or a cancellation is emailed with the same UID and a higher SEQUENCE.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import group_selectors, ics, selectors
from messaging.models import CalendarFeed, CheckIn, GroupMeeting, Meeting, MentoringGroup, Nudge, Relationship
from messaging.models.meetings import FIRST_MEETING_DUE_AFTER, MEETING_MAX_MINUTES, MEETING_MIN_MINUTES
from messaging.services.common import (
    RelationshipError,
    _notify_others,
    _pair,
    _require_open,
    _require_party,
)
from messaging.services.goals import _same_side, check_in_create
from notifications.services import Attachment, notify

# The reminder goes in the day before: when the meeting is this close.
REMIND_BEFORE = timedelta(hours=24)


def meeting_url(meeting: Meeting) -> str:
    return reverse("messaging:meeting_detail", kwargs={"pk": meeting.relationship_id, "meeting_pk": meeting.pk})


def when_text(meeting: Meeting | GroupMeeting) -> str:
    """'Tuesday 27 October 2026, 6:00pm to 7:00pm (UK time)': what people read in notices and emails."""
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    return f"{start:%A} {start.day} {start:%B %Y}, {_clock(start)} to {_clock(end)} (UK time)"


def _clock(moment: datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"


def _params(meeting: Meeting) -> dict[str, str]:
    # The address, not the video link: an email links only to this service (a link a party typed is on the
    # meeting's page and in the calendar file).
    return {"when": when_text(meeting), "how": meeting.get_format_display().lower(), "where": meeting.address}


def _check_details(*, starts_at: datetime, duration_minutes: int, format: str, address: str, link: str) -> None:
    if starts_at <= timezone.now():
        raise RelationshipError("The meeting must be in the future.")
    if not MEETING_MIN_MINUTES <= duration_minutes <= MEETING_MAX_MINUTES:
        raise RelationshipError(f"A meeting must last between {MEETING_MIN_MINUTES} and {MEETING_MAX_MINUTES} minutes.")
    if format not in Meeting.Format.values:
        raise RelationshipError("Choose how you will meet.")
    if format == Meeting.Format.IN_PERSON and not address.strip():
        raise RelationshipError("Enter the address of the meeting.")
    if format != Meeting.Format.IN_PERSON and not link.strip():
        raise RelationshipError("Enter the video link or the phone number to call.")


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("relationship__mentor__user", "relationship__mutual")
        .get(pk=meeting.pk)
    )


def meeting_can_accept(*, meeting: Meeting, user: User) -> bool:
    """Whether this party may accept the time on offer: it waits for a reply and the other side offered it."""
    if meeting.status != Meeting.Status.PROPOSED or meeting.has_started:
        return False
    return meeting.proposed_by_id is None or not _same_side(meeting.relationship, meeting.proposed_by_id, user.pk)


@transaction.atomic
def meeting_propose(
    *,
    relationship: Relationship,
    user: User,
    starts_at: datetime,
    duration_minutes: int,
    format: str,
    address: str = "",
    link: str = "",
    agenda: str = "",
) -> Meeting:
    """Offer a meeting. The other side accepts it or suggests another time."""
    _require_party(relationship, user)
    _require_open(relationship, "arrange meetings")
    _check_details(starts_at=starts_at, duration_minutes=duration_minutes, format=format, address=address, link=link)
    in_person = format == Meeting.Format.IN_PERSON
    meeting = Meeting.objects.create(
        relationship=relationship,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        format=format,
        address=address.strip() if in_person else "",
        link="" if in_person else link.strip(),
        agenda=agenda,
        proposed_by=user,
    )
    _notify_others("meeting_proposed", relationship, user, url=meeting_url(meeting), **_params(meeting))
    return meeting


@transaction.atomic
def meeting_accept(*, meeting: Meeting, user: User) -> Meeting:
    """Accept the time the other side offered: every party is emailed the calendar invitation."""
    relationship = meeting.relationship
    _require_party(relationship, user)
    _require_open(relationship, "arrange meetings")
    meeting = _lock_meeting(meeting)
    if meeting.status != Meeting.Status.PROPOSED:
        raise RelationshipError(f"This meeting is {meeting.get_status_display().lower()}: there is nothing to accept.")
    if meeting.has_started:
        raise RelationshipError("This time has passed. Suggest another time instead.")
    if not meeting_can_accept(meeting=meeting, user=user):
        raise RelationshipError("The other side of the relationship needs to accept this time.")
    meeting.status = Meeting.Status.ACCEPTED
    meeting.accepted_by = user
    meeting.accepted_at = timezone.now()
    meeting.reminder_sent_at = None
    meeting.save(update_fields=["status", "accepted_by", "accepted_at", "reminder_sent_at"])
    _notify_others("meeting_accepted", relationship, user, url=meeting_url(meeting), **_params(meeting))
    _send_invitation(meeting, ics.REQUEST)
    return meeting


@transaction.atomic
def meeting_suggest_time(*, meeting: Meeting, user: User, starts_at: datetime, duration_minutes: int) -> Meeting:
    """Offer another time for a meeting waiting for a reply or already accepted. The other side then accepts it;
    until they do, an accepted meeting's calendar entry keeps the old time (the new time replaces it on acceptance,
    with the same UID)."""
    relationship = meeting.relationship
    _require_party(relationship, user)
    _require_open(relationship, "arrange meetings")
    meeting = _lock_meeting(meeting)
    if meeting.status not in (Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED):
        raise RelationshipError(f"This meeting is {meeting.get_status_display().lower()}: it cannot be moved.")
    _check_details(
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        format=meeting.format,
        address=meeting.address,
        link=meeting.link,
    )
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.status = Meeting.Status.PROPOSED
    meeting.proposed_by = user
    meeting.proposed_at = timezone.now()
    if meeting.accepted_at is not None:
        meeting.sequence += 1  # the calendar entry will change when this time is accepted
    meeting.save(update_fields=["starts_at", "duration_minutes", "status", "proposed_by", "proposed_at", "sequence"])
    _notify_others("meeting_time_suggested", relationship, user, url=meeting_url(meeting), **_params(meeting))
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, user: User) -> Meeting:
    """Call a meeting off. If it was ever in people's calendars, the cancellation removes it from them."""
    relationship = meeting.relationship
    _require_party(relationship, user)
    meeting = _lock_meeting(meeting)
    if meeting.status not in (Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED):
        raise RelationshipError(f"This meeting is {meeting.get_status_display().lower()}: it cannot be cancelled.")
    if meeting.has_started:
        raise RelationshipError("This meeting has started. Record whether it happened instead.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_by = user
    meeting.cancelled_at = timezone.now()
    in_calendars = meeting.accepted_at is not None
    if in_calendars:
        meeting.sequence += 1
    meeting.save(update_fields=["status", "cancelled_by", "cancelled_at", "sequence"])
    _notify_others("meeting_cancelled", relationship, user, url=meeting_url(meeting), **_params(meeting))
    if in_calendars:
        _send_invitation(meeting, ics.CANCEL)
    return meeting


def meetings_cancel_for_closed(*, relationship: Relationship, user: User | None) -> int:
    """A relationship closed: its meetings still to come are cancelled, and those in people's calendars are removed
    from them (METHOD:CANCEL). Called by the lifecycle service, inside its transaction."""
    cancelled = 0
    upcoming = Meeting.objects.select_for_update().filter(
        relationship=relationship,
        status__in=[Meeting.Status.PROPOSED, Meeting.Status.ACCEPTED],
        starts_at__gt=timezone.now(),
    )
    for meeting in upcoming:
        meeting.relationship = relationship
        in_calendars = meeting.accepted_at is not None
        meeting.status = Meeting.Status.CANCELLED
        meeting.cancelled_by = user
        meeting.cancelled_at = timezone.now()
        meeting.sequence += 1 if in_calendars else 0
        meeting.save(update_fields=["status", "cancelled_by", "cancelled_at", "sequence"])
        if in_calendars:
            _send_invitation(meeting, ics.CANCEL)
        cancelled += 1
    return cancelled


def _send_invitation(meeting: Meeting, method: str) -> None:
    parties = selectors.parties_of(meeting.relationship)
    content = ics.invitation(meeting, attendees=[person for person in parties if person.is_active], method=method)
    notify(
        "meeting_invitation",
        to=parties,
        params={**_pair(meeting.relationship), **_params(meeting), "cancelled": method == ics.CANCEL},
        url=meeting_url(meeting),
        attachments=[Attachment(ics.filename(meeting), content, ics.MIMETYPE)],
        # One email per version of the calendar entry, however often this runs.
        dedupe=f"meeting_invitation:{meeting.pk}:{meeting.sequence}:{method}",
    )


@transaction.atomic
def meeting_record_outcome(*, meeting: Meeting, user: User, held: bool, notes: str = "") -> Meeting:
    """After the meeting, either side says whether it happened. A meeting held becomes a check-in."""
    relationship = meeting.relationship
    _require_party(relationship, user)
    meeting = _lock_meeting(meeting)
    if meeting.status != Meeting.Status.ACCEPTED:
        raise RelationshipError(f"This meeting is {meeting.get_status_display().lower()}: its outcome is recorded.")
    if not meeting.has_started:
        raise RelationshipError("You can record whether the meeting happened once it has started.")
    if held:
        meeting.check_in = check_in_create(
            relationship=relationship,
            user=user,
            met_on=timezone.localdate(meeting.starts_at),
            duration_minutes=meeting.duration_minutes,
            format=CheckIn.Format.IN_PERSON if meeting.format == Meeting.Format.IN_PERSON else CheckIn.Format.REMOTE,
            notes=notes,
        )
    else:
        _require_open(relationship, "record meetings")
    meeting.status = Meeting.Status.HELD if held else Meeting.Status.NOT_HELD
    meeting.outcome_recorded_by = user
    meeting.outcome_recorded_at = timezone.now()
    meeting.save(update_fields=["status", "outcome_recorded_by", "outcome_recorded_at", "check_in"])
    return meeting


# --- Reminders and the first-meeting milestone ----------------------------------------------------------------


def _remind_once(model: type[Meeting] | type[GroupMeeting], pk: int, now: datetime, send: Callable[[], None]) -> bool:
    """Claim one meeting's reminder with a checked update of `reminder_sent_at`, then send it in the same
    transaction: a second run, or a second worker, finds it claimed and sends nothing."""
    with transaction.atomic():
        if not model.objects.filter(pk=pk, reminder_sent_at=None).update(reminder_sent_at=now):
            return False  # another run got there first
        send()
    return True


def _invited_late(created_or_accepted_at: datetime | None, starts_at: datetime) -> bool:
    # A meeting put in the calendars less than a day before it starts is not reminded: its invitation has just gone.
    return created_or_accepted_at is not None and created_or_accepted_at > starts_at - REMIND_BEFORE


def meetings_remind(*, now: datetime | None = None) -> int:
    """Remind every party of each accepted meeting that starts within the next day, once. A meeting accepted when
    it was already that close is not reminded: its invitation has just gone. Safe to run twice (and hourly): each
    reminder is claimed by a checked update of `reminder_sent_at`."""
    now = now or timezone.now()
    due = Meeting.objects.filter(
        status=Meeting.Status.ACCEPTED,
        reminder_sent_at=None,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
        relationship__status__in=Relationship.OPEN_STATUSES,
    ).select_related("relationship__mentor__user", "relationship__mutual")
    sent = 0
    for meeting in due:
        if _invited_late(meeting.accepted_at, meeting.starts_at):
            continue

        def send(meeting: Meeting = meeting) -> None:
            notify(
                "meeting_reminder",
                to=selectors.parties_of(meeting.relationship),
                params={**_pair(meeting.relationship), **_params(meeting)},
                url=meeting_url(meeting),
                dedupe=f"meeting_reminder:{meeting.pk}:{meeting.sequence}",
            )

        sent += _remind_once(Meeting, meeting.pk, now, send)
    return sent


def group_meetings_remind(*, now: datetime | None = None) -> int:
    """The same day-before reminder for group meetings: to the mentor and every member of each mutual still in
    the group (group_selectors.group_parties: a mutual that left is not reminded). Cancelled meetings and closed
    groups are not reminded; each meeting is reminded once, however often this runs."""
    now = now or timezone.now()
    due = GroupMeeting.objects.filter(
        status=GroupMeeting.Status.ARRANGED,
        reminder_sent_at=None,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
        group__status=MentoringGroup.Status.OPEN,
    ).select_related("group__mentor__user")
    sent = 0
    for meeting in due:
        if _invited_late(meeting.created_at, meeting.starts_at):
            continue

        def send(meeting: GroupMeeting = meeting) -> None:
            group = meeting.group
            notify(
                "group_meeting_reminder",
                to=group_selectors.group_parties(group),
                params={
                    "title": group.title,
                    "when": when_text(meeting),
                    "how": meeting.get_format_display().lower(),
                    "where": meeting.address,
                },
                url=reverse("messaging:group_detail", kwargs={"pk": group.pk}) + f"#group-meeting-{meeting.pk}",
                dedupe=f"group_meeting_reminder:{meeting.pk}:{meeting.sequence}",
            )

        sent += _remind_once(GroupMeeting, meeting.pk, now, send)
    return sent


@dataclass(frozen=True)
class FirstMeetingSummary:
    nudged: int


def relationships_flag_without_first_meeting(*, now: datetime | None = None) -> FirstMeetingSummary:
    """Nudge both sides, and tell the programme team, about each active relationship that has held no meeting
    (no check-in) FIRST_MEETING_DUE_AFTER after it started. Once per relationship: claimed by inserting a
    FIRST_MEETING nudge row; one already there (from any day) means it was done."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    waiting = (
        selectors.relationships_without_first_meeting(now - FIRST_MEETING_DUE_AFTER)
        .exclude(Exists(Nudge.objects.filter(relationship=OuterRef("pk"), kind=Nudge.Kind.FIRST_MEETING)))
        .select_related("mentor__user", "mutual")
    )
    staff = list(User.objects.filter(is_programme_team=True, is_active=True))
    nudged = 0
    for relationship in waiting:
        if _flag_first_meeting(relationship, today, now, staff):
            nudged += 1
    return FirstMeetingSummary(nudged=nudged)


@transaction.atomic
def _flag_first_meeting(relationship: Relationship, today: date, now: datetime, staff: list[User]) -> bool:
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(
                relationship=relationship, kind=Nudge.Kind.FIRST_MEETING, sent_on=today, created_at=now
            )
    except IntegrityError:
        return False  # another run claimed it today
    days = (now - relationship.started_at).days
    notify(
        "first_meeting_due",
        to=selectors.parties_of(relationship),
        params={**_pair(relationship), "days": days},
        url=reverse("messaging:meeting_create", kwargs={"pk": relationship.pk}),
        dedupe=f"first_meeting_due:{nudge.pk}",
    )
    notify(
        "first_meeting_missing",
        to=staff,
        params={**_pair(relationship), "days": days},
        url=reverse("messaging:staff_relationship_detail", kwargs={"pk": relationship.pk}),
    )
    return True


# --- Calendar feeds -----------------------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, user: User) -> CalendarFeed:
    """Give the person a new secret feed address. Any address they had before stops working."""
    token = secrets.token_urlsafe(32)
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user, defaults={"token": token})
    if not created:
        feed.token = token
        feed.created_at = timezone.now()
        feed.last_used_at = None
        feed.save(update_fields=["token", "created_at", "last_used_at"])
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> bool:
    """Turn the feed off: its address stops working. Returns whether there was one."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def calendar_feed_used(*, feed: CalendarFeed) -> None:
    # At most one write an hour per feed: calendar apps poll often.
    now = timezone.now()
    if feed.last_used_at is None or feed.last_used_at < now - timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
