"""Claiming an unclaimed mutual: the first member of a mutual that is on the pipeline without anyone from it.

An emerging project an ambassador spots, or a mutual the programme team adds, is a Mutual with no members
(accounts.pipeline). Somebody from it becomes its first member in one of two ways:

- an invitation to claim it: the programme team, or the ambassador who spotted it (or whoever put it on the
  pipeline), emails a link (a MutualInvitation of kind CLAIM, expiring like every invitation); the person signs up
  or signs in with that address and accepts;
- a request to claim it: a signed-in person asks to claim a mutual that is listed publicly and has no members; the
  programme team approves or refuses.

Invariant: a mutual is claimed once. Every claim locks the mutual's row and checks it still has no members, so two
acceptances (or an acceptance and an approval) at once make one member; once claimed, the other claim invitations are
withdrawn and the other requests refused. The mutual keeps its record and its pipeline history: claiming adds a
membership and changes nothing else.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.models import Membership, Mutual, MutualClaimRequest, MutualInvitation, User
from accounts.services import invitation_create_and_email
from notifications.services import notify

# Claim invitations are emails to any address: the same daily cap as invitations to join, per sender.
CLAIM_INVITATIONS_PER_SENDER_PER_DAY = 20


class ClaimError(Exception):
    """A claim the rules do not allow. The message is shown to the person who asked for it."""


def _programme_team() -> QuerySet[User]:
    return User.objects.filter(is_programme_team=True, is_active=True)


def has_members() -> Exists:
    """For annotating or filtering mutuals: whether anyone has joined it."""
    return Exists(Membership.objects.filter(mutual=OuterRef("pk")))


def is_claimed(mutual: Mutual) -> bool:
    return Membership.objects.filter(mutual=mutual).exists()


# --- Selectors -------------------------------------------------------------------------------------------------


def _spotted_by(user: User) -> Q:
    # The ambassador whose engagement surfaced the emerging project (ambassadors.EmergingProject), by the reverse
    # relation's name: accounts does not import the ambassadors app.
    return Q(emerging_project__source_engagement__ambassador__user=user)


def mutuals_user_may_invite_to_claim(user: User) -> QuerySet[Mutual]:
    """The mutuals this person may send claim invitations for: any, for the programme team; for anyone else, those
    they put on the pipeline or spotted as an ambassador. Claimed ones are included, so the page can say so."""
    mutuals = Mutual.objects.select_related("region", "stage")
    if user.is_programme_team:
        return mutuals
    return mutuals.filter(Q(created_by=user) | _spotted_by(user)).distinct()


def claim_invitations_of(mutual: Mutual) -> QuerySet[MutualInvitation]:
    return MutualInvitation.objects.filter(mutual=mutual, kind=MutualInvitation.Kind.CLAIM).select_related(
        "invited_by", "accepted_by"
    )


def claimable_mutual(slug: str) -> Mutual:
    """A mutual anyone signed in may ask to claim: listed publicly, nobody has joined it. Otherwise 404 (an unlisted
    mutual is not admitted to exist)."""
    listed_unclaimed = Mutual.objects.filter(listed_publicly=True).exclude(has_members())
    return get_object_or_404(listed_unclaimed.select_related("region", "stage"), slug=slug)


def pending_claim_request(*, mutual: Mutual, user: User) -> MutualClaimRequest | None:
    return MutualClaimRequest.objects.filter(
        mutual=mutual, requested_by=user, status=MutualClaimRequest.Status.PENDING
    ).first()


def claim_requests_for_staff() -> QuerySet[MutualClaimRequest]:
    """Requests waiting for a decision first, oldest first; then decided ones, most recently decided first."""
    waiting_first = Case(When(status=MutualClaimRequest.Status.PENDING, then=Value(0)), default=Value(1))
    return MutualClaimRequest.objects.select_related("mutual", "requested_by", "decided_by").order_by(
        waiting_first, F("decided_at").desc(nulls_last=True), "created_at", "pk"
    )


# --- Invitations to claim ----------------------------------------------------------------------------------------


def _may_invite(user: User, mutual: Mutual) -> bool:
    return mutuals_user_may_invite_to_claim(user).filter(pk=mutual.pk).exists()


@transaction.atomic
def claim_invitation_send(*, mutual: Mutual, invited_by: User, email: str) -> MutualInvitation:
    """Email `email` a link to claim the unclaimed mutual. Only the programme team and the person who put the mutual
    on the pipeline may; the link expires after INVITATION_VALID_DAYS days and works once."""
    email = email.strip().lower()
    if not _may_invite(invited_by, mutual):
        raise ClaimError(
            "Only the programme team, or the ambassador who spotted this mutual, can invite someone to claim it."
        )
    if is_claimed(mutual):
        raise ClaimError(f"{mutual.name} has already been claimed: its members can invite their colleagues.")
    sent_today = MutualInvitation.objects.filter(
        invited_by=invited_by, created_at__gt=timezone.now() - timedelta(days=1)
    )
    if sent_today.count() >= CLAIM_INVITATIONS_PER_SENDER_PER_DAY:
        raise ClaimError(
            f"You have sent {CLAIM_INVITATIONS_PER_SENDER_PER_DAY} invitations in the last 24 hours. "
            "Try again tomorrow."
        )
    pending = claim_invitations_of(mutual).filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
    if pending.filter(email__iexact=email).exists():
        raise ClaimError(f"An invitation to {email} is already waiting. Withdraw it first to send a new one.")
    return invitation_create_and_email(
        mutual=mutual, email=email, invited_by=invited_by, kind=MutualInvitation.Kind.CLAIM
    )


@transaction.atomic
def claim_invitation_withdraw(*, invitation: MutualInvitation, withdrawn_by: User) -> MutualInvitation:
    """Withdraw a claim invitation that has not been used, so its link stops working."""
    invitation = MutualInvitation.objects.select_for_update().select_related("mutual").get(pk=invitation.pk)
    if invitation.kind != MutualInvitation.Kind.CLAIM or not _may_invite(withdrawn_by, invitation.mutual):
        raise ClaimError(
            "Only the programme team, or the ambassador who spotted this mutual, can withdraw its claim invitations."
        )
    if invitation.accepted_at is not None:
        raise ClaimError(f"The invitation to {invitation.email} has already been accepted.")
    if invitation.revoked_at is not None:
        raise ClaimError(f"The invitation to {invitation.email} was already withdrawn.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def claim_acceptance_problem(*, invitation: MutualInvitation, user: User) -> str | None:
    """Why this person cannot use this claim invitation now, in words fit to show them; None if they can."""
    name = invitation.mutual.name
    if invitation.accepted_at is not None:
        return f"This invitation has already been used: {name} has been claimed."
    if is_claimed(invitation.mutual):
        return f"{name} has already been claimed. Ask one of its members to invite you to join it."
    if invitation.revoked_at is not None:
        return f"This invitation to claim {name} was withdrawn. Ask the programme team if you think it should not be."
    if invitation.expires_at <= timezone.now():
        expired_on = date_format(timezone.localtime(invitation.expires_at), "j F Y")
        return f"This invitation expired on {expired_on}. Ask the programme team to send you a new one."
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        return (
            f"This invitation was sent to {invitation.email}, but you are signed in as {user.email}. "
            "Sign in with the address the invitation was sent to."
        )
    return None


def _claim(mutual: Mutual, user: User, *, job_title: str = "", approved_by: User | None = None) -> Membership:
    """Make `user` the first member of `mutual`, which the caller has locked; close every other way to claim it.
    The programme team is told, except whoever approved it (they know)."""
    if is_claimed(mutual):
        raise ClaimError(f"{mutual.name} has already been claimed.")
    membership = Membership.objects.create(mutual=mutual, user=user, job_title=job_title)
    now = timezone.now()
    claim_invitations_of(mutual).filter(accepted_at=None, revoked_at=None).update(revoked_at=now)
    for other in MutualClaimRequest.objects.filter(mutual=mutual, status=MutualClaimRequest.Status.PENDING):
        other.status, other.decided_at = MutualClaimRequest.Status.REFUSED, now
        other.reason = "Someone else from the mutual has claimed it. Ask them to invite you to join it."
        other.save(update_fields=["status", "decided_at", "reason"])
        _tell_claimant(other)
    told = _programme_team()
    if approved_by is not None:
        told = told.exclude(pk=approved_by.pk)
    notify(
        "mutual_claimed",
        to=told,
        actor=user,
        params={"mutual": mutual.name},
        url=reverse("programme:pipeline_mutual", kwargs={"slug": mutual.slug}),
    )
    return membership


@transaction.atomic
def claim_invitation_accept(*, invitation: MutualInvitation, user: User) -> Membership:
    """Use a claim invitation: the person becomes the mutual's first member. Each invitation works once, and a
    mutual is claimed once."""
    Mutual.objects.select_for_update().filter(pk=invitation.mutual_id).first()  # serialise claims of this mutual
    invitation = MutualInvitation.objects.select_for_update().select_related("mutual").get(pk=invitation.pk)
    if invitation.kind != MutualInvitation.Kind.CLAIM:
        raise ClaimError("This is not an invitation to claim a mutual.")
    problem = claim_acceptance_problem(invitation=invitation, user=user)
    if problem is not None:
        raise ClaimError(problem)
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return _claim(invitation.mutual, user)


# --- Requests to claim ------------------------------------------------------------------------------------------


@transaction.atomic
def claim_request_make(*, mutual: Mutual, user: User, job_title: str, message: str = "") -> MutualClaimRequest:
    """Ask to claim a listed mutual nobody has joined; the programme team is told and decides."""
    mutual = Mutual.objects.select_for_update().get(pk=mutual.pk)
    if not mutual.listed_publicly or is_claimed(mutual):
        raise ClaimError(f"{mutual.name} cannot be claimed: it already has members.")
    try:
        with transaction.atomic():
            claim_request = MutualClaimRequest.objects.create(
                mutual=mutual, requested_by=user, job_title=job_title, message=message
            )
    except IntegrityError:
        raise ClaimError(f"You have already asked to claim {mutual.name}. The programme team will reply.") from None
    notify(
        "mutual_claim_requested",
        to=_programme_team(),
        actor=user,
        params={"mutual": mutual.name},
        url=reverse("accounts:claim_request_decide", kwargs={"pk": claim_request.pk}),
    )
    return claim_request


def _tell_claimant(claim_request: MutualClaimRequest, *, actor: User | None = None) -> None:
    approved = claim_request.status == MutualClaimRequest.Status.APPROVED
    notify(
        "mutual_claim_decided",
        to=[claim_request.requested_by],
        actor=actor,
        params={
            "mutual": claim_request.mutual.name,
            "decision": "approved: you are now its first member" if approved else "not approved",
            "reason": claim_request.reason,
        },
        url=reverse("accounts:mutual_detail", kwargs={"slug": claim_request.mutual.slug})
        if approved
        else reverse("accounts:mutual_directory"),
        dedupe=f"mutual_claim_decided:{claim_request.pk}",
    )


def _decidable(claim_request: MutualClaimRequest, decided_by: User) -> MutualClaimRequest:
    if not decided_by.is_programme_team:
        raise ClaimError("Only the programme team can decide requests to claim a mutual.")
    Mutual.objects.select_for_update().filter(pk=claim_request.mutual_id).first()
    locked = MutualClaimRequest.objects.select_for_update().select_related("mutual", "requested_by")
    claim_request = locked.get(pk=claim_request.pk)
    if claim_request.status != MutualClaimRequest.Status.PENDING:
        raise ClaimError(f"This request was already decided: {claim_request.get_status_display().lower()}.")
    return claim_request


@transaction.atomic
def claim_request_approve(*, claim_request: MutualClaimRequest, decided_by: User) -> Membership:
    """Approve a request: its author becomes the mutual's first member (refused if someone claimed it meanwhile)."""
    claim_request = _decidable(claim_request, decided_by)
    claim_request.status, claim_request.decided_at = MutualClaimRequest.Status.APPROVED, timezone.now()
    claim_request.decided_by = decided_by
    claim_request.save(update_fields=["status", "decided_at", "decided_by"])
    membership = _claim(
        claim_request.mutual, claim_request.requested_by, job_title=claim_request.job_title, approved_by=decided_by
    )
    _tell_claimant(claim_request, actor=decided_by)
    return membership


@transaction.atomic
def claim_request_refuse(*, claim_request: MutualClaimRequest, decided_by: User, reason: str) -> MutualClaimRequest:
    """Refuse a request, with the reason its author is told."""
    claim_request = _decidable(claim_request, decided_by)
    claim_request.status, claim_request.decided_at = MutualClaimRequest.Status.REFUSED, timezone.now()
    claim_request.decided_by, claim_request.reason = decided_by, reason
    claim_request.save(update_fields=["status", "decided_at", "decided_by", "reason"])
    _tell_claimant(claim_request, actor=decided_by)
    return claim_request
