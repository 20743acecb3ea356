"""Every write for mentoring requests, suggestions, introductions, runs, weights and batch proposals.

Keyword-only functions named <entity>_<verb>. Each checks the current state first and raises `MatchingError` when
the change is not allowed. Celery work is enqueued only after the transaction commits.

Computing suggestions follows one rule: compute everything first, then write in one transaction at the end, so a
run that fails halfway leaves the previous suggestions in place (and is recorded as failed with its error).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import numpy as np
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import MentorProfile, Mutual, ServiceArea, SupportTopic, User
from matching import engine, leases, loading, persistence
from matching.models import (
    BatchProposal,
    Introduction,
    MatchingWeights,
    MatchRun,
    MentoringRequest,
    ProposedPair,
    Suggestion,
)
from matching.selectors import weights_current
from messaging.models import Relationship

logger = logging.getLogger(__name__)

SUGGESTIONS_PER_REQUEST = 10
MAX_PREFERENCES = 3
# Up to this many requests, a run checks which are still open by id; above it, it reads every open id once.
SMALL_BATCH = 1000
# Rows per INSERT for proposed pairs: large enough to be fast, small enough for SQLite's variable limit.
PERSIST_BATCH_SIZE = 2000


class MatchingError(Exception):
    """A matching change that is not allowed in the current state. The message is shown to the user."""


# --- Mentoring requests -----------------------------------------------------------------------------------------


@transaction.atomic
def request_submit(
    *,
    user: User,
    mutual: Mutual,
    title: str,
    topics: Sequence[SupportTopic],
    service_area: ServiceArea,
    format: str,
    urgency: str,
    description: str,
) -> MentoringRequest:
    """A member raises a request for their mutual. Its suggestions are computed by a task after commit."""
    if not mutual.memberships.filter(user=user).exists():
        raise MatchingError("Only members of a mutual can ask for a mentor for it.")
    if not topics:
        raise MatchingError("Choose at least one topic.")
    request = MentoringRequest.objects.create(
        mutual=mutual,
        created_by=user,
        title=title,
        service_area=service_area,
        format=format,
        urgency=urgency,
        description=description,
    )
    request.topics.set(topics)
    _enqueue_refresh_request(request.pk)
    return request


@transaction.atomic
def request_update(
    *,
    request: MentoringRequest,
    user: User,
    title: str,
    topics: Sequence[SupportTopic],
    service_area: ServiceArea,
    format: str,
    urgency: str,
    description: str,
) -> MentoringRequest:
    """Edit an open request; its suggestions are recomputed after commit."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _require_member(request, user)
    if request.status not in MentoringRequest.EDITABLE_STATUSES:
        raise MatchingError("Only an open request can be changed.")
    if not topics:
        raise MatchingError("Choose at least one topic.")
    request.title = title
    request.service_area = service_area
    request.format = format
    request.urgency = urgency
    request.description = description
    request.save()
    request.topics.set(topics)
    _enqueue_refresh_request(request.pk)
    return request


def _require_member(request: MentoringRequest, user: User) -> None:
    if not request.mutual.memberships.filter(user=user).exists():
        raise MatchingError("Only members of the mutual can change its requests.")


@transaction.atomic
def request_withdraw(*, request: MentoringRequest, user: User, reason: str = "") -> MentoringRequest:
    """The mutual no longer needs a mentor. Introductions still waiting are withdrawn and the mentor told."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _require_member(request, user)
    if request.status not in MentoringRequest.WITHDRAWABLE_STATUSES:
        raise MatchingError("This request can no longer be withdrawn.")
    pending = list(request.introductions.filter(status=Introduction.Status.PENDING).select_related("mentor__user"))
    request.introductions.filter(status__in=Introduction.OPEN_STATUSES).update(
        status=Introduction.Status.WITHDRAWN, note="The mutual withdrew the request."
    )
    request.status = MentoringRequest.Status.WITHDRAWN
    request.closed_note = reason
    request.closed_by = user
    request.closed_at = timezone.now()
    request.save()
    for introduction in pending:
        _enqueue_refresh_mentor(introduction.mentor_id)  # the place the introduction held is free again
        _notify(
            introduction.mentor.user,
            "introduction",
            f"{request.mutual} withdrew their request \u201c{request.title}\u201d: there is nothing more to do.",
            reverse("matching:introduction_list"),
        )
    return request


@transaction.atomic
def request_reopen(*, request: MentoringRequest, reason: str = "") -> MentoringRequest:
    """Open a matched request again for re-matching (used by messaging after a relationship ends early).

    The previous mentor is not suggested again: any relationship between a mentor and the mutual excludes the pair.
    """
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (MentoringRequest.Status.MATCHED, MentoringRequest.Status.CLOSED):
        raise MatchingError("Only a matched or closed request can be reopened.")
    request.status = MentoringRequest.Status.OPEN
    request.attention_reason = ""
    request.closed_note = reason
    request.closed_by = None
    request.closed_at = None
    request.save()
    _enqueue_refresh_request(request.pk)
    return request


@transaction.atomic
def request_mark_needs_attention(*, request: MentoringRequest, reason: str) -> MentoringRequest:
    """Put the request in the programme team's queue: they introduce a mentor by hand or record no match."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if request.status in (MentoringRequest.Status.MATCHED, MentoringRequest.Status.WITHDRAWN):
        raise MatchingError("A matched or withdrawn request does not need attention.")
    request.status = MentoringRequest.Status.NEEDS_ATTENTION
    request.attention_reason = reason[:300]
    request.save()
    _notify_mutual(
        request,
        f"We are looking for a mentor for \u201c{request.title}\u201d by hand: the programme team will be in touch.",
    )
    return request


