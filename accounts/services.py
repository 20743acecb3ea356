"""Every write to accounts data: mutuals, memberships, invitations, mentor profiles, vetting and the taxonomy.

Functions are keyword-only and atomic, check the current state first, and raise AccountsError (whose message is
written for the person who asked) when a change is not allowed. Emails go out from Celery tasks enqueued after
commit; matching hears about mentor changes through accounts.signals.mentor_profile_changed, also after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify

from accounts.models import (
    Membership,
    MentorProfile,
    Mutual,
    MutualInvitation,
    ServiceArea,
    SupportTopic,
    TaxonomyTerm,
    User,
)
from accounts.signals import mentor_profile_changed
from accounts.slugs import free_slug, mutual_slug
from accounts.stage_history import stage_record
from notifications.services import notify, notify_address

TermT = TypeVar("TermT", bound=TaxonomyTerm)

MUTUAL_FIELDS = (
    "name",
    "region",
    "stage",
    "legal_form",
    "staff_count",
    "parent_body",
    "description",
    "website",
    "listed_publicly",
)
MUTUAL_MANY_FIELDS = ("service_areas",)
MENTOR_PROFILE_FIELDS = ("headline", "bio", "organisation", "region", "format", "capacity", "conflicts_note")
MENTOR_PROFILE_MANY_FIELDS = ("topics", "service_areas", "stages", "conflicts")
# Unaccepted invitations are kept this long after they expire, so members can see what happened, then purged.
INVITATION_RETENTION = timedelta(days=30)
# Invitations are emails we send to any address a member types: cap them so the service cannot be used to spam.
INVITATIONS_PER_DAY = 20
# Limits on what one account can make the service email or create, so it cannot be used to send mail from our
# address to strangers (issue 18, finding 6). Counted in the database, so they hold across processes and outages.
INVITATIONS_PER_SENDER_PER_DAY = 20
NEW_ACCOUNT_DAYS = 7
INVITATIONS_PER_NEW_ACCOUNT_PER_DAY = 5
MUTUALS_PER_ACCOUNT_PER_DAY = 2


class AccountsError(Exception):
    """A change the rules do not allow. The message is shown to the person who asked for it."""


# --- Helpers shared by the services below -------------------------------------------------------------------


def _apply(instance: Model, data: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """Copy the given fields from data onto instance; returns the names that were present, for update_fields."""
    present = [name for name in fields if name in data]
    for name in present:
        setattr(instance, name, data[name])
    return present


def _set_many(instance: Model, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            getattr(instance, name).set(data[name])


def _announce_mentor_change(profile_id: int, reason: str) -> None:
    def announce() -> None:
        # Not when the profile went in the same transaction (its owner deleted their account).
        if MentorProfile.objects.filter(pk=profile_id).exists():
            mentor_profile_changed.send(sender=MentorProfile, profile_id=profile_id, reason=reason)

    transaction.on_commit(announce)


# --- Mutuals and memberships --------------------------------------------------------------------------------


@transaction.atomic
def mutual_create(*, user: User, data: Mapping[str, Any]) -> Mutual:
    """Create a mutual's profile with the person creating it as its first member. An account may create at most
    MUTUALS_PER_ACCOUNT_PER_DAY in any 24 hours."""
    created_today = Mutual.objects.filter(created_by=user, created_at__gt=timezone.now() - timedelta(days=1)).count()
    if created_today >= MUTUALS_PER_ACCOUNT_PER_DAY:
        raise AccountsError(
            f"You have created {created_today} mutuals in the last 24 hours. If you need another today, contact the "
            "programme team."
        )
    for attempt in range(3):
        mutual = Mutual(created_by=user)
        _apply(mutual, data, MUTUAL_FIELDS)
        mutual.slug = mutual_slug(mutual.name)
        mutual.listing_consent_at = timezone.now() if mutual.listed_publicly else None
        try:
            # Two people naming their mutuals alike at the same moment can pick the same slug: retry.
            with transaction.atomic():
                mutual.save()
            break
        except IntegrityError:
            if attempt == 2:
                raise
    _set_many(mutual, data, MUTUAL_MANY_FIELDS)
    Membership.objects.create(mutual=mutual, user=user)
    stage_record(mutual=mutual, to_stage=mutual.stage, changed_by=user)
    return mutual


@transaction.atomic
def mutual_update(*, mutual: Mutual, data: Mapping[str, Any], changed_by: User | None = None) -> Mutual:
    """Change a mutual's profile. The slug stays as it is, so links keep working after a rename.

    Consent to the public listing is time-stamped when given and the stamp cleared when it is withdrawn. A new stage
    goes into the mutual's stage history, as moved by changed_by.
    """
    mutual = Mutual.objects.select_for_update().get(pk=mutual.pk)
    had_consent, old_stage_id = mutual.listed_publicly, mutual.stage_id
    changed = _apply(mutual, data, MUTUAL_FIELDS)
    if mutual.listed_publicly and not had_consent:
        mutual.listing_consent_at = timezone.now()
    elif not mutual.listed_publicly:
        mutual.listing_consent_at = None
    mutual.save(update_fields=[*changed, "listing_consent_at", "updated_at"])
    _set_many(mutual, data, MUTUAL_MANY_FIELDS)
    if mutual.stage_id != old_stage_id:
        stage_record(mutual=mutual, to_stage=mutual.stage, changed_by=changed_by)
    return mutual


@transaction.atomic
def membership_leave(*, mutual: Mutual, user: User) -> None:
    """Remove the person from the mutual. A mutual always keeps at least one member."""
    # Lock the mutual so two last members leaving at once cannot both succeed.
    mutual = Mutual.objects.select_for_update().get(pk=mutual.pk)
    memberships = Membership.objects.filter(mutual=mutual)
    if not memberships.filter(user=user).exists():
        raise AccountsError(f"You are not a member of {mutual.name}.")
    if memberships.count() == 1:
        raise AccountsError(
            f"You are the only member of {mutual.name}, so you cannot leave. "
            "Invite a colleague first; once they have joined, you can leave."
        )
    memberships.filter(user=user).delete()


# --- Invitations --------------------------------------------------------------------------------------------


def _pending_invitations(mutual: Mutual) -> QuerySet[MutualInvitation]:
    return MutualInvitation.objects.filter(
        mutual=mutual, accepted_at=None, revoked_at=None, expires_at__gt=timezone.now()
    )


@transaction.atomic
def invitation_send(*, mutual: Mutual, invited_by: User, email: str) -> MutualInvitation:
    """Invite a colleague by email to join the mutual. The link expires after INVITATION_VALID_DAYS days."""
    email = email.strip().lower()
    if not Membership.objects.filter(mutual=mutual, user=invited_by).exists():
        raise AccountsError(f"Only members of {mutual.name} can invite people to join it.")
    if mutual.members.filter(email__iexact=email).exists():
        raise AccountsError(f"{email} is already a member of {mutual.name}.")
    sent_today = MutualInvitation.objects.filter(mutual=mutual, created_at__gt=timezone.now() - timedelta(days=1))
    by_sender = MutualInvitation.objects.filter(
        invited_by=invited_by, created_at__gt=timezone.now() - timedelta(days=1)
    )
    is_new = invited_by.date_joined > timezone.now() - timedelta(days=NEW_ACCOUNT_DAYS)
    sender_limit = INVITATIONS_PER_NEW_ACCOUNT_PER_DAY if is_new else INVITATIONS_PER_SENDER_PER_DAY
    if by_sender.count() >= sender_limit:
        raise AccountsError(
            f"You have sent {sender_limit} invitations in the last 24 hours"
            + (", the most a new account can send" if is_new else "")
            + ". Try again tomorrow."
        )
    if sent_today.count() >= INVITATIONS_PER_DAY:
        raise AccountsError(
            f"{mutual.name} has sent {INVITATIONS_PER_DAY} invitations in the last 24 hours. Try again tomorrow."
        )
    if _pending_invitations(mutual).filter(email__iexact=email).exists():
        raise AccountsError(
            f"An invitation to {email} is already waiting. Withdraw it first if you want to send a new one."
        )
    return invitation_create_and_email(
        mutual=mutual, email=email, invited_by=invited_by, kind=MutualInvitation.Kind.JOIN
    )


def invitation_create_and_email(*, mutual: Mutual, email: str, invited_by: User, kind: str) -> MutualInvitation:
    """Create an invitation of this kind (to join, or to claim: accounts/claims.py) and email its link."""
    invitation = MutualInvitation.objects.create(
        mutual=mutual,
        kind=kind,
        email=email,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    event = "mutual_claim_invitation" if kind == MutualInvitation.Kind.CLAIM else "mutual_invitation"
    notify_address(
        event,
        address=invitation.email,
        params={
            "inviter": invited_by,
            "mutual": mutual.name,
            "address": invitation.email,
            "expires_on": date_format(timezone.localtime(invitation.expires_at), "j F Y"),
        },
        url=reverse("accounts:invitation_accept", kwargs={"token": invitation.token}),
        dedupe=f"{event}:{invitation.pk}",
    )
    return invitation


def invitation_acceptance_problem(*, invitation: MutualInvitation, user: User) -> str | None:
    """Why this person cannot accept this invitation now, in words fit to show them; None if they can."""
    mutual_name = invitation.mutual.name
    if Membership.objects.filter(mutual_id=invitation.mutual_id, user=user).exists():
        return f"You are already a member of {mutual_name}."
    if invitation.revoked_at is not None:
        return f"This invitation was withdrawn by {mutual_name}. Ask a member to send you a new one."
    if invitation.accepted_at is not None:
        return "This invitation has already been used. Ask a member to send you a new one."
    if invitation.expires_at <= timezone.now():
        expired_on = date_format(timezone.localtime(invitation.expires_at), "j F Y")
        return f"This invitation expired on {expired_on}. Ask a member of {mutual_name} to send you a new one."
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        return (
            f"This invitation was sent to {invitation.email}, but you are signed in as {user.email}. "
            "Sign in with the address the invitation was sent to, or ask a member to invite the address you use."
        )
    return None


@transaction.atomic
def invitation_accept(*, invitation: MutualInvitation, user: User) -> Membership:
    """Make the person a member of the invitation's mutual. Each invitation can be used once."""
    invitation = MutualInvitation.objects.select_for_update().select_related("mutual").get(pk=invitation.pk)
    problem = invitation_acceptance_problem(invitation=invitation, user=user)
    if problem:
        raise AccountsError(problem)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return Membership.objects.create(mutual=invitation.mutual, user=user)


