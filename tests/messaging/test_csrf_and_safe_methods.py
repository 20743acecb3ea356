"""Every state-changing messaging POST needs the CSRF token, and no GET changes anything except one person's own
read marker (reading the newest page of a conversation is reading it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from matching.models import MentoringRequest
from messaging import services
from messaging.models import (
    CalendarFeed,
    CheckIn,
    ConductReport,
    ConversationState,
    Feedback,
    Goal,
    GroupGoal,
    GroupMeeting,
    GroupMember,
    GroupMessage,
    Meeting,
    MentoringAgreement,
    MentoringGroup,
    Message,
    MessageReport,
    ModerationAction,
    Nudge,
    Relationship,
    SharedDocument,
)
from messaging.services import groups as group_services
from notifications.models import Notice
from tests.clients import ClientFor
from tests.factories import MentorProfileFactory
from tests.forms import date_input
from tests.matching.factories import MentoringRequestFactory
from tests.matrix import accounts as accounts_matrix
from tests.matrix import expect
from tests.matrix import messaging as messaging_matrix

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def snapshot(*, with_read_markers: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Every row a messaging page could change."""
    rows = {
        "relationships": list(Relationship.objects.order_by("pk").values()),
        "messages": list(Message.objects.order_by("pk").values()),
        "goals": list(Goal.objects.order_by("pk").values()),
        "check_ins": list(CheckIn.objects.order_by("pk").values()),
        "feedback": list(Feedback.objects.order_by("pk").values()),
        "reports": list(MessageReport.objects.order_by("pk").values()),
        "moderation": list(ModerationAction.objects.order_by("pk").values()),
        "notices": list(Notice.objects.order_by("pk").values()),
        "nudges": list(Nudge.objects.order_by("pk").values()),
        "meetings": list(Meeting.objects.order_by("pk").values()),
        "agreements": list(MentoringAgreement.objects.order_by("pk").values()),
        "conduct_reports": list(ConductReport.objects.order_by("pk").values()),
        "documents": list(SharedDocument.objects.order_by("pk").values()),
        "groups": list(MentoringGroup.objects.order_by("pk").values()),
        "group_places": list(GroupMember.objects.order_by("pk").values()),
        "group_messages": list(GroupMessage.objects.order_by("pk").values()),
        "group_goals": list(GroupGoal.objects.order_by("pk").values()),
        "group_meetings": list(GroupMeeting.objects.order_by("pk").values()),
        # A feed's last_used_at is left out: reading the feed notes when a calendar last read it (a bookkeeping
        # time shown to its owner), and that is the only write a GET makes.
        "calendar_feeds": list(CalendarFeed.objects.order_by("pk").values("pk", "user_id", "token", "created_at")),
        "requests": list(MentoringRequest.objects.order_by("pk").values("pk", "status")),
        "users": list(User.objects.order_by("pk").values("pk", "is_active")),
    }
    if with_read_markers:
        rows["read_markers"] = list(ConversationState.objects.order_by("pk").values())
    return rows


@pytest.fixture
def world(personas: SimpleNamespace) -> SimpleNamespace:
    world = SimpleNamespace(**vars(personas))
    accounts_matrix.build(world)
    messaging_matrix.build(world)
    return world


@dataclass(frozen=True)
class Post:
    who: str
    url_name: str
    kwargs: Callable[[SimpleNamespace], dict[str, Any]] = lambda world: {"pk": world.relationship.pk}
    data: Callable[[SimpleNamespace], dict[str, Any]] = lambda world: {}
    prepare: Callable[[SimpleNamespace], None] = lambda world: None

    def url(self, world: SimpleNamespace) -> str:
        return reverse(self.url_name, kwargs=self.kwargs(world))


def _pause(world: SimpleNamespace) -> None:
    services.relationship_pause(relationship=world.relationship, user=world.member)


def _complete(world: SimpleNamespace) -> None:
    services.relationship_complete(relationship=world.relationship, user=world.member)


def _end_with_a_request(world: SimpleNamespace) -> None:
    request = MentoringRequestFactory(
        mutual=world.mutual, created_by=world.member, status=MentoringRequest.Status.MATCHED
    )
    Relationship.objects.filter(pk=world.relationship.pk).update(request=request)
    world.relationship.refresh_from_db()
    services.relationship_end_early(relationship=world.relationship, user=world.member, reason="Not a fit")


