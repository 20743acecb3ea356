"""Publishing a batch proposal: staff ask, a worker sends every introduction in bulk.

The page records a queued run and answers at once (`batch_publish_queue`); the task (`matching.tasks.batch_publish`)
claims it and calls `batch_publish`, which checks every pair, writes the introductions, the requests' new status and
the pairs' outcomes in a few bulk statements, tells the mentors and mutuals through `notifications.notify_bulk`,
and refreshes suggestions once (each affected mentor once, or one full rematch for a large batch), all in one
transaction. A worker that dies leaves nothing half written: the run's lease expires, and the recovery task queues
it again (matching/leases.py), like a full rematch. A run that finds the proposal already published does nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from accounts.conduct import users_who_accepted
from accounts.models import MentorProfile, User
from matching import leases
from matching.models import BatchProposal, Introduction, MatchRun, MentoringRequest, ProposedPair
from matching.services.common import (
    PERSIST_BATCH_SIZE,
    MatchingError,
    _enqueue_refresh_mentor,
    _enqueue_refresh_request,
)
from matching.services.runs import PhaseClock, _execute, _fail_stale_runs, _run_begin
from notifications.services import Delivery, notify_bulk
from outbox import services as outbox

logger = logging.getLogger(__name__)

# Up to this many distinct mentors, each is refreshed on its own after publishing; above it, one full rematch
# re-ranks every open request at once, which is cheaper than many mentor refreshes.
MENTOR_REFRESH_LIMIT = 20


def publish_in_progress(proposal: BatchProposal) -> bool:
    """A worker has been asked to publish the proposal and has not finished (nor died)."""
    if proposal.publish_run_id is None:
        return False
    unfinished = Q(status=MatchRun.Status.QUEUED) | (Q(status=MatchRun.Status.RUNNING) & ~leases.stale())
    return MatchRun.objects.filter(unfinished, pk=proposal.publish_run_id).exists()


def batch_publish_queue(*, proposal: BatchProposal, user: User) -> MatchRun:
    """Staff publish a draft: a queued run now, the introductions from a worker after commit. Asking again while it
    is queued or running returns the same run; after a failed run, a new one."""
    from matching import tasks

    with transaction.atomic():
        proposal = BatchProposal.objects.select_for_update().get(pk=proposal.pk)
        if not proposal.is_draft:
            raise MatchingError("This proposal has already been published or discarded.")
        if proposal.publish_run is not None and publish_in_progress(proposal):
            return proposal.publish_run
        if proposal.publish_run_id is not None:  # its worker died: it will not be run again, a new run is
            _fail_stale_runs(MatchRun.objects.filter(pk=proposal.publish_run_id), timezone.now())
        run = MatchRun.objects.create(
            kind=MatchRun.Kind.PUBLISH, source=MatchRun.Source.USER, started_by=user, status=MatchRun.Status.QUEUED
        )
        proposal.publish_run = run
        proposal.save(update_fields=["publish_run"])
        outbox.enqueue(tasks.batch_publish, run.pk)
    return run


@dataclass
class _Pair:
    id: int
    request_id: int
    mentor_id: int
    score: float
    reasons: list[str]


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + PERSIST_BATCH_SIZE] for start in range(0, len(ids), PERSIST_BATCH_SIZE)]


def batch_publish(*, proposal: BatchProposal, user: User | None, run: MatchRun | None = None) -> BatchProposal:
    """Send an introduction for every pair left in the draft, recorded as a run (`run`: a queued run a worker
    claimed; without it, a new one).

    Things may have moved since the draft was made: a pair whose request is no longer open, whose mentor has no room
    left, or whose request already has a mentor considering it, is skipped and the reason recorded on the pair.
    Raises MatchingError when the proposal is not a draft, or when publishing failed (the run records why).
    """
    if not BatchProposal.objects.filter(pk=proposal.pk, status=BatchProposal.Status.DRAFT).exists():
        if run is not None and BatchProposal.objects.filter(pk=proposal.pk, publish_run=run).exists():
            return proposal  # published by an earlier delivery of this run's task: nothing to do
        raise MatchingError("This proposal has already been published or discarded.")
    run, _ = _run_begin(kind=MatchRun.Kind.PUBLISH, source=MatchRun.Source.USER, started_by=user, run=run)
    # No progress on the run row: the work is one transaction, and the heartbeat must be able to renew the lease.
    clock = PhaseClock(run=run, report_progress=False)

    def work() -> dict[str, Any]:
        with transaction.atomic():
            locked = BatchProposal.objects.select_for_update().get(pk=proposal.pk)
            if not locked.is_draft:
                raise MatchingError("This proposal has already been published or discarded.")
            return _publish(clock, locked, run, user)

    _execute(run, clock, work)
    if run.status == MatchRun.Status.FAILED:
        raise MatchingError(f"The proposal could not be published: {run.error}")
    proposal.refresh_from_db()
    return proposal


def _publish(clock: PhaseClock, proposal: BatchProposal, run: MatchRun, user: User | None) -> dict[str, Any]:
    now = timezone.now()
    expires_at = now + timedelta(days=settings.INTRODUCTION_RESPONSE_DAYS)
    with clock.phase("load"):
        pairs = [
            _Pair(*row)
            for row in proposal.pairs.filter(outcome=ProposedPair.Outcome.PROPOSED)
            .order_by("-score", "id")
            .values_list("id", "request_id", "mentor_id", "score", "reasons")
        ]
        request_ids = sorted({pair.request_id for pair in pairs})
        mentor_ids = sorted({pair.mentor_id for pair in pairs})
        requests: dict[int, MentoringRequest] = {}
        profiles: dict[int, MentorProfile] = {}
        pending: dict[int, int] = defaultdict(int)
        existing: dict[tuple[int, int], Introduction] = {}
        considering: set[int] = set()
        for chunk in _chunks(request_ids):
            locked = MentoringRequest.objects.select_for_update(of=("self",)).select_related("mutual")
            requests.update((request.pk, request) for request in locked.filter(pk__in=chunk))
            for introduction in Introduction.objects.filter(request_id__in=chunk):
                existing[introduction.request_id, introduction.mentor_id] = introduction
                if introduction.status == Introduction.Status.PENDING:
                    considering.add(introduction.request_id)
        for chunk in _chunks(mentor_ids):
            locked_profiles = MentorProfile.objects.select_for_update(of=("self",)).select_related("user")
            profiles.update((profile.pk, profile) for profile in locked_profiles.filter(pk__in=chunk))
            waiting = (
                Introduction.objects.filter(mentor_id__in=chunk, status=Introduction.Status.PENDING)
                .values("mentor_id")
                .annotate(count=Count("id"))
                .values_list("mentor_id", "count")
            )
            pending.update(waiting)
        # Mentors who must accept the current code of conduct before any introduction (accounts/conduct.py).
        accepted_code = users_who_accepted(profile.user_id for profile in profiles.values())

    with clock.phase("persist"):
        today = timezone.localdate()
        introduce: list[tuple[_Pair, Introduction]] = []
        skipped: list[ProposedPair] = []
        for pair in pairs:
            request = requests.get(pair.request_id)
            profile = profiles.get(pair.mentor_id)
            known = existing.get((pair.request_id, pair.mentor_id))
            note = ""
            if request is None or request.status != MentoringRequest.Status.OPEN:
                note = "The request is no longer open."
            elif (
                profile is None
                or profile.status != MentorProfile.Status.APPROVED
                or profile.is_paused(today)
                or profile.active_mentees + pending[profile.pk] >= profile.capacity
            ):
                note = "The mentor has no room left."
            elif profile.user_id not in accepted_code:
                note = "The mentor has not accepted the current code of conduct."
            elif known is not None and known.status != Introduction.Status.WITHDRAWN:
                note = "This mentor has already been introduced for this request."
            elif pair.request_id in considering:
                note = "Another mentor is already considering this request."
            if note:
                skipped.append(ProposedPair(pk=pair.id, outcome=ProposedPair.Outcome.SKIPPED, outcome_note=note))
                continue
            pending[pair.mentor_id] += 1
            considering.add(pair.request_id)
            introduction = known or Introduction(request_id=pair.request_id, mentor_id=pair.mentor_id)
            introduction.source = Introduction.Source.BATCH
            introduction.preference = None
            introduction.status = Introduction.Status.PENDING
            introduction.score = pair.score
            introduction.reasons = pair.reasons
            introduction.created_by = user
            introduction.sent_at, introduction.expires_at, introduction.responded_at = now, expires_at, None
            introduction.decline_reason = introduction.note = ""
            introduce.append((pair, introduction))
        reused = [introduction for _, introduction in introduce if introduction.pk is not None]
        Introduction.objects.bulk_update(
            reused,
            [
                "source",
                "preference",
                "status",
                "score",
                "reasons",
                "created_by",
                "sent_at",
                "expires_at",
                "responded_at",
                "decline_reason",
                "note",
            ],
            batch_size=PERSIST_BATCH_SIZE,
        )
        Introduction.objects.bulk_create(
            [introduction for _, introduction in introduce if introduction.pk is None], batch_size=PERSIST_BATCH_SIZE
        )
        introduced_requests = sorted(pair.request_id for pair, _ in introduce)
        for chunk in _chunks(introduced_requests):
            MentoringRequest.objects.filter(pk__in=chunk).update(
                status=MentoringRequest.Status.INTRODUCED, attention_reason="", updated_at=now
            )
        for chunk in _chunks([pair.id for pair, _ in introduce]):
            ProposedPair.objects.filter(pk__in=chunk).update(outcome=ProposedPair.Outcome.INTRODUCED)
        ProposedPair.objects.bulk_update(skipped, ["outcome", "outcome_note"], batch_size=PERSIST_BATCH_SIZE)
        proposal.status = BatchProposal.Status.PUBLISHED
        proposal.decided_by = user
        proposal.decided_at = now
        proposal.publish_run = run
        proposal.save(update_fields=["status", "decided_by", "decided_at", "publish_run"])

    with clock.phase("notify"):
        _tell_everyone(introduce, requests, profiles, expires_at)
        _refresh_once(sorted({pair.mentor_id for pair, _ in introduce}))
    return {
        "request_count": len(pairs),
        "mentor_count": len(mentor_ids),
        "suggestion_count": len(introduce),
    }


def _tell_everyone(
    introduce: list[tuple[_Pair, Introduction]],
    requests: dict[int, MentoringRequest],
    profiles: dict[int, MentorProfile],
    expires_at: Any,
) -> None:
    """What `introduction_send` says for one introduction made by the programme team, for all of them at once: the
    mentor hears about the mutual, the mutual's members about the mentor (and that they can withdraw it)."""
    if not introduce:
        return
    reply_by = date_format(timezone.localtime(expires_at), "j F Y")
    mutual_ids = sorted({requests[pair.request_id].mutual_id for pair, _ in introduce})
    members: dict[int, list[User]] = defaultdict(list)
    for chunk in _chunks(mutual_ids):
        people = User.objects.filter(memberships__mutual_id__in=chunk).annotate(member_of=F("memberships__mutual_id"))
        for person in people.order_by("pk"):
            members[person.member_of].append(person)
    to_mentors, to_mutuals = [], []
    introduction_path, request_path = _path_of("matching:introduction_detail"), _path_of("matching:request_detail")
    for pair, introduction in introduce:
        request = requests[pair.request_id]
        mentor = profiles[pair.mentor_id].user
        to_mentors.append(
            Delivery(
                to=[mentor],
                params={
                    "mutual": request.mutual.name,
                    "title": request.title,
                    "reply_by": reply_by,
                    "reasons": introduction.reasons,
                },
                url=introduction_path(introduction.pk),
            )
        )
        to_mutuals.append(
            Delivery(
                to=members[request.mutual_id],
                params={"mentor": mentor, "title": request.title, "reply_by": reply_by},
                url=request_path(request.pk),
            )
        )
    notify_bulk("introduction_sent_by_programme", to_mentors)
    notify_bulk("introduced_by_programme", to_mutuals)


