"""Case studies: never published without the mutual's recorded consent; drafted from a completed relationship's
closing feedback; a public list with filters."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mutual, User
from information import services
from information.models import CaseStudy
from messaging.models import Feedback, Goal, Relationship
from tests.factories import region, topic
from tests.forms import date_input
from tests.information.factories import CaseStudyFactory
from tests.messaging.factories import RelationshipFactory
from tests.notifications.outbox import notice_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(relationship: Relationship, member: User) -> Relationship:
    Relationship.objects.filter(pk=relationship.pk).update(
        status=Relationship.Status.COMPLETED, ended_at=timezone.now()
    )
    goal = Goal.objects.create(relationship=relationship, title="Agree the TUPE plan", status=Goal.Status.ACHIEVED)
    goal.topics.set([topic("tupe-and-employment")])
    Feedback.objects.create(
        relationship=relationship,
        author=member,
        rating=5,
        goal_progress=Feedback.GoalProgress.ALL,
        would_recommend=True,
        comments="Having someone who had done it before made all the difference.",
    )
    relationship.refresh_from_db()
    return relationship


def test_a_draft_is_written_from_the_closing_feedback_once(
    completed: Relationship, staff: User, mutual: Mutual
) -> None:
    draft = services.case_study_draft_from_relationship(relationship=completed, author=staff)
    assert (draft.status, draft.mutual, draft.has_consent) == ("draft", mutual, False)
    assert "made all the difference" in draft.what_helped
    assert "- Agree the TUPE plan (achieved)" in draft.story
    assert set(draft.topics.values_list("slug", flat=True)) >= {"tupe-and-employment"}
    assert services.case_study_draft_from_relationship(relationship=completed, author=staff) == draft
    assert CaseStudy.objects.count() == 1


def test_only_a_completed_relationship_with_feedback_can_be_drafted(relationship: Relationship, staff: User) -> None:
    with pytest.raises(services.InformationError, match="Only a completed"):
        services.case_study_draft_from_relationship(relationship=relationship, author=staff)


def test_never_published_without_consent(staff: User, staff_client: Client) -> None:
    draft = CaseStudyFactory(status=CaseStudy.Status.DRAFT, published_at=None, consent_recorded_at=None)
    response = staff_client.post(reverse("information:case_study_publish", kwargs={"pk": draft.pk}))
    assert response.status_code == 200
    assert "Record the mutual&#x27;s consent before publishing" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    # The database refuses it too, whatever code tries.
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseStudy.objects.filter(pk=draft.pk).update(status=CaseStudy.Status.PUBLISHED)


def test_consent_then_publish_then_withdraw(
    completed: Relationship, staff: User, staff_client: Client, member: User, client: Client
) -> None:
    draft = services.case_study_draft_from_relationship(relationship=completed, author=staff)
    response = staff_client.post(
        reverse("information:case_study_consent", kwargs={"pk": draft.pk}),
        {"given_by": "Alice Member, director", **date_input("given_on", timezone.localdate()), "how": "By email"},
    )
    assert response.status_code == 302
    staff_client.post(reverse("information:case_study_publish", kwargs={"pk": draft.pk}))
    draft.refresh_from_db()
    assert draft.status == "published"
    public = client.get(reverse("information:case_study_detail", kwargs={"slug": draft.slug}))
    assert public.status_code == 200
    assert notice_texts(member) == [f"Your mutual's story is published in the case studies: “{draft.title}”."]

    staff_client.post(reverse("information:case_study_consent_withdraw", kwargs={"pk": draft.pk}))
    draft.refresh_from_db()
    assert (draft.status, draft.has_consent) == ("draft", False)
    assert client.get(reverse("information:case_study_detail", kwargs={"slug": draft.slug})).status_code == 404


def test_consent_in_the_future_is_refused(staff_client: Client) -> None:
    draft = CaseStudyFactory(status=CaseStudy.Status.DRAFT, consent_recorded_at=None)
    response = staff_client.post(
        reverse("information:case_study_consent", kwargs={"pk": draft.pk}),
        {"given_by": "Jo", **date_input("given_on", (1, 1, 2999)), "how": "By email"},
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()


def test_the_public_list_filters_and_hides_drafts(client: Client) -> None:
    CaseStudyFactory(title="North West care story")
    CaseStudyFactory(title="London story", region=region("london"))
    CaseStudyFactory(title="Draft story", status=CaseStudy.Status.DRAFT, published_at=None, consent_recorded_at=None)
    html = client.get(reverse("information:case_study_list") + "?region=north-west").content.decode()
    assert "North West care story" in html and "London story" not in html and "Draft story" not in html
    assert "1 case study" in html


def test_the_staff_list_offers_completed_relationships(completed: Relationship, staff_client: Client) -> None:
    html = staff_client.get(reverse("information:case_study_staff_list")).content.decode()
    assert reverse("information:case_study_draft", kwargs={"relationship_pk": completed.pk}) in html
    RelationshipFactory(status=Relationship.Status.ENDED_EARLY)
    response = staff_client.post(reverse("information:case_study_draft", kwargs={"relationship_pk": completed.pk}))
    draft = CaseStudy.objects.get()
    assert response["Location"] == reverse("information:case_study_preview", kwargs={"pk": draft.pk})
    html = staff_client.get(reverse("information:case_study_staff_list")).content.decode()
    assert reverse("information:case_study_draft", kwargs={"relationship_pk": completed.pk}) not in html
