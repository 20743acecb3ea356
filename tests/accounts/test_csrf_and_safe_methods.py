"""Every state-changing POST needs the CSRF token, and no GET of an accounts page changes anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    ConductAcceptance,
    Membership,
    MentorProfile,
    Mutual,
    MutualClaimRequest,
    MutualInvitation,
    ServiceArea,
    Stage,
    StageChange,
    SupportTopic,
    User,
)
from notifications.models import EmailPreferences, Notice
from tests.accounts.helpers import mutual_form_data, profile_form_data
from tests.clients import ClientFor
from tests.factories import MembershipFactory, UserFactory
from tests.forms import date_input
from tests.matrix import accounts as accounts_matrix
from tests.matrix import expect

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row an accounts page could change, with its many-to-many links."""
    return {
        "mutuals": list(Mutual.objects.order_by("pk").values()),
        "mutual_areas": list(Mutual.service_areas.through.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "invitations": list(MutualInvitation.objects.order_by("pk").values()),
        "claim_requests": list(MutualClaimRequest.objects.order_by("pk").values()),
        "mentors": list(MentorProfile.objects.order_by("pk").values()),
        "mentor_topics": list(MentorProfile.topics.through.objects.order_by("pk").values()),
        "service_areas": list(ServiceArea.objects.order_by("pk").values()),
        "topics": list(SupportTopic.objects.order_by("pk").values()),
        "stages": list(Stage.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values("pk", "email", "full_name", "is_programme_team")),
        "notices": list(Notice.objects.order_by("pk").values()),
        "stage_changes": list(StageChange.objects.order_by("pk").values()),
        "email_preferences": list(EmailPreferences.objects.order_by("pk").values()),
        "conduct_acceptances": list(ConductAcceptance.objects.order_by("pk").values()),
    }


@pytest.fixture
def world(personas: SimpleNamespace) -> SimpleNamespace:
    world = SimpleNamespace(**vars(personas))
    accounts_matrix.build(world)
    MembershipFactory(mutual=world.mutual)  # so that Alice could leave
    world.invitee = UserFactory(email="new.colleague@example.org")  # the address world.invitation was sent to
    world.claim_invitee = UserFactory(email="nia@northshire.example.org")  # world.claim_invitation's address
    return world


@dataclass(frozen=True)
class Post:
    who: str  # an attribute of world: the person allowed to make this change
    url_name: str
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] = lambda world: {}
    data: Callable[[SimpleNamespace], dict[str, Any]] = lambda world: {}
    prepare: Callable[[SimpleNamespace], None] = lambda world: None

    def url(self, world: SimpleNamespace) -> str:
        return reverse(self.url_name, kwargs=self.kwargs(world))


def _pause_mentor(world: SimpleNamespace) -> None:
    MentorProfile.objects.filter(pk=world.mentor_profile.pk).update(
        paused_until=timezone.localdate() + timedelta(days=5)
    )


def _future() -> dict[str, Any]:
    until = timezone.localdate() + timedelta(days=40)
    return date_input("until", until)


def _stage_other_than(mutual: Mutual) -> int:
    return Stage.objects.exclude(pk=mutual.stage_id).values_list("pk", flat=True).first()  # type: ignore[return-value]


MUTUAL = {"kwargs": lambda w: {"slug": w.mutual.slug}}
UNCLAIMED = {"kwargs": lambda w: {"slug": w.unclaimed.slug}}

