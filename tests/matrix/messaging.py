"""Permission matrix entries for the messaging app (relationships, conversations, moderation, personal data).

Access rules:
- a relationship's pages are for its parties (the mentor, Bob, and the members of the mutual, Alice); everyone
  else, programme staff included, gets 404 as for an id that does not exist: staff never read messages;
- the programme team's relationship facts and moderation pages are 404 for everyone else;
- the conversations list is each person's own.

POST data is empty wherever a form would change something, so allowed personas see the form again with errors
(200). The few POST-only actions (agree a goal) change nothing later cells depend on.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import SupportTopic
from messaging import services
from messaging.models import (
    CalendarFeed,
    ConductReport,
    Feedback,
    GroupGoal,
    GroupMeeting,
    GroupMember,
    GroupMessage,
    MentoringGroup,
    MessageReport,
    Relationship,
)
from tests.factories import MembershipFactory
from tests.matching.factories import MentoringRequestFactory
from tests.matrix import LOGIN, REDIRECT, Route, expect, public, signed_in
from tests.messaging.factories import (
    CheckInFactory,
    GoalFactory,
    MeetingFactory,
    MentoringAgreementFactory,
    MessageFactory,
    MessageReportFactory,
    accepted_meeting_in_the_past,
)


def build(world: SimpleNamespace) -> None:
    # matching's builder may already have started this pair's relationship: reuse it rather than break the
    # one-open-relationship constraint.
    relationship = Relationship.objects.filter(
        mentor=world.mentor_profile, mutual=world.mutual, status__in=Relationship.OPEN_STATUSES
    ).first()
    if relationship is None:
        relationship = Relationship.objects.create(mentor=world.mentor_profile, mutual=world.mutual)
    world.relationship = relationship
    world.member_message = MessageFactory(relationship=relationship, author=world.member, body="Hello Bob")
    world.mentor_message = MessageFactory(relationship=relationship, author=world.mentor, body="Hello Alice")
    world.goal = GoalFactory(relationship=relationship, created_by=world.mentor)
    world.check_in = CheckInFactory(relationship=relationship, logged_by=world.member)
    world.report = MessageReportFactory(message=world.mentor_message, reported_by=world.member)
    # Proposed by the mentor, so the member's POST accepts it (a redirect) and the mentor's is refused (a redirect).
    world.meeting = MeetingFactory(relationship=relationship, proposed_by=world.mentor)
    world.past_meeting = accepted_meeting_in_the_past(relationship=relationship, proposed_by=world.member)
    world.agreement = MentoringAgreementFactory(relationship=relationship, proposed_by=world.mentor)
    world.conduct_report = ConductReport.objects.create(
        relationship=relationship, reported_by=world.member, details="Offered his firm's paid services."
    )
    world.document = services.document_upload(
        relationship=relationship,
        user=world.member,
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"),
    )
    # A mentoring group Bob runs with Alice's mutual and another (made directly: Bob's places are not the point).
    world.group = MentoringGroup.objects.create(
        mentor=world.mentor_profile, title="Fire mutuals facing TUPE", topic=SupportTopic.objects.first()
    )
    world.group_place = GroupMember.objects.create(group=world.group, mutual=world.mutual)
    lakeside_membership = MembershipFactory(mutual__name="Lakeside Fire Mutual")
    lakeside = lakeside_membership.mutual
    GroupMember.objects.create(group=world.group, mutual=lakeside)
    # A message from Lakeside's member: Alice and Bob may each report it; a report of it is in the queue.
    world.group_message = GroupMessage.objects.create(
        group=world.group, author=lakeside_membership.user, body="Book my paid TUPE workshop"
    )
    world.group_report = MessageReport.objects.create(
        group_message=world.group_message, reported_by=world.mentor, reason=MessageReport.Reason.SPAM
    )
    # Two requests on the group's topic, from two mutuals, that the programme team could make another group from.
    for mutual in (world.mutual, lakeside):
        MentoringRequestFactory(mutual=mutual, title="TUPE transfer", topics=[world.group.topic])
    world.group_goal = GroupGoal.objects.create(group=world.group, mutual=world.mutual, title="Agree the transfer")
    world.group_meeting = GroupMeeting.objects.create(
        group=world.group,
        starts_at=world.meeting.starts_at,
        duration_minutes=60,
        format="video",
        link="https://meet.example.org/group",
    )
    # A closed group Bob ran with Alice's mutual, on which Alice has given her closing feedback (the browser sweep
    # opens its feedback page as her, showing her answers, and as Bob, showing the form).
    world.closed_group = MentoringGroup.objects.create(
        mentor=world.mentor_profile,
        title="Fire mutuals and pensions",
        topic=world.group.topic,
        status=MentoringGroup.Status.CLOSED,
        closed_at=timezone.now(),
    )
    world.closed_place = GroupMember.objects.create(group=world.closed_group, mutual=world.mutual)
    Feedback.objects.create(
        group_place=world.closed_place, author=world.member, rating=4, goal_progress="most", would_recommend=True
    )
    world.calendar_feed = CalendarFeed.objects.create(user=world.member, token="matrix-feed-token-" + "x" * 30)


PARTIES = expect(404, anonymous=LOGIN, member=200, mentor=200)
GROUP_MENTOR = expect(404, anonymous=LOGIN, mentor=200)
GROUP_MEMBER = expect(404, anonymous=LOGIN, member=200)
PARTIES_REDIRECT = expect(404, anonymous=LOGIN, member=REDIRECT, mentor=REDIRECT)
STAFF_ONLY = expect(404, anonymous=LOGIN, staff=200)


def _relationship(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.relationship.pk}


def _meeting(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.relationship.pk, "meeting_pk": world.meeting.pk}


def _document(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.relationship.pk, "document_pk": world.document.pk}


def _group(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.group.pk}


def _report(world: SimpleNamespace) -> dict[str, Any]:
    return {"pk": world.report.pk}


def _party_route(name: str, post: bool = True, **extra: Any) -> Route:
    return Route(name, get=PARTIES, post=PARTIES if post else None, kwargs=extra.pop("kwargs", _relationship), **extra)


ROUTES = [
    # Each person's own pages
    Route("messaging:inbox", get=signed_in()),
    # A relationship's parties
    _party_route("messaging:relationship_detail", post=False),
    _party_route("messaging:conversation"),
    _party_route(
        "messaging:message_report",
        kwargs=lambda w: {"pk": w.relationship.pk, "message_pk": w.mentor_message.pk},
    ),
    _party_route("messaging:relationship_pause"),
    # The relationship is active, so resuming is refused and the form comes back with the reason.
    _party_route("messaging:relationship_resume"),
    _party_route("messaging:relationship_complete"),
    _party_route("messaging:relationship_end"),
    _party_route("messaging:relationship_rematch"),
    _party_route("messaging:feedback_give"),
    _party_route("messaging:goal_create"),
    _party_route("messaging:goal_update", kwargs=lambda w: {"pk": w.relationship.pk, "goal_pk": w.goal.pk}),
    Route(
        "messaging:goal_agree",
        get=None,
        post=PARTIES_REDIRECT,
        kwargs=lambda w: {"pk": w.relationship.pk, "goal_pk": w.goal.pk},
    ),
    _party_route("messaging:check_in_list", post=False),
    _party_route("messaging:check_in_create"),
    # Reporting a breach of the code of conduct: members of the mutual only (the mentor is who it is about)
    Route(
        "messaging:conduct_report_create",
        get=expect(404, anonymous=LOGIN, member=200),
        post=expect(404, anonymous=LOGIN, member=200),
        kwargs=_relationship,
    ),
    Route("messaging:conduct_report_detail", get=STAFF_ONLY, kwargs=lambda w: {"pk": w.conduct_report.pk}),
    Route(
        "messaging:conduct_report_close",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"pk": w.conduct_report.pk},
    ),
    # Shared documents: the parties list, share and download; only the one who shared one deletes it (Bob is
    # refused: the form comes back with the reason)
    _party_route("messaging:document_list"),
    _party_route("messaging:document_download", post=False, kwargs=_document),
    _party_route("messaging:document_delete", kwargs=_document),
    # The mentoring agreement (the mentor proposed it: the member's POST confirms it, the mentor's is refused)
    _party_route("messaging:agreement_detail", post=False),
    _party_route("messaging:agreement_propose"),
    Route("messaging:agreement_confirm", get=None, post=PARTIES_REDIRECT, kwargs=_relationship),
    # Meetings
    _party_route("messaging:meeting_create"),
    _party_route("messaging:meeting_detail", post=False, kwargs=_meeting),
    Route("messaging:meeting_accept", get=None, post=PARTIES_REDIRECT, kwargs=_meeting),
    _party_route("messaging:meeting_suggest_time", kwargs=_meeting),
    _party_route("messaging:meeting_cancel", kwargs=_meeting),
    _party_route(
        "messaging:meeting_outcome", kwargs=lambda w: {"pk": w.relationship.pk, "meeting_pk": w.past_meeting.pk}
    ),
    _party_route(
        "messaging:meeting_calendar_file",
        post=False,
        kwargs=lambda w: {"pk": w.relationship.pk, "meeting_pk": w.past_meeting.pk},
    ),
    # The secret feed address needs no sign-in (calendar apps cannot sign in): the token is the key. Listed before
    # the settings page, whose POST makes a new address for the member.
    Route("messaging:calendar_feed", get=public(200), kwargs=lambda w: {"token": w.calendar_feed.token}),
    Route("messaging:calendar_feed_settings", get=signed_in(), post=signed_in(REDIRECT)),
    # Mentoring groups: the mentor and the members of its mutuals; the mentor arranges, cancels and closes, a
    # member takes their mutual out (empty POSTs: each form comes back with its errors)
    Route("messaging:group_list", get=signed_in()),
    _party_route("messaging:group_detail", kwargs=_group),
    _party_route(
        "messaging:group_message_report",
        kwargs=lambda w: {"pk": w.group.pk, "message_pk": w.group_message.pk},
    ),
    _party_route("messaging:group_goal_create", kwargs=_group),
    _party_route("messaging:group_goal_update", kwargs=lambda w: {"pk": w.group.pk, "goal_pk": w.group_goal.pk}),
    Route("messaging:group_meeting_create", get=GROUP_MENTOR, post=GROUP_MENTOR, kwargs=_group),
    Route(
        "messaging:group_meeting_cancel",
        get=GROUP_MENTOR,
        post=GROUP_MENTOR,
        kwargs=lambda w: {"pk": w.group.pk, "meeting_pk": w.group_meeting.pk},
    ),
    Route("messaging:group_leave", get=GROUP_MEMBER, post=GROUP_MEMBER, kwargs=_group),
    Route("messaging:group_close", get=GROUP_MENTOR, post=GROUP_MENTOR, kwargs=_group),
    # Closing feedback on Alice's mutual's place: its mentor and its members (the group is open, so the page says
    # feedback comes once it closes, and an empty POST comes back with its errors)
    _party_route("messaging:group_feedback", kwargs=lambda w: {"pk": w.group.pk, "place_pk": w.group_place.pk}),
    Route("messaging:staff_group_list", get=STAFF_ONLY),
    Route(
        "messaging:staff_group_create",
        get=STAFF_ONLY,
        post=STAFF_ONLY,
        kwargs=lambda w: {"topic_pk": w.group.topic_id},
    ),
    # Programme team
    Route("messaging:staff_relationship_list", get=STAFF_ONLY),
    Route("messaging:staff_relationship_detail", get=STAFF_ONLY, kwargs=_relationship),
    Route("messaging:moderation_report_list", get=STAFF_ONLY),
    Route("messaging:moderation_report_detail", get=STAFF_ONLY, kwargs=_report),
    Route("messaging:moderation_message_hide", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=_report),
    Route("messaging:moderation_account_suspend", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=_report),
    Route("messaging:moderation_report_dismiss", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=_report),
    Route("messaging:moderation_message_restore", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=_report),
    Route("messaging:moderation_account_reinstate", get=STAFF_ONLY, post=STAFF_ONLY, kwargs=_report),
]
