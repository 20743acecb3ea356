"""Group mentoring: the programme team makes a group from requests sharing a topic; the mentor and the mutuals
share one conversation and its meetings, each mutual sees only its own goals, nobody else sees anything; a mutual
leaves and the mentor closes; the mentor's places, notifications and personal data."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts import personal_data
from accounts.models import Membership, MentorProfile, Mutual, SupportTopic, User
from matching.models import MentoringRequest
from messaging import ics
from messaging.models import GroupGoal, GroupMeeting, GroupMember, GroupMessage, MentoringGroup
from messaging.services import RelationshipError
from messaging.services import groups as services
from notifications.models import Notice, OutboundEmail
from tests.clients import ClientFor
from tests.factories import MembershipFactory, MentorProfileFactory, UserFactory, topic
from tests.forms import date_input
from tests.matching.factories import MentoringRequestFactory

pytestmark = pytest.mark.django_db


def _olivia() -> User:
    return User.objects.get(email="olivia@example.org")


def _url(name: str, group: MentoringGroup, **kwargs: Any) -> str:
    return reverse(f"messaging:{name}", kwargs={"pk": group.pk, **kwargs})


# --- Making a group -----------------------------------------------------------------------------------------------


def test_staff_see_requests_grouped_by_a_shared_topic_and_make_a_group(
    client_for: ClientFor, staff: User, mentor_profile: MentorProfile, tupe: SupportTopic, tupe_requests: list
) -> None:
    client = client_for(staff)
    page = client.get(reverse("messaging:staff_group_list")).content.decode()
    assert "TUPE" in page and "Lakeside Fire Mutual" in page
    create_url = reverse("messaging:staff_group_create", kwargs={"topic_pk": tupe.pk})
    assert create_url in page
    choice = {"requests": [r.pk for r in tupe_requests], "mentor": mentor_profile.pk, "title": "Fire and TUPE"}
    # The first POST shows the choice to confirm; nothing is made yet.
    check = client.post(create_url, choice)
    assert "Check the group before you make it" in check.content.decode()
    assert not MentoringGroup.objects.exists()
    done = client.post(create_url, {**choice, "confirmed": "yes"}, follow=True)
    assert "“Fire and TUPE” is made" in done.content.decode()
    group = MentoringGroup.objects.get()
    assert (group.mentor, group.topic, group.created_by) == (mentor_profile, tupe, staff)
    assert sorted(GroupMember.objects.values_list("request_id", flat=True)) == sorted(r.pk for r in tupe_requests)
    assert set(MentoringRequest.objects.values_list("status", flat=True)) == {MentoringRequest.Status.MATCHED}
    mentor_profile.refresh_from_db()
    assert mentor_profile.active_mentees == 1  # the group takes one place, however many mutuals are in it
    told = set(Notice.objects.filter(event="group_started").values_list("user__email", flat=True))
    assert told == {"bob@example.org", "alice@example.org", "olivia@example.org", "lena@example.org"}
    assert OutboundEmail.objects.filter(event="group_started").count() == 4


def test_more_than_eight_requests_are_refused(
    client_for: ClientFor, staff: User, mentor_profile: MentorProfile, tupe: SupportTopic
) -> None:
    requests = [MentoringRequestFactory(topics=[tupe]) for _ in range(9)]
    response = client_for(staff).post(
        reverse("messaging:staff_group_create", kwargs={"topic_pk": tupe.pk}),
        {"requests": [r.pk for r in requests], "mentor": mentor_profile.pk, "confirmed": "yes"},
    )
    assert response.status_code == 200
    assert "Choose 8 requests or fewer" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not MentoringGroup.objects.exists()
    with pytest.raises(RelationshipError, match="between 2 and 8"):
        services.group_create(user=staff, mentor=mentor_profile, topic=tupe, requests=requests)


def test_requests_without_the_shared_topic_are_refused(
    staff: User, mentor_profile: MentorProfile, tupe: SupportTopic, tupe_requests: list
) -> None:
    other = MentoringRequestFactory(title="Pensions only", topics=[topic()])
    with pytest.raises(RelationshipError, match="Not about it: Pensions only"):
        services.group_create(user=staff, mentor=mentor_profile, topic=tupe, requests=[*tupe_requests[:1], other])
    assert not MentoringGroup.objects.exists()
    assert MentoringRequest.objects.get(pk=other.pk).status == MentoringRequest.Status.OPEN


def test_a_request_not_about_the_topic_is_not_a_choice_on_the_page(
    client_for: ClientFor, staff: User, mentor_profile: MentorProfile, tupe: SupportTopic, tupe_requests: list
) -> None:
    other = MentoringRequestFactory(title="Pensions only", topics=[topic()])
    response = client_for(staff).post(
        reverse("messaging:staff_group_create", kwargs={"topic_pk": tupe.pk}),
        {"requests": [tupe_requests[0].pk, other.pk], "mentor": mentor_profile.pk, "confirmed": "yes"},
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert not MentoringGroup.objects.exists()


def test_a_mentor_with_no_places_is_refused(
    client_for: ClientFor, staff: User, mentor_profile: MentorProfile, tupe: SupportTopic, tupe_requests: list
) -> None:
    MentorProfile.objects.filter(pk=mentor_profile.pk).update(active_mentees=mentor_profile.capacity)
    response = client_for(staff).post(
        reverse("messaging:staff_group_create", kwargs={"topic_pk": tupe.pk}),
        {"requests": [r.pk for r in tupe_requests], "mentor": mentor_profile.pk, "confirmed": "yes"},
    )
    assert "Bob Mentor has no free places" in response.content.decode()
    assert not MentoringGroup.objects.exists()
    assert set(MentoringRequest.objects.values_list("status", flat=True)) == {MentoringRequest.Status.OPEN}


def test_only_the_programme_team_makes_groups(
    mentor: User, mentor_profile: MentorProfile, tupe: SupportTopic, tupe_requests: list
) -> None:
    with pytest.raises(RelationshipError, match="Only the programme team"):
        services.group_create(user=mentor, mentor=mentor_profile, topic=tupe, requests=tupe_requests)


# --- Who sees what ------------------------------------------------------------------------------------------------


def test_members_share_the_conversation_but_see_only_their_own_goals(
    client_for: ClientFor, group: MentoringGroup, member: User, mentor: User, fire_mutuals: list[Mutual]
) -> None:
    alice_mutual, hillside, _ = fire_mutuals
    olivia = _olivia()
    services.group_goal_create(group=group, user=member, mutual=alice_mutual, title="Alice's secret goal")
    services.group_goal_create(group=group, user=mentor, mutual=hillside, title="Hillside's own goal")
    response = client_for(member).post(_url("group_detail", group), {"body": "Hello everyone"}, follow=True)
    assert "Your message is in the group&#x27;s conversation" in response.content.decode()

    olivia_page = client_for(olivia).get(_url("group_detail", group)).content.decode()
    assert "Hello everyone" in olivia_page and "Hillside&#x27;s own goal" in olivia_page
    assert "secret goal" not in olivia_page
    mentor_page = client_for(mentor).get(_url("group_detail", group)).content.decode()
    assert "secret goal" in mentor_page and "own goal" in mentor_page
    told = set(Notice.objects.filter(event="group_message").values_list("user__email", flat=True))
    assert told == {"bob@example.org", "olivia@example.org", "lena@example.org"}

    # Another mutual's goal is the 404 of a missing one, even with its id.
    alice_goal = GroupGoal.objects.get(mutual=alice_mutual)
    assert client_for(olivia).get(_url("group_goal_update", group, goal_pk=alice_goal.pk)).status_code == 404
    refused = client_for(olivia).post(_url("group_goal_update", group, goal_pk=alice_goal.pk), {"status": "achieved"})
    assert refused.status_code == 404
    with pytest.raises(RelationshipError, match="your own mutual only"):
        services.group_goal_create(group=group, user=olivia, mutual=alice_mutual, title="Meddling")


GROUP_PAGES = [
    ("group_detail", {}),
    ("group_goal_create", {}),
    ("group_meeting_create", {}),
    ("group_leave", {}),
    ("group_close", {}),
]


def test_nobody_outside_the_group_sees_anything(
    client_for: ClientFor, group: MentoringGroup, staff: User, outsider: User, tupe: SupportTopic, member: User
) -> None:
    goal = services.group_goal_create(group=group, user=member, mutual=member.mutuals.get(), title="A goal")
    meeting = GroupMeeting.objects.create(
        group=group, starts_at=timezone.now() + timedelta(days=3), duration_minutes=60, format="video", link="x"
    )
    # A member of another group, a mutual not in this group, a mentor not running it, and the programme team.
    other_mentor = MentorProfileFactory(user__email="meera@example.org")
    others = [MentoringRequestFactory(topics=[tupe]) for _ in range(2)]
    other_group = services.group_create(user=staff, mentor=other_mentor, topic=tupe, requests=others)
    other_member = MembershipFactory(mutual=others[0].mutual).user
    not_in_group = MembershipFactory().user
    people = [other_member, not_in_group, other_mentor.user, outsider, staff]
    urls = [_url(name, group, **kwargs) for name, kwargs in GROUP_PAGES] + [
        _url("group_goal_update", group, goal_pk=goal.pk),
        _url("group_meeting_cancel", group, meeting_pk=meeting.pk),
    ]
    for person in people:
        client = client_for(person)
        for url in urls:
            assert client.get(url).status_code == 404, (person.email, url)
            assert client.post(url, {"body": "x", "confirm": "on", "status": "achieved"}).status_code == 404
    missing = MentoringGroup.objects.order_by("-pk").first().pk + 100
    assert client_for(member).get(reverse("messaging:group_detail", kwargs={"pk": missing})).status_code == 404
    assert other_group.pk != group.pk
    assert GroupMessage.objects.count() == 0 and GroupGoal.objects.get().status == "not_started"
    assert GroupMeeting.objects.get().status == GroupMeeting.Status.ARRANGED


def test_only_the_mentor_arranges_cancels_and_closes(
    client_for: ClientFor, group: MentoringGroup, member: User
) -> None:
    client = client_for(member)
    assert client.get(_url("group_meeting_create", group)).status_code == 404
    assert client.post(_url("group_close", group), {"confirm": "on"}).status_code == 404
    group.refresh_from_db()
    assert group.is_open


# --- Meetings -----------------------------------------------------------------------------------------------------


def test_a_group_meeting_invites_every_party_with_one_calendar_entry(
    client_for: ClientFor, group: MentoringGroup, mentor: User
) -> None:
    day = timezone.localdate() + timedelta(days=10)
    response = client_for(mentor).post(
        _url("group_meeting_create", group),
        {
            **date_input("on", day),
            "time": "18:00",
            "duration_minutes": 90,
            "format": "video",
            "link": "https://meet.example.org/tupe",
        },
        follow=True,
    )
    assert "Everyone in the group is emailed the invitation" in response.content.decode()
    meeting = GroupMeeting.objects.get()
    invitations = OutboundEmail.objects.filter(event="group_meeting_invitation")
    assert {email.recipient.email for email in invitations} == {
        "bob@example.org",
        "alice@example.org",
        "olivia@example.org",
        "lena@example.org",
    }
    calendar = Calendar.from_ical(base64.b64decode(invitations[0].attachments[0]["content"]))
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == ics.meeting_uid(meeting) and str(calendar["method"]) == "REQUEST"
    assert len(event.get("attendee")) == 4
    assert event.decoded("dtstart").hour == 18

    cancel = client_for(mentor).post(_url("group_meeting_cancel", group, meeting_pk=meeting.pk), {"confirm": "on"})
    assert cancel.status_code == 302
    cancellations = OutboundEmail.objects.filter(event="group_meeting_invitation", params__cancelled=True)
    assert cancellations.count() == 4
    cancelled = Calendar.from_ical(base64.b64decode(cancellations[0].attachments[0]["content"]))
    assert str(cancelled.walk("VEVENT")[0]["uid"]) == ics.meeting_uid(meeting)
    assert cancelled.walk("VEVENT")[0]["sequence"] == 1 and str(cancelled["method"]) == "CANCEL"


# --- Leaving and closing ----------------------------------------------------------------------------------------


def test_a_mutual_leaves_and_no_longer_sees_the_group(
    client_for: ClientFor, group: MentoringGroup, member: User, mentor: User
) -> None:
    response = client_for(member).post(_url("group_leave", group), {"confirm": "on"}, follow=True)
    assert "has left “Fire mutuals facing TUPE”" in response.content.decode()
    assert client_for(member).get(_url("group_detail", group)).status_code == 404
    assert Notice.objects.filter(event="group_mutual_left", user=mentor).exists()
    # Out of the group's mutuals; named on the mentor's page once, where they are asked for closing feedback on it.
    mentors_page = client_for(mentor).get(_url("group_detail", group)).content.decode()
    assert mentors_page.count("Riverside") == 1 and "Give feedback on Riverside" in mentors_page


def test_the_mentor_closes_the_group(
    client_for: ClientFor, group: MentoringGroup, mentor: User, mentor_profile: MentorProfile, member: User
) -> None:
    upcoming = services.group_meeting_arrange(
        group=group,
        user=mentor,
        starts_at=timezone.now() + timedelta(days=5),
        duration_minutes=60,
        format="phone",
        link="0161 496 0000",
    )
    response = client_for(mentor).post(_url("group_close", group), {"confirm": "on", "reason": "Transfers done."})
    assert response.status_code == 302
    group.refresh_from_db()
    upcoming.refresh_from_db()
    mentor_profile.refresh_from_db()
    assert not group.is_open and group.close_reason == "Transfers done."
    assert upcoming.status == GroupMeeting.Status.CANCELLED
    assert mentor_profile.active_mentees == 0
    assert Notice.objects.filter(event="group_closed", user=member).exists()
    page = client_for(member).get(_url("group_detail", group)).content.decode()
    assert "This group is closed" in page
    with pytest.raises(RelationshipError, match="closed"):
        services.group_message_send(group=group, user=member, body="Anyone there?")


# --- Personal data ----------------------------------------------------------------------------------------------


def test_group_messages_are_exported_and_stay_as_former_user(group: MentoringGroup, member: User) -> None:
    services.group_message_send(group=group, user=member, body="Our transfer date is 1 April.")
    export = personal_data.personal_data_export(user=member)
    assert [m["text"] for m in export["group_messages_written"]] == ["Our transfer date is 1 April."]
    assert [g["title"] for g in export["mentoring_groups"]] == ["Fire mutuals facing TUPE"]
    personal_data.account_delete(user=member)
    message = GroupMessage.objects.get()
    assert message.author is None and message.author_name == "Former user"


def test_a_mentor_deleting_their_account_closes_their_groups(group: MentoringGroup, mentor: User) -> None:
    personal_data.account_delete(user=mentor)
    group.refresh_from_db()
    assert group.status == MentoringGroup.Status.CLOSED
    assert Membership.objects.filter(user__email="olivia@example.org").exists()
    assert Notice.objects.filter(event="group_closed", user__email="olivia@example.org").exists()


def test_a_bad_message_is_refused_with_an_error_summary(
    client_for: ClientFor, group: MentoringGroup, member: User
) -> None:
    for body in ("", "   ", "x" * 5001):
        response = client_for(member).post(_url("group_detail", group), {"body": body})
        assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert not GroupMessage.objects.exists()
    UserFactory()  # a stray account changes nothing


def test_the_group_page_and_the_staff_list_do_not_grow_queries_with_rows(
    client_for: ClientFor, group: MentoringGroup, member: User, mentor: User, staff: User, tupe: SupportTopic
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert client_for(mentor).get(_url("group_detail", group)).status_code == 200
        with CaptureQueriesContext(connection) as staff_list:
            assert client_for(staff).get(reverse("messaging:staff_group_list")).status_code == 200
        return len(page), len(staff_list)

    def add(n: int) -> None:
        mutual = member.mutuals.get()
        GroupMessage.objects.bulk_create(GroupMessage(group=group, author=member, body=f"m{i}") for i in range(n))
        GroupGoal.objects.bulk_create(GroupGoal(group=group, mutual=mutual, title=f"g{i}") for i in range(n))
        GroupMeeting.objects.bulk_create(
            GroupMeeting(
                group=group,
                starts_at=timezone.now() + timedelta(days=i + 1),
                duration_minutes=60,
                format="phone",
                link="0161",
            )
            for i in range(n)
        )
        for _ in range(n // 5):
            MentoringRequestFactory(topics=[tupe])
        for _ in range(n // 5):
            other = MentoringGroup.objects.create(mentor=group.mentor, title="Another", topic=tupe)
            GroupMember.objects.create(group=other, mutual=MembershipFactory().mutual)

    add(5)
    small = counts()
    add(45)
    large = counts()
    # Not one more query per row: at most one that a request makes now and then (the session's, say).
    assert large[0] <= small[0] + 1 and large[1] <= small[1] + 1, (small, large)
