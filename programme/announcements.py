"""Announcements: who is in an audience (reads), and writing, sending and delivering one (writes).

Delivery goes through notifications.notify (event `announcement`, category `programme`): a notice for everyone in
the audience, and an email for those who have not turned programme emails off. A worker delivers it in batches, one
batch per task run, each run re-queuing the next after a pause, so a large audience does not flood the mail service.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, MentorProfile, User
from ambassadors.models import Ambassador
from matching.models import MentoringRequest
from messaging.models import Relationship
from notifications import services as notification_services
from notifications.models import EmailPreferences
from programme.models import Announcement, AnnouncementDelivery

SAMPLE_SIZE = 10


class AnnouncementError(Exception):
    pass


def _in_active_relationship() -> Q:
    active = Relationship.objects.filter(status=Relationship.Status.ACTIVE)
    return Q(
        Exists(active.filter(mentor__user=OuterRef("pk")))
        | Exists(active.filter(mutual__memberships__user=OuterRef("pk")))
    )


def audience(announcement: Announcement) -> QuerySet[User]:
    """Everyone the announcement goes to: active accounts with one of the chosen roles, matching every other group.

    Regions and service areas match a mutual's (for its members), a mentor's or an ambassador's own; topics match a
    mentor's or ambassador's, or a topic of one of a member's mutual's requests; cohorts match ambassadors only.
    """
    roles = announcement.roles or [choice.value for choice in Announcement.Role]
    regions = list(announcement.regions.all())
    areas = list(announcement.service_areas.all())
    topics = list(announcement.topics.all())
    cohorts = list(announcement.cohorts.all())

    def members() -> Q:
        mutuals = Membership.objects.filter(user=OuterRef("pk"))
        if regions:
            mutuals = mutuals.filter(mutual__region__in=regions)
        if areas:
            mutuals = mutuals.filter(mutual__service_areas__in=areas)
        if topics:
            mutuals = mutuals.filter(mutual__in=MentoringRequest.objects.filter(topics__in=topics).values("mutual"))
        return Q(Exists(mutuals)) if not cohorts else Q(pk__in=[])

    def mentors() -> Q:
        profiles = MentorProfile.objects.filter(user=OuterRef("pk"), status=MentorProfile.Status.APPROVED)
        if regions:
            profiles = profiles.filter(region__in=regions)
        if areas:
            profiles = profiles.filter(service_areas__in=areas)
        if topics:
            profiles = profiles.filter(topics__in=topics)
        return Q(Exists(profiles)) if not cohorts else Q(pk__in=[])

    def ambassadors() -> Q:
        found = Ambassador.objects.filter(user=OuterRef("pk"), status=Ambassador.Status.ACTIVE)
        if regions:
            found = found.filter(region__in=regions)
        if areas:
            found = found.filter(service_areas__in=areas)
        if topics:
            found = found.filter(topics__in=topics)
        if cohorts:
            found = found.filter(cohort__in=cohorts)
        return Q(Exists(found))

    by_role = {"members": members, "mentors": mentors, "ambassadors": ambassadors}
    wanted = Q(pk__in=[])
    for role in roles:
        wanted |= by_role[role]()
    people = User.objects.filter(wanted, is_active=True)
    if announcement.relationship_status == Announcement.RelationshipStatus.IN_ONE:
        people = people.filter(_in_active_relationship())
    elif announcement.relationship_status == Announcement.RelationshipStatus.NOT_IN_ONE:
        people = people.exclude(_in_active_relationship())
    return people.order_by("pk")


def preview(announcement: Announcement) -> tuple[int, list[User]]:
    """How many people it would go to now, and the first few of them by name."""
    people = audience(announcement)
    return people.count(), list(people.order_by("full_name", "email")[:SAMPLE_SIZE])


def counts(announcement: Announcement) -> dict[str, int]:
    deliveries = announcement.deliveries.all()
    told = deliveries.count()
    emailed = deliveries.filter(emailed=True).count()
    return {"told": told, "emailed": emailed, "notice_only": told - emailed}


def banner_for_today(today: date | None = None) -> Announcement | None:
    """The newest sent announcement whose banner has not ended: shown on every page."""
    today = today or timezone.localdate()
    return (
        Announcement.objects.filter(status__in=[Announcement.Status.SENDING, Announcement.Status.SENT])
        .filter(banner_until__gte=today)
        .order_by("-sent_at")
        .first()
    )


# --- Writes ---------------------------------------------------------------------------------------------------


@transaction.atomic
def announcement_send(*, announcement: Announcement, actor: User) -> Announcement:
    """Fix the audience's size and hand delivery to the worker (after commit). Sending twice sends once."""
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.status != Announcement.Status.DRAFT:
        raise AnnouncementError("This announcement has already been sent.")
    total = audience(announcement).count()
    if total == 0:
        raise AnnouncementError("Nobody is in this audience. Choose a wider audience before sending.")
    announcement.status = Announcement.Status.SENDING
    announcement.sent_by = actor
    announcement.sent_at = timezone.now()
    announcement.recipients_total = total
    announcement.save(update_fields=["status", "sent_by", "sent_at", "recipients_total"])
    from programme.tasks import deliver_announcement

    transaction.on_commit(lambda: deliver_announcement.delay(announcement.pk))
    transaction.on_commit(lambda: cache.delete("programme:announcement_banner"))  # its banner shows at once
    return announcement


def announcement_deliver_batch(*, announcement_id: int) -> bool:
    """Tell the next batch of the audience; True while more remain. Safe to run twice: a person told once is not
    told again (one delivery row each, and the email's dedupe key), and a finished announcement does nothing."""
    batch_size = settings.ANNOUNCEMENT_BATCH_SIZE
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
        if announcement is None or announcement.status != Announcement.Status.SENDING:
            return False
        told = AnnouncementDelivery.objects.filter(announcement=announcement, user=OuterRef("pk"))
        batch = list(audience(announcement).exclude(Exists(told))[:batch_size])
        if not batch:
            announcement.status = Announcement.Status.SENT
            announcement.finished_at = timezone.now()
            announcement.save(update_fields=["status", "finished_at"])
            return False
        # For the counts only: notify reads the same choice again when it writes each email.
        turned_off = set(
            EmailPreferences.objects.filter(user__in=batch, programme=False).values_list("user_id", flat=True)
        )
        try:
            AnnouncementDelivery.objects.bulk_create(
                AnnouncementDelivery(announcement=announcement, user=user, emailed=user.pk not in turned_off)
                for user in batch
            )
        except IntegrityError:
            return True  # another run told some of them first: the next run takes the rest
        notification_services.notify(
            "announcement",
            to=batch,
            actor=announcement.sent_by,
            params={"subject": announcement.subject, "body": announcement.body},
            url=reverse("accounts:notice_list"),
            dedupe=f"announcement:{announcement.pk}",
        )
    return True
