"""Engagement requests (talks, visits, peer calls), invitations to ambassadors, logging what was held, and the
emerging projects an engagement turns up."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import pipeline
from accounts.models import Region, ServiceArea, Stage, SupportTopic, User
from ambassadors.models import (
    Ambassador,
    EmergingProject,
    Engagement,
    EngagementInvitation,
    EngagementRequest,
)
from ambassadors.services.common import LOAD_WINDOW, AmbassadorsError
from notifications.services import notify

# --- Engagement requests ----------------------------------------------------------------------------------


@transaction.atomic
def engagement_request_create(
    *,
    requested_by: User,
    kind: str,
    title: str,
    organisation: str,
    preferred_from: date,
    preferred_to: date,
    region: Region,
    service_area: ServiceArea,
    topics: Iterable[SupportTopic],
    audience_size: int,
    description: str,
) -> EngagementRequest:
    if preferred_to < preferred_from:
        raise AmbassadorsError("The latest date must be the same as or after the earliest date.")
    request = EngagementRequest.objects.create(
        requested_by=requested_by,
        kind=kind,
        title=title,
        organisation=organisation,
        preferred_from=preferred_from,
        preferred_to=preferred_to,
        region=region,
        service_area=service_area,
        audience_size=audience_size,
        description=description,
    )
    request.topics.set(topics)
    return request


def _can_manage_request(request: EngagementRequest, user: User) -> bool:
    return user.is_programme_team or request.requested_by_id == user.pk


@transaction.atomic
def engagement_request_withdraw(*, request: EngagementRequest, actor: User) -> EngagementRequest:
    request = EngagementRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if not _can_manage_request(request, actor):
        raise AmbassadorsError("Only the person who made this request can withdraw it.")
    if request.status in (EngagementRequest.Status.HELD, EngagementRequest.Status.WITHDRAWN):
        raise AmbassadorsError(f"This request cannot be withdrawn: it is {request.get_status_display().lower()}.")
    request.invitations.filter(status__in=EngagementInvitation.OPEN_STATUSES).update(
        status=EngagementInvitation.Status.CANCELLED, responded_at=timezone.now()
    )
    request.status = EngagementRequest.Status.WITHDRAWN
    request.save(update_fields=["status", "updated_at"])
    return request


def ambassador_load(ambassador: Ambassador, today: date | None = None) -> int:
    """Engagements held in the last 90 days plus invitations waiting for a reply or accepted but not yet held."""
    today = today or timezone.localdate()
    recent = Engagement.objects.filter(ambassador=ambassador, held_on__gte=today - LOAD_WINDOW).count()
    open_invitations = EngagementInvitation.objects.filter(
        ambassador=ambassador, status__in=EngagementInvitation.OPEN_STATUSES, request__engagement__isnull=True
    ).count()
    return recent + open_invitations


@transaction.atomic
def engagement_invite(*, request: EngagementRequest, ambassador: Ambassador, invited_by: User) -> EngagementInvitation:
    """Put the request to one ambassador (by its requester or staff). The ambassador is emailed after commit."""
    request = EngagementRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if not _can_manage_request(request, invited_by):
        raise AmbassadorsError("Only the person who made this request can invite an ambassador.")
    if request.status != EngagementRequest.Status.OPEN:
        status = request.get_status_display().lower()
        raise AmbassadorsError(f"An ambassador can only be invited while the request is open; it is {status}.")
    # The ambassador row is locked so two invitations at once cannot both take their last place.
    ambassador = Ambassador.objects.select_for_update(of=("self",)).select_related("user").get(pk=ambassador.pk)
    if not ambassador.is_active:
        raise AmbassadorsError(f"{ambassador} is no longer an ambassador.")
    if ambassador.user_id == request.requested_by_id:
        raise AmbassadorsError("You cannot invite yourself.")
    if request.invitations.filter(ambassador=ambassador, status=EngagementInvitation.Status.DECLINED).exists():
        raise AmbassadorsError(f"{ambassador} has already declined this request.")
    if ambassador_load(ambassador) >= ambassador.engagements_per_quarter:
        raise AmbassadorsError(f"{ambassador} has no room for another engagement at the moment.")
    invitation = EngagementInvitation.objects.create(request=request, ambassador=ambassador, invited_by=invited_by)
    request.status = EngagementRequest.Status.INVITED
    request.save(update_fields=["status", "updated_at"])
    notify(
        "engagement_invitation",
        to=[ambassador.user],
        params={
            "title": request.title,
            "kind": request.get_kind_display().lower(),
            "organisation": request.organisation,
            "region": str(request.region),
            "preferred_from": f"{request.preferred_from:%-d %B %Y}",
            "preferred_to": f"{request.preferred_to:%-d %B %Y}",
        },
        url=reverse("ambassadors:invitation_detail", kwargs={"pk": invitation.pk}),
    )
    return invitation


def _respond(invitation: EngagementInvitation, *, actor: User) -> EngagementInvitation:
    invitation = (
        EngagementInvitation.objects.select_for_update(of=("self",))
        .select_related("ambassador__user")
        .get(pk=invitation.pk)
    )
    if invitation.ambassador.user_id != actor.pk:
        raise AmbassadorsError("Only the invited ambassador can reply to this invitation.")
    if invitation.status != EngagementInvitation.Status.PENDING:
        raise AmbassadorsError(f"This invitation has already been {invitation.get_status_display().lower()}.")
    return invitation


def _tell_requester(invitation: EngagementInvitation) -> None:
    """The person who asked for the engagement hears the ambassador's answer."""
    request = EngagementRequest.objects.select_related("requested_by").get(pk=invitation.request_id)
    accepted = invitation.status == EngagementInvitation.Status.ACCEPTED
    ambassador = invitation.ambassador.user  # an ambassador who answers is active, so has an account
    assert ambassador is not None
    notify(
        "engagement_response",
        to=[request.requested_by] if request.requested_by is not None else [],
        params={
            "ambassador": ambassador,
            "ambassador_email": ambassador.email if accepted else "",
            "answer": "accepted" if accepted else "declined",
            "accepted": accepted,
            "title": request.title,
            "reason": invitation.decline_reason,
        },
        url=reverse("ambassadors:request_detail", kwargs={"pk": request.pk}),
    )


