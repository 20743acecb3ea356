"""The programme team's matching tools: requests needing attention, match runs and the weights."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.decorators import programme_team_required
from accounts.http import GET_AND_POST, AuthenticatedRequest
from accounts.http import posted as _posted
from accounts.pagination import paginate
from accounts.session_limits import does_not_extend_session
from matching import selectors, services
from matching.candidates import eligible_mentors, weights_preview
from matching.forms import (
    WEIGHT_LABELS,
    NoMatchForm,
    StaffIntroduceForm,
    WeightsForm,
)
from matching.models import MatchRun, MentoringRequest

# How many eligible mentors the staff page lists to pick from.
STAFF_CANDIDATE_LIMIT = 30
# Seconds between the run page's checks on an unfinished run (static/js/run-progress.js).
RUN_POLL_SECONDS = 3


@require_GET
@programme_team_required
def attention_queue(request: AuthenticatedRequest) -> HttpResponse:
    pagination = paginate(request, selectors.attention_queue())
    return render(request, "matching/attention_queue.html", {"pagination": pagination})


def _staff_request_page(
    request: AuthenticatedRequest,
    mentoring_request: MentoringRequest,
    introduce_form: StaffIntroduceForm | None = None,
    no_match_form: NoMatchForm | None = None,
    status: int = 200,
) -> HttpResponse:
    candidates = (
        eligible_mentors(mentoring_request, limit=STAFF_CANDIDATE_LIMIT)
        if mentoring_request.status in (MentoringRequest.Status.NEEDS_ATTENTION, MentoringRequest.Status.OPEN)
        else []
    )
    context = {
        "mentoring_request": mentoring_request,
        "candidates": candidates,
        "introduce_form": introduce_form or StaffIntroduceForm(choices=_candidate_choices(candidates)),
        "no_match_form": no_match_form or NoMatchForm(),
        "form": introduce_form if introduce_form is not None and introduce_form.errors else no_match_form,
    }
    return render(request, "matching/staff_request_detail.html", context, status=status)


def _candidate_choices(candidates: list[Any]) -> list[tuple[int, str]]:
    return [(candidate.mentor_id, str(candidate.mentor)) for candidate in candidates]


@require_GET
@programme_team_required
def staff_request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mentoring_request = get_object_or_404(selectors.staff_requests(), pk=pk)
    return _staff_request_page(request, mentoring_request)


@require_POST
@programme_team_required
def staff_introduce(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mentoring_request = get_object_or_404(selectors.staff_requests(), pk=pk)
    candidates = eligible_mentors(mentoring_request, limit=STAFF_CANDIDATE_LIMIT)
    form = StaffIntroduceForm(request.POST, choices=_candidate_choices(candidates))
    if form.is_valid():
        try:
            introduction = services.staff_introduce(
                request=mentoring_request, mentor_id=form.cleaned_data["mentor"], user=request.user
            )
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"You have introduced {introduction.mentor} to {mentoring_request.mutual}.")
            return redirect("matching:staff_request_detail", pk=mentoring_request.pk)
    return _staff_request_page(request, mentoring_request, introduce_form=form)


@require_POST
@programme_team_required
def staff_no_match(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mentoring_request = get_object_or_404(selectors.staff_requests(), pk=pk)
    form = NoMatchForm(request.POST)
    if form.is_valid():
        try:
            services.request_record_no_match(
                request=mentoring_request, user=request.user, note=form.cleaned_data["note"]
            )
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "You have recorded that no match was found. The mutual has been told.")
            return redirect("matching:attention_queue")
    return _staff_request_page(request, mentoring_request, no_match_form=form)


# --- Programme team: runs and weights ---------------------------------------------------------------------------


@require_GET
@programme_team_required
def run_list(request: AuthenticatedRequest) -> HttpResponse:
    pagination = paginate(request, selectors.match_runs())
    return render(request, "matching/matchrun_list.html", {"pagination": pagination})


@require_POST
@programme_team_required
def run_start(request: AuthenticatedRequest) -> HttpResponse:
    run = services.match_run_queue(user=request.user)
    messages.success(request, "A full rematch has started.")
    return redirect("matching:run_detail", pk=run.pk)


@require_GET
@programme_team_required
def run_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.match_runs(), pk=pk)
    phases = [(name, run.timings.get(name)) for name in MatchRun.PHASES if name in run.timings]
    weights_used = [(label, run.weights[name]) for name, (label, _) in WEIGHT_LABELS.items() if name in run.weights]
    context = {
        "run": run,
        "phases": phases,
        "weights_used": weights_used,
        "progress": run_progress(run),
        "poll_seconds": RUN_POLL_SECONDS,
        "proposal": selectors.batch_proposal_of_run(run),
    }
    return render(request, "matching/matchrun_detail.html", context)


def run_progress(run: MatchRun) -> str:
    """Where a run has got to, in words a screen reader announces when they change."""
    if run.status == MatchRun.Status.QUEUED:
        return "Queued: waiting for a worker to start it."
    if run.status == MatchRun.Status.RUNNING:
        if run.blocks_total and run.phase == "blocks":
            return (
                f"Running: scoring the requests in {run.blocks_total} blocks over the workers, "
                f"{run.blocks_done} of {run.blocks_total} done."
            )
        if run.blocks_total and run.phase == "merge":
            return f"Running: all {run.blocks_total} blocks scored, waiting for a worker to merge them."
        return f"Running: {run.phase}." if run.phase else "Running."
    if run.status == MatchRun.Status.SUCCEEDED:
        return "Finished. Reload the page to see the results."
    return "Failed. Reload the page to see the error."


@require_GET
@does_not_extend_session
@never_cache
@programme_team_required
def run_status(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    """The run page's progress check: a GET that neither changes anything nor keeps the session alive."""
    run = get_object_or_404(selectors.match_runs(), pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "finished": run.is_finished,
            "progress": run_progress(run),
            # A run spread over the workers: its blocks of requests scored so far, of how many (0 of 0 otherwise).
            "blocks_done": run.blocks_done,
            "blocks_total": run.blocks_total,
        }
    )


@require_http_methods(GET_AND_POST)
@programme_team_required
def weights(request: AuthenticatedRequest) -> HttpResponse:
    current, version = selectors.weights_current()
    form = WeightsForm(_posted(request), initial=current.as_dict())
    preview = None
    if form.is_valid():
        if request.POST.get("action") == "save":
            try:
                services.weights_save(user=request.user, weights=form.weights(), note=form.cleaned_data["note"])
            except services.MatchingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The new weights are saved. They apply from the next run.")
                return redirect("matching:weights")
        else:
            preview = weights_preview(form.weights())
    context = {
        "form": form,
        "current_rows": [
            (label, getattr(current, name), description) for name, (label, description) in WEIGHT_LABELS.items()
        ],
        "version": version,
        "history": selectors.weights_history()[:20],
        "preview": preview,
    }
    return render(request, "matching/weights.html", context)
