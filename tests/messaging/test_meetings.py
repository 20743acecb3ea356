"""Meetings: proposing, accepting or moving, cancelling, the calendar invitations (parsed back, across the clock
changes), reminders sent once, outcomes that become check-ins, the first-meeting milestone and the calendar feed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import User
from messaging import services
from messaging.forms.meetings import MeetingForm, parse_time
from messaging.models import CalendarFeed, CheckIn, Meeting, Nudge, Relationship
from messaging.services import RelationshipError
from notifications.models import Notice, OutboundEmail
from tests.clients import ClientFor
from tests.factories import MembershipFactory
from tests.forms import date_input
from tests.messaging.factories import MeetingFactory, RelationshipFactory, accepted_meeting_in_the_past

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def _propose(relationship: Relationship, user: User, starts_at: datetime, **fields: Any) -> Meeting:
    data = {"duration_minutes": 60, "format": Meeting.Format.VIDEO, "link": "https://meet.example.org/x"} | fields
    return services.meeting_propose(relationship=relationship, user=user, starts_at=starts_at, **data)


def _calendar_of(message: Any) -> Calendar:
    [(name, content, mimetype)] = message.attachments
    assert name.endswith(".ics") and mimetype == "text/calendar"
    return Calendar.from_ical(content)


def _event(calendar: Calendar) -> Any:
    [event] = calendar.walk("VEVENT")
    return event


# --- Proposing and accepting ------------------------------------------------------------------------------------


def test_the_other_side_accepts_and_every_party_gets_the_invitation(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    colleague = MembershipFactory(mutual=relationship.mutual, user__email="amir@example.org").user
    meeting = _propose(
        relationship, mentor, _at(2027, 2, 9, 14, 30), format=Meeting.Format.IN_PERSON, address="1 Quay St"
    )
    assert Notice.objects.filter(event="meeting_proposed", user=member).exists()

    with pytest.raises(RelationshipError, match="other side"):
        services.meeting_accept(meeting=meeting, user=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_accept(meeting=meeting, user=member)

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ACCEPTED and meeting.accepted_by == member
    invitations = [m for m in mail.outbox if m.attachments]
    assert sorted(m.to[0] for m in invitations) == sorted([member.email, mentor.email, colleague.email])
    assert (
        invitations[0].subject
        == "Calendar invitation: mentoring meeting on Tuesday 9 February 2027, 2:30pm to 3:30pm (UK time)"
    )
    calendar = _calendar_of(invitations[0])
    assert calendar["METHOD"] == "REQUEST"
    event = _event(calendar)
    assert str(event["UID"]) == f"meeting-{meeting.uid}@127.0.0.1" or str(event["UID"]).startswith(
        f"meeting-{meeting.uid}@"
    )
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == _at(2027, 2, 9, 14, 30)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert str(event["LOCATION"]) == "1 Quay St"
    assert {str(a) for a in event.get("ATTENDEE")} == {f"mailto:{u.email}" for u in (member, mentor, colleague)}
    # The invitation has the VTIMEZONE that defines Europe/London.
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    # The words of the email are forgotten once sent, the file too.
    assert not OutboundEmail.objects.exclude(attachments=[]).exists()


@pytest.mark.parametrize(
    ("local", "utc_hour"),
    [
        # The clocks go back on 31 October 2027 (BST to GMT) and forward on 28 March 2027 (GMT to BST).
        ((2027, 10, 30, 18), 17),
        ((2027, 11, 1, 18), 18),
        ((2027, 3, 27, 18), 18),
        ((2027, 3, 29, 18), 17),
    ],
)
def test_invitations_keep_the_uk_time_either_side_of_a_clock_change(
    relationship: Relationship,
    member: User,
    mentor: User,
    local: tuple[int, ...],
    utc_hour: int,
    django_capture_on_commit_callbacks: Any,
) -> None:
    meeting = _propose(relationship, mentor, _at(*local))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_accept(meeting=meeting, user=member)
    event = _event(_calendar_of(mail.outbox[-1]))
    start = event.decoded("DTSTART")
    assert (start.hour, start.utcoffset() is not None) == (18, True)
    assert start.astimezone(UTC).hour == utc_hour
    assert event.decoded("DTEND") - start == timedelta(hours=1)
    # The file also carries the rule for the change, so a calendar in another time zone gets it right.
    [vtimezone] = _calendar_of(mail.outbox[-1]).walk("VTIMEZONE")
    assert {component.name for component in vtimezone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_a_new_time_then_a_cancellation_update_the_same_calendar_entry(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = _propose(relationship, mentor, _at(2027, 5, 4, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_accept(meeting=meeting, user=member)
    first = _event(_calendar_of(mail.outbox[-1]))

    services.meeting_suggest_time(meeting=meeting, user=member, starts_at=_at(2027, 5, 6, 11), duration_minutes=45)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PROPOSED and meeting.proposed_by == member
    with pytest.raises(RelationshipError):
        services.meeting_accept(meeting=meeting, user=member)  # their own suggestion
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_accept(meeting=meeting, user=mentor)
    moved = _event(_calendar_of(mail.outbox[-1]))
    assert moved["UID"] == first["UID"] and moved["SEQUENCE"] == 1
    assert moved.decoded("DTSTART") == _at(2027, 5, 6, 11)

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, user=mentor)
    calendar = _calendar_of(mail.outbox[-1])
    assert calendar["METHOD"] == "CANCEL"
    cancelled = _event(calendar)
    assert cancelled["UID"] == first["UID"] and cancelled["SEQUENCE"] == 2 and cancelled["STATUS"] == "CANCELLED"
    assert mail.outbox[-1].subject.startswith("Cancelled: mentoring meeting on Thursday 6 May 2027")


def test_cancelling_a_proposal_that_was_never_accepted_sends_no_calendar_file(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    meeting = _propose(relationship, mentor, _at(2027, 5, 4, 10))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, user=member)
    assert not [m for m in mail.outbox if m.attachments]
    assert Notice.objects.filter(event="meeting_cancelled", user=mentor).exists()


def test_a_meeting_must_be_in_the_future_and_say_where(relationship: Relationship, mentor: User) -> None:
    with pytest.raises(RelationshipError, match="future"):
        _propose(relationship, mentor, timezone.now() - timedelta(minutes=5))
    with pytest.raises(RelationshipError, match="address"):
        _propose(relationship, mentor, _at(2027, 5, 4, 10), format=Meeting.Format.IN_PERSON, address=" ")
    with pytest.raises(RelationshipError, match="video link"):
        _propose(relationship, mentor, _at(2027, 5, 4, 10), link="")
    assert not Meeting.objects.exists()


def test_a_closed_relationship_cannot_arrange_meetings(relationship: Relationship, member: User, mentor: User) -> None:
    services.relationship_complete(relationship=relationship, user=member)
    with pytest.raises(RelationshipError, match="completed"):
        _propose(relationship, mentor, _at(2027, 5, 4, 10))


# --- The form -------------------------------------------------------------------------------------------------


def _form(**data: Any) -> MeetingForm:
    return MeetingForm(
        {
            **date_input("on", ("28", "3", "2027")),
            "time": "14:30",
            "duration_minutes": "60",
            "format": "video",
            "link": "https://meet.example.org/x",
        }
        | data
    )


def test_the_form_reads_uk_times_and_refuses_one_the_clocks_skip() -> None:
    form = _form()
    assert form.is_valid(), form.errors
    assert form.cleaned_data["starts_at"] == _at(2027, 3, 28, 14, 30)
    skipped = _form(time="1:30am")  # 01:00 to 02:00 does not happen on 28 March 2027
    assert not skipped.is_valid()
    assert skipped.errors["time"] == ["That time does not exist in the UK on that day because the clocks go forward"]
    assert parse_time("2pm").hour == 14 and parse_time("9.15am").minute == 15 and parse_time("noon").hour == 12
    assert parse_time("14") is None and parse_time("25:00") is None and parse_time("13pm") is None


def test_the_form_says_what_to_do(client_for: ClientFor, relationship: Relationship, member: User) -> None:
    response = client_for(member).post(reverse("messaging:meeting_create", kwargs={"pk": relationship.pk}), {})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    for message in ("Enter the date of the meeting", "Enter the time the meeting starts", "Choose how you will meet"):
        assert message in page
    address_missing = client_for(member).post(
        reverse("messaging:meeting_create", kwargs={"pk": relationship.pk}),
        {**date_input("on", ("4", "5", "2027")), "time": "10:00", "duration_minutes": "60", "format": "in_person"},
    )
    assert "Enter the address of the meeting" in address_missing.content.decode()
    assert not Meeting.objects.exists()


# --- Pages ------------------------------------------------------------------------------------------------------


def test_a_party_proposes_and_the_other_accepts_through_the_pages(
    client_for: ClientFor, relationship: Relationship, member: User, mentor: User
) -> None:
    response = client_for(member).post(
        reverse("messaging:meeting_create", kwargs={"pk": relationship.pk}),
        {
            **date_input("on", ("4", "5", "2027")),
            "time": "2:30pm",
            "duration_minutes": "45",
            "format": "phone",
            "link": "0161 496 0000",
            "agenda": "Pensions",
        },
        follow=True,
    )
    assert "Meeting proposed" in response.content.decode()
    meeting = Meeting.objects.get()
    assert meeting.starts_at == _at(2027, 5, 4, 14, 30) and meeting.proposed_by == member
    assert "Waiting for the other side" in response.content.decode()

    detail = client_for(mentor).get(
        reverse("messaging:meeting_detail", kwargs={"pk": relationship.pk, "meeting_pk": meeting.pk})
    )
    assert "Accept this time" in detail.content.decode() and "0161 496 0000" in detail.content.decode()
    accepted = client_for(mentor).post(
        reverse("messaging:meeting_accept", kwargs={"pk": relationship.pk, "meeting_pk": meeting.pk}), follow=True
    )
    assert "Everyone has been emailed a calendar invitation" in accepted.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.ACCEPTED
    relationship_page = client_for(member).get(reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk}))
    assert "Tuesday 4 May 2027, 14:30" in relationship_page.content.decode()

    ics = client_for(member).get(
        reverse("messaging:meeting_calendar_file", kwargs={"pk": relationship.pk, "meeting_pk": meeting.pk})
    )
    assert ics["Content-Type"].startswith("text/calendar") and "attachment" in ics["Content-Disposition"]
    assert _event(Calendar.from_ical(ics.content))["UID"] == services.meetings.ics.meeting_uid(meeting)


def test_nobody_outside_the_relationship_sees_or_changes_its_meetings(
    client_for: ClientFor, relationship: Relationship, outsider: User, other_mutual: Any, staff: User
) -> None:
    meeting = MeetingFactory(relationship=relationship)
    elsewhere = RelationshipFactory(mutual=other_mutual)
    outsider_member = other_mutual.members.get()
    kwargs = {"pk": relationship.pk, "meeting_pk": meeting.pk}
    for person in (outsider, outsider_member, staff):
        client = client_for(person)
        assert client.get(reverse("messaging:meeting_detail", kwargs=kwargs)).status_code == 404
        assert client.post(reverse("messaging:meeting_accept", kwargs=kwargs)).status_code == 404
        assert client.post(reverse("messaging:meeting_cancel", kwargs=kwargs), {"confirm": "on"}).status_code == 404
    # A meeting of this relationship reached through another relationship's address is missing too.
    elsewhere_member = client_for(outsider_member)
    crossed = {"pk": elsewhere.pk, "meeting_pk": meeting.pk}
    assert elsewhere_member.get(reverse("messaging:meeting_detail", kwargs=crossed)).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PROPOSED


# --- After the meeting -------------------------------------------------------------------------------------------


def test_a_meeting_held_becomes_a_check_in(relationship: Relationship, member: User, mentor: User) -> None:
    meeting = accepted_meeting_in_the_past(relationship=relationship, format=Meeting.Format.IN_PERSON, address="Hall")
    services.meeting_record_outcome(meeting=meeting, user=mentor, held=True, notes="Agreed the TUPE timetable.")
    meeting.refresh_from_db()
    check_in = CheckIn.objects.get()
    assert meeting.status == Meeting.Status.HELD and meeting.check_in == check_in
    assert (check_in.format, check_in.duration_minutes, check_in.notes) == (
        "in_person",
        60,
        "Agreed the TUPE timetable.",
    )
    assert check_in.met_on == timezone.localdate(meeting.starts_at)
    assert Notice.objects.filter(event="check_in_recorded", user=member).exists()
    with pytest.raises(RelationshipError):
        services.meeting_record_outcome(meeting=meeting, user=member, held=False)


def test_a_meeting_not_held_is_no_check_in_and_outcomes_wait_for_the_start(
    relationship: Relationship, member: User, mentor: User
) -> None:
    upcoming = MeetingFactory(relationship=relationship, status=Meeting.Status.ACCEPTED, accepted_at=timezone.now())
    with pytest.raises(RelationshipError, match="once it has started"):
        services.meeting_record_outcome(meeting=upcoming, user=member, held=True)
    past = accepted_meeting_in_the_past(relationship=relationship)
    services.meeting_record_outcome(meeting=past, user=member, held=False)
    past.refresh_from_db()
    assert past.status == Meeting.Status.NOT_HELD and not CheckIn.objects.exists()


# --- Reminders ---------------------------------------------------------------------------------------------------


def test_the_reminder_goes_once_the_day_before(relationship: Relationship, member: User, mentor: User) -> None:
    now = timezone.now()
    tomorrow = MeetingFactory(
        relationship=relationship,
        status=Meeting.Status.ACCEPTED,
        accepted_at=now - timedelta(days=4),
        starts_at=now + timedelta(hours=20),
    )
    MeetingFactory(  # next week: not yet
        relationship=relationship,
        status=Meeting.Status.ACCEPTED,
        accepted_at=now - timedelta(days=4),
        starts_at=now + timedelta(days=7),
    )
    MeetingFactory(  # accepted an hour ago for this evening: its invitation has just gone
        relationship=relationship,
        status=Meeting.Status.ACCEPTED,
        accepted_at=now - timedelta(hours=1),
        starts_at=now + timedelta(hours=6),
    )
    MeetingFactory(relationship=relationship, starts_at=now + timedelta(hours=5))  # never accepted

    assert services.meetings_remind(now=now) == 1
    assert services.meetings_remind(now=now) == 0
    assert services.meetings_remind(now=now + timedelta(hours=1)) == 0
    reminders = OutboundEmail.objects.filter(event="meeting_reminder")
    assert sorted(e.recipient_id for e in reminders) == sorted([member.pk, mentor.pk])
    tomorrow.refresh_from_db()
    assert tomorrow.reminder_sent_at == now


def test_the_reminder_task_run_twice_reminds_once(relationship: Relationship) -> None:
    from messaging.tasks import remind_meetings

    MeetingFactory(
        relationship=relationship,
        status=Meeting.Status.ACCEPTED,
        accepted_at=timezone.now() - timedelta(days=2),
        starts_at=timezone.now() + timedelta(hours=3),
    )
    assert remind_meetings() == 1
    assert remind_meetings() == 0
    assert OutboundEmail.objects.filter(event="meeting_reminder").count() == 2


# --- The first meeting -------------------------------------------------------------------------------------------


def test_a_pair_who_have_not_met_after_21_days_are_nudged_once_and_staff_see_it(
    client_for: ClientFor, mentor_profile: Any, mutual: Any, member: User, staff: User
) -> None:
    from messaging.tasks import flag_relationships_without_first_meeting

    waiting = RelationshipFactory(mentor=mentor_profile, mutual=mutual, started_at=timezone.now() - timedelta(days=22))
    met = RelationshipFactory(started_at=timezone.now() - timedelta(days=40))
    accepted_meeting_in_the_past(relationship=met)
    services.meeting_record_outcome(meeting=met.meetings.get(), user=met.mentor.user, held=True)
    RelationshipFactory(started_at=timezone.now() - timedelta(days=10))  # too soon

    assert flag_relationships_without_first_meeting() == 1
    assert flag_relationships_without_first_meeting() == 0
    tomorrow = timezone.now() + timedelta(days=1)
    assert services.relationships_flag_without_first_meeting(now=tomorrow).nudged == 0
    assert Nudge.objects.get(kind=Nudge.Kind.FIRST_MEETING).relationship == waiting
    assert OutboundEmail.objects.filter(event="first_meeting_due", recipient=member).count() == 1
    assert Notice.objects.filter(event="first_meeting_missing", user=staff).count() == 1

    listed = client_for(staff).get(reverse("messaging:staff_relationship_list") + "?no_first_meeting=on")
    assert listed.status_code == 200
    assert list(listed.context["pagination"].object_list) == [waiting]
    assert "No first meeting" in listed.content.decode()


# --- The calendar feed -------------------------------------------------------------------------------------------


def test_the_feed_lists_the_persons_accepted_meetings_and_can_be_revoked(
    client_for: ClientFor, relationship: Relationship, member: User, other_mutual: Any
) -> None:
    accepted = MeetingFactory(relationship=relationship, status=Meeting.Status.ACCEPTED, accepted_at=timezone.now())
    MeetingFactory(relationship=relationship)  # still a proposal
    MeetingFactory(relationship=RelationshipFactory(mutual=other_mutual), status=Meeting.Status.ACCEPTED)

    owner = client_for(member)
    owner.post(reverse("messaging:calendar_feed_settings"), {"action": "create"})
    token = CalendarFeed.objects.get(user=member).token
    settings_page = owner.get(reverse("messaging:calendar_feed_settings")).content.decode()
    assert token in settings_page

    feed_url = reverse("messaging:calendar_feed", kwargs={"token": token})
    response = Client().get(feed_url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(response.content)
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [services.meetings.ics.meeting_uid(accepted)]

    owner.post(reverse("messaging:calendar_feed_settings"), {"action": "create"})
    assert Client().get(feed_url).status_code == 404  # the old address stopped working
    new_url = reverse("messaging:calendar_feed", kwargs={"token": CalendarFeed.objects.get(user=member).token})
    assert Client().get(new_url).status_code == 200
    owner.post(reverse("messaging:calendar_feed_settings"), {"action": "revoke"})
    assert Client().get(new_url).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_a_guessed_or_suspended_feed_address_is_not_found(member: User) -> None:
    feed = services.calendar_feed_create(user=member)
    assert Client().get(reverse("messaging:calendar_feed", kwargs={"token": "guess"})).status_code == 404
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert Client().get(reverse("messaging:calendar_feed", kwargs={"token": feed.token})).status_code == 404


def test_a_persons_meetings_are_in_their_data_and_their_feed_goes_with_their_account(
    relationship: Relationship, member: User, mentor: User
) -> None:
    from accounts import personal_data

    _propose(relationship, member, _at(2027, 5, 4, 10), agenda="Our pension questions")
    services.calendar_feed_create(user=member)
    data = personal_data.personal_data_export(user=member)
    assert [m["agenda"] for m in data["meetings_proposed"]] == ["Our pension questions"]
    assert data["calendar_feed"][0]["created_at"] and "token" not in data["calendar_feed"][0]

    personal_data.account_delete(user=member)
    assert not CalendarFeed.objects.exists()
    # The meeting belongs to the relationship, which the mutual keeps; it no longer names who proposed it.
    assert Meeting.objects.get().proposed_by is None


def test_closing_the_relationship_cancels_meetings_to_come_and_removes_them_from_calendars(
    relationship: Relationship, member: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    accepted = _propose(relationship, mentor, _at(2027, 5, 4, 10))
    services.meeting_accept(meeting=accepted, user=member)
    waiting = _propose(relationship, mentor, _at(2027, 5, 11, 10))
    past = accepted_meeting_in_the_past(relationship=relationship)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_complete(relationship=relationship, user=member)

    for meeting in (accepted, waiting, past):
        meeting.refresh_from_db()
    assert accepted.status == waiting.status == Meeting.Status.CANCELLED
    assert past.status == Meeting.Status.ACCEPTED  # a meeting that has started is left as it was
    cancellations = [m for m in mail.outbox if m.attachments]
    assert sorted(m.to[0] for m in cancellations) == sorted([member.email, mentor.email])
    assert all(_calendar_of(m)["METHOD"] == "CANCEL" for m in cancellations)
