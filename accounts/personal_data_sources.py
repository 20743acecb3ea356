"""What the accounts app (and the notifications layer below it) holds about a person, for accounts/personal_data.py."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q
from django.urls import reverse

from accounts.models import ConductAcceptance, Membership, MentorProfile, MutualClaimRequest, MutualInvitation, User
from accounts.personal_data import PersonalDataSource, register, when
from notifications import rendering
from notifications.models import Category, EmailFile, OutboundEmail
from notifications.services import notify_address, preferences_for


def _profile(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "programme_team": user.is_programme_team,
        "date_joined": when(user.date_joined),
        "last_login": when(user.last_login),
    }


def _email_addresses(user: User) -> list[dict[str, Any]]:
    return [
        {"email": address.email, "verified": address.verified, "primary": address.primary}
        for address in EmailAddress.objects.filter(user=user).order_by("email")
    ]


def _memberships(user: User) -> list[dict[str, Any]]:
    return [
        {"mutual": membership.mutual.name, "job_title": membership.job_title, "joined_at": when(membership.joined_at)}
        for membership in Membership.objects.filter(user=user).select_related("mutual")
    ]


def _mentor_profile(user: User) -> dict[str, Any] | None:
    profile = (
        MentorProfile.objects.filter(user=user)
        .select_related("region")
        .prefetch_related("topics", "service_areas", "stages", "conflicts")
        .first()
    )
    if profile is None:
        return None
    return {
        "headline": profile.headline,
        "bio": profile.bio,
        "organisation": profile.organisation,
        "topics": [topic.name for topic in profile.topics.all()],
        "service_areas": [area.name for area in profile.service_areas.all()],
        "stages": [stage.name for stage in profile.stages.all()],
        "region": profile.region.name,
        "format": profile.get_format_display(),
        "capacity": profile.capacity,
        "active_mentees": profile.active_mentees,
        "paused_until": when(profile.paused_until),
        "conflicts": [mutual.name for mutual in profile.conflicts.all()],
        "conflicts_note": profile.conflicts_note,
        "status": profile.get_status_display(),
        "created_at": when(profile.created_at),
    }


def _conduct_acceptances(user: User) -> list[dict[str, Any]]:
    """Which versions of the mentor code of conduct they accepted, and when (deleted with the account: CASCADE)."""
    return [
        {"version": acceptance.code.version, "accepted_at": when(acceptance.accepted_at)}
        for acceptance in ConductAcceptance.objects.filter(user=user).select_related("code").order_by("accepted_at")
    ]


def _invitations(user: User) -> dict[str, list[dict[str, Any]]]:
    return {
        "sent": [
            {"to": invitation.email, "mutual": invitation.mutual.name, "sent_at": when(invitation.created_at)}
            for invitation in MutualInvitation.objects.filter(invited_by=user).select_related("mutual")
        ],
        "received": [
            {"mutual": invitation.mutual.name, "sent_at": when(invitation.created_at)}
            for invitation in MutualInvitation.objects.filter(_addressed_to(user)).select_related("mutual")
        ],
    }


def _claim_requests(user: User) -> list[dict[str, Any]]:
    """Their requests to claim a mutual (deleted with the account: CASCADE)."""
    return [
        {
            "mutual": claim.mutual.name,
            "role": claim.job_title,
            "message": claim.message,
            "status": claim.get_status_display(),
            "reason": claim.reason,
            "asked_at": when(claim.created_at),
            "decided_at": when(claim.decided_at),
        }
        for claim in MutualClaimRequest.objects.filter(requested_by=user).select_related("mutual").order_by("pk")
    ]


def _addresses_of(user: User) -> set[str]:
    return set(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) | {user.email}


def _addressed_to(user: User, field: str = "email") -> Q:
    match = Q(pk__in=[])
    for address in _addresses_of(user):
        match |= Q(**{f"{field}__iexact": address})
    return match


def _notifications(user: User) -> dict[str, Any]:
    preferences = preferences_for(user)
    return {
        "notices": [
            {"kind": notice.get_kind_display(), "text": notice.text, "created_at": when(notice.created_at)}
            for notice in rendering.with_texts(user.notices.order_by("id"))
        ],
        "emails_we_send_you": {category.label: preferences.wants(category) for category in Category.optional()},
        "emails_sent_to_you": [
            {"about": email.event, "status": email.get_status_display(), "created_at": when(email.created_at)}
            for email in OutboundEmail.objects.filter(recipient=user).order_by("id")
        ],
    }


def _before_delete(user: User) -> None:
    """Invitations and emails addressed to the person's addresses go too (they are not linked to the user row), and
    the person is told, at the address they used, that their account has gone."""
    MutualInvitation.objects.filter(_addressed_to(user)).delete()
    OutboundEmail.objects.filter(_addressed_to(user, "to_address")).delete()
    EmailFile.objects.filter(_addressed_to(user, "address")).delete()
    notify_address("account_deleted", address=user.email, url=reverse("pages:home"))


def register_sources() -> None:
    register(PersonalDataSource("profile", _profile, order=0))
    register(PersonalDataSource("email_addresses", _email_addresses, order=1))
    register(PersonalDataSource("mutual_memberships", _memberships, order=10))
    register(PersonalDataSource("mentor_profile", _mentor_profile, order=11))
    register(PersonalDataSource("code_of_conduct_accepted", _conduct_acceptances, order=13))
    register(PersonalDataSource("mutual_invitations", _invitations, before_delete=_before_delete, order=12))
    register(PersonalDataSource("mutual_claim_requests", _claim_requests, order=14))
    register(PersonalDataSource("notifications", _notifications, order=90))