@transaction.atomic
def request_record_no_match(*, request: MentoringRequest, user: User, note: str) -> MentoringRequest:
    """Staff close a request for which no suitable mentor exists."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (MentoringRequest.Status.NEEDS_ATTENTION, MentoringRequest.Status.OPEN):
        raise MatchingError("Only an open request or one needing attention can be closed without a match.")
    if request.introductions.filter(status=Introduction.Status.PENDING).exists():
        raise MatchingError("A mentor is still considering this request.")
    request.introductions.filter(status=Introduction.Status.QUEUED).update(
        status=Introduction.Status.WITHDRAWN, note="No match found."
    )
    request.status = MentoringRequest.Status.CLOSED
    request.closed_note = note
    request.closed_by = user
    request.closed_at = timezone.now()
    request.save()
    _notify_mutual(
        request,
        f"We could not find a mentor for \u201c{request.title}\u201d this time. The programme team has left a note.",
    )
    return request


# --- Introductions ----------------------------------------------------------------------------------------------


@transaction.atomic
def preferences_choose(*, request: MentoringRequest, user: User, mentor_ids: Sequence[int]) -> list[Introduction]:
    """The mutual picks up to three of the current suggestions, in order. The first is introduced at once."""
    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    _require_member(request, user)
    if request.status != MentoringRequest.Status.OPEN:
        raise MatchingError("Mentors can only be chosen for an open request.")
    if not 1 <= len(mentor_ids) <= MAX_PREFERENCES:
        raise MatchingError(f"Choose between 1 and {MAX_PREFERENCES} mentors.")
    if len(set(mentor_ids)) != len(mentor_ids):
        raise MatchingError("Choose a different mentor for each choice.")
    suggestions = {
        suggestion.mentor_id: suggestion
        for suggestion in request.suggestions.filter(
            state=Suggestion.State.CURRENT, declined_at__isnull=True, mentor_id__in=mentor_ids
        )
    }
    if set(suggestions) != set(mentor_ids):
        raise MatchingError("Choose from the mentors suggested for this request.")
    introductions = []
    for preference, mentor_id in enumerate(mentor_ids, start=1):
        suggestion = suggestions[mentor_id]
        introductions.append(
            _introduction_prepare(
                request=request,
                mentor_id=mentor_id,
                source=Introduction.Source.MUTUAL,
                preference=preference,
                score=suggestion.score,
                reasons=suggestion.reasons,
                created_by=user,
            )
        )
    request.status = MentoringRequest.Status.INTRODUCED
    request.save(update_fields=["status", "updated_at"])
    _introduction_send_next(request)
    return introductions


def _introduction_prepare(
    *,
    request: MentoringRequest,
    mentor_id: int,
    source: str,
    preference: int | None,
    score: float | None,
    reasons: list[str],
    created_by: User | None,
) -> Introduction:
    """A QUEUED introduction for the pair, reusing a withdrawn one (a pair has at most one introduction row)."""
    introduction = Introduction.objects.select_for_update().filter(request=request, mentor_id=mentor_id).first()
    if introduction is not None and introduction.status != Introduction.Status.WITHDRAWN:
        raise MatchingError("This mentor has already been introduced for this request.")
    introduction = introduction or Introduction(request=request, mentor_id=mentor_id)
    introduction.source = source
    introduction.preference = preference
    introduction.status = Introduction.Status.QUEUED
    introduction.score = score
    introduction.reasons = reasons
    introduction.created_by = created_by
    introduction.sent_at = introduction.expires_at = introduction.responded_at = introduction.emailed_at = None
    introduction.decline_reason = introduction.note = ""
    introduction.save()
    return introduction


def _mentor_has_room(profile: MentorProfile) -> bool:
    """Approved, not paused, and active mentees plus pending introductions below capacity. Call under its row lock."""
    if profile.status != MentorProfile.Status.APPROVED or profile.is_paused():
        return False
    pending = Introduction.objects.filter(mentor=profile, status=Introduction.Status.PENDING).count()
    return profile.active_mentees + pending < profile.capacity


def _introduction_send_next(request: MentoringRequest) -> Introduction | None:
    """Send the next queued choice whose mentor still has room; with none left, the request needs attention."""
    while True:
        introduction = (
            request.introductions.select_for_update()
            .filter(status=Introduction.Status.QUEUED)
            .order_by("preference", "created_at", "id")
            .first()
        )
        if introduction is None:
            request_mark_needs_attention(
                request=request, reason="Every mentor chosen declined, did not reply in time or is no longer available."
            )
            return None
        profile = MentorProfile.objects.select_for_update().get(pk=introduction.mentor_id)
        if _mentor_has_room(profile):
            return introduction_send(introduction=introduction)
        introduction.status = Introduction.Status.WITHDRAWN
        introduction.note = "The mentor is no longer available."
        introduction.save(update_fields=["status", "note"])


@transaction.atomic
def introduction_send(*, introduction: Introduction) -> Introduction:
    """A queued introduction goes to its mentor: in-app notice now, email from a task after commit."""
    introduction = (
        Introduction.objects.select_for_update()
        .select_related("request__mutual", "mentor__user")
        .get(pk=introduction.pk)
    )
    if introduction.status != Introduction.Status.QUEUED:
        raise MatchingError("Only a queued introduction can be sent.")
    request = introduction.request
    if Introduction.objects.filter(request=request, status=Introduction.Status.PENDING).exists():
        raise MatchingError("Another mentor is already considering this request.")
    now = timezone.now()
    introduction.status = Introduction.Status.PENDING
    introduction.sent_at = now
    introduction.expires_at = now + timedelta(days=settings.INTRODUCTION_RESPONSE_DAYS)
    introduction.save(update_fields=["status", "sent_at", "expires_at"])
    _enqueue_refresh_mentor(introduction.mentor_id)  # a pending introduction holds one of the mentor's places
    if request.status != MentoringRequest.Status.INTRODUCED:
        MentoringRequest.objects.filter(pk=request.pk).update(
            status=MentoringRequest.Status.INTRODUCED, attention_reason="", updated_at=now
        )
        request.status = MentoringRequest.Status.INTRODUCED
    _notify(
        introduction.mentor.user,
        "introduction",
        f"{request.mutual} would like you as their mentor: \u201c{request.title}\u201d. Please reply within "
        f"{settings.INTRODUCTION_RESPONSE_DAYS} days.",
        reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}),
    )
    from matching import tasks

    introduction_id = introduction.pk
    transaction.on_commit(lambda: tasks.send_introduction_email.delay(introduction_id))
    return introduction


@transaction.atomic
def introduction_accept(*, introduction: Introduction, user: User) -> Relationship:
    """The mentor says yes: the relationship starts, the request is matched and other introductions withdrawn.

    The mentor's profile row is locked while their capacity is checked and their count raised, so two acceptances
    at the same moment can never take a mentor past their capacity.
    """
    introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
    if introduction.status != Introduction.Status.PENDING:
        raise MatchingError("This introduction is no longer waiting for an answer.")
    profile = MentorProfile.objects.select_for_update().get(pk=introduction.mentor_id)
    if profile.user_id != user.pk:
        raise MatchingError("Only the mentor introduced can accept.")
    now = timezone.now()
    if introduction.expires_at is not None and introduction.expires_at <= now:
        raise MatchingError("This introduction has expired.")
    if profile.active_mentees >= profile.capacity:
        raise MatchingError(
            "You are already mentoring as many mutuals as you said you could. Raise your capacity or end a "
            "relationship first."
        )
    request = MentoringRequest.objects.select_for_update().select_related("mutual").get(pk=introduction.request_id)
    if request.status not in (MentoringRequest.Status.INTRODUCED, MentoringRequest.Status.NEEDS_ATTENTION):
        raise MatchingError("This request is no longer looking for a mentor.")
    if Relationship.objects.filter(
        mentor=profile, mutual=request.mutual, status__in=Relationship.OPEN_STATUSES
    ).exists():
        raise MatchingError("You already have an open mentoring relationship with this mutual.")
    relationship = Relationship.objects.create(
        mentor=profile, mutual=request.mutual, request=request, status=Relationship.Status.ACTIVE, started_at=now
    )
    # update_fields leaves updated_at alone: load is not part of the cached mentor table's fingerprint.
    profile.active_mentees += 1
    profile.save(update_fields=["active_mentees"])
    introduction.status = Introduction.Status.ACCEPTED
    introduction.responded_at = now
    introduction.save(update_fields=["status", "responded_at"])
    request.introductions.filter(status__in=Introduction.OPEN_STATUSES).update(
        status=Introduction.Status.WITHDRAWN, note="Another mentor accepted."
    )
    request.status = MentoringRequest.Status.MATCHED
    request.attention_reason = ""
    request.save(update_fields=["status", "attention_reason", "updated_at"])
    relationship_url = reverse("messaging:relationship_detail", kwargs={"pk": relationship.pk})
    _notify_mutual(
        request, f"{profile} accepted your request \u201c{request.title}\u201d.", relationship_url, kind="relationship"
    )
    _enqueue_refresh_mentor(profile.pk)
    return relationship


@transaction.atomic
def introduction_decline(*, introduction: Introduction, user: User, reason: str) -> Introduction:
    """The mentor says no, with a reason. The pair is never suggested again; the next choice is introduced."""
    introduction = Introduction.objects.select_for_update().select_related("mentor").get(pk=introduction.pk)
    if introduction.mentor.user_id != user.pk:
        raise MatchingError("Only the mentor introduced can decline.")
    if introduction.status != Introduction.Status.PENDING:
        raise MatchingError("This introduction is no longer waiting for an answer.")
    now = timezone.now()
    introduction.status = Introduction.Status.DECLINED
    introduction.responded_at = now
    introduction.decline_reason = reason
    introduction.save(update_fields=["status", "responded_at", "decline_reason"])
    Suggestion.objects.filter(request_id=introduction.request_id, mentor_id=introduction.mentor_id).update(
        declined_at=now, updated_at=now
    )
    _enqueue_refresh_mentor(introduction.mentor_id)  # the place the introduction held is free again
    request = MentoringRequest.objects.select_for_update().get(pk=introduction.request_id)
    if request.status == MentoringRequest.Status.INTRODUCED:
        _introduction_send_next(request)
    return introduction


def introductions_expire(*, now: datetime | None = None) -> int:
    """Introductions unanswered past their deadline expire and the next choice is sent. Returns how many expired.

    Each one is handled in its own transaction with its row locked and its state re-checked, so two runs at once
    (or a run racing the mentor's answer) handle each introduction once.
    """
    now = now or timezone.now()
    due = list(
        Introduction.objects.filter(status=Introduction.Status.PENDING, expires_at__lte=now).values_list(
            "id", flat=True
        )
    )
    expired = 0
    for introduction_id in due:
        with transaction.atomic():
            introduction = (
                Introduction.objects.select_for_update(skip_locked=True)
                .filter(pk=introduction_id, status=Introduction.Status.PENDING, expires_at__lte=now)
                .first()
            )
            if introduction is None:
                continue
            introduction.status = Introduction.Status.EXPIRED
            introduction.note = "No reply in time."
            introduction.save(update_fields=["status", "note"])
            _enqueue_refresh_mentor(introduction.mentor_id)
            request = MentoringRequest.objects.select_for_update().get(pk=introduction.request_id)
            if request.status == MentoringRequest.Status.INTRODUCED:
                _introduction_send_next(request)
            expired += 1
    return expired


@transaction.atomic
def staff_introduce(*, request: MentoringRequest, mentor_id: int, user: User) -> Introduction:
    """Programme staff introduce a mentor they picked by hand from the mentors eligible for the request."""
    from matching.ranking import eligible_mentors

    request = MentoringRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in (MentoringRequest.Status.NEEDS_ATTENTION, MentoringRequest.Status.OPEN):
        raise MatchingError("A mentor can only be introduced by hand to an open request or one needing attention.")
    candidates = {candidate.mentor_id: candidate for candidate in eligible_mentors(request)}
    candidate = candidates.get(mentor_id)
    if candidate is None:
        raise MatchingError("That mentor cannot be introduced for this request.")
    introduction = _introduction_prepare(
        request=request,
        mentor_id=mentor_id,
        source=Introduction.Source.STAFF,
        preference=None,
        score=candidate.score,
        reasons=candidate.reasons,
        created_by=user,
    )
    return introduction_send(introduction=introduction)


def introduction_email_send(*, introduction_id: int) -> bool:
    """Email the mentor about a pending introduction, at most once. Returns whether this call sent it."""
    claimed = Introduction.objects.filter(
        pk=introduction_id, status=Introduction.Status.PENDING, emailed_at__isnull=True
    ).update(emailed_at=timezone.now())
    if claimed != 1:
        return False  # already emailed, or no longer waiting for an answer
    introduction = Introduction.objects.select_related("request__mutual", "mentor__user").get(pk=introduction_id)
    mentor = introduction.mentor.user
    if not mentor.email_notifications:
        return False
    context = {
        "introduction": introduction,
        "request": introduction.request,
        "mentor": mentor,
        "url": settings.SITE_URL + reverse("matching:introduction_detail", kwargs={"pk": introduction.pk}),
        "response_days": settings.INTRODUCTION_RESPONSE_DAYS,
    }
    send_mail(
        subject=render_to_string("matching/email/introduction_subject.txt", context).strip(),
        message=render_to_string("matching/email/introduction_body.txt", context),
        from_email=None,
        recipient_list=[mentor.email],
    )
    return True


# --- Notices ----------------------------------------------------------------------------------------------------


def _notify(user: User, kind: str, text: str, url: str = "") -> None:
    # Imported here: messaging depends on matching, not the other way round at import time.
    from messaging.services import notice_create

    notice_create(user=user, kind=kind, text=text, url=url)


def _notify_mutual(request: MentoringRequest, text: str, url: str = "", *, kind: str = "introduction") -> None:
    url = url or reverse("matching:request_detail", kwargs={"pk": request.pk})
    for member in User.objects.filter(memberships__mutual_id=request.mutual_id):
        _notify(member, kind, text, url)


# --- Weights ----------------------------------------------------------------------------------------------------


@transaction.atomic
def weights_save(*, user: User, weights: engine.Weights, note: str = "") -> MatchingWeights:
    """A new version of the weights becomes current. Earlier versions are kept with who saved them and when."""
    try:
        weights.validate()
    except ValueError as error:
        raise MatchingError(str(error)) from error
    return MatchingWeights.objects.create(
        service_area=weights.service_area,
        topics=weights.topics,
        region=weights.region,
        stage=weights.stage,
        capacity=weights.capacity,
        note=note,
        created_by=user,
    )


# --- Runs: computing and storing suggestions --------------------------------------------------------------------


@dataclass
class PhaseClock:
    """Times each phase of a run and, for long runs, records the phase on the run row as progress."""

    run: MatchRun
    report_progress: bool
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if self.report_progress:
            MatchRun.objects.filter(pk=self.run.pk).update(phase=name)
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - started, 4)


def _run_begin(
    *,
    kind: str,
    source: str,
    started_by: User | None = None,
    run: MatchRun | None = None,
    request: MentoringRequest | None = None,
    mentor_id: int | None = None,
    save: bool = True,
) -> tuple[MatchRun, engine.Weights]:
    """Start recording a run. save=False leaves the row to be written with the run's results (see below)."""
    weights, version = weights_current()
    if run is None:
        run = MatchRun(kind=kind, source=source, started_by=started_by, request=request, mentor_id=mentor_id)
    run.status = MatchRun.Status.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.weights = {name: float(value) for name, value in zip(engine.COMPONENTS, weights.as_array(), strict=True)}
    run.weights_version = version
    if save:
        run.save()
    return run, weights


def _run_fail(run: MatchRun, clock: PhaseClock, error: BaseException) -> None:
    logger.exception("Match run %s failed", run.pk)
    if not MatchRun.objects.filter(pk=run.pk).exists():
        # The row was to be written with the results, in the transaction that failed: write it now.
        run.pk = None
        run._state.adding = True
    run.status = MatchRun.Status.FAILED
    run.phase = ""
    run.timings = clock.timings
    run.error = "".join(traceback.format_exception_only(type(error), error)).strip()[:4000]
    run.finished_at = timezone.now()
    run.save()


def _run_succeed(run: MatchRun, clock: PhaseClock, **counts: Any) -> None:
    for name, value in counts.items():
        setattr(run, name, value)
    run.status = MatchRun.Status.SUCCEEDED
    run.phase = ""
    run.timings = clock.timings
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "phase", "timings", "finished_at", *counts])