# Valid requests that change data when the CSRF token is present.
CHANGES = [
    Post("outsider", "accounts:mutual_create", data=lambda w: mutual_form_data()),
    Post("member", "accounts:mutual_edit", data=lambda w: mutual_form_data(name="Changed"), **MUTUAL),
    Post("member", "accounts:mutual_members", data=lambda w: {"email": "colleague@example.org"}, **MUTUAL),
    Post("member", "accounts:mutual_stage", data=lambda w: {"to_stage": _stage_other_than(w.mutual)}, **MUTUAL),
    Post("member", "accounts:membership_leave", data=lambda w: {"answer": "yes"}, **MUTUAL),
    Post(
        "member",
        "accounts:invitation_revoke",
        kwargs=lambda w: {"slug": w.mutual.slug, "invitation_id": w.revocable_invitation.pk},
    ),
    Post("invitee", "accounts:invitation_accept", kwargs=lambda w: {"token": w.invitation.token}),
    Post("claim_invitee", "accounts:invitation_accept", kwargs=lambda w: {"token": w.claim_invitation.token}),
    Post("staff", "accounts:claim_invite", data=lambda w: {"email": "nia@example.org"}, **UNCLAIMED),
    Post(
        "staff",
        "accounts:claim_invitation_withdraw",
        kwargs=lambda w: {"slug": w.unclaimed.slug, "invitation_id": w.claim_invitation.pk},
    ),
    Post("mentor", "accounts:claim_ask", data=lambda w: {"job_title": "Chief executive"}, **UNCLAIMED),
    Post(
        "staff",
        "accounts:claim_request_decide",
        kwargs=lambda w: {"pk": w.claim_request.pk},
        data=lambda w: {"decision": "approve"},
    ),
    Post("outsider", "accounts:mentor_profile_create", data=lambda w: profile_form_data()),
    Post("mentor", "accounts:mentor_profile_edit", data=lambda w: profile_form_data(headline="Changed")),
    Post("mentor", "accounts:mentor_pause", data=lambda w: _future()),
    Post(
        "mentor",
        "accounts:code_of_conduct_accept",
        data=lambda w: {"confirm": "on"},
        prepare=lambda w: ConductAcceptance.objects.filter(user=w.mentor).delete(),
    ),
    Post("mentor", "accounts:mentor_resume", prepare=_pause_mentor),
    Post(
        "staff",
        "accounts:vetting_detail",
        kwargs=lambda w: {"profile_id": w.pending_mentor.pk},
        data=lambda w: {"decision": "approve"},
    ),
    Post("staff", "accounts:service_area_add", data=lambda w: {"name": "Housing support"}),
    Post("staff", "accounts:topic_add", data=lambda w: {"name": "Digital services"}),
    Post(
        "staff",
        "accounts:taxonomy_deactivate",
        kwargs=lambda w: {"kind": "service-areas", "term_id": w.matrix_service_area.pk},
    ),
    Post(
        "staff",
        "accounts:taxonomy_reactivate",
        kwargs=lambda w: {"kind": "topics", "term_id": w.matrix_topic.pk},
    ),
    Post("member", "accounts:notice_read_all"),
    Post("member", "accounts:notice_read", kwargs=lambda w: {"pk": w.member_notice.pk}),
    Post("member", "accounts:email_preferences", data=lambda w: {"wanted": ["messages"]}),
    Post("outsider", "accounts:account_delete", data=lambda w: {"password": "correct-horse-battery-staple"}),
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.url_name)
def test_a_post_without_the_csrf_token_is_refused(world: SimpleNamespace, change: Post, client_for: ClientFor) -> None:
    change.prepare(world)
    strict = client_for(getattr(world, change.who), enforce_csrf_checks=True)
    before = snapshot()

    response = strict.post(change.url(world), change.data(world))

    assert response.status_code == 403
    assert snapshot() == before

    # The same request with the token goes through, so the refusal above was the CSRF check and nothing else.
    relaxed = client_for(getattr(world, change.who))
    accepted = relaxed.post(change.url(world), change.data(world))
    assert accepted.status_code == 302
    assert snapshot() != before


def test_every_accounts_post_route_is_covered_here() -> None:
    posting = {route.name for route in accounts_matrix.ROUTES if route.post is not None}
    covered = {change.url_name for change in CHANGES}

    # Onboarding only redirects, and "stay signed in" only renews the session: no rows to compare. The latter's CSRF
    # check is in test_session_timeout.py. The emailed unsubscribe link takes a POST without a token by design (mail
    # clients' one-click unsubscribe, RFC 8058): its signed token is the authority; see tests/notifications.
    assert posting - covered == {"accounts:onboarding", "accounts:session_extend", "accounts:unsubscribe"}


@pytest.mark.parametrize("route", accounts_matrix.ROUTES, ids=lambda route: route.name)
def test_no_get_changes_anything(world: SimpleNamespace, route: Any, client_for: ClientFor) -> None:
    url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
    before = snapshot()

    for persona in expect(0):
        client = Client() if persona == "anonymous" else client_for(getattr(world, persona))
        client.get(url)

    assert snapshot() == before
