"""An appointed ambassador: their public profile, and standing down."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Region, ServiceArea, SupportTopic, User
from ambassadors.models import (
    Ambassador,
    EngagementInvitation,
    EngagementRequest,
)
from ambassadors.services.common import AmbassadorsError
from notifications.services import notify

# --- Ambassadors ------------------------------------------------------------------------------------------


@transaction.atomic
def ambassador_update(
    *,
    ambassador: Ambassador,
    headline: str,
    organisation: str,
    bio: str,
    service_areas: Iterable[ServiceArea],
    region: Region,
    topics: Iterable[SupportTopic],
    format: str,
    engagements_per_quarter: int,
    photo: Any = None,
    remove_photo: bool = False,
) -> Ambassador:
    """The ambassador edits their public profile. `photo` is an already checked and re-encoded file."""
    ambassador = Ambassador.objects.select_for_update(of=("self",)).get(pk=ambassador.pk)
    if not ambassador.is_active:
        raise AmbassadorsError("Your ambassador profile is no longer active.")
    ambassador.headline = headline
    ambassador.organisation = organisation
    ambassador.bio = bio
    ambassador.region = region
    ambassador.format = format
    ambassador.engagements_per_quarter = engagements_per_quarter
    old_photo = ambassador.photo.name if ambassador.photo else ""
    if photo is not None:
        ambassador.photo.save(photo.name, photo, save=False)
    elif remove_photo:
        ambassador.photo = None  # type: ignore[assignment]
    ambassador.save()
    ambassador.service_areas.set(service_areas)
    ambassador.topics.set(topics)
    new_photo = ambassador.photo.name if ambassador.photo else ""
    if old_photo and old_photo != new_photo:
        storage = ambassador.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    return ambassador


@transaction.atomic
def ambassador_stand_down(*, ambassador: Ambassador, actor: User, reason: str) -> Ambassador:
    """Staff stand an ambassador down: out of the directory and matching; open invitations are cancelled."""
    if not actor.is_programme_team:
        raise AmbassadorsError("Only the programme team can stand an ambassador down.")
    ambassador = Ambassador.objects.select_for_update(of=("self",)).get(pk=ambassador.pk)
    if not ambassador.is_active:
        raise AmbassadorsError(f"{ambassador} has already stood down.")
    ambassador.status = Ambassador.Status.STOOD_DOWN
    ambassador.stood_down_at = timezone.now()
    ambassador.stood_down_by = actor
    ambassador.stood_down_reason = reason
    ambassador.save(update_fields=["status", "stood_down_at", "stood_down_by", "stood_down_reason"])
    open_invitations = EngagementInvitation.objects.filter(
        ambassador=ambassador, status__in=EngagementInvitation.OPEN_STATUSES
    )
    request_ids = list(open_invitations.values_list("request_id", flat=True))
    open_invitations.update(status=EngagementInvitation.Status.CANCELLED, responded_at=timezone.now())
    EngagementRequest.objects.filter(
        pk__in=request_ids, status__in=[EngagementRequest.Status.INVITED, EngagementRequest.Status.ACCEPTED]
    ).update(status=EngagementRequest.Status.OPEN, updated_at=timezone.now())
    notify(
        "ambassador_stood_down", to=[ambassador.user], params={"reason": reason}, url=reverse("ambassadors:directory")
    )
    return ambassador