def _execute(run: MatchRun, clock: PhaseClock, work: Callable[[], dict[str, Any]]) -> MatchRun:
    """Run `work` (compute, then write in one transaction); record success with its counts, or failure. The run's
    lease is renewed meanwhile, so a run whose worker dies can be told apart from a slow one (matching/leases.py)."""
    try:
        with leases.heartbeat(run.pk):
            counts = work()
    except Exception as error:
        # Recorded on the run (status and error) rather than raised: the caller may be a page, a task or the beat.
        _run_fail(run, clock, error)
        return run
    _run_succeed(run, clock, **counts)
    return run


@dataclass(frozen=True)
class Ranking:
    """The engine's output for a batch of requests, ready to store."""

    batch: loading.RequestBatch
    mentors: engine.MentorArrays
    topk: engine.TopK
    reasons: list[list[list[str]]]


def _rank(
    clock: PhaseClock,
    batch: loading.RequestBatch,
    mentors: engine.MentorArrays,
    taxonomy: engine.Taxonomy,
    weights: engine.Weights,
) -> Ranking:
    with clock.phase("score"):
        topk = engine.score_top_k(
            batch.arrays, mentors, taxonomy, weights, k=SUGGESTIONS_PER_REQUEST, excluded_pairs=batch.excluded_pairs
        )
    with clock.phase("explain"):
        reasons = engine.explain_top_k(topk, batch.arrays, mentors, taxonomy)
    return Ranking(batch=batch, mentors=mentors, topk=topk, reasons=reasons)


