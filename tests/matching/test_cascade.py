"""The mutual's journey: choose up to three mentors, introductions in order, decline or no reply moves to the next
choice, all exhausted goes to the programme team, who introduce a mentor by hand or record that there is no match."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, User
from matching import services
from matching.models import Introduction, MentoringRequest, Suggestion
from matching.wording import reasons_for_mentor
from messaging.models import Relationship
from notifications.models import Notice
from notifications.services import preferences_update
from notifications.tasks import send_email
from tests.factories import MentorProfileFactory
from tests.matching.factories import MentoringRequestFactory, rank
from tests.notifications.outbox import notice_texts, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentors(mentor_profile: MentorProfile) -> list[MentorProfile]:
    """Bob and two more approved mentors who fit the request."""
    return [mentor_profile, MentorProfileFactory(), MentorProfileFactory()]


@pytest.fixture
def open_request(mutual: Mutual, member: User, mentors: list[MentorProfile]) -> MentoringRequest:
    request = MentoringRequestFactory(mutual=mutual, created_by=member)
    assert set(rank(request)) == {mentor.pk for mentor in mentors}
    return request


def choose(request: MentoringRequest, member: User, mentors: list[MentorProfile]) -> list[Introduction]:
    return services.preferences_choose(request=request, user=member, mentor_ids=[m.pk for m in mentors])


def statuses(request: MentoringRequest) -> list[str]:
    return list(request.introductions.order_by("preference").values_list("status", flat=True))


def test_choosing_three_queues_them_in_order_and_introduces_the_first(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        choose(open_request, member, mentors)
    open_request.refresh_from_db()
    assert open_request.status == MentoringRequest.Status.INTRODUCED
    assert statuses(open_request) == ["pending", "queued", "queued"]
    first = open_request.introductions.get(preference=1)
    assert first.mentor == mentors[0]
    assert first.expires_at == first.sent_at + timedelta(days=7)
    # The email task ran after commit, once; the mentor also has an in-app notice.
    assert [message.to for message in mail.outbox] == [[mentors[0].user.email]]
    assert first.reasons and reasons_for_mentor(first.reasons)[0] in mail.outbox[0].body
    assert Notice.objects.filter(user=mentors[0].user, kind="introduction").count() == 1


def test_declining_introduces_the_next_choice_and_the_pair_is_never_suggested_again(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    choose(open_request, member, mentors)
    first = open_request.introductions.get(preference=1)
    services.introduction_decline(introduction=first, user=mentors[0].user, reason="No time this quarter")
    assert statuses(open_request) == ["declined", "pending", "queued"]
    first.refresh_from_db()
    assert first.decline_reason == "No time this quarter"
    assert Suggestion.objects.get(request=open_request, mentor=mentors[0]).declined_at is not None
    # Reopened later (say after an early end elsewhere), the declined mentor is still excluded.
    MentoringRequest.objects.filter(pk=open_request.pk).update(status=MentoringRequest.Status.OPEN)
    assert mentors[0].pk not in rank(open_request)


def test_no_answer_within_the_response_days_moves_to_the_next_choice(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile], settings
) -> None:
    settings.INTRODUCTION_RESPONSE_DAYS = 3
    choose(open_request, member, mentors)
    first = open_request.introductions.get(preference=1)
    assert first.expires_at == first.sent_at + timedelta(days=3)
    assert services.introductions_expire(now=first.expires_at - timedelta(minutes=1)) == 0
    assert statuses(open_request) == ["pending", "queued", "queued"]
    # Three days pass without an answer.
    Introduction.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.introductions_expire() == 1
    assert statuses(open_request) == ["expired", "pending", "queued"]
    # Running the beat task again changes nothing: the second choice has its own three days.
    assert services.introductions_expire() == 0
    assert statuses(open_request) == ["expired", "pending", "queued"]


def test_when_every_choice_is_exhausted_the_request_needs_attention(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    choose(open_request, member, mentors[:2])
    first, second = open_request.introductions.order_by("preference")
    services.introduction_decline(introduction=first, user=mentors[0].user, reason="Conflict")
    second.refresh_from_db()
    assert services.introductions_expire(now=second.expires_at + timedelta(seconds=1)) == 1
    open_request.refresh_from_db()
    assert statuses(open_request) == ["declined", "expired"]
    assert open_request.status == MentoringRequest.Status.NEEDS_ATTENTION
    assert open_request.attention_reason
    assert any("by hand" in text for text in notice_texts(member))


def test_a_choice_who_became_unavailable_is_skipped(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    choose(open_request, member, mentors)
    MentorProfile.objects.filter(pk=mentors[1].pk).update(paused_until=timezone.localdate() + timedelta(days=30))
    services.introduction_decline(
        introduction=open_request.introductions.get(preference=1), user=mentors[0].user, reason="Busy"
    )
    assert statuses(open_request) == ["declined", "withdrawn", "pending"]
    assert open_request.introductions.get(preference=2).note == "The mentor is no longer available."


def test_accepting_starts_the_relationship_and_withdraws_the_other_choices(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    choose(open_request, member, mentors)
    first = open_request.introductions.get(preference=1)
    accepted = services.introduction_accept(introduction=first, user=mentors[0].user)
    # The relationships app starts the relationship, and the mentor is sent to it.
    relationship = Relationship.objects.get()
    assert accepted.next_url == reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})
    assert relationship.status == Relationship.Status.ACTIVE
    assert (relationship.mentor, relationship.mutual, relationship.request) == (
        mentors[0],
        open_request.mutual,
        open_request,
    )
    open_request.refresh_from_db()
    mentors[0].refresh_from_db()
    assert open_request.status == MentoringRequest.Status.MATCHED
    assert statuses(open_request) == ["accepted", "withdrawn", "withdrawn"]
    assert mentors[0].active_mentees == 1
    assert (
        notice_texts(member)[0]
        == f"{mentors[0].user.display_name} accepted your request “{open_request.title}”. Your mentoring has started."
    )


def test_only_the_mentor_introduced_can_answer(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    choose(open_request, member, mentors)
    first = open_request.introductions.get(preference=1)
    with pytest.raises(services.MatchingError):
        services.introduction_accept(introduction=first, user=mentors[1].user)
    with pytest.raises(services.MatchingError):
        services.introduction_decline(introduction=first, user=member, reason="Not mine")
    first.refresh_from_db()
    assert first.status == Introduction.Status.PENDING
    assert not Relationship.objects.exists()


def test_an_answered_or_expired_introduction_cannot_be_accepted(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    choose(open_request, member, mentors)
    first = open_request.introductions.get(preference=1)
    Introduction.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.MatchingError, match="expired"):
        services.introduction_accept(introduction=first, user=mentors[0].user)
    services.introductions_expire()
    with pytest.raises(services.MatchingError, match="no longer waiting"):
        services.introduction_accept(introduction=first, user=mentors[0].user)
    assert not Relationship.objects.exists()


def test_capacity_is_checked_when_accepting(open_request: MentoringRequest, member: User, mentors) -> None:
    choose(open_request, member, mentors)
    first = open_request.introductions.get(preference=1)
    MentorProfile.objects.filter(pk=mentors[0].pk).update(active_mentees=mentors[0].capacity)
    with pytest.raises(services.MatchingError, match="as many mutuals"):
        services.introduction_accept(introduction=first, user=mentors[0].user)
    mentors[0].refresh_from_db()
    assert mentors[0].active_mentees == mentors[0].capacity
    assert not Relationship.objects.exists()


@pytest.mark.parametrize(
    "mentor_ids, message",
    [
        ("none", "between 1 and 3"),
        ("four", "between 1 and 3"),
        ("repeat", "different mentor"),
        ("stranger", "suggested"),
    ],
)
def test_choices_must_be_one_to_three_distinct_current_suggestions(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile], mentor_ids, message
) -> None:
    stranger = MentorProfileFactory(status=MentorProfile.Status.PENDING)
    ids = {
        "none": [],
        "four": [m.pk for m in mentors] + [stranger.pk],
        "repeat": [mentors[0].pk, mentors[0].pk],
        "stranger": [stranger.pk],
    }[mentor_ids]
    with pytest.raises(services.MatchingError, match=message):
        services.preferences_choose(request=open_request, user=member, mentor_ids=ids)
    open_request.refresh_from_db()
    assert open_request.status == MentoringRequest.Status.OPEN
    assert not Introduction.objects.exists()


def test_only_members_choose_and_only_for_an_open_request(
    open_request: MentoringRequest, member: User, outsider: User, mentors: list[MentorProfile]
) -> None:
    with pytest.raises(services.MatchingError, match="members"):
        services.preferences_choose(request=open_request, user=outsider, mentor_ids=[mentors[0].pk])
    with pytest.raises(services.MatchingError, match="members"):
        services.request_withdraw(request=open_request, user=outsider, reason="Not mine")
    choose(open_request, member, mentors[:1])
    with pytest.raises(services.MatchingError, match="open request"):
        choose(open_request, member, mentors[1:2])
    assert Introduction.objects.count() == 1


# --- The programme team's queue -----------------------------------------------------------------------------


@pytest.fixture
def exhausted(open_request: MentoringRequest, member: User, mentors: list[MentorProfile]) -> MentoringRequest:
    choose(open_request, member, mentors[:1])
    services.introduction_decline(
        introduction=open_request.introductions.get(), user=mentors[0].user, reason="Moving abroad"
    )
    open_request.refresh_from_db()
    assert open_request.status == MentoringRequest.Status.NEEDS_ATTENTION
    return open_request


def test_staff_introduce_an_eligible_mentor_by_hand(
    exhausted: MentoringRequest, staff: User, mentors: list[MentorProfile]
) -> None:
    introduction = services.staff_introduce(request=exhausted, mentor_id=mentors[2].pk, user=staff)
    exhausted.refresh_from_db()
    assert exhausted.status == MentoringRequest.Status.INTRODUCED
    assert (introduction.status, introduction.source, introduction.created_by) == ("pending", "staff", staff)
    assert introduction.reasons
    # The mentor declines too: back to the queue, as there is no later choice.
    services.introduction_decline(introduction=introduction, user=mentors[2].user, reason="Too far")
    exhausted.refresh_from_db()
    assert exhausted.status == MentoringRequest.Status.NEEDS_ATTENTION


def test_staff_cannot_introduce_a_mentor_who_declined_or_is_not_eligible(
    exhausted: MentoringRequest, staff: User, mentors: list[MentorProfile]
) -> None:
    pending = MentorProfileFactory(status=MentorProfile.Status.PENDING)
    conflicted = MentorProfileFactory()
    conflicted.conflicts.add(exhausted.mutual)
    for mentor_id in (mentors[0].pk, pending.pk, conflicted.pk):
        with pytest.raises(services.MatchingError, match="cannot be introduced"):
            services.staff_introduce(request=exhausted, mentor_id=mentor_id, user=staff)
    assert exhausted.introductions.count() == 1


def test_staff_record_no_match(exhausted: MentoringRequest, staff: User, member: User) -> None:
    services.request_record_no_match(request=exhausted, user=staff, note="Nobody covers pensions in Cornwall")
    exhausted.refresh_from_db()
    assert exhausted.status == MentoringRequest.Status.CLOSED
    assert (exhausted.closed_by, exhausted.closed_note) == (staff, "Nobody covers pensions in Cornwall")
    assert any("could not find a mentor" in text for text in notice_texts(member))
    with pytest.raises(services.MatchingError):
        services.request_record_no_match(request=exhausted, user=staff, note="again")


def test_reopening_after_an_early_end_excludes_the_previous_mentor(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    choose(open_request, member, mentors[:1])
    services.introduction_accept(introduction=open_request.introductions.get(), user=mentors[0].user)
    Relationship.objects.filter(mentor=mentors[0]).update(status=Relationship.Status.ENDED_EARLY)
    services.request_reopen(request=open_request, reason="The mentor moved away")
    open_request.refresh_from_db()
    assert open_request.status == MentoringRequest.Status.OPEN
    with pytest.raises(services.MatchingError, match="matched or closed"):
        services.request_reopen(request=open_request)
    suggested = rank(open_request)
    assert mentors[0].pk not in suggested
    assert set(suggested) == {mentors[1].pk, mentors[2].pk}
    # A mentor whose earlier introduction was withdrawn can be chosen again.
    choose(open_request, member, [mentors[1]])
    assert open_request.introductions.get(mentor=mentors[1]).status == Introduction.Status.PENDING


def test_withdrawing_tells_the_mentor_and_frees_them(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    choose(open_request, member, mentors)
    services.request_withdraw(request=open_request, user=member, reason="We found help elsewhere")
    open_request.refresh_from_db()
    assert open_request.status == MentoringRequest.Status.WITHDRAWN
    assert statuses(open_request) == ["withdrawn", "withdrawn", "withdrawn"]
    assert notice_texts(mentors[0].user)[0] == (
        f"{open_request.mutual.name} no longer needs you for “{open_request.title}”: they withdrew their request. "
        "There is nothing more to do."
    )
    with pytest.raises(services.MatchingError):
        services.request_withdraw(request=open_request, user=member)


def test_the_introduction_email_is_written_once_and_sent_once(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    choose(open_request, member, mentors[:1])
    [email] = written("introduction_sent")
    assert email.recipient == mentors[0].user
    assert send_email(email.pk) is True
    assert send_email(email.pk) is False
    [message] = mail.outbox
    # Plain text subject, whatever the mutual is called; the link opens the introduction.
    assert message.subject == "A mutual would like you as their mentor"
    introduction = open_request.introductions.get()
    assert reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}) in message.body


def test_no_introduction_email_for_a_mentor_who_turned_emails_off(
    open_request: MentoringRequest, member: User, mentors: list[MentorProfile]
) -> None:
    preferences_update(user=mentors[0].user, wanted=[])
    mail.outbox.clear()
    choose(open_request, member, mentors[:1])
    assert written("introduction_sent") == []
    assert Notice.objects.filter(user=mentors[0].user, kind="introduction").exists()
