"""Reads for accounts pages, scoped to what the person may see, with the joins each page needs.

Objects are always fetched through a scoped queryset, so someone else's mutual is the same 404 as a missing one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import claims
from accounts.models import (
    Membership,
    MentorProfile,
    Mutual,
    MutualInvitation,
    ServiceArea,
    SupportTopic,
    User,
)

RECENT_DECISIONS = 20


def is_mutual_member(user: User | AnonymousUser) -> bool:
    """Whether the person acts for a mutual. Asked by the role check and the directory on the same request, so the
    answer is kept on the user object for the request."""
    if not user.is_authenticated:
        return False
    cached: bool | None = getattr(user, "_is_mutual_member", None)
    if cached is None:
        cached = Membership.objects.filter(user=user).exists()
        user._is_mutual_member = cached  # type: ignore[attr-defined]
    return cached


def is_mentor(user: User | AnonymousUser) -> bool:
    """Has a mentor profile (whatever its vetting status)."""
    return user.is_authenticated and MentorProfile.objects.filter(user=user).exists()


def can_see_mentor_directory(user: User | AnonymousUser) -> bool:
    """Mentors are shown to people acting for a mutual, and to the programme team."""
    if not user.is_authenticated:
        return False
    return user.is_programme_team or is_mutual_member(user)


# --- Mutuals ------------------------------------------------------------------------------------------------


def mutuals_for(user: User) -> QuerySet[Mutual]:
    """The mutuals this person is a member of."""
    return (
        Mutual.objects.filter(memberships__user=user)
        .select_related("region", "stage")
        .prefetch_related("service_areas")
        .order_by("name")
    )


def mutual_links_for(user: User) -> QuerySet[Mutual]:
    """The person's mutuals as the dashboard lists them: a link by name, with the region and stage. Not their service
    areas (a prefetch query) nor the columns the list does not show."""
    return (
        Mutual.objects.filter(memberships__user=user)
        .select_related("region", "stage")
        .only("name", "slug", "region__name", "stage__name")
        .order_by("name")
    )


def members_of(mutual: Mutual) -> QuerySet[Membership]:
    return Membership.objects.filter(mutual=mutual).select_related("user").order_by("joined_at")


def invitations_waiting(mutual: Mutual) -> QuerySet[MutualInvitation]:
    """Invitations nobody has used or withdrawn, including expired ones (so members can see what happened)."""
    return (
        MutualInvitation.objects.filter(mutual=mutual, accepted_at=None, revoked_at=None)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_of_mutual(mutual: Mutual, invitation_id: int) -> MutualInvitation:
    return get_object_or_404(MutualInvitation, mutual=mutual, pk=invitation_id)


def invitation_by_token(token: str) -> MutualInvitation:
    """The token is the secret: anyone signed in who holds it can see which mutual it is for."""
    return get_object_or_404(MutualInvitation.objects.select_related("mutual", "invited_by"), token=token)


def public_mutuals() -> QuerySet[Mutual]:
    """Mutuals that consented to the public forward look of emerging mutuals."""
    return mutual_directory_all().filter(listed_publicly=True)


def mutual_directory_all() -> QuerySet[Mutual]:
    # has_members: a listed mutual nobody has joined can be claimed (accounts.claims).
    mutuals = Mutual.objects.select_related("region", "stage").prefetch_related("service_areas")
    return mutuals.annotate(has_members=claims.has_members()).order_by("name")


def mutual_directory(user: User | AnonymousUser) -> QuerySet[Mutual]:
    """The programme team sees every mutual; everyone else only the consenting ones."""
    if user.is_authenticated and user.is_programme_team:
        return mutual_directory_all()
    return public_mutuals()


# --- Mentors ------------------------------------------------------------------------------------------------


def _mentors_with_details() -> QuerySet[MentorProfile]:
    return MentorProfile.objects.select_related("user", "region").prefetch_related("topics", "service_areas", "stages")


def mentor_profile_of(user: User) -> MentorProfile | None:
    """The person's mentor profile without its lists: enough for its status."""
    return MentorProfile.objects.filter(user=user).first()


