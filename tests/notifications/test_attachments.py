"""Files sent with an email (a calendar invitation): kept with the email until it is sent, attached, then forgotten."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import User
from notifications import services
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_an_attachment_goes_with_the_email_and_is_forgotten_once_sent(member: User, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("notifications.services.dispatch", lambda email_ids: None)
    content = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    services.notify(
        "meeting_invitation",
        to=[member],
        params={"when": "Tuesday", "how": "video call", "where": "", "mentor": "Bob", "mutual": "Riverside"},
        attachments=[services.Attachment("meeting.ics", content, "text/calendar")],
    )
    email = OutboundEmail.objects.get()
    assert email.attachments[0]["filename"] == "meeting.ics"

    assert services.email_send(email_id=email.pk) is True
    [message] = mail.outbox
    assert message.attachments == [("meeting.ics", content.decode(), "text/calendar")]
    email.refresh_from_db()
    assert email.attachments == [] and email.params == {}


def test_an_event_that_is_not_emailed_cannot_carry_a_file(member: User) -> None:
    with pytest.raises(ValueError, match="not emailed"):
        services.notify("goal_agreed", to=[member], attachments=[services.Attachment("a.ics", b"x", "text/calendar")])
    too_big = services.Attachment("big.ics", b"x" * (services.MAX_ATTACHMENT_BYTES + 1), "text/calendar")
    with pytest.raises(ValueError, match="too large"):
        services.notify("meeting_invitation", to=[member], attachments=[too_big])
    assert not OutboundEmail.objects.exists()