def _path_of(name: str) -> Callable[[int], str]:
    """reverse(name, pk=...) for many pks: the URL is reversed once (20,000 reverses take a second)."""
    marker = 987654321
    before, after = reverse(name, kwargs={"pk": marker}).split(str(marker))
    return lambda pk: f"{before}{pk}{after}"


def _refresh_once(mentor_ids: list[int]) -> None:
    """Each new introduction holds one of its mentor's places: their suggestions change."""
    suggestions_refresh_after_bulk_change(mentor_ids=mentor_ids)


def suggestions_refresh_after_bulk_change(
    *, mentor_ids: list[int], request_ids: list[int] | None = None, profiles_edited: bool = False
) -> None:
    """Many mentors or requests changed at once (a published batch, an import): queue their re-ranking once, after
    commit, through the outbox. A few are refreshed one by one (each once, however often it appears); many at once by
    one full rematch, which is cheaper than many refreshes. Nothing waits for the nightly run. `profiles_edited`:
    the mentors' profiles themselves changed (topics, regions), so every process's cached mentor table is dropped."""
    from matching import loading, tasks

    mentor_ids = sorted(set(mentor_ids))
    request_ids = sorted(set(request_ids or []))
    if not mentor_ids and not request_ids:
        return
    if mentor_ids and profiles_edited:
        loading.forget_mentor_table()
    if len(mentor_ids) + len(request_ids) <= MENTOR_REFRESH_LIMIT:
        for mentor_id in mentor_ids:
            _enqueue_refresh_mentor(mentor_id)
        for request_id in request_ids:
            _enqueue_refresh_request(request_id)
        return
    run = MatchRun.objects.create(kind=MatchRun.Kind.FULL, source=MatchRun.Source.AUTOMATIC)
    outbox.enqueue(tasks.rematch_full, run.pk)
