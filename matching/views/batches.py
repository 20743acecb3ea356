"""The programme team's batch proposals: a draft introduction for every open request, reviewed, then published
or discarded.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import programme_team_required
from accounts.http import AuthenticatedRequest
from accounts.pagination import paginate
from matching import selectors, services
from matching.forms import (
    DiscardForm,
    PublishForm,
    RemovePairForm,
)
from matching.models import BatchProposal, ProposedPair


@require_GET
@programme_team_required
def batch_list(request: AuthenticatedRequest) -> HttpResponse:
    pagination = paginate(request, selectors.batch_proposals())
    return render(request, "matching/batchproposal_list.html", {"pagination": pagination})


@require_POST
@programme_team_required
def batch_create(request: AuthenticatedRequest) -> HttpResponse:
    run = services.batch_queue(user=request.user)
    messages.success(request, "The batch proposal is being prepared. This page shows when the draft is ready.")
    return redirect("matching:run_detail", pk=run.pk)


def _batch_page(
    request: AuthenticatedRequest, proposal: BatchProposal, form: Any = None, status: int = 200
) -> HttpResponse:
    pairs = list(selectors.proposal_pairs(proposal))
    context = {
        "proposal": proposal,
        "publishing": proposal.is_draft and services.publish_in_progress(proposal),
        "proposed": [pair for pair in pairs if pair.outcome == ProposedPair.Outcome.PROPOSED],
        "others": [pair for pair in pairs if pair.outcome != ProposedPair.Outcome.PROPOSED],
        "form": form,
        "publish_form": form if isinstance(form, PublishForm) else PublishForm(prefix="publish"),
        "discard_form": form if isinstance(form, DiscardForm) else DiscardForm(prefix="discard"),
    }
    return render(request, "matching/batchproposal_detail.html", context, status=status)


@require_GET
@programme_team_required
def batch_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _batch_page(request, get_object_or_404(selectors.batch_proposals(), pk=pk))


@require_POST
@programme_team_required
def batch_remove_pair(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(selectors.batch_proposals(), pk=pk)
    form = RemovePairForm(request.POST)
    if form.is_valid():
        try:
            pair = services.batch_remove_pair(proposal=proposal, pair_id=form.cleaned_data["pair"], user=request.user)
        except services.MatchingError as error:
            form.add_error("pair", str(error))
        else:
            messages.success(request, f"You have removed {pair.mentor} for {pair.request.mutual} from the proposal.")
            return redirect("matching:batch_detail", pk=proposal.pk)
    return _batch_page(request, proposal, form)


def _batch_decide(
    request: AuthenticatedRequest, pk: int, form: PublishForm | DiscardForm, decide: Any, done: str, then: str
) -> HttpResponse:
    """Publish or discard a draft once its confirmation box is ticked; a refusal re-renders the draft's page."""
    proposal = get_object_or_404(selectors.batch_proposals(), pk=pk)
    if form.is_valid():
        try:
            decide(proposal=proposal, user=request.user)
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done)
            return redirect(then)
    return _batch_page(request, proposal, form)


@require_POST
@programme_team_required
def batch_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Queue the publication for a worker and show its run page, which follows the run until it is done: a large
    batch takes longer than a web request may."""
    proposal = get_object_or_404(selectors.batch_proposals(), pk=pk)
    form = PublishForm(request.POST, prefix="publish")
    if form.is_valid():
        try:
            run = services.batch_publish_queue(proposal=proposal, user=request.user)
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "The proposal is being published. This page shows when the introductions have been sent."
            )
            return redirect("matching:run_detail", pk=run.pk)
    return _batch_page(request, proposal, form)


@require_POST
@programme_team_required
def batch_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = DiscardForm(request.POST, prefix="discard")
    done = "The proposal has been discarded."
    return _batch_decide(request, pk, form, services.batch_discard, done, reverse("matching:batch_list"))
