"""The programme team's announcement POSTs need the CSRF token, and no GET of a programme page changes anything."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programme.models import Announcement
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


def snapshot() -> list[dict[str, object]]:
    return list(Announcement.objects.order_by("pk").values())


@pytest.fixture
def announcement(staff: User) -> Announcement:
    MentorProfileFactory()  # someone to send it to
    return Announcement.objects.create(subject="News", body="Hello", roles=["mentors"], created_by=staff)


@pytest.mark.parametrize(
    ("url_name", "data", "with_pk"),
    [
        ("programme:announcement_create", {"subject": "New", "body": "Words"}, False),
        ("programme:announcement_send", {}, True),
    ],
)
def test_a_post_without_the_token_is_refused(
    staff: User, announcement: Announcement, client_for: ClientFor, url_name: str, data: dict[str, str], with_pk: bool
) -> None:
    url = reverse(url_name, kwargs={"pk": announcement.pk} if with_pk else {})
    before = snapshot()
    assert client_for(staff, enforce_csrf_checks=True).post(url, data).status_code == 403
    assert snapshot() == before
    assert client_for(staff).post(url, data).status_code == 302
    assert snapshot() != before


@pytest.mark.parametrize(
    "url_name", ["programme:announcement_list", "programme:announcement_create", "programme:announcement_detail"]
)
def test_no_get_changes_anything(staff: User, announcement: Announcement, client_for: ClientFor, url_name: str) -> None:
    kwargs = {"pk": announcement.pk} if url_name.endswith("detail") else {}
    before = snapshot()
    for client in (Client(), client_for(staff)):
        client.get(reverse(url_name, kwargs=kwargs))
    assert snapshot() == before
