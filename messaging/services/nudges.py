"""Nudges: reminders to both sides of a relationship that has gone quiet, and the at-risk flag for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from messaging import selectors
from messaging.models import (
    Nudge,
    Relationship,
)
from messaging.services.common import (
    AT_RISK_AFTER,
    QUIET_AFTER,
    _pair,
    _relationship_url,
)
from notifications.services import notify


@dataclass(frozen=True)
class NudgeSummary:
    nudged: int
    flagged_at_risk: int


def relationships_nudge_quiet(*, now: datetime | None = None) -> NudgeSummary:
    """Nudge both sides of every active relationship quiet for QUIET_AFTER, once per quiet spell, and flag those
    quiet for AT_RISK_AFTER as at risk for the programme team.

    Safe to run twice on the same day: a nudge is claimed by inserting its (relationship, kind, day) row, which a
    unique constraint lets happen once, and a relationship already nudged since its last activity is skipped.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    already_nudged = Nudge.objects.filter(relationship=OuterRef("pk"), kind=Nudge.Kind.QUIET).filter(
        Q(created_at__gte=OuterRef("last_activity_at")) | Q(sent_on=today)
    )
    quiet = (
        Relationship.objects.filter(status=Relationship.Status.ACTIVE, last_activity_at__lte=now - QUIET_AFTER)
        .exclude(Exists(already_nudged))
        .select_related("mentor__user", "mutual")
    )
    nudged = 0
    for relationship in quiet:
        if _nudge(relationship, today, now):
            nudged += 1
    flagged = 0
    at_risk = Relationship.objects.filter(
        status=Relationship.Status.ACTIVE, last_activity_at__lte=now - AT_RISK_AFTER, at_risk_since=None
    ).select_related("mentor__user", "mutual")
    staff = list(User.objects.filter(is_programme_team=True, is_active=True))
    for relationship in at_risk:
        with transaction.atomic():
            # Checked update: a second run (or a message sent meanwhile) flags and tells nobody twice.
            if Relationship.objects.filter(pk=relationship.pk, at_risk_since=None).update(at_risk_since=now):
                notify(
                    "relationship_at_risk",
                    to=staff,
                    params={**_pair(relationship), "days": (now - relationship.last_activity_at).days},
                    url=reverse("messaging:staff_relationship_detail", kwargs={"pk": relationship.pk}),
                )
                flagged += 1
    return NudgeSummary(nudged=nudged, flagged_at_risk=flagged)


@transaction.atomic
def _nudge(relationship: Relationship, today: date, now: datetime) -> bool:
    try:
        with transaction.atomic():
            nudge = Nudge.objects.create(
                relationship=relationship, kind=Nudge.Kind.QUIET, sent_on=today, created_at=now
            )
    except IntegrityError:
        return False  # another run claimed today's nudge
    # Nudge.created_at records it: the same quiet spell is not nudged twice (the unique row above).
    notify(
        "relationship_quiet",
        to=selectors.parties_of(relationship),
        params={**_pair(relationship), "days": (now - relationship.last_activity_at).days},
        url=_relationship_url(relationship),
        dedupe=f"relationship_quiet:{nudge.pk}",
    )
    return True
