"""Every write in the ambassadors programme. Keyword-only, atomic, state checked first.

A refused action raises AmbassadorsError with a message that can be shown to the person as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Region, ServiceArea, SupportTopic, User
from ambassadors.models import (
    Ambassador,
    Application,
    ApplicationEvent,
    Cohort,
    EmergingProject,
    Engagement,
    EngagementInvitation,
    EngagementRequest,
    Nomination,
    ReviewerNote,
)
from notifications.services import notify, notify_address

Status = Application.Status


class AmbassadorsError(Exception):
    """An action the programme's rules do not allow; the message is written for the person who tried it."""


# The review pipeline. A move not listed here is refused. Appointed, not appointed and withdrawn are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.SUBMITTED: frozenset({Status.SHORTLISTED, Status.NOT_APPOINTED, Status.WITHDRAWN}),
    Status.SHORTLISTED: frozenset({Status.INTERVIEW, Status.APPOINTED, Status.NOT_APPOINTED, Status.WITHDRAWN}),
    Status.INTERVIEW: frozenset({Status.SHORTLISTED, Status.APPOINTED, Status.NOT_APPOINTED, Status.WITHDRAWN}),
    Status.APPOINTED: frozenset(),
    Status.NOT_APPOINTED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

# Recent engagements count against an ambassador's quarterly capacity for this long.
LOAD_WINDOW = timedelta(days=90)


def _status_label(status: str) -> str:
    return str(Status(status).label)


# --- Cohorts ---------------------------------------------------------------------------------------------

COHORT_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "capacity",
    "applications_open_at",
    "applications_close_at",
    "description",
)