def _persist(clock: PhaseClock, run: MatchRun, ranking: Ranking) -> int:
    """Store the ranking in one transaction; returns the number of suggestions it holds.

    Only requests still open when writing are touched: a mutual may have chosen its mentors meanwhile, and the
    suggestions they chose from must stay as they were.
    """
    with clock.phase("persist"):
        request_ids = ranking.batch.arrays.ids
        mentor_ids = ranking.mentors.ids
        topk = ranking.topk
        now = timezone.now()
        with transaction.atomic():
            matchable = MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES)
            if len(request_ids) <= SMALL_BATCH:
                # Few requests: lock them, so a mutual choosing its mentors waits for the new ranking.
                matchable = matchable.filter(id__in=request_ids.tolist()).select_for_update()
            states = list(
                matchable.values_list("id", ExpressionWrapper(Q(first_ranked_at__isnull=True), BooleanField()))
            )
            open_now = np.array([request_id for request_id, _ in states], dtype=np.int64)
            never_ranked = [request_id for request_id, unranked in states if unranked]
            still_open = request_ids[np.isin(request_ids, open_now)]
            rows, ranks = np.nonzero(topk.mentor_rows >= 0)
            pair_request_ids = request_ids[rows]
            keep = np.isin(pair_request_ids, still_open)
            rows, ranks, pair_request_ids = rows[keep], ranks[keep], pair_request_ids[keep]
            ranked = persistence.Ranked(
                request_ids=pair_request_ids.tolist(),
                mentor_ids=mentor_ids[topk.mentor_rows[rows, ranks]].tolist(),
                ranks=(ranks + 1).tolist(),
                scores=np.round(topk.scores[rows, ranks].astype(np.float64), 4).tolist(),
                components=list(map(tuple, np.round(topk.components[rows, ranks].astype(np.float64), 4).tolist())),
                reasons=[ranking.reasons[row][rank] for row, rank in zip(rows.tolist(), ranks.tolist(), strict=True)],
            )
            scope = sorted(still_open.tolist())
            persistence.store(run=run, scope=scope, ranked=ranked, now=now)
            for chunk in _chunks(sorted(set(never_ranked) & set(scope))):
                MentoringRequest.objects.filter(id__in=chunk).update(first_ranked_at=now)
        return len(ranked)


