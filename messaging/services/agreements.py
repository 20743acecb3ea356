"""The mentoring agreement: proposing terms (or a change to them), confirming them, and the review-date prompt."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import selectors
from messaging.models import MentoringAgreement, Relationship
from messaging.models.agreements import AGREEMENT_MAX_MONTHS
from messaging.services.common import (
    RelationshipError,
    _lock,
    _notify_others,
    _pair,
    _require_open,
    _require_party,
)
from messaging.services.goals import _same_side
from notifications.services import notify


def agreement_url(relationship: Relationship) -> str:
    return reverse("messaging:agreement_detail", kwargs={"pk": relationship.pk})


def agreement_can_confirm(*, agreement: MentoringAgreement | None, user: User) -> bool:
    """Whether this party may confirm the version on the table: unconfirmed, current, proposed by the other side."""
    if agreement is None or agreement.is_agreed or agreement.superseded_at is not None:
        return False
    if not agreement.relationship.is_open:
        return False
    return agreement.proposed_by_id is None or not _same_side(agreement.relationship, agreement.proposed_by_id, user.pk)


@transaction.atomic
def agreement_propose(
    *,
    relationship: Relationship,
    user: User,
    meeting_frequency: str,
    duration_months: int,
    review_on: date,
    out_of_scope: str = "",
) -> MentoringAgreement:
    """Propose the agreement, or a change to it: a new version the other side confirms. A version still waiting
    for confirmation is replaced; the terms last agreed stand until the new ones are confirmed."""
    _require_party(relationship, user)
    _require_open(relationship, "change the agreement")
    relationship = _lock(relationship)  # two proposals at once must not both take the next version number
    if meeting_frequency not in MentoringAgreement.Frequency.values:
        raise RelationshipError("Choose how often you will meet.")
    if not 1 <= duration_months <= AGREEMENT_MAX_MONTHS:
        raise RelationshipError(f"The mentoring should run for between 1 and {AGREEMENT_MAX_MONTHS} months.")
    if review_on <= timezone.localdate():
        raise RelationshipError("The review date must be in the future.")
    now = timezone.now()
    MentoringAgreement.objects.filter(relationship=relationship, confirmed_at=None, superseded_at=None).update(
        superseded_at=now
    )
    last = MentoringAgreement.objects.filter(relationship=relationship).aggregate(last=Max("version"))["last"] or 0
    agreement = MentoringAgreement.objects.create(
        relationship=relationship,
        version=last + 1,
        meeting_frequency=meeting_frequency,
        duration_months=duration_months,
        review_on=review_on,
        out_of_scope=out_of_scope.strip(),
        proposed_by=user,
        proposed_at=now,
    )
    _notify_others(
        "agreement_proposed",
        relationship,
        user,
        url=agreement_url(relationship),
        change="a change to your mentoring agreement" if last else "your mentoring agreement",
    )
    return agreement


@transaction.atomic
def agreement_confirm(*, agreement: MentoringAgreement, user: User) -> MentoringAgreement:
    """Confirm the terms the other side proposed: from now they are the agreement."""
    relationship = agreement.relationship
    _require_party(relationship, user)
    _require_open(relationship, "confirm the agreement")
    agreement = (
        MentoringAgreement.objects.select_for_update(of=("self",)).select_related("relationship").get(pk=agreement.pk)
    )
    agreement.relationship = relationship
    if agreement.is_agreed:
        raise RelationshipError("This agreement has already been confirmed.")
    if agreement.superseded_at is not None:
        raise RelationshipError("These terms have been replaced by a newer proposal. Look at the latest one.")
    if not agreement_can_confirm(agreement=agreement, user=user):
        raise RelationshipError("The agreement needs to be confirmed by the other side of the relationship.")
    agreement.confirmed_by = user
    agreement.confirmed_at = timezone.now()
    agreement.save(update_fields=["confirmed_by", "confirmed_at"])
    _notify_others("agreement_confirmed", relationship, user, url=agreement_url(relationship))
    return agreement


def agreements_prompt_review(*, now: datetime | None = None) -> int:
    """Prompt both sides of each open relationship whose agreed terms have reached their review date: review,
    extend (propose a change) or close. Once per agreed version, claimed by a checked update; safe to run twice."""
    now = now or timezone.now()
    due = selectors.agreements_due_for_review(timezone.localdate(now))
    prompted = 0
    for agreement in due:
        with transaction.atomic():
            claimed = MentoringAgreement.objects.filter(pk=agreement.pk, review_prompted_at=None).update(
                review_prompted_at=now
            )
            if not claimed:
                continue
            notify(
                "agreement_review_due",
                to=selectors.parties_of(agreement.relationship),
                params={**_pair(agreement.relationship), "review_on": f"{agreement.review_on:%-d %B %Y}"},
                url=agreement_url(agreement.relationship),
                dedupe=f"agreement_review_due:{agreement.pk}",
            )
            prompted += 1
    return prompted
