"""Every state-changing POST of the information service needs the CSRF token, and no GET changes anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Mutual
from information.models import (
    CaseStudy,
    Enquiry,
    EnquiryInvitation,
    EnquiryReply,
    GuideTask,
    ReadinessResult,
    Resource,
)
from matching.models import MentoringRequest
from messaging.models import Feedback, Relationship
from notifications.models import Notice, OutboundEmail
from tests.factories import region, service_area, stage, topic
from tests.forms import date_input
from tests.matrix import PERSONAS
from tests.matrix import accounts as accounts_matrix
from tests.matrix import information as information_matrix

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, list[dict[str, Any]]]:
    return {
        "resources": list(Resource.objects.order_by("pk").values()),
        "resource_topics": list(Resource.topics.through.objects.order_by("pk").values()),
        "tasks": list(GuideTask.objects.order_by("pk").values()),
        "case_studies": list(CaseStudy.objects.order_by("pk").values()),
        "enquiries": list(Enquiry.objects.order_by("pk").values()),
        "replies": list(EnquiryReply.objects.order_by("pk").values()),
        "invitations": list(EnquiryInvitation.objects.order_by("pk").values()),
        "readiness": list(ReadinessResult.objects.order_by("pk").values()),
        "mutuals": list(Mutual.objects.order_by("pk").values("pk", "name")),
        "requests": list(MentoringRequest.objects.order_by("pk").values("pk")),
        "notices": list(Notice.objects.order_by("pk").values("pk")),
        "emails": list(OutboundEmail.objects.order_by("pk").values("pk")),
    }


@pytest.fixture
def world(personas: SimpleNamespace) -> SimpleNamespace:
    world = SimpleNamespace(**vars(personas))
    accounts_matrix.build(world)
    information_matrix.build(world)
    ours = world.information
    ours.completed = information_matrix.RelationshipFactory(
        mutual=world.mutual, status=Relationship.Status.COMPLETED, ended_at=timezone.now()
    )
    Feedback.objects.create(
        relationship=ours.completed, author=world.member, rating=4, goal_progress="most", would_recommend=True
    )
    return world


@dataclass(frozen=True)
class Post:
    who: str  # an attribute of world, or "anonymous"
    url_name: str
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] = lambda world: {}
    data: Callable[[SimpleNamespace], dict[str, Any]] = lambda world: {}


def _ours(world: SimpleNamespace) -> SimpleNamespace:
    return world.information  # type: ignore[no-any-return]


ENQUIRY = {"kwargs": lambda w: {"pk": _ours(w).enquiry.pk}}
DRAFT = {"kwargs": lambda w: {"pk": _ours(w).draft.pk}}
PUBLISHED = {"kwargs": lambda w: {"pk": _ours(w).resource.pk}}
STORY = {"kwargs": lambda w: {"pk": _ours(w).case_study.pk}}
DRAFT_STORY = {"kwargs": lambda w: {"pk": _ours(w).draft_case_study.pk}}


def _resource_data(world: SimpleNamespace) -> dict[str, Any]:
    return {
        "title": "New page",
        "summary": "A summary",
        "body": "Words",
        "topics": [topic().pk],
        "stages": [stage().pk],
        **date_input("reviewed_on", timezone.localdate()),
    }


def _story_data(world: SimpleNamespace) -> dict[str, Any]:
    return {
        "title": "A story",
        "mutual_name": "A mutual",
        "service_area": service_area().pk,
        "region": region().pk,
        "stage_reached": stage().pk,
        "summary": "Summary",
        "story": "Story",
    }


ENQUIRY_DATA = {"name": "Jo", "email": "jo@example.net", "role": "other", "question": "Hello?", "reply_by": "email"}

CHANGES = [
    Post("anonymous", "information:enquiry_create", data=lambda w: ENQUIRY_DATA),
    Post("anonymous", "information:feedback", data=lambda w: {"feedback": "Good"}),
    Post(
        "member",
        "information:readiness_save",
        data=lambda w: {**information_matrix_answers(), "mutual": w.mutual.pk},
    ),
    # Alice already acts for a mutual, so the invitation goes straight to the mentoring request.
    Post(
        "member",
        "information:invitation",
        kwargs=lambda w: {"token": _ours(w).invitation.token},
        data=lambda w: {
            "title": "Help with pensions",
            "topics": [topic("pensions").pk],
            "service_area": service_area().pk,
            "format": "either",
            "urgency": "quarter",
            "description": "What happens to our pensions?",
        },
    ),
    Post("staff", "information:enquiry_assign", data=lambda w: {"to_me": "1"}, **ENQUIRY),
    Post("staff", "information:enquiry_reply", data=lambda w: {"body": "An answer"}, **ENQUIRY),
    Post("staff", "information:enquiry_close", data=lambda w: {"note": ""}, **ENQUIRY),
    Post("staff", "information:enquiry_reopen", kwargs=lambda w: {"pk": _ours(w).closed_enquiry.pk}),
    Post("staff", "information:enquiry_invite", data=lambda w: {"kind": "engagement"}, **ENQUIRY),
    Post("staff", "information:resource_create", data=_resource_data),
    Post("staff", "information:resource_edit", data=_resource_data, **DRAFT),
    Post("staff", "information:resource_publish", **PUBLISHED | {"kwargs": lambda w: {"pk": _publishable(w)}}),
    Post("staff", "information:resource_unpublish", **PUBLISHED),
    Post("staff", "information:resource_reviewed", **DRAFT),
    Post(
        "staff",
        "information:guide_task_create",
        data=lambda w: {"stage": stage("exploring").pk, "title": "T", "order": 1},
    ),
    Post(
        "staff",
        "information:guide_task_edit",
        kwargs=lambda w: {"pk": _ours(w).task.pk},
        data=lambda w: {"stage": stage("exploring").pk, "title": "Changed", "order": 1},
    ),
    Post("staff", "information:guide_task_delete", kwargs=lambda w: {"pk": _ours(w).removable_task.pk}),
    Post("staff", "information:case_study_create", data=_story_data),
    Post("staff", "information:case_study_edit", data=_story_data, **DRAFT_STORY),
    Post(
        "staff",
        "information:case_study_consent",
        data=lambda w: {"given_by": "Jo", **date_input("given_on", timezone.localdate()), "how": "Email"},
        **DRAFT_STORY,
    ),
    Post("staff", "information:case_study_consent_withdraw", **STORY),
    Post("staff", "information:case_study_publish", **STORY | {"kwargs": lambda w: {"pk": _consented_draft(w)}}),
    Post("staff", "information:case_study_unpublish", **STORY),
    Post("staff", "information:case_study_draft", kwargs=lambda w: {"relationship_pk": _ours(w).completed.pk}),
]


def information_matrix_answers() -> dict[str, str]:
    return dict(pair.split("=") for pair in information_matrix.ANSWERS.split("&"))


def _publishable(world: SimpleNamespace) -> int:
    return Resource.objects.filter(pk=_ours(world).draft.pk).update(status="draft") and _with_topic(world)


def _with_topic(world: SimpleNamespace) -> int:
    _ours(world).draft.topics.set([topic()])
    return int(_ours(world).draft.pk)


def _consented_draft(world: SimpleNamespace) -> int:
    story = _ours(world).draft_case_study
    CaseStudy.objects.filter(pk=story.pk).update(consent_recorded_at=timezone.now())
    return int(story.pk)


def _client(world: SimpleNamespace, who: str, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    if who != "anonymous":
        client.force_login(getattr(world, who))
    return client


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.url_name)
def test_a_post_without_the_csrf_token_is_refused(world: SimpleNamespace, change: Post) -> None:
    url = reverse(change.url_name, kwargs=change.kwargs(world))
    data = change.data(world)
    before = snapshot()

    response = _client(world, change.who, enforce_csrf_checks=True).post(url, data)

    assert response.status_code == 403
    assert snapshot() == before

    # The same request with the token goes through, so the refusal above was the CSRF check and nothing else.
    accepted = _client(world, change.who).post(url, data)
    assert accepted.status_code == 302, accepted.content.decode()[:2000]
    assert snapshot() != before


def test_every_information_post_route_is_covered_here() -> None:
    # Routes whose POST is refused for everyone (405) change nothing: they are GET-only pages.
    posting = {
        route.name
        for route in information_matrix.ROUTES
        if route.post is not None and set(route.post.values()) != {405}
    }
    assert posting == {change.url_name for change in CHANGES}


@pytest.mark.parametrize("route", information_matrix.ROUTES, ids=lambda route: route.name)
def test_no_get_changes_anything(world: SimpleNamespace, route: Any) -> None:
    url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
    before = snapshot()
    for persona in PERSONAS:
        _client(world, persona).get(url)
    assert snapshot() == before