def _hide(world: SimpleNamespace) -> None:
    services.message_hide(report=world.report, actor=world.staff, note="Hidden first")


def _suspend(world: SimpleNamespace) -> None:
    services.account_suspend(report=world.report, actor=world.staff, note="Suspended first")


def _today() -> dict[str, Any]:
    today = timezone.localdate()
    return {"met_on_day": today.day, "met_on_month": today.month, "met_on_year": today.year}


def _next_week() -> dict[str, Any]:
    day = timezone.localdate() + timedelta(days=7)
    return {**date_input("on", day), "time": "14:30", "duration_minutes": "60"}


MEETING = {"kwargs": lambda w: {"pk": w.relationship.pk, "meeting_pk": w.meeting.pk}}
PAST_MEETING = {"kwargs": lambda w: {"pk": w.relationship.pk, "meeting_pk": w.past_meeting.pk}}

GROUP = {"kwargs": lambda w: {"pk": w.group.pk}}


def _group_candidates(world: SimpleNamespace) -> None:
    """Two requests on the group's topic from two other mutuals, and a mentor with places, for the staff's form."""
    world.candidates = [MentoringRequestFactory(topics=[world.group.topic]) for _ in range(2)]
    world.group_mentor = MentorProfileFactory()


def _close_group(world: SimpleNamespace) -> None:
    group_services.group_close(group=world.group, user=world.mentor, reason="Transfers done")


REPORT = {"kwargs": lambda w: {"pk": w.report.pk}, "data": lambda w: {"note": "Recorded reason"}}

