"""Applying an import: every new and updated row in one transaction, or nothing. New people are invited by email to
claim their record (set a password through a link that works once)."""

from __future__ import annotations

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
from notifications import services as notification_services
from programme.imports.reading import ReadFile, Row, read


class ImportNotAllowed(Exception):
    pass


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


def _mentor(row: Row, actor: User, invited: list[User]) -> None:
    values = row.values
    user = _person(row.key, values["full_name"], invited)
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


def _ambassador(row: Row, actor: User, invited: list[User]) -> None:
    values = row.values
    user = _person(row.key, values["full_name"], invited)
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


def _mutual(row: Row, actor: User, invited: list[User]) -> None:
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
    mutual.service_areas.set(values["service_areas"])
    contact = _person(values["contact_email"], values["contact_name"], invited)
    Membership.objects.get_or_create(mutual=mutual, user=contact)


APPLY = {"mutuals": _mutual, "mentors": _mentor, "ambassadors": _ambassador}


@transaction.atomic
def import_apply(*, kind: str, text: str, actor: User) -> dict[str, Any]:
    """Import every new and updated row of the file, read again now, or nothing at all.

    A file with an invalid row is refused whole: the person corrects it and uploads it again, so no file is ever
    half imported. Unchanged rows are left alone, so importing the same file twice changes nothing the second time.
    """
    checked: ReadFile = read(kind, text)
    if checked.count("invalid"):
        raise ImportNotAllowed(
            f"{checked.count('invalid')} row(s) are invalid. Correct them and upload the file again: "
            "nothing was imported."
        )
    invited: list[User] = []
    for row in checked.rows:
        if row.status in ("new", "updated"):
            APPLY[kind](row, actor, invited)
    for user in invited:
        notification_services.notify(
            "record_claim_invitation", to=[user], actor=actor, url=_claim_url(user), dedupe=f"claim:{user.pk}"
        )
    return {**checked.counts, "invited": len(invited)}