def _chunks(values: list[int], size: int = 5000) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def suggestions_refresh_for_request(
    *, request_id: int, source: str = MatchRun.Source.AUTOMATIC, started_by: User | None = None
) -> MatchRun | None:
    """Recompute one open request's suggestions. Returns None when the request is not open (nothing to do)."""
    request = MentoringRequest.objects.filter(pk=request_id, status__in=MentoringRequest.MATCHABLE_STATUSES).first()
    if request is None:
        return None
    # A refresh takes milliseconds: its run row is written with its results, in the same (one) transaction.
    run, weights = _run_begin(
        kind=MatchRun.Kind.REQUEST, source=source, started_by=started_by, request=request, save=False
    )
    clock = PhaseClock(run=run, report_progress=False)
    try:
        with clock.phase("load"):
            table = loading.mentor_table()
            mentors = loading.mentor_arrays(table)
            batch = loading.load_requests(MentoringRequest.objects.filter(pk=request_id), table)
            batch, candidates = loading.candidates_only(batch, mentors)
        ranking = _rank(clock, batch, candidates, table.index.taxonomy, weights)
        with transaction.atomic():
            run.save()
            stored = _persist(clock, run, ranking)
            _run_succeed(
                run,
                clock,
                request_count=len(batch),
                mentor_count=len(mentors.ids),
                suggestion_count=stored,
            )
    except Exception as error:
        _run_fail(run, clock, error)
    return run