@transaction.atomic
def cohort_save(*, actor: User, cohort: Cohort | None = None, **fields: Any) -> Cohort:
    """Create a cohort, or update one. The capacity cannot go below the number already appointed."""
    if not actor.is_programme_team:
        raise AmbassadorsError("Only the programme team can manage cohorts.")
    unknown = set(fields) - set(COHORT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown cohort fields: {sorted(unknown)}")
    if cohort is None:
        return Cohort.objects.create(**fields)
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    appointed = Ambassador.objects.filter(cohort=cohort, status=Ambassador.Status.ACTIVE).count()
    if fields.get("capacity", cohort.capacity) < appointed:
        raise AmbassadorsError(f"{appointed} ambassadors are already appointed: the capacity cannot be lower.")
    for name, value in fields.items():
        setattr(cohort, name, value)
    cohort.save()
    return cohort


# --- Applications and nominations -------------------------------------------------------------------------


@transaction.atomic
def application_submit(
    *,
    cohort: Cohort,
    applicant: User,
    organisation: str,
    motivation: str,
    experience: str,
    service_areas: Iterable[ServiceArea],
    region: Region,
    topics: Iterable[SupportTopic],
    time_commitment: str,
    engagements_per_quarter: int,
    nomination: Nomination | None = None,
) -> Application:
    """Create a submitted application. Refused when the cohort is closed, when the person already has a live
    application for it, or when the nomination has already been used or was sent to someone else."""
    if not cohort.is_open_for_applications():
        raise AmbassadorsError(f"Applications for {cohort.name} are closed.")
    if nomination is not None:
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.completed_at is not None:
            raise AmbassadorsError("This nomination has already been used to apply.")
        if not nomination.is_for(applicant):
            raise AmbassadorsError("This nomination was sent to a different email address.")
    if Application.objects.filter(cohort=cohort, applicant=applicant, status__in=Application.LIVE_STATUSES).exists():
        raise AmbassadorsError(f"You already have an application for {cohort.name}.")
    try:
        # A savepoint, so a concurrent duplicate caught by the database constraint leaves the transaction usable.
        with transaction.atomic():
            application = Application.objects.create(
                cohort=cohort,
                applicant=applicant,
                nomination=nomination,
                organisation=organisation,
                motivation=motivation,
                experience=experience,
                region=region,
                time_commitment=time_commitment,
                engagements_per_quarter=engagements_per_quarter,
            )
    except IntegrityError as error:
        raise AmbassadorsError(f"You already have an application for {cohort.name}.") from error
    application.service_areas.set(service_areas)
    application.topics.set(topics)
    ApplicationEvent.objects.create(application=application, actor=applicant, to_status=Status.SUBMITTED)
    if nomination is not None:
        nomination.completed_at = timezone.now()
        nomination.save(update_fields=["completed_at"])
    detail = reverse("ambassadors:application_detail", kwargs={"pk": application.pk})
    notify("application_received", to=[applicant], params={"cohort": cohort.name}, url=detail)
    notify(
        "application_received_staff",
        to=User.objects.filter(is_programme_team=True, is_active=True),
        actor=applicant,
        params={"cohort": cohort.name},
        url=reverse("ambassadors:review", kwargs={"pk": application.pk}),
    )
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor: User) -> Application:
    """The applicant withdraws. Only their own application, and only before a decision."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.applicant_id != actor.pk:
        raise AmbassadorsError("Only the applicant can withdraw this application.")
    if Status.WITHDRAWN not in TRANSITIONS[application.status]:
        raise AmbassadorsError(
            f"This application cannot be withdrawn: it is {_status_label(application.status).lower()}."
        )
    return _move(application, Status.WITHDRAWN, actor=actor, note="Withdrawn by the applicant.")


def _move(application: Application, to_status: str, *, actor: User, note: str) -> Application:
    from_status = application.status
    application.status = to_status
    if to_status in Application.DECISION_STATUSES:
        application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at", "updated_at"])
    ApplicationEvent.objects.create(
        application=application, actor=actor, from_status=from_status, to_status=to_status, note=note
    )
    return application


def _appoint(application: Application, *, actor: User) -> Ambassador:
    """Create (or reactivate) the ambassador record, within the cohort's capacity.

    The cohort row is locked first, so two appointments at the same moment are counted one after the other.
    """
    cohort = Cohort.objects.select_for_update().get(pk=application.cohort_id)
    appointed = Ambassador.objects.filter(cohort=cohort, status=Ambassador.Status.ACTIVE).count()
    if appointed >= cohort.capacity:
        raise AmbassadorsError(
            f"{cohort.name} is full: {appointed} of {cohort.capacity} places are taken. "
            "Stand an ambassador down or raise the cohort's capacity first."
        )
    existing = Ambassador.objects.select_for_update(of=("self",)).filter(user_id=application.applicant_id).first()
    if existing is not None and existing.is_active:
        raise AmbassadorsError(f"{application.applicant} is already an active ambassador.")
    ambassador = existing or Ambassador(user_id=application.applicant_id)
    ambassador.cohort = cohort
    ambassador.application = application
    ambassador.organisation = ambassador.organisation or application.organisation
    ambassador.region_id = application.region_id
    ambassador.engagements_per_quarter = application.engagements_per_quarter
    ambassador.status = Ambassador.Status.ACTIVE
    ambassador.appointed_at = timezone.now()
    ambassador.stood_down_at = None
    ambassador.stood_down_by = None
    ambassador.stood_down_reason = ""
    ambassador.save()
    ambassador.service_areas.set(application.service_areas.all())
    ambassador.topics.set(application.topics.all())
    return ambassador


@transaction.atomic
def application_move(*, application: Application, to_status: str, actor: User, note: str = "") -> Application:
    """Move an application along the pipeline (programme team only). Appointing creates the ambassador;
    a decision (appointed or not appointed) is emailed to the applicant after commit."""
    if not actor.is_programme_team:
        raise AmbassadorsError("Only the programme team can move applications.")
    if to_status not in Status.values:
        raise AmbassadorsError("Choose a status.")
    application = Application.objects.select_for_update().get(pk=application.pk)
    if to_status not in TRANSITIONS[application.status]:
        raise AmbassadorsError(
            f"An application that is {_status_label(application.status).lower()} cannot be moved to "
            f"{_status_label(to_status).lower()}."
        )
    if to_status == Status.APPOINTED:
        _appoint(application, actor=actor)
    _move(application, to_status, actor=actor, note=note)
    _tell_applicant(application)
    return application


def _tell_applicant(application: Application) -> None:
    """A decision is emailed; other moves along the pipeline are a notice. Withdrawing is the applicant's own act."""
    if application.status == Status.WITHDRAWN:
        return
    cohort = Cohort.objects.only("name").get(pk=application.cohort_id)
    if application.status in Application.DECISION_STATUSES:
        appointed = application.status == Status.APPOINTED
        notify(
            "application_decided",
            to=[application.applicant],
            params={
                "appointed": appointed,
                "cohort": cohort.name,
                "decision": f"You have been appointed as an ambassador for {cohort.name}. Complete your public "
                "profile so people can find you."
                if appointed
                else f"You have not been appointed as an ambassador for {cohort.name} this time.",
            },
            url=reverse("ambassadors:profile_edit")
            if appointed
            else reverse("ambassadors:application_detail", kwargs={"pk": application.pk}),
        )
    else:
        notify(
            "application_moved",
            to=[application.applicant],
            params={"status": _status_label(application.status).lower(), "cohort": cohort.name},
            url=reverse("ambassadors:application_detail", kwargs={"pk": application.pk}),
        )


