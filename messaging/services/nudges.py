"""Nudges: reminders to both sides of a relationship that has gone quiet, and the at-risk flag for staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from messaging import selectors
from messaging.models import (
    Notice,
    Nudge,
    Relationship,
)
from messaging.services.common import (
    AT_RISK_AFTER,
    QUIET_AFTER,
    _notify_others,
    _other_side_name,
    _relationship_url,
    _site_link,
)


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
    flagged = Relationship.objects.filter(
        status=Relationship.Status.ACTIVE, last_activity_at__lte=now - AT_RISK_AFTER, at_risk_since=None
    ).update(at_risk_since=now)
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
    days = (now - relationship.last_activity_at).days
    text = (
        f"It has been {days} days since anything happened in the mentoring relationship between "
        f"{relationship.mentor_name} and {relationship.mutual}. Send a message or log a check-in."
    )
    _notify_others(relationship, None, Notice.Kind.NUDGE, text, _relationship_url(relationship))
    from messaging.tasks import send_nudge_emails

    transaction.on_commit(lambda: send_nudge_emails.delay(nudge.pk))
    return True


def nudge_emails_send(*, nudge_id: int) -> int:
    """Email a nudge to each party who wants emails. Claimed through Nudge.emailed_at: a second run sends nothing."""
    now = timezone.now()
    if not Nudge.objects.filter(pk=nudge_id, emailed_at=None).update(emailed_at=now):
        return 0
    nudge = Nudge.objects.select_related("relationship__mentor__user", "relationship__mutual").get(pk=nudge_id)
    relationship = nudge.relationship
    sent = 0
    try:
        for party in selectors.parties_of(relationship):
            if not (party.is_active and party.email_notifications):
                continue
            context = {
                "user": party,
                "relationship": relationship,
                "days": (now - relationship.last_activity_at).days,
                "relationship_url": _site_link("messaging:relationship_detail", pk=relationship.pk),
                "settings_url": _site_link("messaging:notification_settings"),
                "site_name": settings.SITE_NAME,
                "other_side": _other_side_name(relationship, party),
            }
            send_mail(
                subject=render_to_string("messaging/email/nudge_subject.txt", context).strip(),
                message=render_to_string("messaging/email/nudge_body.txt", context),
                from_email=None,
                recipient_list=[party.email],
            )
            sent += 1
    except Exception:
        # Release the claim only if nobody has been emailed yet, so a retry never emails anyone twice.
        if sent == 0:
            Nudge.objects.filter(pk=nudge_id).update(emailed_at=None)
        raise
    return sent