def suggestions_refresh_for_mentor(
    *, profile_id: int, source: str = MatchRun.Source.AUTOMATIC, started_by: User | None = None
) -> MatchRun:
    """Recompute the open requests a mentor could now enter, or must leave.

    Rather than re-ranking every open request, the mentor is scored alone against all of them; only requests where
    they are suggested now, or where they would beat the lowest current suggestion, are re-ranked in full.
    """
    run, weights = _run_begin(kind=MatchRun.Kind.MENTOR, source=source, started_by=started_by, mentor_id=profile_id)
    clock = PhaseClock(run=run, report_progress=True)

    def work() -> dict[str, Any]:
        with clock.phase("load"):
            table = loading.mentor_table()
            mentors = loading.mentor_arrays(table)
            taxonomy = table.index.taxonomy
            open_requests = MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES)
            batch = loading.load_requests(open_requests, table)
            affected = _requests_where_mentor_matters(profile_id, batch, mentors, taxonomy, weights, table)
            subset = loading.request_subset(batch, affected)
        ranking = _rank(clock, subset, mentors, taxonomy, weights)
        stored = _persist(clock, run, ranking)
        return {"request_count": len(subset), "mentor_count": len(mentors.ids), "suggestion_count": stored}

    return _execute(run, clock, work)


def _requests_where_mentor_matters(
    profile_id: int,
    batch: loading.RequestBatch,
    mentors: engine.MentorArrays,
    taxonomy: engine.Taxonomy,
    weights: engine.Weights,
    table: loading.MentorTable,
) -> np.ndarray:
    """Rows of `batch` whose ranking may change because of this mentor."""
    request_ids = batch.arrays.ids
    suggested = set(
        Suggestion.objects.filter(
            mentor_id=profile_id, state=Suggestion.State.CURRENT, request_id__in=_open_request_ids()
        ).values_list("request_id", flat=True)
    )
    rows = {int(row) for row in np.nonzero(np.isin(request_ids, list(suggested)))[0]}
    mentor_row = int(table.rows_of(np.array([profile_id], dtype=np.int64))[0])
    if mentor_row >= 0 and len(request_ids):
        alone = loading.mentor_subset(mentors, mentor_row)
        excluded = batch.excluded_pairs[batch.excluded_pairs[:, 1] == mentor_row]
        excluded = np.stack([excluded[:, 0], np.zeros(len(excluded), dtype=np.int64)], axis=1)
        own = engine.score_top_k(batch.arrays, alone, taxonomy, weights, k=1, excluded_pairs=excluded)
        feasible = own.mentor_rows[:, 0] >= 0
        lowest = np.zeros(len(request_ids), dtype=np.float64)
        full = np.zeros(len(request_ids), dtype=bool)
        current = (
            Suggestion.objects.filter(state=Suggestion.State.CURRENT, request_id__in=_open_request_ids())
            .values("request_id")
            .annotate(count=Count("id"), lowest=Min("score"))
            .values_list("request_id", "count", "lowest")
        )
        for request_id, count, low in current:
            row = int(np.searchsorted(request_ids, request_id))
            if row < len(request_ids) and request_ids[row] == request_id:
                full[row] = count >= SUGGESTIONS_PER_REQUEST
                lowest[row] = low
        enters = feasible & (~full | (own.scores[:, 0] >= lowest))
        rows.update(int(row) for row in np.nonzero(enters)[0])
    return np.array(sorted(rows), dtype=np.int64)


def _open_request_ids() -> Any:
    return MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES).values("id")


def rematch_full(
    *, run: MatchRun | None = None, source: str = MatchRun.Source.COMMAND, started_by: User | None = None
) -> MatchRun:
    """Recompute the suggestions of every open request, and what an optimal assignment over them would achieve."""
    run, weights = _run_begin(kind=MatchRun.Kind.FULL, source=source, started_by=started_by, run=run)
    clock = PhaseClock(run=run, report_progress=True)

    def work() -> dict[str, Any]:
        with clock.phase("load"):
            table = loading.mentor_table()
            mentors = loading.mentor_arrays(table)
            open_requests = MentoringRequest.objects.filter(status__in=MentoringRequest.MATCHABLE_STATUSES)
            batch = loading.load_requests(open_requests, table)
        ranking = _rank(clock, batch, mentors, table.index.taxonomy, weights)
        with clock.phase("assign"):
            assignment = engine.assign_optimal(ranking.topk, _spare_capacity(mentors), batch.mutual_ids)
        stored = _persist(clock, run, ranking)
        return {
            "request_count": len(batch),
            "mentor_count": len(mentors.ids),
            "suggestion_count": stored,
            "assigned_count": int(assignment.assigned),
            "assignment_total_score": round(float(assignment.total_score), 4),
        }

    return _execute(run, clock, work)


def match_run_queue(*, user: User) -> MatchRun:
    """Staff ask for a full run: it is recorded as queued now and run by a worker after commit."""
    from matching import tasks

    return _queue_run(kind=MatchRun.Kind.FULL, user=user, task=tasks.rematch_full)


