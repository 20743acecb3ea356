"""Pages for mentoring requests, suggestions and introductions, and the programme team's matching tools.

Thin views: a form parses the input, one service or selector does the work. Objects come from scoped selectors,
so another mutual's request or another mentor's introduction is a 404, the same as a missing id.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts.decorators import mentor_required, mutual_member_required, programme_team_required
from accounts.http import GET_AND_POST, AuthenticatedRequest
from accounts.http import posted as _posted
from accounts.models import SupportTopic
from accounts.pagination import paginate
from matching import selectors, services
from matching.candidates import eligible_mentors, weights_preview
from matching.forms import (
    WEIGHT_LABELS,
    AcceptForm,
    DeclineForm,
    DiscardForm,
    MentoringRequestForm,
    NoMatchForm,
    PreferencesForm,
    PublishForm,
    RemovePairForm,
    StaffIntroduceForm,
    WeightsForm,
    WithdrawForm,
)
from matching.models import BatchProposal, Introduction, MatchRun, MentoringRequest, ProposedPair

# How many eligible mentors the staff page lists to pick from.
STAFF_CANDIDATE_LIMIT = 30
# Seconds between automatic reloads of a run's page while it is queued or running.
RUN_REFRESH_SECONDS = 3
# --- The mutual's requests --------------------------------------------------------------------------------------


@require_GET
@mutual_member_required
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    pagination = paginate(request, selectors.requests_for(request.user).order_by("-created_at", "-id"))
    return render(request, "matching/mentoringrequest_list.html", {"pagination": pagination})


@require_http_methods(GET_AND_POST)
@mutual_member_required
def request_create(request: AuthenticatedRequest) -> HttpResponse:
    mutuals = list(account_selectors.mutuals_for(request.user).prefetch_related("service_areas"))
    # "Ask for a mentor on this" links (a guidance page, the readiness check) tick their topics: ?topic=pensions
    preselected = {"topics": list(SupportTopic.objects.filter(slug__in=request.GET.getlist("topic"), is_active=True))}
    form = MentoringRequestForm(_posted(request), mutuals=mutuals, initial=preselected)
    if form.is_valid():
        data = form.cleaned_data
        try:
            created = services.request_submit(
                user=request.user,
                mutual=data.get("mutual") or mutuals[0],
                title=data["title"],
                topics=list(data["topics"]),
                service_area=data["service_area"],
                format=data["format"],
                urgency=data["urgency"],
                description=data["description"],
            )
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your request has been sent. We are finding mentors for you.")
            return redirect("matching:request_detail", pk=created.pk)
    return render(request, "matching/mentoringrequest_form.html", {"form": form, "mentoring_request": None})


@require_GET
@login_required
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mentoring_request = get_object_or_404(
        # "relationships": the relationships app's link back to the request (its Relationship.request).
        selectors.requests_for(request.user).prefetch_related("relationships"),
        pk=pk,
    )
    context = {
        "mentoring_request": mentoring_request,
        "suggestions": list(selectors.request_suggestions(mentoring_request)),
        "introductions": list(selectors.request_introductions(mentoring_request)),
    }
    return render(request, "matching/mentoringrequest_detail.html", context)


@require_http_methods(GET_AND_POST)
@login_required
def request_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mentoring_request = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    if not mentoring_request.is_open:
        messages.info(request, "Only an open request can be changed.")
        return redirect("matching:request_detail", pk=mentoring_request.pk)
    form = MentoringRequestForm(_posted(request), instance=mentoring_request)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_update(
                request=mentoring_request,
                user=request.user,
                title=data["title"],
                topics=list(data["topics"]),
                service_area=data["service_area"],
                format=data["format"],
                urgency=data["urgency"],
                description=data["description"],
            )
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your request has been updated. Its suggestions are being refreshed.")
            return redirect("matching:request_detail", pk=mentoring_request.pk)
    context = {"form": form, "mentoring_request": mentoring_request}
    return render(request, "matching/mentoringrequest_form.html", context)


@require_http_methods(GET_AND_POST)
@login_required
def request_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mentoring_request = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    if mentoring_request.status not in MentoringRequest.WITHDRAWABLE_STATUSES:
        messages.info(request, "This request can no longer be withdrawn.")
        return redirect("matching:request_detail", pk=mentoring_request.pk)
    form = WithdrawForm(_posted(request))
    if form.is_valid():
        try:
            services.request_withdraw(request=mentoring_request, user=request.user, reason=form.cleaned_data["reason"])
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your request has been withdrawn.")
            return redirect("matching:request_detail", pk=mentoring_request.pk)
    return render(
        request, "matching/mentoringrequest_withdraw.html", {"form": form, "mentoring_request": mentoring_request}
    )


@require_http_methods(GET_AND_POST)
@login_required
def introduction_withdraw(request: AuthenticatedRequest, pk: int, introduction_pk: int) -> HttpResponse:
    """The mutual turns down an introduction the programme team made, to choose mentors itself."""
    mentoring_request = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    introduction = get_object_or_404(selectors.request_introductions(mentoring_request), pk=introduction_pk)
    back = redirect("matching:request_detail", pk=mentoring_request.pk)
    if introduction.source == Introduction.Source.MUTUAL or introduction.status != Introduction.Status.PENDING:
        messages.info(request, "This introduction can no longer be withdrawn.")
        return back
    if request.method == "POST":
        try:
            services.introduction_withdraw_for_mutual(introduction=introduction, user=request.user)
        except services.MatchingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"You have withdrawn the introduction to {introduction.mentor.user.display_name}. "
                "Choose your own mentors from the suggestions below.",
            )
        return back
    return render(
        request,
        "matching/introduction_withdraw.html",
        {"mentoring_request": mentoring_request, "introduction": introduction},
    )


@require_http_methods(GET_AND_POST)
@login_required
def request_choose(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mentoring_request = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    if not mentoring_request.is_open:
        messages.info(request, "Mentors can only be chosen for an open request.")
        return redirect("matching:request_detail", pk=mentoring_request.pk)
    suggestions = list(selectors.request_suggestions(mentoring_request))
    choices = [
        (suggestion.mentor_id, f"{suggestion.rank}. {suggestion.mentor.user.display_name}")
        for suggestion in suggestions
    ]
    form = PreferencesForm(_posted(request), choices=choices)
    if form.is_valid():
        try:
            services.preferences_choose(
                request=mentoring_request, user=request.user, mentor_ids=form.cleaned_data["mentor_ids"]
            )
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you. We have sent your request to your first choice of mentor.")
            return redirect("matching:request_detail", pk=mentoring_request.pk)
    context = {"form": form, "mentoring_request": mentoring_request, "suggestions": suggestions}
    return render(request, "matching/mentoringrequest_choose.html", context)


# --- The mentor's introductions ---------------------------------------------------------------------------------


@require_GET
@mentor_required
def introduction_list(request: AuthenticatedRequest) -> HttpResponse:
    introductions = selectors.introductions_for_mentor(request.user)
    pagination = paginate(request, introductions)
    context = {"pagination": pagination, "response_days": settings.INTRODUCTION_RESPONSE_DAYS}
    return render(request, "matching/introduction_list.html", context)


def _introduction_page(
    request: AuthenticatedRequest, introduction: Introduction, accept_form: AcceptForm | None = None
) -> HttpResponse:
    context = {"introduction": introduction, "form": accept_form or AcceptForm()}
    return render(request, "matching/introduction_detail.html", context)


@require_GET
@login_required
def introduction_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    introduction = get_object_or_404(selectors.introductions_for_mentor(request.user), pk=pk)
    return _introduction_page(request, introduction)


@require_POST
@login_required
def introduction_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    introduction = get_object_or_404(selectors.introductions_for_mentor(request.user), pk=pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            accepted = services.introduction_accept(introduction=introduction, user=request.user)
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"You are now mentoring {introduction.request.mutual}.")
            return redirect(accepted.next_url)
    return _introduction_page(request, introduction, form)


@require_http_methods(GET_AND_POST)
@login_required
def introduction_decline(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    introduction = get_object_or_404(selectors.introductions_for_mentor(request.user), pk=pk)
    if not introduction.is_pending:
        messages.info(request, "This introduction is no longer waiting for an answer.")
        return redirect("matching:introduction_detail", pk=introduction.pk)
    form = DeclineForm(_posted(request))
    if form.is_valid():
        try:
            services.introduction_decline(
                introduction=introduction, user=request.user, reason=form.cleaned_data["reason"]
            )
        except services.MatchingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "You have declined the introduction. Thank you for letting us know.")
            return redirect("matching:introduction_list")
    return render(request, "matching/introduction_decline.html", {"form": form, "introduction": introduction})


# --- Programme team: requests needing attention -----------------------------------------------------------------


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
        "refresh_seconds": None if run.is_finished else RUN_REFRESH_SECONDS,
        "proposal": selectors.batch_proposal_of_run(run),
    }
    return render(request, "matching/matchrun_detail.html", context)


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


# --- Programme team: batch proposals ----------------------------------------------------------------------------


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
    form = PublishForm(request.POST, prefix="publish")
    done = "The proposal is published: introductions have been sent."
    return _batch_decide(request, pk, form, services.batch_publish, done, reverse("matching:batch_detail", args=[pk]))


@require_POST
@programme_team_required
def batch_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    form = DiscardForm(request.POST, prefix="discard")
    done = "The proposal has been discarded."
    return _batch_decide(request, pk, form, services.batch_discard, done, reverse("matching:batch_list"))