@transaction.atomic
def invitation_revoke(*, invitation: MutualInvitation, revoked_by: User) -> MutualInvitation:
    """Withdraw an invitation that has not been used, so its link stops working."""
    invitation = MutualInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not Membership.objects.filter(mutual_id=invitation.mutual_id, user=revoked_by).exists():
        raise AccountsError("Only members of the mutual can withdraw its invitations.")
    if invitation.accepted_at is not None:
        raise AccountsError(f"The invitation to {invitation.email} has already been accepted.")
    if invitation.revoked_at is not None:
        raise AccountsError(f"The invitation to {invitation.email} was already withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def invitations_purge_expired() -> int:
    """Delete unaccepted invitations that expired more than INVITATION_RETENTION ago. Returns how many."""
    cutoff = timezone.now() - INVITATION_RETENTION
    deleted, _ = MutualInvitation.objects.filter(accepted_at=None, expires_at__lt=cutoff).delete()
    return deleted


# --- Mentor profiles ----------------------------------------------------------------------------------------


@transaction.atomic
def mentor_profile_create(*, user: User, data: Mapping[str, Any]) -> MentorProfile:
    """Volunteer as a mentor. The profile waits for vetting by the programme team before anyone sees it."""
    if MentorProfile.objects.filter(user=user).exists():
        raise AccountsError("You already have a mentor profile.")
    profile = MentorProfile(user=user, status=MentorProfile.Status.PENDING)
    _apply(profile, data, MENTOR_PROFILE_FIELDS)
    profile.save()
    _set_many(profile, data, MENTOR_PROFILE_MANY_FIELDS)
    notify(
        "mentor_volunteered",
        to=User.objects.filter(is_programme_team=True, is_active=True),
        actor=user,
        url=reverse("accounts:vetting_detail", kwargs={"profile_id": profile.pk}),
    )
    return profile


@transaction.atomic
def mentor_profile_update(*, profile: MentorProfile, data: Mapping[str, Any]) -> MentorProfile:
    """Change a mentor's own profile. An approved profile stays approved; a rejected one goes back for vetting."""
    profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
    capacity = data.get("capacity", profile.capacity)
    if capacity < profile.active_mentees:
        raise AccountsError(
            f"You are mentoring {profile.active_mentees} mutuals at the moment, "
            f"so you cannot lower your capacity below {profile.active_mentees}."
        )
    # Only the edited columns are written: active_mentees belongs to the relationship services.
    changed = _apply(profile, data, MENTOR_PROFILE_FIELDS)
    if profile.status == MentorProfile.Status.REJECTED:
        profile.status = MentorProfile.Status.PENDING
        profile.vetted_by = None
        profile.vetted_at = None
        changed += ["status", "vetted_by", "vetted_at"]
    profile.save(update_fields=[*changed, "updated_at"])
    _set_many(profile, data, MENTOR_PROFILE_MANY_FIELDS)
    _announce_mentor_change(profile.pk, "edited")
    return profile


@transaction.atomic
def mentor_pause(*, profile: MentorProfile, until: date) -> MentorProfile:
    """Stop new introductions until the given date (which must be in the future)."""
    if until <= timezone.localdate():
        raise AccountsError("The date you pause until must be in the future.")
    profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
    profile.paused_until = until
    profile.save(update_fields=["paused_until", "updated_at"])
    _announce_mentor_change(profile.pk, "paused")
    return profile


@transaction.atomic
def mentor_resume(*, profile: MentorProfile) -> MentorProfile:
    """End a pause now, so the mentor can be introduced again."""
    profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.paused_until is None:
        raise AccountsError("Your introductions are not paused.")
    profile.paused_until = None
    profile.save(update_fields=["paused_until", "updated_at"])
    _announce_mentor_change(profile.pk, "resumed")
    return profile


# --- A mentor's places ----------------------------------------------------------------------------------------
#
# active_mentees counts the relationships a mentor is in. It is changed only here, under a row lock on the profile,
# and every change is announced once, after commit, through accounts.signals.mentor_profile_changed (matching
# re-ranks the mentor's requests).


@transaction.atomic
def mentor_place_take(*, profile_id: int) -> MentorProfile:
    """One of the mentor's places is taken by a relationship that starts. Refused when they have none left."""
    profile = MentorProfile.objects.select_for_update().get(pk=profile_id)
    if profile.active_mentees >= profile.capacity:
        raise AccountsError(
            "You are already mentoring as many mutuals as you said you could. Raise your capacity or end a "
            "relationship first."
        )
    profile.active_mentees += 1
    # update_fields leaves updated_at alone: load is not part of the cached mentor table's fingerprint.
    profile.save(update_fields=["active_mentees"])
    _announce_mentor_change(profile.pk, "place_taken")
    return profile


@transaction.atomic
def mentor_place_free(*, profile_id: int) -> None:
    """A relationship ended: its place is free again (never below zero)."""
    profile = MentorProfile.objects.select_for_update().filter(pk=profile_id).first()
    if profile is None or profile.active_mentees == 0:
        return
    profile.active_mentees -= 1
    profile.save(update_fields=["active_mentees"])
    _announce_mentor_change(profile.pk, "place_freed")


def _vetting_decision(
    profile: MentorProfile, staff_member: User, status: MentorProfile.Status, reason: str
) -> MentorProfile:
    if not staff_member.is_programme_team:
        raise AccountsError("Only the programme team can vet mentors.")
    profile = MentorProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.status != MentorProfile.Status.PENDING:
        raise AccountsError(f"{profile} has already been vetted ({profile.get_status_display().lower()}).")
    profile.status = status
    profile.status_reason = reason
    profile.vetted_by = staff_member
    profile.vetted_at = timezone.now()
    profile.save(update_fields=["status", "status_reason", "vetted_by", "vetted_at"])
    approved = status == MentorProfile.Status.APPROVED
    notify(
        "vetting_decided",
        to=[profile.user],
        params={
            "approved": approved,
            "note": reason,
            "decision": "You are approved as a mentor: mutuals can now find you."
            if approved
            else "Your mentor profile was not approved. Your profile page says why.",
        },
        url=reverse("accounts:mentor_profile"),
        dedupe=f"vetting_decided:{profile.pk}:{profile.vetted_at.timestamp()}",
    )
    return profile


@transaction.atomic
def mentor_approve(*, profile: MentorProfile, approved_by: User, note: str = "") -> MentorProfile:
    """Approve a pending mentor: they can now be found and matched. They are told by email."""
    profile = _vetting_decision(profile, approved_by, MentorProfile.Status.APPROVED, note.strip())
    _announce_mentor_change(profile.pk, "approved")
    return profile


@transaction.atomic
def mentor_reject(*, profile: MentorProfile, rejected_by: User, reason: str) -> MentorProfile:
    """Turn down a pending mentor, with a reason they are told by email."""
    reason = reason.strip()
    if not reason:
        raise AccountsError("Give the reason for not approving this mentor.")
    return _vetting_decision(profile, rejected_by, MentorProfile.Status.REJECTED, reason)


# --- Taxonomy -----------------------------------------------------------------------------------------------


def _new_term(model: type[TermT], name: str, added_by: User, **extra: Any) -> TermT:
    if not added_by.is_programme_team:
        raise AccountsError("Only the programme team can change the lists.")
    name = " ".join(name.split())
    if not name:
        raise AccountsError("Enter a name.")
    if model._default_manager.filter(name__iexact=name).exists():
        raise AccountsError(f"{name} is already on the list.")
    base = slugify(name)[:90].strip("-") or model.__name__.lower()
    taken = set(model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))
    return model._default_manager.create(name=name, slug=free_slug(base, taken), **extra)


