"""The programme team's announcement and import POSTs need the CSRF token; no GET of their pages changes anything."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from programme.models import Announcement, ImportBatch
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


MENTORS_FILE = (
    "email,full_name,headline,bio,organisation,region,service_areas,topics\n"
    "nell@example.org,Nell New,Director,Bio,,north-west,adult-social-care,business-planning\n"
)


def imports() -> list[dict[str, object]]:
    return list(ImportBatch.objects.order_by("pk").values("pk", "applied_at")) + list(
        User.objects.filter(email="nell@example.org").values("pk")
    )


def test_the_import_posts_need_the_token(staff: User, client_for: ClientFor) -> None:
    def file() -> SimpleUploadedFile:
        return SimpleUploadedFile("mentors.csv", MENTORS_FILE.encode(), "text/csv")

    url = reverse("programme:import_upload")
    strict, relaxed = client_for(staff, enforce_csrf_checks=True), client_for(staff)
    assert strict.post(url, {"kind": "mentors", "file": file()}).status_code == 403
    assert imports() == []
    assert relaxed.post(url, {"kind": "mentors", "file": file()}).status_code == 302
    batch = ImportBatch.objects.get()
    confirm = reverse("programme:import_confirm", kwargs={"pk": batch.pk})
    before = imports()
    assert strict.post(confirm).status_code == 403
    assert imports() == before
    assert relaxed.post(confirm).status_code == 302
    assert imports() != before
    for client in (Client(), relaxed):
        client.get(reverse("programme:import_preview", kwargs={"pk": batch.pk}))
        client.get(url)
    assert User.objects.filter(email="nell@example.org").count() == 1
