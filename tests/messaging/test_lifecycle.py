"""The relationship lifecycle: pause and resume, complete, end early (capacity freed), feedback, re-matching."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import MentorProfile, User
from matching import loading
from matching.models import Introduction, MentoringRequest, Suggestion
from messaging import services
from messaging.models import Feedback, Relationship
from messaging.services import RelationshipError
from notifications.models import Notice
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory
from tests.matching.factories import MentoringRequestFactory
from tests.notifications.outbox import notice_texts


def _url(name: str, relationship: Relationship) -> str:
    return reverse(f"messaging:{name}", kwargs={"pk": relationship.pk})


def test_pause_and_resume(relationship: Relationship, member: User, mentor: User, client_for: ClientFor) -> None:
    response = client_for(member).post(_url("relationship_pause", relationship), {"note": "Budget round until March"})
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.PAUSED
    assert relationship.paused_at is not None
    [notice] = notice_texts(mentor)
    assert notice == (
        f"Alice Member paused your mentoring relationship (Bob Mentor and {relationship.mutual.name}). "
        "They said: Budget round until March"
    )
    # Pausing does not free the mentor's place.
    assert MentorProfile.objects.get(user=mentor).active_mentees == 1

    response = client_for(mentor).post(_url("relationship_resume", relationship), {})
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    assert relationship.paused_at is None
    assert notice_texts(member) == [
        f"Bob Mentor resumed your mentoring relationship (Bob Mentor and {relationship.mutual.name})."
    ]


def test_pausing_needs_a_reason_and_an_active_relationship(
    relationship: Relationship, member: User, client_for: ClientFor
) -> None:
    response = client_for(member).post(_url("relationship_pause", relationship), {"note": ""})
    assert response.status_code == 200
    assert b"Enter why you are pausing" in response.content
    response = client_for(member).post(_url("relationship_resume", relationship), {})
    assert response.status_code == 200
    assert b"Only a paused relationship can be resumed" in response.content
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE


def test_completing_frees_the_mentors_capacity(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    response = client_for(member).post(_url("relationship_complete", relationship), {})
    assert response.status_code == 200  # the confirmation box was not ticked
    assert b"Confirm that you want to do this" in response.content
    response = client_for(member).post(_url("relationship_complete", relationship), {"confirm": "on"})
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.COMPLETED
    assert relationship.ended_by == member
    assert relationship.ended_at is not None
    assert MentorProfile.objects.get(user=mentor).active_mentees == 0
    assert Notice.objects.filter(user=mentor, url=_url("feedback_give", relationship)).exists()


def test_ending_early_needs_a_reason_and_frees_capacity(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    response = client_for(mentor).post(_url("relationship_end", relationship), {"reason": "   "})
    assert response.status_code == 200
    assert b"Enter why the relationship is ending" in response.content
    response = client_for(mentor).post(_url("relationship_end", relationship), {"reason": "I have moved abroad"})
    assert response.status_code == 302
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ENDED_EARLY
    assert relationship.end_reason == "I have moved abroad"
    assert MentorProfile.objects.get(user=mentor).active_mentees == 0
    assert notice_texts(member) == [
        f"Bob Mentor ended your mentoring relationship (Bob Mentor and {relationship.mutual.name}) early."
    ]


def test_a_closed_relationship_cannot_be_closed_again_and_capacity_never_goes_below_zero(
    relationship: Relationship, member: User, mentor: User
) -> None:
    MentorProfile.objects.filter(user=mentor).update(active_mentees=0)  # a counter already out of step
    services.relationship_complete(relationship=relationship, user=member)
    assert MentorProfile.objects.get(user=mentor).active_mentees == 0
    with pytest.raises(RelationshipError):
        services.relationship_end_early(relationship=relationship, user=member, reason="Twice")
    with pytest.raises(RelationshipError):
        services.relationship_pause(relationship=relationship, user=member)
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.COMPLETED


def test_only_parties_can_change_a_relationship(relationship: Relationship, outsider: User) -> None:
    with pytest.raises(RelationshipError):
        services.relationship_complete(relationship=relationship, user=outsider)
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE


def test_closing_feedback_comments_lose_control_characters_and_direction_overrides(
    relationship: Relationship, member: User, mentor: User
) -> None:
    services.relationship_complete(relationship=relationship, user=mentor)

    feedback = services.feedback_give(
        relationship=relationship,
        user=member,
        rating=5,
        goal_progress="all",
        would_recommend=True,
        comments="  Helpful\u202e evil\x07 mentor\r\nThanks  ",
    )

    assert feedback.comments == "Helpful evil mentor\nThanks"


def test_each_party_gives_feedback_once_after_closing(
    relationship: Relationship, member: User, mentor: User, client_for: ClientFor
) -> None:
    data = {"rating": "4", "goal_progress": "most", "would_recommend": "yes", "comments": "Very useful"}
    # Not before the relationship has closed.
    response = client_for(member).post(_url("feedback_give", relationship), data)
    assert response.status_code == 200
    assert not Feedback.objects.exists()

    services.relationship_complete(relationship=relationship, user=mentor)
    assert client_for(member).post(_url("feedback_give", relationship), data).status_code == 302
    assert (
        client_for(mentor).post(_url("feedback_give", relationship), {**data, "would_recommend": "no"}).status_code
        == 302
    )
    response = client_for(member).post(_url("feedback_give", relationship), data)
    assert response.status_code == 200
    assert b"already given your feedback" in response.content
    feedback = {f.author: f for f in Feedback.objects.all()}
    assert set(feedback) == {member, mentor}
    assert feedback[member].rating == 4
    assert feedback[member].would_recommend is True
    assert feedback[mentor].would_recommend is False


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"rating": "6", "goal_progress": "most", "would_recommend": "yes"},
        {"rating": "0", "goal_progress": "most", "would_recommend": "yes"},
        {"rating": "three", "goal_progress": "most", "would_recommend": "yes"},
        {"rating": "3", "goal_progress": "everything", "would_recommend": "yes"},
    ],
)
def test_bad_feedback_is_refused(
    relationship: Relationship, member: User, data: dict[str, str], client_for: ClientFor
) -> None:
    services.relationship_complete(relationship=relationship, user=member)
    response = client_for(member).post(_url("feedback_give", relationship), data)
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert not Feedback.objects.exists()


@pytest.fixture
def matched_request(relationship: Relationship, member: User) -> MentoringRequest:
    request = MentoringRequestFactory(
        mutual=relationship.mutual, created_by=member, status=MentoringRequest.Status.MATCHED
    )
    Relationship.objects.filter(pk=relationship.pk).update(request=request)
    # As in the service: the relationship started when the mentor accepted the introduction.
    Introduction.objects.create(request=request, mentor=relationship.mentor, status=Introduction.Status.ACCEPTED)
    relationship.refresh_from_db()
    return request


def test_after_an_early_end_the_mutual_can_ask_for_a_new_mentor_without_the_previous_one(
    relationship: Relationship,
    matched_request: MentoringRequest,
    member: User,
    mentor: User,
    django_capture_on_commit_callbacks,
    client_for: ClientFor,
) -> None:  # type: ignore[no-untyped-def]
    loading.forget_mentor_table()
    another_mentor = MentorProfileFactory(user__email="erin@example.org", capacity=3)
    services.relationship_end_early(relationship=relationship, user=mentor, reason="Moving abroad")
    page = client_for(member).get(_url("relationship_detail", relationship))
    assert b"Ask for a new mentor" in page.content
    # The mentor is not a member of the mutual: only members can reopen the request.
    assert b"Ask for a new mentor" not in client_for(mentor).get(_url("relationship_detail", relationship)).content

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(_url("relationship_rematch", relationship), {"confirm": "on"})
    assert response.status_code == 302
    matched_request.refresh_from_db()
    assert matched_request.status == MentoringRequest.Status.OPEN
    relationship.refresh_from_db()
    assert relationship.request_reopened_at is not None
    suggested = set(Suggestion.objects.filter(request=matched_request).values_list("mentor_id", flat=True))
    assert another_mentor.pk in suggested
    assert relationship.mentor_id not in suggested

    # Once only.
    response = client_for(member).post(_url("relationship_rematch", relationship), {"confirm": "on"})
    assert response.status_code == 200
    assert b"already been reopened" in response.content


def test_re_matching_is_refused_while_the_relationship_is_open_or_for_the_mentor(
    relationship: Relationship, matched_request: MentoringRequest, member: User, mentor: User, client_for: ClientFor
) -> None:
    response = client_for(member).post(_url("relationship_rematch", relationship), {"confirm": "on"})
    assert response.status_code == 200
    assert b"only after a relationship ended early" in response.content
    services.relationship_end_early(relationship=relationship, user=member, reason="Not a good fit")
    response = client_for(mentor).post(_url("relationship_rematch", relationship), {"confirm": "on"})
    assert response.status_code == 200
    assert b"Only members of the mutual" in response.content
    matched_request.refresh_from_db()
    assert matched_request.status == MentoringRequest.Status.MATCHED
