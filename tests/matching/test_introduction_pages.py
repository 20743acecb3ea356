"""The mentor's side of an introduction: why they were suggested, accepting (which opens the relationship) or
declining with a reason; other mentors' introductions, and their own still queued, are 404; CSRF is enforced."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import MentorProfile, User
from matching import services
from matching.models import Introduction, MentoringRequest
from messaging.models import Relationship
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


def test_the_mentor_sees_the_request_and_why_they_were_suggested(
    introduction: Introduction, mentor: User, client_for: ClientFor
) -> None:
    client = client_for(mentor)
    listing = client.get(reverse("matching:introduction_list"))
    assert "Help with our TUPE transfer" in listing.content.decode()
    page = client.get(reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}))
    body = page.content.decode()
    assert "would like you as their mentor" in body
    assert introduction.reasons[0] == "Works in adult social care"  # as the mutual reads it
    assert "You know their service: adult social care" in body  # as the mentor does
    assert "first choice" in body


def test_accepting_needs_the_confirmation_then_opens_the_relationship(
    introduction: Introduction, mentor: User, client_for: ClientFor
) -> None:
    client = client_for(mentor)
    url = reverse("matching:introduction_accept", kwargs={"pk": introduction.pk})
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Confirm that you can mentor this mutual" in response.content.decode()
    assert not Relationship.objects.exists()
    response = client.post(url, {"confirm": "on"})
    relationship = Relationship.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.ACCEPTED


def test_accepting_over_capacity_shows_the_reason(
    introduction: Introduction, mentor: User, client_for: ClientFor
) -> None:
    MentorProfile.objects.filter(user=mentor).update(active_mentees=2, capacity=2)
    response = client_for(mentor).post(
        reverse("matching:introduction_accept", kwargs={"pk": introduction.pk}), {"confirm": "on"}
    )
    assert response.status_code == 200
    assert "as many mutuals as you said you could" in response.content.decode()
    assert not Relationship.objects.exists()


def test_declining_needs_a_reason(introduction: Introduction, mentor: User, client_for: ClientFor) -> None:
    client = client_for(mentor)
    url = reverse("matching:introduction_decline", kwargs={"pk": introduction.pk})
    assert client.post(url, {"reason": "  "}).status_code == 200
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.PENDING
    assert client.post(url, {"reason": "Not my area"}).status_code == 302
    introduction.refresh_from_db()
    assert (introduction.status, introduction.decline_reason) == ("declined", "Not my area")


def test_people_who_are_not_mentors_are_told_who_gets_introductions(member: User, client_for: ClientFor) -> None:
    response = client_for(member).get(reverse("matching:introduction_list"))
    assert response.status_code == 403
    assert "Only mentors receive introductions" in response.content.decode()


def test_another_mentors_introduction_is_a_404_for_get_and_post(
    introduction: Introduction, client_for: ClientFor
) -> None:
    other_mentor = MentorProfileFactory().user
    client = client_for(other_mentor)
    for pk in (introduction.pk, introduction.pk + 100):
        assert client.get(reverse("matching:introduction_detail", kwargs={"pk": pk})).status_code == 404
        assert client.get(reverse("matching:introduction_decline", kwargs={"pk": pk})).status_code == 404
        accept = client.post(reverse("matching:introduction_accept", kwargs={"pk": pk}), {"confirm": "on"})
        decline = client.post(reverse("matching:introduction_decline", kwargs={"pk": pk}), {"reason": "No"})
        assert (accept.status_code, decline.status_code) == (404, 404)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.PENDING


def test_a_queued_introduction_is_not_shown_to_its_mentor_yet(
    open_request: MentoringRequest, member: User, three_mentors, client_for: ClientFor
) -> None:
    services.preferences_choose(request=open_request, user=member, mentor_ids=[m.pk for m in three_mentors[:2]])
    queued = open_request.introductions.get(preference=2)
    client = client_for(three_mentors[1].user)
    assert client.get(reverse("matching:introduction_detail", kwargs={"pk": queued.pk})).status_code == 404


def test_csrf_is_enforced_on_state_changing_posts(
    introduction: Introduction, mentor: User, client_for: ClientFor
) -> None:
    client = client_for(mentor, enforce_csrf_checks=True)
    response = client.post(reverse("matching:introduction_accept", kwargs={"pk": introduction.pk}), {"confirm": "on"})
    assert response.status_code == 403
    assert not Relationship.objects.exists()
