"""GOV.UK Notify as the email backend, against a stub of the official client (no network): what it is given, and the
errors the send task must see (an outage retried, a refusal failing the email at once)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import requests
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from notifications_python_client.errors import HTTPError

from accounts import personal_data
from notifications import backends, email_files, services, tasks
from notifications.models import EmailFile, OutboundEmail
from notifications.services import notify
from tests.factories import UserFactory

NOTIFY = "notifications.backends.NotifyEmailBackend"
# The shape of a Notify API key: key name, service id, secret (both UUIDs); the stub never checks it.
API_KEY = "test-key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def _api_error(status: int, message: str) -> HTTPError:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps({"errors": [{"error": "Error", "message": message}]}).encode()
    return HTTPError(response)


class StubNotifyClient:
    """Stands in for notifications_python_client's NotificationsAPIClient: records each call, or raises `error`."""

    calls: list[dict[str, Any]] = []
    made_with: list[tuple[str, dict[str, Any]]] = []
    error: Exception | None = None

    def __init__(self, api_key: str, **kwargs: Any) -> None:
        type(self).made_with.append((api_key, kwargs))

    def send_email_notification(self, **kwargs: Any) -> dict[str, Any]:
        if type(self).error is not None:
            raise type(self).error
        type(self).calls.append(kwargs)
        return {"id": "740e5834-3a29-46b4-9a6f-16142fde533a", "content": {"subject": kwargs["personalisation"]}}


@pytest.fixture
def notify_client(settings, monkeypatch: pytest.MonkeyPatch) -> type[StubNotifyClient]:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = NOTIFY
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    StubNotifyClient.calls = []
    StubNotifyClient.made_with = []
    StubNotifyClient.error = None
    monkeypatch.setattr(backends, "NotificationsAPIClient", StubNotifyClient)
    return StubNotifyClient


def _paused_email(user: Any) -> OutboundEmail:
    """An optional email (mentoring): it carries a one-click unsubscribe link."""
    notify(
        "relationship_paused",
        to=[user],
        actor=UserFactory(full_name="Bob Mentor"),
        params={"mentor": None, "mutual": "Riverside Care Mutual", "note": ""},
        url="/relationships/4/",
    )
    return OutboundEmail.objects.get(recipient=user)


@pytest.mark.django_db
def test_an_email_goes_to_notify_as_subject_and_body_with_its_unsubscribe_link(
    notify_client: type[StubNotifyClient], settings
) -> None:  # type: ignore[no-untyped-def]
    rosa = UserFactory(email="rosa@example.org", full_name="Rosa Member")
    email = _paused_email(rosa)

    assert services.email_send(email_id=email.pk) is True

    [call] = notify_client.calls
    assert call["email_address"] == "rosa@example.org"
    assert call["template_id"] == TEMPLATE_ID
    assert call["personalisation"]["subject"] == "Your mentoring relationship has been paused"
    body = call["personalisation"]["body"]
    assert body.startswith("Dear Rosa Member,")
    assert "Bob Mentor" in body  # people are named when the email is sent
    assert f"{settings.SITE_URL}/relationships/4/" in body
    assert call["one_click_unsubscribe_url"].startswith(f"{settings.SITE_URL}/account/emails/unsubscribe/")
    assert call["one_click_unsubscribe_url"] in body
    assert notify_client.made_with == [(API_KEY, {"timeout": settings.EMAIL_TIMEOUT})]
    assert mail.outbox == []  # nothing through Django's own backends
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


@pytest.mark.django_db
def test_an_essential_email_has_no_unsubscribe_link(notify_client: type[StubNotifyClient]) -> None:
    user = UserFactory()
    notify("account_reinstated", to=[user], params={"note": "Sorry."}, url="/dashboard/")

    assert services.email_send(email_id=OutboundEmail.objects.get(recipient=user).pk) is True

    [call] = notify_client.calls
    assert call["one_click_unsubscribe_url"] is None
    assert call["personalisation"]["subject"] == "Your account can be used again"


@pytest.mark.django_db
def test_notify_being_down_is_a_connection_error_the_task_retries(notify_client: type[StubNotifyClient]) -> None:
    notify_client.error = _api_error(503, "Service unavailable")
    email = _paused_email(UserFactory())

    with pytest.raises(ConnectionError, match=r"GOV\.UK Notify did not take the email") as raised:
        services.email_send(email_id=email.pk, final_attempt=False)

    assert isinstance(raised.value, services.TRANSIENT_ERRORS)
    assert isinstance(raised.value.__cause__, HTTPError)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.PENDING, 1)  # released for the retry

    # Notify is back: the retry sends it.
    notify_client.error = None
    assert tasks.send_email.delay(email.pk).get() is True
    assert len(notify_client.calls) == 1