@transaction.atomic
def service_area_add(*, name: str, added_by: User) -> ServiceArea:
    """Add a service area to the list that mutuals and mentors choose from."""
    return _new_term(ServiceArea, name, added_by)


@transaction.atomic
def topic_add(*, name: str, short_name: str = "", added_by: User) -> SupportTopic:
    """Add a support topic; the short name is used in matching explanations."""
    return _new_term(SupportTopic, name, added_by, short_name=" ".join(short_name.split()))


@transaction.atomic
def taxonomy_term_set_active(*, term: TaxonomyTerm, active: bool, changed_by: User) -> TaxonomyTerm:
    """Stop offering a term (or offer it again). Profiles that already use it keep it."""
    if not changed_by.is_programme_team:
        raise AccountsError("Only the programme team can change the lists.")
    if term.is_active == active:
        raise AccountsError(f"{term.name} is already {'offered' if active else 'withdrawn'}.")
    term.is_active = active
    term.save(update_fields=["is_active"])
    return term


# --- Two-factor authentication ----------------------------------------------------------------------------------


@transaction.atomic
def two_factor_reset(*, user: User) -> int:
    """Remove a person's authenticators (app, recovery codes, security keys) and end their sessions, so they set up a
    new second factor at their next sign-in. For a member of staff who lost their phone: staff cannot turn it off
    themselves. Returns the number of sessions ended."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    Authenticator.objects.filter(user=user).delete()
    ended = 0
    # Sessions are keyed by an opaque id; finding a person's means reading the live ones (rare: an admin action).
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended
