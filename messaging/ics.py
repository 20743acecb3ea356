"""Calendar files (RFC 5545) for meetings, made with the icalendar library.

One meeting is one VEVENT whose UID never changes (the meeting's `uid`) and whose SEQUENCE grows with each change,
so a calendar that has the invitation updates or removes the same entry when a new time or a cancellation arrives.
Times are written in Europe/London with the VTIMEZONE that defines it, so an 18:00 meeting the week after the clocks
change is 18:00 in every calendar, whichever side of the change it was sent from.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from email.utils import parseaddr
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging.models import GroupMeeting, Meeting

# A relationship's meeting, or a group's (messaging/models/groups.py): the same calendar entry either way.
AnyMeeting = Meeting | GroupMeeting

if TYPE_CHECKING:
    # Imported where used: icalendar is slow to import (a tenth of a second or more), which every process (a
    # management command, a worker) would otherwise pay at start-up through messaging's personal data registration.
    from icalendar import Calendar, Event

LONDON = ZoneInfo("Europe/London")
PRODUCT_ID = "-//Mutuals mentoring and ambassadors//Meetings//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
MIMETYPE = "text/calendar"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def meeting_uid(meeting: AnyMeeting) -> str:
    kind = "group-meeting" if isinstance(meeting, GroupMeeting) else "meeting"
    return f"{kind}-{meeting.uid}@{_host()}"


def _calendar(method: str | None = None, name: str = "") -> Calendar:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _title(meeting: AnyMeeting) -> str:
    if isinstance(meeting, GroupMeeting):
        return f"Group mentoring: {meeting.group.title}"
    relationship = meeting.relationship
    return f"Mentoring: {relationship.mentor_name} and {relationship.mutual.name}"


def _page(meeting: AnyMeeting) -> str:
    if isinstance(meeting, GroupMeeting):
        return reverse("messaging:group_detail", kwargs={"pk": meeting.group_id}) + f"#group-meeting-{meeting.pk}"
    return reverse("messaging:meeting_detail", kwargs={"pk": meeting.relationship_id, "meeting_pk": meeting.pk})


def _event(meeting: AnyMeeting, *, cancelled: bool = False, attendees: Sequence[User] = ()) -> Event:
    from icalendar import Event, vCalAddress

    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at.astimezone(LONDON))
    event.add("dtend", meeting.ends_at.astimezone(LONDON))
    event.add("summary", _title(meeting))
    page = settings.SITE_URL + _page(meeting)
    description = [meeting.get_format_display()]
    if meeting.format != Meeting.Format.IN_PERSON and meeting.link:
        description.append(f"Join: {meeting.link}")
    if meeting.agenda:
        description.append(meeting.agenda)
    description.append(f"Details and changes: {page}")
    event.add("description", "\n\n".join(description))
    event.add("url", page)
    if meeting.where:
        event.add("location", meeting.where)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if attendees:
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        organizer = vCalAddress(f"mailto:{address}")
        organizer.params["cn"] = name or settings.SITE_NAME
        event.add("organizer", organizer)
        for person in attendees:
            attendee = vCalAddress(f"mailto:{person.email}")
            attendee.params["cn"] = person.display_name
            attendee.params["role"] = "REQ-PARTICIPANT"
            attendee.params["partstat"] = "ACCEPTED"
            attendee.params["rsvp"] = "FALSE"
            event.add("attendee", attendee, encode=False)
    return event


def invitation(meeting: AnyMeeting, *, attendees: Sequence[User], method: str = REQUEST) -> bytes:
    """The file emailed to the parties: METHOD:REQUEST adds or updates the entry, METHOD:CANCEL removes it."""
    calendar = _calendar(method)
    calendar.add_component(_event(meeting, cancelled=method == CANCEL, attendees=attendees))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def filename(meeting: AnyMeeting) -> str:
    if isinstance(meeting, GroupMeeting):
        return f"group-mentoring-meeting-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics"
    return f"mentoring-meeting-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics"


def feed(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A subscription calendar: each upcoming meeting with the same UID as its emailed invitation."""
    calendar = _calendar(name=name)
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
