"""Reads for the matching pages: querysets scoped to what the user may see, with what each page needs joined in.

Another user's object is simply absent from these querysets, so views answer 404 for it, never 403.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Mutual, User
from matching import engine
from matching.models import (
    BatchProposal,
    Introduction,
    MatchingWeights,
    MatchRun,
    MentoringRequest,
    ProposedPair,
    Suggestion,
)


def requests_for(user: User) -> QuerySet[MentoringRequest]:
    """Requests of the mutuals the user is a member of."""
    return (
        MentoringRequest.objects.filter(mutual__in=Mutual.objects.filter(memberships__user=user).values("id"))
        .select_related("mutual", "service_area")
        .prefetch_related("topics")
    )


def request_suggestions(request: MentoringRequest) -> QuerySet[Suggestion]:
    """The current ranking for a request, best first, without pairs that were declined."""
    return (
        request.suggestions.filter(state=Suggestion.State.CURRENT, declined_at__isnull=True)
        .select_related("mentor__user", "mentor__region")
        .order_by("rank", "id")
    )


def request_introductions(request: MentoringRequest) -> QuerySet[Introduction]:
    return request.introductions.select_related("mentor__user").order_by("preference", "created_at", "id")


def introduction_pending_for(request: MentoringRequest) -> Introduction | None:
    """The introduction a mentor is considering for the request now, if any (at most one at a time)."""
    return (
        Introduction.objects.filter(request=request, status=Introduction.Status.PENDING)
        .select_related("mentor__user")
        .first()
    )


def introductions_for_mentor(user: User) -> QuerySet[Introduction]:
    """Introductions sent to the user as a mentor. Queued ones are the mutual's later choices: not shown yet."""
    return (
        Introduction.objects.filter(mentor__user=user)
        .exclude(status=Introduction.Status.QUEUED)
        .select_related("request__mutual__region", "request__mutual__stage", "request__service_area")
        .prefetch_related("request__topics")
        .order_by("-sent_at", "-id")
    )


# --- Staff ------------------------------------------------------------------------------------------------------


def attention_queue() -> QuerySet[MentoringRequest]:
    """Requests waiting for the programme team, oldest first."""
    return (
        MentoringRequest.objects.filter(status=MentoringRequest.Status.NEEDS_ATTENTION)
        .select_related("mutual__region", "service_area")
        .prefetch_related("topics")
        .annotate(
            tried=Count(
                "introductions",
                filter=Q(introductions__status__in=[Introduction.Status.DECLINED, Introduction.Status.EXPIRED]),
            )
        )
        .order_by("updated_at", "id")
    )


def staff_requests() -> QuerySet[MentoringRequest]:
    """Any request, for the programme team's request page."""
    return MentoringRequest.objects.select_related("mutual__region", "mutual__stage", "service_area").prefetch_related(
        "topics",
        Prefetch(
            "introductions",
            queryset=Introduction.objects.select_related("mentor__user").order_by("created_at", "id"),
        ),
    )


def match_runs() -> QuerySet[MatchRun]:
    return MatchRun.objects.select_related("started_by", "request__mutual", "mentor__user", "weights_version")


def batch_proposal_of_run(run: MatchRun) -> BatchProposal | None:
    """The draft a batch run produced, if it has finished and produced one; or the proposal a publication run
    publishes."""
    if run.kind == MatchRun.Kind.PUBLISH:
        return BatchProposal.objects.filter(publish_run=run).order_by("id").first()
    if run.kind != MatchRun.Kind.BATCH:
        return None
    return BatchProposal.objects.filter(run=run).order_by("id").first()


def batch_proposals() -> QuerySet[BatchProposal]:
    return (
        BatchProposal.objects.select_related("created_by", "decided_by")
        .order_by("-created_at", "-id")
        .annotate(
            pair_count=Count("pairs", filter=Q(pairs__outcome=ProposedPair.Outcome.PROPOSED)),
            introduced_count=Count("pairs", filter=Q(pairs__outcome=ProposedPair.Outcome.INTRODUCED)),
        )
    )


def proposal_pairs(proposal: BatchProposal) -> QuerySet[ProposedPair]:
    return proposal.pairs.select_related("request__mutual", "mentor__user").order_by("-score", "id")


# --- Weights ----------------------------------------------------------------------------------------------------


def weights_current() -> tuple[engine.Weights, MatchingWeights | None]:
    """The newest saved weights, or the engine's defaults (version None) when staff have never saved any."""
    version = MatchingWeights.objects.order_by("-created_at", "-id").first()
    if version is None:
        return engine.Weights(), None
    return engine.Weights(**version.as_dict()), version


def weights_history() -> QuerySet[MatchingWeights]:
    return MatchingWeights.objects.select_related("created_by").order_by("-created_at", "-id")