CHANGES = [
    Post("member", "messaging:conversation", data=lambda w: {"body": "Hello"}),
    Post(
        "mentor",
        "messaging:message_report",
        kwargs=lambda w: {"pk": w.relationship.pk, "message_pk": w.member_message.pk},
        data=lambda w: {"reason": "spam"},
    ),
    Post("member", "messaging:relationship_pause", data=lambda w: {"note": "Busy month"}),
    Post("member", "messaging:relationship_resume", prepare=_pause),
    Post("member", "messaging:relationship_complete", data=lambda w: {"confirm": "on"}),
    Post("member", "messaging:relationship_end", data=lambda w: {"reason": "Not a fit"}),
    Post("member", "messaging:relationship_rematch", data=lambda w: {"confirm": "on"}, prepare=_end_with_a_request),
    Post(
        "member",
        "messaging:feedback_give",
        data=lambda w: {"rating": "5", "goal_progress": "all", "would_recommend": "yes"},
        prepare=_complete,
    ),
    Post("member", "messaging:goal_create", data=lambda w: {"title": "A new goal"}),
    Post(
        "member",
        "messaging:goal_update",
        kwargs=lambda w: {"pk": w.relationship.pk, "goal_pk": w.goal.pk},
        data=lambda w: {"title": "Changed", "status": "in_progress"},
    ),
    Post("member", "messaging:goal_agree", kwargs=lambda w: {"pk": w.relationship.pk, "goal_pk": w.goal.pk}),
    Post(
        "member",
        "messaging:check_in_create",
        data=lambda w: {**_today(), "duration_minutes": "30", "format": "remote"},
    ),
    Post(
        "member",
        "messaging:agreement_propose",
        data=lambda w: {
            **date_input("review_on", timezone.localdate() + timedelta(days=90)),
            "meeting_frequency": "monthly",
            "duration_months": "6",
        },
    ),
    Post("member", "messaging:agreement_confirm"),
    Post(
        "member",
        "messaging:meeting_create",
        data=lambda w: {**_next_week(), "format": "in_person", "address": "1 High Street"},
    ),
    Post("member", "messaging:meeting_accept", **MEETING),
    Post("member", "messaging:meeting_suggest_time", data=lambda w: _next_week(), **MEETING),
    Post("member", "messaging:meeting_cancel", data=lambda w: {"confirm": "on"}, **MEETING),
    Post("member", "messaging:meeting_outcome", data=lambda w: {"held": "yes"}, **PAST_MEETING),
    Post("member", "messaging:calendar_feed_settings", kwargs=lambda w: {}, data=lambda w: {"action": "create"}),
    Post(
        "member",
        "messaging:document_list",
        data=lambda w: {"file": SimpleUploadedFile("notes.pdf", b"%PDF-1.4\n%%EOF\n")},
    ),
    Post(
        "member",
        "messaging:document_delete",
        kwargs=lambda w: {"pk": w.relationship.pk, "document_pk": w.document.pk},
        data=lambda w: {"confirm": "on"},
    ),
    Post("member", "messaging:conduct_report_create", data=lambda w: {"details": "He tried to sell us a course."}),
    Post(
        "staff",
        "messaging:conduct_report_close",
        kwargs=lambda w: {"pk": w.conduct_report.pk},
        data=lambda w: {"note": "Spoke to the mentor."},
    ),
    Post("member", "messaging:group_detail", data=lambda w: {"body": "Hello group"}, **GROUP),
    Post(
        "member",
        "messaging:group_message_report",
        kwargs=lambda w: {"pk": w.group.pk, "message_pk": w.group_message.pk},
        data=lambda w: {"reason": "spam", "details": "Selling paid services"},
    ),
    Post("member", "messaging:group_goal_create", data=lambda w: {"mutual": w.mutual.pk, "title": "Ours"}, **GROUP),
    Post(
        "member",
        "messaging:group_goal_update",
        kwargs=lambda w: {"pk": w.group.pk, "goal_pk": w.group_goal.pk},
        data=lambda w: {"status": "achieved"},
    ),
    Post(
        "mentor",
        "messaging:group_meeting_create",
        data=lambda w: {**_next_week(), "format": "phone", "link": "0161 496 0000"},
        **GROUP,
    ),
    Post(
        "mentor",
        "messaging:group_meeting_cancel",
        kwargs=lambda w: {"pk": w.group.pk, "meeting_pk": w.group_meeting.pk},
        data=lambda w: {"confirm": "on"},
    ),
    Post("member", "messaging:group_leave", data=lambda w: {"confirm": "on"}, **GROUP),
    Post("mentor", "messaging:group_close", data=lambda w: {"confirm": "on"}, **GROUP),
    Post(
        "member",
        "messaging:group_feedback",
        kwargs=lambda w: {"pk": w.group.pk, "place_pk": w.group_place.pk},
        data=lambda w: {"rating": "4", "goal_progress": "most", "would_recommend": "yes"},
        prepare=_close_group,
    ),
    Post(
        "staff",
        "messaging:staff_group_create",
        kwargs=lambda w: {"topic_pk": w.group.topic_id},
        data=lambda w: {
            "requests": [request.pk for request in w.candidates],
            "mentor": w.group_mentor.pk,
            "confirmed": "yes",
        },
        prepare=_group_candidates,
    ),
    Post("staff", "messaging:moderation_message_hide", **REPORT),
    Post("staff", "messaging:moderation_account_suspend", **REPORT),
    Post("staff", "messaging:moderation_report_dismiss", **REPORT),
    Post("staff", "messaging:moderation_message_restore", prepare=_hide, **REPORT),
    Post("staff", "messaging:moderation_account_reinstate", prepare=_suspend, **REPORT),
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


def test_every_messaging_post_route_is_covered_here() -> None:
    posting = {route.name for route in messaging_matrix.ROUTES if route.post is not None}
    assert posting == {change.url_name for change in CHANGES}


@pytest.mark.parametrize("route", messaging_matrix.ROUTES, ids=lambda route: route.name)
def test_no_get_changes_anything(world: SimpleNamespace, route: Any, client_for: ClientFor) -> None:
    url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
    reads = route.name == "messaging:conversation"
    before = snapshot(with_read_markers=not reads)
    markers_before = list(ConversationState.objects.values_list("user_id", "last_read_message_id"))

    for persona in expect(0):
        client = Client() if persona == "anonymous" else client_for(getattr(world, persona))
        client.get(url)

    assert snapshot(with_read_markers=not reads) == before
    if reads:
        # Only the parties' own read markers moved, to the newest message.
        newest = Message.objects.filter(relationship=world.relationship).latest("id").pk
        markers = set(ConversationState.objects.values_list("user_id", "last_read_message_id"))
        assert markers - set(markers_before) == {(world.member.pk, newest), (world.mentor.pk, newest)}
