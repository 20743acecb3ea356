"""Cohorts, applications and nominations: applying, the programme team's review pipeline, appointing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
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
    Nomination,
    ReviewerNote,
)
from ambassadors.services.common import TRANSITIONS, AmbassadorsError, Status, _status_label
from notifications.services import notify, notify_address

# --- Cohorts ---------------------------------------------------------------------------------------------

NOMINATIONS_PER_DAY = 5

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
    # Each nomination emails an address someone typed: one account cannot make the service email strangers at will.
    made_today = Nomination.objects.filter(
        nominated_by=nominated_by, created_at__gt=timezone.now() - timedelta(days=1)
    ).count()
    if made_today >= NOMINATIONS_PER_DAY:
        raise AmbassadorsError(
            f"You have nominated {made_today} people in the last 24 hours, the most we accept in a day. "
            "Try again tomorrow, or write to the programme team."
        )
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