@pytest.mark.django_db
def test_too_many_requests_is_retried_too(notify_client: type[StubNotifyClient]) -> None:
    notify_client.error = _api_error(429, "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds")
    email = _paused_email(UserFactory())

    with pytest.raises(backends.NotifyUnavailable):
        services.email_send(email_id=email.pk, final_attempt=False)


@pytest.mark.django_db
def test_a_refusal_propagates_and_fails_the_email_at_once(notify_client: type[StubNotifyClient]) -> None:
    notify_client.error = _api_error(400, "template_id is not a valid UUID")
    email = _paused_email(UserFactory())

    with pytest.raises(HTTPError) as raised:
        tasks.send_email.delay(email.pk)

    assert "template_id is not a valid UUID" in str(raised.value)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboundEmail.Status.FAILED, 1)
    assert "400" in email.last_error


def test_the_backend_refuses_to_start_without_its_key_or_template(settings) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE_ID
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY"):
        backends.NotifyEmailBackend()
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_TEMPLATE_ID = ""
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_TEMPLATE_ID"):
        backends.NotifyEmailBackend()


def test_the_real_client_is_the_one_used_and_takes_the_unsubscribe_link() -> None:
    """The stub stands in for this class: it must exist in the pinned library and accept what we pass it."""
    import inspect

    from notifications_python_client.notifications import NotificationsAPIClient

    assert backends.NotificationsAPIClient is NotificationsAPIClient
    parameters = inspect.signature(NotificationsAPIClient.send_email_notification).parameters
    assert {"email_address", "template_id", "personalisation", "one_click_unsubscribe_url"} <= set(parameters)


@pytest.mark.django_db
def test_allauth_emails_go_through_notify_too(notify_client: type[StubNotifyClient], client, settings) -> None:  # type: ignore[no-untyped-def]
    client.post(
        "/account/signup/",
        {
            "full_name": "Erin Example",
            "email": "erin@example.org",
            "password1": "correct-horse-battery-staple",
            "password2": "correct-horse-battery-staple",
        },
    )

    [call] = notify_client.calls
    assert call["email_address"] == "erin@example.org"
    assert "&#" not in call["personalisation"]["subject"]
    assert f"{settings.SITE_URL}/account/confirm-email/" in call["personalisation"]["body"]
    assert call["one_click_unsubscribe_url"] is None  # about their account: always sent


@pytest.mark.django_db
def test_a_calendar_invitation_is_a_signed_expiring_download_link_in_the_notify_email(
    notify_client: type[StubNotifyClient], settings, client
) -> None:  # type: ignore[no-untyped-def]
    """Notify cannot attach an .ics file: the body links to it, served by the application to whoever has the link,
    until it expires; a changed link is refused."""
    rosa = UserFactory(email="rosa@example.org", full_name="Rosa Member")
    invitation = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    notify(
        "meeting_invitation",
        to=[rosa],
        params={"mentor": None, "mutual": "Riverside", "when": "Tuesday", "how": "video call", "where": ""},
        url="/relationships/4/",
        attachments=[services.Attachment("mentoring-meeting-2027-01-05.ics", invitation, "text/calendar")],
    )
    assert services.email_send(email_id=OutboundEmail.objects.get(recipient=rosa).pk) is True

    [call] = notify_client.calls
    body = call["personalisation"]["body"]
    assert "The file that comes with this email, mentoring-meeting-2027-01-05.ics, is here for 30 days:" in body
    link = re.search(rf"{re.escape(settings.SITE_URL)}/email/files/\S+/", body)
    assert link is not None
    download = client.get(link.group(0).removeprefix(settings.SITE_URL))
    assert download.status_code == 200
    assert download.content == invitation
    assert download["Content-Type"] == "text/calendar"
    assert download["Content-Disposition"] == 'attachment; filename="mentoring-meeting-2027-01-05.ics"'

    # A link changed by one character is refused; after EMAIL_FILE_DAYS the link stops working and the file goes.
    path = link.group(0).removeprefix(settings.SITE_URL)
    assert client.get(path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]).status_code == 404
    stored = EmailFile.objects.get()
    assert stored.address == "rosa@example.org"
    assert stored.expires_at - stored.created_at == timedelta(days=email_files.EMAIL_FILE_DAYS)
    EmailFile.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(path).status_code == 404
    assert email_files.email_files_purge() == 1
    assert not EmailFile.objects.exists()


@pytest.mark.django_db
def test_the_files_emails_linked_to_go_with_the_account(notify_client: type[StubNotifyClient]) -> None:
    rosa = UserFactory(email="rosa@example.org")
    email_files.email_file_link(address="Rosa@example.org", filename="a.ics", content=b"x", mimetype="text/calendar")
    email_files.email_file_link(address="someone@example.org", filename="b.ics", content=b"x", mimetype="text/calendar")
    personal_data.account_delete(user=rosa)
    assert list(EmailFile.objects.values_list("address", flat=True)) == ["someone@example.org"]