@dataclass
class BulkMoveResult:
    moved: list[Application] = field(default_factory=list)
    refused: list[tuple[Application, str]] = field(default_factory=list)


def applications_move_bulk(
    *, applications: Iterable[Application], to_status: str, actor: User, note: str = ""
) -> BulkMoveResult:
    """Move several applications, each checked on its own: one refusal does not undo the others."""
    result = BulkMoveResult()
    for application in applications:
        try:
            result.moved.append(application_move(application=application, to_status=to_status, actor=actor, note=note))
        except AmbassadorsError as error:
            result.refused.append((application, str(error)))
    return result


@transaction.atomic
def reviewer_note_add(*, application: Application, author: User, text: str) -> ReviewerNote:
    if not author.is_programme_team:
        raise AmbassadorsError("Only the programme team can add reviewer notes.")
    if not text.strip():
        raise AmbassadorsError("Enter a note.")
    return ReviewerNote.objects.create(application=application, author=author, text=text)


@transaction.atomic
def nomination_create(
    *, cohort: Cohort, nominated_by: User, nominee_name: str, nominee_email: str, reason: str
) -> Nomination:
    """Record a nomination and email the nominee a link to apply (after commit)."""
    if not cohort.is_open_for_applications():
        raise AmbassadorsError(f"Nominations for {cohort.name} are closed.")
    nominee_email = nominee_email.strip().lower()
    if nominee_email == nominated_by.email.lower():
        raise AmbassadorsError("You cannot nominate yourself: apply instead.")
    if Nomination.objects.filter(cohort=cohort, nominee_email__iexact=nominee_email, completed_at=None).exists():
        raise AmbassadorsError(f"{nominee_email} has already been nominated for {cohort.name}.")
    nomination = Nomination.objects.create(
        cohort=cohort, nominated_by=nominated_by, nominee_name=nominee_name, nominee_email=nominee_email, reason=reason
    )
    notify_address(
        "nomination_sent",
        address=nomination.nominee_email,
        params={
            "nominee_name": nominee_name,
            "nominated_by": nominated_by,
            "cohort": cohort.name,
            "reason": reason,
        },
        url=reverse("ambassadors:nomination_accept", kwargs={"token": nomination.token}),
        dedupe=f"nomination_sent:{nomination.pk}",
    )
    return nomination


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
    notes: str = "",
    source_engagement: Engagement | None = None,
) -> EmergingProject:
    if not added_by.is_programme_team:
        raise AmbassadorsError("Only the programme team can add to the emerging mutuals pipeline.")
    return EmergingProject.objects.create(
        name=name,
        region=region,
        service_area=service_area,
        notes=notes,
        source_engagement=source_engagement,
        added_by=added_by,
    )
