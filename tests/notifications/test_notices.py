"""In-app notices: each opens the thing it is about, one or all can be marked as read, and the header's count of new
notices is right before and after. (Every event's notice is followed to its page in test_event_table.py.)"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import services as messaging_services
from messaging.models import CheckIn, Relationship
from notifications.models import Notice

pytestmark = pytest.mark.django_db

BADGE = re.compile(r'Notices <span class="app-badge">(\d+)<span class="govuk-visually-hidden"> new</span>')


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def header_count(client: Client) -> int:
    """The number in the header's "Notices" link, as the person sees it on any page (0: no badge)."""
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'href="/account/notices/">Notices' in page
    found = BADGE.findall(page)
    return int(found[0]) if found else 0


@pytest.fixture
def three_notices(relationship: Relationship, member: User, mentor: User) -> list[Notice]:
    """Bob pauses, resumes and logs a check-in: Alice is told three times."""
    messaging_services.relationship_pause(relationship=relationship, user=mentor)
    messaging_services.relationship_resume(relationship=relationship, user=mentor)
    messaging_services.check_in_create(
        relationship=relationship,
        user=mentor,
        met_on=timezone.localdate(),
        duration_minutes=30,
        format=CheckIn.Format.REMOTE,
    )
    notices = list(Notice.objects.filter(user=member).order_by("id"))
    assert [notice.event for notice in notices] == ["relationship_paused", "relationship_resumed", "check_in_recorded"]
    return notices


def test_a_notice_opens_the_thing_it_is_about(three_notices: list[Notice], member: User, relationship) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(member)
    check_in = three_notices[2]

    response = client.post(reverse("accounts:notice_read", kwargs={"pk": check_in.pk}))

    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:check_in_list", kwargs={"pk": relationship.pk})
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Bob Mentor" in three_notices[2].text
    check_in.refresh_from_db()
    assert check_in.is_read


def test_the_notice_list_shows_the_words_and_what_is_new(three_notices: list[Notice], member: User) -> None:
    page = _signed_in(member).get(reverse("accounts:notice_list")).content.decode()

    assert "Bob Mentor paused your mentoring relationship (Bob Mentor and Riverside Care Mutual" in page
    assert "Bob Mentor logged a check-in on" in page
    assert page.count(">New</strong>") == 3


def test_marking_one_read_and_then_all_read_moves_the_header_count(three_notices: list[Notice], member: User) -> None:
    client = _signed_in(member)
    assert header_count(client) == 3

    client.post(reverse("accounts:notice_read", kwargs={"pk": three_notices[0].pk}))
    assert header_count(client) == 2
    # Opening it again changes nothing.
    client.post(reverse("accounts:notice_read", kwargs={"pk": three_notices[0].pk}))
    assert header_count(client) == 2

    response = client.post(reverse("accounts:notice_read_all"))
    assert response.status_code == 302
    assert "Marked 2 notices as read." in client.get(response["Location"]).content.decode()
    assert header_count(client) == 0
    assert not Notice.objects.filter(user=member, read_at=None).exists()


def test_marking_all_read_leaves_other_peoples_notices_alone(
    three_notices: list[Notice], member: User, mentor: User, relationship: Relationship
) -> None:
    messaging_services.relationship_pause(relationship=relationship, user=member)  # Bob is told
    bob = _signed_in(mentor)
    assert header_count(bob) == 1

    _signed_in(member).post(reverse("accounts:notice_read_all"))

    assert header_count(bob) == 1
    assert Notice.objects.filter(user=mentor, read_at=None).count() == 1


def test_someone_elses_notice_is_a_404_and_stays_unread(three_notices: list[Notice], outsider: User) -> None:
    response = _signed_in(outsider).post(reverse("accounts:notice_read", kwargs={"pk": three_notices[0].pk}))

    assert response.status_code == 404
    three_notices[0].refresh_from_db()
    assert not three_notices[0].is_read


def test_a_new_notice_shows_in_the_header_at_once(relationship: Relationship, member: User, mentor: User) -> None:
    client = _signed_in(member)
    assert header_count(client) == 0

    messaging_services.goal_create(relationship=relationship, user=mentor, title="Agree the TUPE plan")

    assert header_count(client) == 1
