"""Computing suggestions through the database: who is never suggested, history, failed runs, tasks and the command."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, User
from accounts.signals import mentor_profile_changed
from matching import engine, loading, services, tasks
from matching.models import Introduction, MatchRun, MentoringRequest, Suggestion
from matching.services import unchanged
from notifications.models import Notice, OutboundEmail
from notifications.tasks import send_email
from tests.factories import MembershipFactory, MentorProfileFactory, region, service_area, topic
from tests.matching.factories import MentoringRequestFactory, rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_request(mutual: Mutual, member: User) -> MentoringRequest:
    return MentoringRequestFactory(mutual=mutual, created_by=member)


def current(request: MentoringRequest) -> list[int]:
    return list(
        Suggestion.objects.filter(request=request, state=Suggestion.State.CURRENT)
        .order_by("rank")
        .values_list("mentor_id", flat=True)
    )


def test_the_best_fit_ranks_first_with_plain_language_reasons(member: User) -> None:
    fire = Mutual.objects.create(
        name="Fylde Fire and Rescue Mutual", slug="fylde-fire", region=region("north-west"), stage_id=1
    )
    fire.service_areas.set([service_area("fire-and-rescue")])
    request = MentoringRequestFactory(
        mutual=fire,
        service_area=service_area("fire-and-rescue"),
        topics=[topic("tupe-and-employment"), topic("pensions")],
    )
    best = MentorProfileFactory(
        service_areas=[service_area("fire-and-rescue")],
        topics=[topic("tupe-and-employment"), topic("pensions")],
        region=region("north-west"),
    )
    elsewhere = MentorProfileFactory(
        service_areas=[service_area("fire-and-rescue")],
        topics=[topic("tupe-and-employment"), topic("pensions")],
        region=region("london"),
        format=MentorProfile.Format.REMOTE,
    )
    partial = MentorProfileFactory(topics=[topic("tupe-and-employment")], region=region("north-west"))
    assert rank(request) == [best.pk, elsewhere.pk, partial.pk]
    reasons = Suggestion.objects.get(request=request, mentor=best).reasons
    assert "Works in fire and rescue" in reasons
    assert any("Covers" in reason and "TUPE" in reason for reason in reasons)
    assert any("North West" in reason for reason in reasons)


def test_conflicted_paused_unapproved_full_and_past_mentors_are_never_suggested(
    open_request: MentoringRequest, mentor_profile: MentorProfile
) -> None:
    conflicted = MentorProfileFactory()
    conflicted.conflicts.add(open_request.mutual)
    paused = MentorProfileFactory(paused_until=timezone.localdate() + timedelta(days=10))
    unapproved = MentorProfileFactory(status=MentorProfile.Status.PENDING)
    rejected = MentorProfileFactory(status=MentorProfile.Status.REJECTED)
    full = MentorProfileFactory(capacity=1, active_mentees=1)
    worked_together = MentorProfileFactory()
    # They mentored this mutual before: every relationship starts from an accepted introduction.
    earlier = MentoringRequestFactory(mutual=open_request.mutual, status=MentoringRequest.Status.MATCHED)
    Introduction.objects.create(request=earlier, mentor=worked_together, status=Introduction.Status.ACCEPTED)
    remote_only = MentorProfileFactory(format=MentorProfile.Format.REMOTE)
    MentoringRequest.objects.filter(pk=open_request.pk).update(format=MentoringRequest.Format.IN_PERSON)
    no_topic = MentorProfileFactory(topics=[topic("tax")])
    resumed = MentorProfileFactory(paused_until=timezone.localdate())  # a pause ending today is over
    suggested = rank(open_request)
    assert set(suggested) == {mentor_profile.pk, resumed.pk}
    for excluded in (conflicted, paused, unapproved, rejected, full, worked_together, remote_only, no_topic):
        assert not Suggestion.objects.filter(mentor=excluded).exists()


def test_a_pending_introduction_counts_towards_load(open_request: MentoringRequest, mutual: Mutual) -> None:
    busy = MentorProfileFactory(capacity=1)
    other = MentoringRequestFactory(mutual=mutual, status=MentoringRequest.Status.INTRODUCED)
    Introduction.objects.create(request=other, mentor=busy, status=Introduction.Status.PENDING)
    assert busy.pk not in rank(open_request)


def test_rerunning_keeps_history_and_marks_pairs_no_longer_ranked_stale(
    open_request: MentoringRequest, mentor_profile: MentorProfile
) -> None:
    assert rank(open_request) == [mentor_profile.pk]
    first = Suggestion.objects.get(request=open_request, mentor=mentor_profile)
    MentorProfile.objects.filter(pk=mentor_profile.pk).update(
        paused_until=timezone.localdate() + timedelta(days=5), updated_at=timezone.now()
    )
    newcomer = MentorProfileFactory()
    assert rank(open_request) == [newcomer.pk]
    first.refresh_from_db()
    assert (first.state, first.rank) == (Suggestion.State.STALE, None)
    # Back from the pause: the same row becomes current again (one row per pair).
    MentorProfile.objects.filter(pk=mentor_profile.pk).update(paused_until=None, updated_at=timezone.now())
    assert set(rank(open_request)) == {mentor_profile.pk, newcomer.pk}
    assert Suggestion.objects.filter(request=open_request, mentor=mentor_profile).count() == 1


def test_an_unchanged_ranking_is_not_rewritten(open_request: MentoringRequest, mentor_profile: MentorProfile) -> None:
    first_run = services.suggestions_refresh_for_request(request_id=open_request.pk)
    second_run = services.suggestions_refresh_for_request(request_id=open_request.pk)
    assert second_run is not None and second_run.status == MatchRun.Status.SUCCEEDED
    suggestion = Suggestion.objects.get(request=open_request)
    assert suggestion.run == first_run


def test_a_run_that_fails_leaves_the_previous_suggestions_and_is_marked_failed(
    open_request: MentoringRequest, mentor_profile: MentorProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert rank(open_request) == [mentor_profile.pk]
    before = list(Suggestion.objects.values_list("id", "state", "rank", "score", "updated_at"))
    MentorProfileFactory()  # would enter the ranking

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr("matching.persistence._store_portable", broken)
    monkeypatch.setattr("matching.persistence._store_with_copy", broken)
    run = services.rematch_full()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED
    assert "disk full" in run.error
    assert run.finished_at is not None
    assert {"load", "score", "explain", "assign"} <= set(run.timings)
    assert list(Suggestion.objects.values_list("id", "state", "rank", "score", "updated_at")) == before


def test_a_run_failing_halfway_through_writing_rolls_back_what_it_wrote(
    open_request: MentoringRequest, mentor_profile: MentorProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matching import persistence

    assert rank(open_request) == [mentor_profile.pk]
    newcomer = MentorProfileFactory(capacity=5)  # more room: would rank first
    real_write = persistence.write

    def write_then_fail(**kwargs: object) -> None:
        real_write(**kwargs)  # type: ignore[arg-type]
        assert Suggestion.objects.filter(mentor=newcomer).exists()  # written, inside the run's transaction
        raise RuntimeError("connection lost")

    monkeypatch.setattr(persistence, "write", write_then_fail)
    run = services.suggestions_refresh_for_request(request_id=open_request.pk)
    assert run is not None and run.status == MatchRun.Status.FAILED
    assert "connection lost" in run.error
    assert not Suggestion.objects.filter(mentor=newcomer).exists()
    assert current(open_request) == [mentor_profile.pk]


def test_full_rematch_records_counts_timings_weights_and_the_assignment(
    open_request: MentoringRequest, mentor_profile: MentorProfile, staff: User
) -> None:
    elsewhere = MentoringRequestFactory()  # another mutual's
    MentoringRequestFactory(status=MentoringRequest.Status.MATCHED)  # not ranked
    services.weights_save(user=staff, weights=engine.Weights(topics=0.9))
    run = services.rematch_full()
    assert run.status == MatchRun.Status.SUCCEEDED
    assert (run.kind, run.source, run.request_count, run.mentor_count, run.suggestion_count) == (
        "full",
        "command",
        2,
        1,
        2,
    )
    assert set(run.timings) == {"load", "check", "score", "explain", "assign", "persist"}
    assert run.weights["topics"] == pytest.approx(0.9)
    assert run.weights_version is not None
    assert run.assigned_count == 2  # Bob has two places
    assert run.started_at <= run.finished_at
    # Two requests of one mutual: Bob has room for both, but the assignment gives him only one of them.
    MentoringRequest.objects.filter(pk=elsewhere.pk).update(status=MentoringRequest.Status.WITHDRAWN)
    MentoringRequestFactory(mutual=open_request.mutual)
    assert services.rematch_full().assigned_count == 1


def test_refreshing_a_mentor_reranks_the_requests_they_enter_or_leave(
    open_request: MentoringRequest, mentor_profile: MentorProfile, mutual: Mutual
) -> None:
    unrelated = MentoringRequestFactory(mutual=mutual, topics=[topic("tax")])
    assert rank(open_request) == [mentor_profile.pk]
    assert rank(unrelated) == []
    newcomer = MentorProfileFactory(topics=[topic("tax")])
    run = services.suggestions_refresh_for_mentor(profile_id=newcomer.pk)
    assert run.status == MatchRun.Status.SUCCEEDED
    assert run.request_count == 1  # only the tax request could change
    assert current(unrelated) == [newcomer.pk]
    # Paused: the mentor leaves the requests they were suggested for.
    MentorProfile.objects.filter(pk=newcomer.pk).update(paused_until=timezone.localdate() + timedelta(days=3))
    loading.forget_mentor_table()
    services.suggestions_refresh_for_mentor(profile_id=newcomer.pk)
    assert current(unrelated) == []


def test_an_approved_mentor_signal_enqueues_a_refresh_of_their_requests(
    open_request: MentoringRequest, mentor_profile: MentorProfile, django_capture_on_commit_callbacks
) -> None:
    assert rank(open_request) == [mentor_profile.pk]
    newcomer = MentorProfileFactory(status=MentorProfile.Status.PENDING)
    MentorProfile.objects.filter(pk=newcomer.pk).update(status=MentorProfile.Status.APPROVED)
    # accounts sends the signal after its transaction commits; the task is enqueued after commit too.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mentor_profile_changed.send(sender=MentorProfile, profile_id=newcomer.pk, reason="approved")
    assert len(callbacks) == 1
    assert set(current(open_request)) == {mentor_profile.pk, newcomer.pk}
    assert MatchRun.objects.filter(kind=MatchRun.Kind.MENTOR, mentor=newcomer).count() == 1


def test_a_mentors_place_held_by_an_introduction_leaves_and_rejoins_other_requests(
    open_request: MentoringRequest,
    member: User,
    mentor_profile: MentorProfile,
    other_mutual: Mutual,
    django_capture_on_commit_callbacks,
) -> None:
    MentorProfile.objects.filter(pk=mentor_profile.pk).update(capacity=1)
    loading.forget_mentor_table()
    elsewhere = MentoringRequestFactory(mutual=other_mutual)
    assert rank(open_request) == [mentor_profile.pk]
    assert rank(elsewhere) == [mentor_profile.pk]

    # Riverside's introduction holds Bob's only place: he leaves the other mutual's suggestions at once.
    with django_capture_on_commit_callbacks(execute=True):
        (introduction,) = services.preferences_choose(request=open_request, user=member, mentor_ids=[mentor_profile.pk])
    assert current(elsewhere) == []

    # He declines: the place is free again and he is back in their suggestions, without waiting for the night.
    with django_capture_on_commit_callbacks(execute=True):
        services.introduction_decline(introduction=introduction, user=mentor_profile.user, reason="Too far")
    assert current(elsewhere) == [mentor_profile.pk]


def test_an_expired_introduction_frees_the_mentors_place_for_other_requests(
    open_request: MentoringRequest,
    member: User,
    mentor_profile: MentorProfile,
    other_mutual: Mutual,
    django_capture_on_commit_callbacks,
) -> None:
    MentorProfile.objects.filter(pk=mentor_profile.pk).update(capacity=1)
    loading.forget_mentor_table()
    elsewhere = MentoringRequestFactory(mutual=other_mutual)
    rank(open_request)
    with django_capture_on_commit_callbacks(execute=True):
        services.preferences_choose(request=open_request, user=member, mentor_ids=[mentor_profile.pk])
    assert rank(elsewhere) == []

    with django_capture_on_commit_callbacks(execute=True):
        assert services.introductions_expire(now=timezone.now() + timedelta(days=8)) == 1
    assert current(elsewhere) == [mentor_profile.pk]


# --- Tasks ------------------------------------------------------------------------------------------------------


def test_submitting_enqueues_the_refresh_only_after_commit(
    member: User, mutual: Mutual, mentor_profile: MentorProfile, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = services.request_submit(
            user=member,
            mutual=mutual,
            title="Business plan",
            topics=[topic()],
            service_area=service_area(),
            format="either",
            urgency="soon",
            description="We need a plan.",
        )
    assert len(callbacks) == 1
    assert not Suggestion.objects.exists()  # nothing ran inside the transaction
    callbacks[0]()
    assert current(request) == [mentor_profile.pk]


def test_editing_enqueues_a_refresh_after_commit(
    open_request: MentoringRequest, member: User, mentor_profile: MentorProfile, django_capture_on_commit_callbacks
) -> None:
    rank(open_request)
    taxman = MentorProfileFactory(topics=[topic("tax")])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.request_update(
            request=open_request,
            user=member,
            title="Tax",
            topics=[topic("tax")],
            service_area=open_request.service_area,
            format="either",
            urgency="soon",
            description="VAT",
        )
    assert len(callbacks) == 1
    assert current(open_request) == [taxman.pk]


def test_only_an_open_request_can_be_edited(open_request: MentoringRequest, member: User) -> None:
    MentoringRequest.objects.filter(pk=open_request.pk).update(status=MentoringRequest.Status.INTRODUCED)
    with pytest.raises(services.MatchingError):
        services.request_update(
            request=open_request,
            user=member,
            title="Changed",
            topics=[topic()],
            service_area=service_area(),
            format="either",
            urgency="soon",
            description="x",
        )
    open_request.refresh_from_db()
    assert open_request.title != "Changed"


def test_refresh_task_run_twice_has_one_effect(open_request: MentoringRequest, mentor_profile: MentorProfile) -> None:
    tasks.refresh_request.delay(open_request.pk)
    snapshot = list(Suggestion.objects.values_list("request_id", "mentor_id", "state", "rank", "score", "run_id"))
    tasks.refresh_request.delay(open_request.pk)
    assert list(Suggestion.objects.values_list("request_id", "mentor_id", "state", "rank", "score", "run_id")) == (
        snapshot
    )
    assert len(snapshot) == 1


def test_refresh_task_for_a_request_that_is_no_longer_open_does_nothing(open_request: MentoringRequest) -> None:
    MentoringRequest.objects.filter(pk=open_request.pk).update(status=MentoringRequest.Status.WITHDRAWN)
    assert tasks.refresh_request.delay(open_request.pk).get() is None
    assert not MatchRun.objects.exists()


def test_a_queued_full_run_is_claimed_once(
    open_request: MentoringRequest, mentor_profile: MentorProfile, staff: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.match_run_queue(user=staff)
    assert MatchRun.objects.get(pk=run.pk).status == MatchRun.Status.QUEUED
    # Asked for again while it waits: the same run, and nothing more is sent to the worker.
    with django_capture_on_commit_callbacks(execute=False) as again:
        assert services.match_run_queue(user=staff) == run
    assert not again
    # A run that waited longer than a worker could have taken was lost: it does not block a new one.
    MatchRun.objects.filter(pk=run.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False):
        assert services.match_run_queue(user=staff) != run
    MatchRun.objects.exclude(pk=run.pk).delete()
    MatchRun.objects.filter(pk=run.pk).update(created_at=timezone.now())
    callbacks[0]()  # the worker runs it
    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED
    finished_at = run.finished_at
    assert tasks.rematch_full.delay(run.pk).get() is None  # redelivered: nothing to claim
    run.refresh_from_db()
    assert run.finished_at == finished_at
    assert MatchRun.objects.filter(kind=MatchRun.Kind.FULL).count() == 1


def test_the_nightly_task_records_a_beat_run(open_request: MentoringRequest, mentor_profile: MentorProfile) -> None:
    run_id = tasks.rematch_full.delay().get()
    assert MatchRun.objects.get(pk=run_id).source == MatchRun.Source.BEAT
    assert current(open_request) == [mentor_profile.pk]


def test_expire_and_email_tasks_are_safe_to_run_twice(
    open_request: MentoringRequest, member: User, mentor_profile: MentorProfile, django_capture_on_commit_callbacks
) -> None:
    from django.core import mail

    rank(open_request)
    with django_capture_on_commit_callbacks(execute=True):
        services.preferences_choose(request=open_request, user=member, mentor_ids=[mentor_profile.pk])
    introduction = open_request.introductions.get()
    [email] = OutboundEmail.objects.filter(event="introduction_sent")
    assert send_email.delay(email.pk).get() is False  # already sent after commit
    assert len(mail.outbox) == 1
    Introduction.objects.filter(pk=introduction.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.expire_introductions.delay().get() == 1
    assert tasks.expire_introductions.delay().get() == 0
    open_request.refresh_from_db()
    assert open_request.status == MentoringRequest.Status.NEEDS_ATTENTION


# --- The command ----------------------------------------------------------------------------------------------


def test_rematch_command_full_prints_counts_and_phase_timings(
    open_request: MentoringRequest, mentor_profile: MentorProfile
) -> None:
    out = StringIO()
    call_command("rematch", "--full", stdout=out)
    text = out.getvalue()
    assert "Full rematch" in text and "Succeeded" in text
    assert "requests 1, mentors 1, suggestions 1" in text
    for phase in ("load", "score", "explain", "assign", "persist"):
        assert f"{phase} " in text
    assert current(open_request) == [mentor_profile.pk]


def test_rematch_command_without_options_ranks_requests_never_ranked(
    open_request: MentoringRequest, mentor_profile: MentorProfile
) -> None:
    out = StringIO()
    call_command("rematch", "--json", stdout=out)
    runs = json.loads(out.getvalue())
    assert [(run["kind"], run["suggestions"]) for run in runs] == [("request", 1)]
    out = StringIO()
    call_command("rematch", stdout=out)
    assert "Nothing to rank" in out.getvalue()


def test_rematch_command_rejects_a_request_that_is_not_open(open_request: MentoringRequest) -> None:
    MentoringRequest.objects.filter(pk=open_request.pk).update(status=MentoringRequest.Status.CLOSED)
    with pytest.raises(CommandError, match="not open"):
        call_command("rematch", "--request", str(open_request.pk), stdout=StringIO())


# --- Telling the mutual its first suggestions are ready ------------------------------------------------------------


def test_the_mutual_is_told_once_when_its_request_gets_its_first_suggestions(
    open_request: MentoringRequest, member: User, mentor: User
) -> None:
    colleague = MembershipFactory(mutual=open_request.mutual).user

    assert rank(open_request)  # Bob fits
    assert rank(open_request)  # a second refresh: nothing new to tell

    told = Notice.objects.filter(event="suggestions_ready")
    assert sorted(told.values_list("user_id", flat=True)) == sorted([member.pk, colleague.pk])
    assert sorted(
        OutboundEmail.objects.filter(event="suggestions_ready").values_list("recipient_id", flat=True)
    ) == sorted([member.pk, colleague.pk])
    assert not told.filter(user=mentor).exists()


def test_a_request_no_mentor_fits_is_told_when_a_mentor_who_fits_joins(member: User, mutual: Mutual) -> None:
    request = MentoringRequestFactory(mutual=mutual, created_by=member, title="Help with our pension deficit")
    assert rank(request) == []  # no mentor yet
    assert not Notice.objects.filter(event="suggestions_ready").exists()

    profile = MentorProfileFactory()  # approved, covering the request's topic and service area
    services.suggestions_refresh_for_mentor(profile_id=profile.pk)

    assert current(request) == [profile.pk]
    assert list(Notice.objects.filter(event="suggestions_ready").values_list("user_id", flat=True)) == [member.pk]


def test_demo_data_tells_nobody(open_request: MentoringRequest, mentor: User) -> None:
    run = services.rematch_full(tell_mutuals=False)

    assert run.status == MatchRun.Status.SUCCEEDED
    assert current(open_request) == [mentor.mentor_profile.pk]
    assert not Notice.objects.filter(event="suggestions_ready").exists()


def test_an_unchanged_rematch_explains_and_writes_nothing_and_the_nightly_one_skips_the_assignment(
    open_request: MentoringRequest, mentor_profile: MentorProfile, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = services.rematch_full()
    assert "explain" in first.timings and first.assigned_count == 1
    # A new release of the engine's code changes the inputs (the nightly run computes again), not the ranking.
    monkeypatch.setattr(unchanged, "_code_digest", lambda: b"another release")

    nightly = services.rematch_full(source=MatchRun.Source.BEAT)

    assert nightly.status == MatchRun.Status.SUCCEEDED
    assert set(nightly.timings) == {"load", "check", "score", "persist"}  # nothing explained: nothing changed
    assert nightly.assigned_count is None and nightly.suggestion_count == 1
    assert Suggestion.objects.get().run_id == first.pk  # the row was not rewritten
    # A refresh of the same request computes the same digest: nothing to write either.
    refresh = services.suggestions_refresh_for_request(request_id=open_request.pk)
    assert refresh is not None and "explain" not in refresh.timings
    assert Suggestion.objects.get().run_id == first.pk


def test_a_mentor_refresh_reads_only_the_requests_that_mentor_could_serve(
    mutual: Mutual, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_person = MentorProfileFactory(topics=[topic("tax")], format=MentorProfile.Format.IN_PERSON)
    servable = MentoringRequestFactory(mutual=mutual, topics=[topic("tax"), topic()])
    MentoringRequestFactory(mutual=mutual, topics=[topic()])  # no shared topic
    MentoringRequestFactory(mutual=mutual, topics=[topic("tax")], format=MentoringRequest.Format.REMOTE)
    read: list[set[int]] = []
    real_prepare = loading.prepare

    def spy(requests, **options):  # type: ignore[no-untyped-def]
        read.append(set(requests.values_list("id", flat=True)))
        return real_prepare(requests, **options)

    monkeypatch.setattr(loading, "prepare", spy)
    run = services.suggestions_refresh_for_mentor(profile_id=in_person.pk)

    assert read == [{servable.pk}]
    assert run.status == MatchRun.Status.SUCCEEDED
    assert current(servable)[0] == in_person.pk


def test_a_rewrite_stored_a_slice_at_a_time_stores_what_one_piece_does(monkeypatch: pytest.MonkeyPatch) -> None:
    MentorProfileFactory.create_batch(4)
    requests = MentoringRequestFactory.create_batch(5)
    whole = services.rematch_full()
    stored = {request.pk: rank(request) for request in requests}
    assert all(stored.values()) and whole.suggestion_count == sum(map(len, stored.values()))
    Suggestion.objects.all().delete()  # everything is rewritten again
    monkeypatch.setattr("matching.services.runs.WRITE_SLICE", 2)

    sliced = services.rematch_full()

    assert sliced.status == MatchRun.Status.SUCCEEDED
    assert {request.pk: rank(request) for request in requests} == stored
    assert sliced.suggestion_count == whole.suggestion_count