def batch_queue(*, user: User) -> MatchRun:
    """Staff ask for a batch proposal: recorded as a queued run now, computed by a worker after commit, so the page
    answers at once whatever the number of requests."""
    from matching import tasks

    return _queue_run(kind=MatchRun.Kind.BATCH, user=user, task=tasks.batch_propose)


def _queue_run(*, kind: str, user: User, task: Any) -> MatchRun:
    """Queue a staff-started run of `kind`. While one of that kind is queued or running (a second click, another
    member of staff, the nightly rematch), that run is returned instead: running the same work twice at once only
    makes the second wait for the first's rows. A running run whose worker died (its lease expired) is marked failed
    and does not block a new one; so is a queued run older than the broker's redelivery window (twice the task time
    limit), whose message was lost."""
    now = timezone.now()
    lost_before = now - timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)
    with transaction.atomic():
        _fail_stale_runs(MatchRun.objects.filter(kind=kind), now)
        unfinished = (
            MatchRun.objects.select_for_update()
            .filter(
                Q(kind=kind)
                & (Q(status=MatchRun.Status.QUEUED, created_at__gt=lost_before) | Q(status=MatchRun.Status.RUNNING))
            )
            .order_by("created_at", "id")
            .first()
        )
        if unfinished is not None:
            return unfinished
        run = MatchRun.objects.create(
            kind=kind, source=MatchRun.Source.USER, started_by=user, status=MatchRun.Status.QUEUED
        )
        run_id = run.pk
        transaction.on_commit(lambda: task.delay(run_id))
    return run


WORKER_STOPPED = "The worker running this stopped before it finished (its lease expired)."


def _fail_stale_runs(runs: Any, now: datetime) -> int:
    return int(
        runs.filter(leases.stale(now)).update(
            status=MatchRun.Status.FAILED, phase="", error=WORKER_STOPPED, finished_at=now
        )
    )


def match_run_claim(*, run_id: int) -> MatchRun | None:
    """Move a queued run to running, once: a second delivery of the same task finds nothing to claim. A run whose
    worker died (running, lease expired) is claimed again by the redelivered task, up to MATCH_RUN_MAX_ATTEMPTS."""
    now = timezone.now()
    claimable = Q(status=MatchRun.Status.QUEUED) | (leases.stale(now) & Q(attempts__lt=settings.MATCH_RUN_MAX_ATTEMPTS))
    claimed = MatchRun.objects.filter(claimable, pk=run_id).update(
        status=MatchRun.Status.RUNNING, started_at=now, heartbeat_at=now, phase="", attempts=F("attempts") + 1
    )
    return MatchRun.objects.get(pk=run_id) if claimed == 1 else None


def match_runs_recover(*, now: datetime | None = None) -> dict[str, int]:
    """Runs whose worker died: full rematches and batch proposals are queued again (their work is all-or-nothing, so
    nothing was half written), until they have been tried MATCH_RUN_MAX_ATTEMPTS times; other runs are marked
    failed (a refresh is redone by its own redelivered task, or by the next change or the nightly rematch)."""
    from matching import tasks

    now = now or timezone.now()
    task_for: dict[str, Any] = {MatchRun.Kind.FULL: tasks.rematch_full, MatchRun.Kind.BATCH: tasks.batch_propose}
    requeued = 0
    retryable = MatchRun.objects.filter(
        leases.stale(now), kind__in=list(task_for), attempts__lt=settings.MATCH_RUN_MAX_ATTEMPTS
    )
    for run_id, kind in list(retryable.values_list("id", "kind")):
        with transaction.atomic():
            # Checked update: another recovery, or the redelivered task, may have taken it meanwhile.
            if MatchRun.objects.filter(leases.stale(now), pk=run_id).update(
                status=MatchRun.Status.QUEUED, phase="", heartbeat_at=None
            ):
                transaction.on_commit(partial(task_for[kind].delay, run_id))
                requeued += 1
    failed = _fail_stale_runs(MatchRun.objects.all(), now)
    if requeued or failed:
        logger.warning("Match runs whose worker stopped: %s queued again, %s marked failed", requeued, failed)
    return {"requeued": requeued, "failed": failed}


def _spare_capacity(mentors: engine.MentorArrays) -> np.ndarray:
    spare = np.maximum(mentors.capacity - mentors.load, 0).astype(np.int32)
    return np.where(mentors.eligible, spare, 0).astype(np.int32)


# --- Batch proposals --------------------------------------------------------------------------------------------


