"""Emails that could not be sent, for the programme team: listed with what went wrong, counted on the dashboard,
and tried again with a POST (never a GET, and never without the CSRF token)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from notifications.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("programme:failed_emails")


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _failed(recipient: User | None = None, **fields: Any) -> OutboundEmail:
    """An email as the send task leaves it after its last retry."""
    values: dict[str, Any] = {
        "event": "relationship_paused",
        "recipient": recipient,
        "params": {"actor": {"user": None}, "mentor": {"user": None}, "mutual": "Riverside Care Mutual", "note": ""},
        "url": "/relationships/1/",
        "status": OutboundEmail.Status.FAILED,
        "attempts": 7,
        "last_error": "SMTPServerDisconnected: Connection unexpectedly closed",
        **fields,
    }
    return OutboundEmail.objects.create(**values)


def _snapshot() -> list[dict[str, Any]]:
    return list(OutboundEmail.objects.order_by("pk").values())


def test_staff_see_each_failed_email_with_its_subject_recipient_attempts_and_error(staff: User) -> None:
    rosa = UserFactory(email="rosa@example.org", full_name="Rosa Member")
    _failed(rosa)
    _failed(event="mutual_invitation", to_address="new.colleague@example.org", params={"mutual": "Riverside"})
    _failed(UserFactory(email="sent@example.org"), status=OutboundEmail.Status.SENT, params={})

    response = _signed_in(staff).get(LIST)

    assert response.status_code == 200
    page = response.content.decode()
    assert "2 emails not sent" in page
    assert "Your mentoring relationship has been paused" in page  # the subject, as the person would have read it
    assert "Rosa Member" in page and "rosa@example.org" in page
    assert "new.colleague@example.org" in page
    assert "You have been invited to join a mutual" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
    assert "sent@example.org" not in page  # sent emails are not listed


def test_the_dashboard_counts_failed_emails_only_when_there_are_some(staff: User) -> None:
    client = _signed_in(staff)
    assert "could not be sent." not in client.get(reverse("programme:dashboard")).content.decode()

    _failed(UserFactory())
    _failed(UserFactory())
    page = client.get(reverse("programme:dashboard")).content.decode()

    assert "2 emails could not be sent." in page
    assert LIST in page


def test_trying_again_sends_the_email_and_says_so(staff: User, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    email = _failed(UserFactory(email="rosa@example.org"))
    client = _signed_in(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("programme:email_retry", kwargs={"pk": email.pk}))

    assert response.status_code == 302
    assert response["Location"] == LIST
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert [message.to for message in mail.outbox] == [["rosa@example.org"]]
    page = client.get(LIST).content.decode()
    assert "We are trying the email to rosa@example.org again." in page
    assert "0 emails not sent" in page

    # Pressed again: nothing more is sent, and the page says why.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("programme:email_retry", kwargs={"pk": email.pk}))
    assert len(mail.outbox) == 1
    assert "is no longer waiting to be tried again" in client.get(LIST).content.decode()


@pytest.mark.parametrize("persona", ["member", "mentor", "ambassador", "outsider"])
def test_nobody_else_can_try_an_email_again(persona_client, persona: str) -> None:  # type: ignore[no-untyped-def]
    email = _failed(UserFactory())
    before = _snapshot()

    response = persona_client(persona).post(reverse("programme:email_retry", kwargs={"pk": email.pk}))

    assert response.status_code == 404
    assert _snapshot() == before


def test_trying_again_needs_the_csrf_token(staff: User) -> None:
    email = _failed(UserFactory())
    url = reverse("programme:email_retry", kwargs={"pk": email.pk})
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    before = _snapshot()

    assert strict.post(url).status_code == 403
    assert _snapshot() == before

    # The same request with the token goes through, so the refusal above was the CSRF check and nothing else.
    assert _signed_in(staff).post(url).status_code == 302
    assert _snapshot() != before


def test_no_get_changes_a_failed_email(staff: User) -> None:
    email = _failed(UserFactory())
    before = _snapshot()
    client = _signed_in(staff)

    assert client.get(LIST).status_code == 200
    assert client.get(reverse("programme:email_retry", kwargs={"pk": email.pk})).status_code == 405
    assert client.get(reverse("programme:dashboard")).status_code == 200

    assert _snapshot() == before


def test_an_email_that_does_not_exist_is_a_404(staff: User) -> None:
    assert _signed_in(staff).post(reverse("programme:email_retry", kwargs={"pk": 999999})).status_code == 404


def test_the_list_uses_the_same_number_of_queries_at_5_and_50_emails(staff: User) -> None:
    client = _signed_in(staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    queries()  # the first page after sign-in also saves the session: count from the second
    for _ in range(5):
        _failed(UserFactory())
    at_5 = queries()
    for _ in range(45):
        _failed(UserFactory())
    at_50 = queries()

    assert at_5 == at_50
    assert at_50 <= 15