@transaction.atomic
def invitation_accept(*, invitation: EngagementInvitation, actor: User) -> EngagementInvitation:
    invitation = _respond(invitation, actor=actor)
    invitation.status = EngagementInvitation.Status.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    EngagementRequest.objects.filter(pk=invitation.request_id).update(
        status=EngagementRequest.Status.ACCEPTED, updated_at=timezone.now()
    )
    _tell_requester(invitation)
    return invitation


@transaction.atomic
def invitation_decline(*, invitation: EngagementInvitation, actor: User, reason: str) -> EngagementInvitation:
    """The ambassador declines; the request opens again so another ambassador can be invited."""
    if not reason.strip():
        raise AmbassadorsError("Enter a reason for declining.")
    invitation = _respond(invitation, actor=actor)
    invitation.status = EngagementInvitation.Status.DECLINED
    invitation.responded_at = timezone.now()
    invitation.decline_reason = reason
    invitation.save(update_fields=["status", "responded_at", "decline_reason"])
    EngagementRequest.objects.filter(pk=invitation.request_id).update(
        status=EngagementRequest.Status.OPEN, updated_at=timezone.now()
    )
    _tell_requester(invitation)
    return invitation


@transaction.atomic
def engagement_log(
    *,
    request: EngagementRequest,
    actor: User,
    held_on: date,
    attendees: int,
    outcome: str,
    follow_ups: str = "",
    new_project: str = "",
) -> Engagement:
    """Record a held engagement (the confirmed ambassador or staff). Once per request."""
    request = EngagementRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.status != EngagementRequest.Status.ACCEPTED:
        raise AmbassadorsError("Only a request an ambassador has accepted can be logged as held.")
    invitation = (
        request.invitations.select_related("ambassador").filter(status=EngagementInvitation.Status.ACCEPTED).first()
    )
    if invitation is None:
        raise AmbassadorsError("No ambassador has accepted this request.")
    if not (actor.is_programme_team or invitation.ambassador.user_id == actor.pk):
        raise AmbassadorsError("Only the ambassador who accepted this request can log it.")
    if held_on > timezone.localdate():
        raise AmbassadorsError("The date held cannot be in the future.")
    engagement = Engagement.objects.create(
        request=request,
        ambassador=invitation.ambassador,
        held_on=held_on,
        attendees=attendees,
        outcome=outcome,
        follow_ups=follow_ups,
        new_project=new_project,
        logged_by=actor,
    )
    request.status = EngagementRequest.Status.HELD
    request.save(update_fields=["status", "updated_at"])
    return engagement


@transaction.atomic
def emerging_project_add(
    *,
    added_by: User,
    name: str,
    region: Region,
    service_area: ServiceArea,
    stage: Stage | None = None,
    notes: str = "",
    source_engagement: Engagement | None = None,
) -> EmergingProject:
    """Put a possible new mutual on the one pipeline: an unclaimed mutual (no members, not listed publicly) at the
    given stage, with a record of who spotted it and at which engagement."""
    if not added_by.is_programme_team:
        raise AmbassadorsError("Only the programme team can add to the emerging mutuals pipeline.")
    mutual = pipeline.mutual_add_unclaimed(
        added_by=added_by, name=name, region=region, service_areas=[service_area], stage=stage, description=notes
    )
    return EmergingProject.objects.create(mutual=mutual, source_engagement=source_engagement, added_by=added_by)
