"""The mentoring agreement: proposed by one side, confirmed by the other, changed with re-confirmation while the old
terms stand, the review date prompting both sides once, and staff seeing who has none."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import services
from messaging.models import MentoringAgreement, Relationship
from messaging.services import RelationshipError
from notifications.models import Notice, OutboundEmail
from tests.clients import ClientFor
from tests.messaging.factories import MentoringAgreementFactory, RelationshipFactory

pytestmark = pytest.mark.django_db


def _propose(relationship: Relationship, user: User, **fields: Any) -> MentoringAgreement:
    data = {
        "meeting_frequency": "monthly",
        "duration_months": 6,
        "review_on": timezone.localdate() + timedelta(days=90),
        "out_of_scope": "Paid consultancy for the mutual.",
    } | fields
    return services.agreement_propose(relationship=relationship, user=user, **data)


def test_one_side_proposes_and_the_other_confirms(relationship: Relationship, member: User, mentor: User) -> None:
    agreement = _propose(relationship, mentor)
    assert Notice.objects.filter(event="agreement_proposed", user=member).exists()
    with pytest.raises(RelationshipError, match="other side"):
        services.agreement_confirm(agreement=agreement, user=mentor)
    services.agreement_confirm(agreement=agreement, user=member)
    agreement.refresh_from_db()
    assert agreement.is_agreed and agreement.confirmed_by == member
    assert Notice.objects.filter(event="agreement_confirmed", user=mentor).exists()
    with pytest.raises(RelationshipError, match="already"):
        services.agreement_confirm(agreement=agreement, user=member)


def test_a_change_needs_confirming_again_and_the_old_terms_stand_meanwhile(
    client_for: ClientFor, relationship: Relationship, member: User, mentor: User
) -> None:
    first = _propose(relationship, mentor)
    services.agreement_confirm(agreement=first, user=member)
    change = _propose(relationship, member, meeting_frequency="fortnightly", duration_months=9)
    assert change.version == 2 and not change.is_agreed

    page = client_for(mentor).get(reverse("messaging:agreement_detail", kwargs={"pk": relationship.pk}))
    text = page.content.decode()
    assert "Every two weeks" in text and "Every month" in text  # the proposal and the terms that still stand
    assert "The terms agreed until the change is confirmed" in text and "Confirm the agreement" in text

    # A second proposal before confirmation replaces the first, which can no longer be confirmed.
    replacement = _propose(relationship, member, duration_months=12)
    change.refresh_from_db()
    assert change.superseded_at is not None
    with pytest.raises(RelationshipError, match="replaced"):
        services.agreement_confirm(agreement=change, user=mentor)
    response = client_for(mentor).post(reverse("messaging:agreement_confirm", kwargs={"pk": relationship.pk}))
    assert response.status_code == 302
    replacement.refresh_from_db()
    assert replacement.is_agreed and replacement.confirmed_by == mentor


def test_the_terms_must_make_sense(relationship: Relationship, mentor: User, client_for: ClientFor) -> None:
    with pytest.raises(RelationshipError, match="future"):
        _propose(relationship, mentor, review_on=timezone.localdate())
    with pytest.raises(RelationshipError, match="months"):
        _propose(relationship, mentor, duration_months=30)
    response = client_for(mentor).post(reverse("messaging:agreement_propose", kwargs={"pk": relationship.pk}), {})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    for message in ("Choose how often you will meet", "Enter how many months", "Enter the review date"):
        assert message in page
    assert not MentoringAgreement.objects.exists()


def test_nobody_else_reads_or_confirms_the_agreement(
    client_for: ClientFor, relationship: Relationship, outsider: User, staff: User, other_mutual: Any
) -> None:
    agreement = MentoringAgreementFactory(relationship=relationship)
    for person in (outsider, staff, other_mutual.members.get()):
        client = client_for(person)
        assert client.get(reverse("messaging:agreement_detail", kwargs={"pk": relationship.pk})).status_code == 404
        assert client.post(reverse("messaging:agreement_confirm", kwargs={"pk": relationship.pk})).status_code == 404
    agreement.refresh_from_db()
    assert not agreement.is_agreed


def test_the_review_date_prompts_both_sides_once(relationship: Relationship, member: User, mentor: User) -> None:
    from messaging.tasks import prompt_agreement_reviews

    agreement = _propose(relationship, mentor, review_on=timezone.localdate() + timedelta(days=30))
    services.agreement_confirm(agreement=agreement, user=member)
    assert services.agreements_prompt_review() == 0  # not yet
    MentoringAgreement.objects.filter(pk=agreement.pk).update(review_on=timezone.localdate())
    assert prompt_agreement_reviews() == 1
    assert prompt_agreement_reviews() == 0
    assert sorted(e.recipient_id for e in OutboundEmail.objects.filter(event="agreement_review_due")) == sorted(
        [member.pk, mentor.pk]
    )
    # Extending it (new terms, a new review date, confirmed) prompts again when that date comes.
    extended = _propose(relationship, member, review_on=timezone.localdate() + timedelta(days=60))
    services.agreement_confirm(agreement=extended, user=mentor)
    later = timezone.now() + timedelta(days=61)
    assert services.agreements_prompt_review(now=later) == 1


def test_staff_see_which_relationships_have_no_agreement(
    client_for: ClientFor, relationship: Relationship, member: User, mentor: User, staff: User
) -> None:
    agreed = RelationshipFactory()
    MentoringAgreementFactory(
        relationship=agreed, confirmed_at=timezone.now(), confirmed_by=agreed.mutual.members.first()
    )
    _propose(relationship, mentor)  # proposed, not confirmed: still no agreement
    response = client_for(staff).get(reverse("messaging:staff_relationship_list") + "?no_agreement=on")
    assert list(response.context["pagination"].object_list) == [relationship]
    assert "No agreement" in response.content.decode()
