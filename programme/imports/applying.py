"""Applying an import: every new and updated row in one transaction, or nothing. New people are invited by email to
claim their record (set a password through a link that works once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, MentorProfile, Mutual, User
from accounts.slugs import mutual_slug
from accounts.stage_history import stage_record
from ambassadors.models import Ambassador
from matching.models import MentoringRequest
from matching.services import suggestions_refresh_after_bulk_change
from notifications import services as notification_services
from programme.imports.reading import ReadFile, Row, read
from programme.models import ImportBatch


class ImportNotAllowed(Exception):
    pass


@dataclass
class Changed:
    """What an import changed that matching must hear about: people invited, mentors added or edited, open
    mentoring requests whose mutual changed (region, service areas)."""

    invited: list[User] = field(default_factory=list)
    mentor_ids: list[int] = field(default_factory=list)
    request_ids: list[int] = field(default_factory=list)


def _claim_url(user: User) -> str:
    key = default_token_generator.make_token(user)
    return reverse("account_reset_password_from_key", kwargs={"uidb36": user_pk_to_url_str(user), "key": key})


def _person(email: str, full_name: str, invited: list[User]) -> User:
    """The account for this address: found, or made without a password and invited to claim it."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=full_name)
        user.set_unusable_password()
        user.save()
        # The claim link goes to this address, so following it proves the address.
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        invited.append(user)
    elif full_name and user.full_name != full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    return user


def _mentor(row: Row, actor: User, changed: Changed) -> None:
    values = row.values
    user = _person(row.key, values["full_name"], changed.invited)
    profile = MentorProfile.objects.filter(user=user).first()
    fields = {key: values[key] for key in ("headline", "bio", "organisation", "region")}
    if profile is None:
        # Mentors the programme already knows: approved by the person importing them.
        profile = MentorProfile.objects.create(
            user=user, status=MentorProfile.Status.APPROVED, vetted_by=actor, vetted_at=timezone.now(), **fields
        )
    else:
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.save()
    profile.topics.set(values["topics"])
    profile.service_areas.set(values["service_areas"])
    changed.mentor_ids.append(profile.pk)


def _ambassador(row: Row, actor: User, changed: Changed) -> None:
    values = row.values
    user = _person(row.key, values["full_name"], changed.invited)
    ambassador = Ambassador.objects.filter(user=user).first()
    fields = {key: values[key] for key in ("headline", "organisation", "region", "cohort")}
    if ambassador is None:
        ambassador = Ambassador.objects.create(user=user, status=Ambassador.Status.ACTIVE, **fields)
    else:
        for name, value in fields.items():
            setattr(ambassador, name, value)
        ambassador.save()
    ambassador.topics.set(values["topics"])
    ambassador.service_areas.set(values["service_areas"])


def _mutual(row: Row, actor: User, changed: Changed) -> None:
    values = row.values
    mutual = Mutual.objects.filter(name__iexact=row.key).first()
    if mutual is None:
        mutual = Mutual.objects.create(
            name=row.key, slug=mutual_slug(row.key), stage=values["stage"], region=values["region"], created_by=actor
        )
        stage_record(mutual=mutual, to_stage=values["stage"], changed_by=actor)
    else:
        if mutual.stage_id != values["stage"].pk:
            stage_record(mutual=mutual, to_stage=values["stage"], changed_by=actor)
        mutual.stage, mutual.region = values["stage"], values["region"]
        mutual.save()
        # The mutual's region and service areas weigh in its requests' rankings.
        changed.request_ids += MentoringRequest.objects.filter(
            mutual=mutual, status__in=MentoringRequest.MATCHABLE_STATUSES
        ).values_list("pk", flat=True)
    mutual.service_areas.set(values["service_areas"])
    contact = _person(values["contact_email"], values["contact_name"], changed.invited)
    Membership.objects.get_or_create(mutual=mutual, user=contact)


APPLY = {"mutuals": _mutual, "mentors": _mentor, "ambassadors": _ambassador}


@transaction.atomic
def import_apply(*, kind: str, text: str, actor: User) -> dict[str, Any]:
    """Import every new and updated row of the file, read again now, or nothing at all.

    New and updated mentors, and the open requests of updated mutuals, are re-ranked by tasks queued after commit
    (one each for a few, one full rematch for many: matching.services.suggestions_refresh_after_bulk_change).
    A file with an invalid row is refused whole: the person corrects it and uploads it again, so no file is ever
    half imported. Unchanged rows are left alone, so importing the same file twice changes nothing the second time.
    """
    checked: ReadFile = read(kind, text)
    if checked.count("invalid"):
        raise ImportNotAllowed(
            f"{checked.count('invalid')} row(s) are invalid. Correct them and upload the file again: "
            "nothing was imported."
        )
    changed = Changed()
    for row in checked.rows:
        if row.status in ("new", "updated"):
            APPLY[kind](row, actor, changed)
    # New and edited mentors are ranked for the open requests now (after commit), not at the nightly rematch.
    suggestions_refresh_after_bulk_change(
        mentor_ids=changed.mentor_ids, request_ids=changed.request_ids, profiles_edited=True
    )
    for user in changed.invited:
        notification_services.notify(
            "record_claim_invitation", to=[user], actor=actor, url=_claim_url(user), dedupe=f"claim:{user.pk}"
        )
    return {**checked.counts, "invited": len(changed.invited)}


class ImportAlreadyApplied(ImportNotAllowed):
    pass


@transaction.atomic
def import_batch_apply(*, batch_id: int, actor: User) -> ImportBatch:
    """Apply an uploaded file that was previewed, once: the batch is claimed by a locked read, records what the
    import did, and its file is deleted (emptied) in the same transaction, so no applied file is kept."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.applied_at is not None:
        raise ImportAlreadyApplied("This file has already been imported.")
    batch.result = import_apply(kind=batch.kind, text=batch.content, actor=actor)
    batch.applied_at = timezone.now()
    batch.content = ""
    batch.save(update_fields=["result", "applied_at", "content"])
    return batch