def mentor_profile_in_full_of(user: User) -> MentorProfile | None:
    """The person's mentor profile with everything its page shows."""
    return _mentors_with_details().prefetch_related("conflicts").filter(user=user).first()


def own_mentor_profile(user: User) -> MentorProfile:
    """The person's own mentor profile; 404 if they have none."""
    return get_object_or_404(_mentors_with_details().prefetch_related("conflicts"), user=user)


def mentor_directory(user: User | AnonymousUser) -> QuerySet[MentorProfile]:
    """Approved mentors, for the people allowed to see them (nobody else gets any rows). Rows only: a page of them
    gets its lists of terms from `mentor_cards`, one mentor's page from `mentor_in_directory`."""
    if not can_see_mentor_directory(user):
        return MentorProfile.objects.none()
    return MentorProfile.objects.select_related("user", "region").filter(status=MentorProfile.Status.APPROVED)


def mentor_in_directory(user: User | AnonymousUser, profile_id: int) -> MentorProfile:
    """One approved mentor with everything their page shows; 404 for anyone who may not see the directory."""
    return get_object_or_404(
        mentor_directory(user).prefetch_related("topics", "service_areas", "stages"), pk=profile_id
    )


@dataclass(frozen=True)
class MentorCard:
    profile: MentorProfile
    topics: list[str]
    service_areas: list[str]


def mentor_cards(profiles: Iterable[MentorProfile]) -> list[MentorCard]:
    """A directory page's mentors with the names of their support topics and service areas, in display order.

    Two queries of (mentor, name) pairs: a prefetch would build a term, a queryset and a related manager per row
    and relation, about a third of the page's time, to read one field."""
    profiles = list(profiles)
    ids = [profile.pk for profile in profiles]
    topics: dict[int, list[str]] = defaultdict(list)
    service_areas: dict[int, list[str]] = defaultdict(list)
    # The terms' own ordering (order, name) applies, as it does to profile.topics.all().
    for mentor_id, name in SupportTopic.objects.filter(mentors__in=ids).values_list("mentors", "name"):
        topics[mentor_id].append(name)
    for mentor_id, name in ServiceArea.objects.filter(mentors__in=ids).values_list("mentors", "name"):
        service_areas[mentor_id].append(name)
    return [MentorCard(profile, topics[profile.pk], service_areas[profile.pk]) for profile in profiles]


def available_mentors(queryset: QuerySet[MentorProfile], today: date | None = None) -> QuerySet[MentorProfile]:
    """Approved, not paused, and fewer active mentees than places: the same rule as MentorProfile.is_available."""
    today = today or timezone.localdate()
    return queryset.filter(
        Q(paused_until__isnull=True) | Q(paused_until__lte=today),
        status=MentorProfile.Status.APPROVED,
        active_mentees__lt=F("capacity"),
    )


# --- Programme team -----------------------------------------------------------------------------------------


def vetting_queue() -> QuerySet[MentorProfile]:
    """Mentors waiting for vetting, oldest first so nobody waits longest."""
    return (
        MentorProfile.objects.filter(status=MentorProfile.Status.PENDING)
        .select_related("user", "region")
        .order_by("created_at", "pk")
    )


def recently_vetted_mentors() -> QuerySet[MentorProfile]:
    return (
        MentorProfile.objects.exclude(status=MentorProfile.Status.PENDING)
        .filter(vetted_at__isnull=False)
        .select_related("user", "vetted_by")
        .order_by("-vetted_at")[:RECENT_DECISIONS]
    )


def mentor_for_vetting(profile_id: int) -> MentorProfile:
    return get_object_or_404(
        _mentors_with_details().select_related("vetted_by").prefetch_related("conflicts"), pk=profile_id
    )


def service_areas_for_staff() -> QuerySet[ServiceArea]:
    return ServiceArea.objects.order_by("-is_active", "order", "name")


def active_topics_by_slug(slugs: list[str]) -> QuerySet[SupportTopic]:
    """The active topics named in a link such as "Ask for a mentor on this" (?topic=pensions)."""
    return SupportTopic.objects.filter(slug__in=slugs, is_active=True)


def topics_for_staff() -> QuerySet[SupportTopic]:
    return SupportTopic.objects.order_by("-is_active", "order", "name")