def batch_propose(*, user: User | None, run: MatchRun | None = None) -> BatchProposal:
    """A draft of introductions for every open request, from the optimal capacity-respecting assignment in which no
    mentor is proposed to two requests of the same mutual. `run` is a queued run claimed by a worker (see
    batch_queue); without it, a new run is recorded. Raises MatchingError when the computation fails (the run is
    then marked failed with the error)."""
    run, weights = _run_begin(kind=MatchRun.Kind.BATCH, source=MatchRun.Source.USER, started_by=user, run=run)
    clock = PhaseClock(run=run, report_progress=False)
    created: list[BatchProposal] = []

    def work() -> dict[str, Any]:
        with clock.phase("load"):
            table = loading.mentor_table()
            mentors = loading.mentor_arrays(table)
            taxonomy = table.index.taxonomy
            open_requests = MentoringRequest.objects.filter(status=MentoringRequest.Status.OPEN).exclude(
                introductions__status__in=Introduction.OPEN_STATUSES
            )
            batch = loading.load_requests(open_requests, table)
        with clock.phase("score"):
            topk = engine.score_top_k(
                batch.arrays, mentors, taxonomy, weights, k=SUGGESTIONS_PER_REQUEST, excluded_pairs=batch.excluded_pairs
            )
        with clock.phase("assign"):
            spare = _spare_capacity(mentors)
            optimal = engine.assign_optimal(topk, spare, batch.mutual_ids)
            greedy = engine.assign_greedy(topk, spare, batch.mutual_ids)
        with clock.phase("explain"):
            pairs = []
            for row in np.nonzero(optimal.mentor_rows >= 0)[0].tolist():
                mentor_row = int(optimal.mentor_rows[row])
                rank = int(np.nonzero(topk.mentor_rows[row] == mentor_row)[0][0])
                component_values = topk.components[row, rank]
                pairs.append(
                    ProposedPair(
                        request_id=int(batch.arrays.ids[row]),
                        mentor_id=int(mentors.ids[mentor_row]),
                        score=round(float(topk.scores[row, rank]), 4),
                        components={
                            name: round(float(value), 4)
                            for name, value in zip(engine.COMPONENTS, component_values.tolist(), strict=True)
                        },
                        reasons=engine.explain(row, mentor_row, component_values, batch.arrays, mentors, taxonomy),
                    )
                )
        with clock.phase("persist"), transaction.atomic():
            proposal = BatchProposal.objects.create(
                run=run,
                created_by=user,
                request_count=len(batch),
                total_score=round(float(optimal.total_score), 4),
                greedy_total_score=round(float(greedy.total_score), 4),
                greedy_assigned=int(greedy.assigned),
            )
            for pair in pairs:
                pair.proposal = proposal
            ProposedPair.objects.bulk_create(pairs, batch_size=PERSIST_BATCH_SIZE)
            created.append(proposal)
        return {
            "request_count": len(batch),
            "mentor_count": len(mentors.ids),
            "suggestion_count": len(pairs),
            "assigned_count": int(optimal.assigned),
            "assignment_total_score": round(float(optimal.total_score), 4),
        }

    _execute(run, clock, work)
    if not created:
        raise MatchingError(f"The batch could not be computed: {run.error}")
    return created[0]


@transaction.atomic
def batch_remove_pair(*, proposal: BatchProposal, pair_id: int, user: User) -> ProposedPair:
    """Take one pair out of a draft: it will not be introduced when the proposal is published."""
    proposal = BatchProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_draft:
        raise MatchingError("Pairs can only be removed from a draft.")
    pair = proposal.pairs.filter(pk=pair_id, outcome=ProposedPair.Outcome.PROPOSED).first()
    if pair is None:
        raise MatchingError("Choose a pair that is still in the proposal.")
    pair.outcome = ProposedPair.Outcome.REMOVED
    pair.outcome_note = f"Removed by {user}"[:300]
    pair.save(update_fields=["outcome", "outcome_note"])
    return pair


@transaction.atomic
def batch_discard(*, proposal: BatchProposal, user: User) -> BatchProposal:
    proposal = BatchProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_draft:
        raise MatchingError("Only a draft can be discarded.")
    proposal.status = BatchProposal.Status.DISCARDED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


@transaction.atomic
def batch_publish(*, proposal: BatchProposal, user: User) -> BatchProposal:
    """Send an introduction for every pair left in the draft.

    Things may have moved since the draft was made: a pair whose request is no longer open, or whose mentor has no
    room left, is skipped and the reason recorded on the pair.
    """
    proposal = BatchProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_draft:
        raise MatchingError("This proposal has already been published or discarded.")
    pairs = list(proposal.pairs.filter(outcome=ProposedPair.Outcome.PROPOSED).order_by("-score", "id"))
    for pair in pairs:
        request = MentoringRequest.objects.select_for_update().get(pk=pair.request_id)
        profile = MentorProfile.objects.select_for_update().get(pk=pair.mentor_id)
        if request.status != MentoringRequest.Status.OPEN:
            _pair_skip(pair, "The request is no longer open.")
            continue
        if not _mentor_has_room(profile):
            _pair_skip(pair, "The mentor has no room left.")
            continue
        try:
            with transaction.atomic():
                introduction = _introduction_prepare(
                    request=request,
                    mentor_id=pair.mentor_id,
                    source=Introduction.Source.BATCH,
                    preference=None,
                    score=pair.score,
                    reasons=pair.reasons,
                    created_by=user,
                )
                introduction_send(introduction=introduction)
        except MatchingError as error:
            _pair_skip(pair, str(error))
            continue
        pair.outcome = ProposedPair.Outcome.INTRODUCED
        pair.save(update_fields=["outcome"])
    proposal.status = BatchProposal.Status.PUBLISHED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


def _pair_skip(pair: ProposedPair, note: str) -> None:
    pair.outcome = ProposedPair.Outcome.SKIPPED
    pair.outcome_note = note[:300]
    pair.save(update_fields=["outcome", "outcome_note"])


# --- Enqueueing -------------------------------------------------------------------------------------------------


def _enqueue_refresh_request(request_id: int) -> None:
    from matching import tasks

    transaction.on_commit(lambda: tasks.refresh_request.delay(request_id))


def _enqueue_refresh_mentor(profile_id: int) -> None:
    from matching import tasks

    transaction.on_commit(lambda: tasks.refresh_mentor.delay(profile_id))


def mentor_profile_changed(*, profile_id: int, reason: str = "") -> None:
    """A mentor was approved, edited, paused or resumed (sent after commit): drop cached encodings, re-rank."""
    loading.forget_mentor_table()
    _enqueue_refresh_mentor(profile_id)
