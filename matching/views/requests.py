"""The mutual's requests: asking for a mentor, changing or withdrawing the request, choosing mentors."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts import selectors as account_selectors
from accounts.decorators import mutual_member_required
from accounts.http import GET_AND_POST, AuthenticatedRequest
from accounts.http import posted as _posted
from accounts.pagination import paginate
from matching import selectors, services
from matching.forms import (
    MentoringRequestForm,
    PreferencesForm,
    WithdrawForm,
)
from matching.models import Introduction, MentoringRequest

# The request a person has just sent, so that its page opens once with the confirmation panel.
JUST_SENT_KEY = "matching:just_sent"


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
    preselected = {"topics": list(account_selectors.active_topics_by_slug(request.GET.getlist("topic")))}
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
            # The request page opens with a confirmation panel, once: a reload or a later visit shows the request.
            request.session[JUST_SENT_KEY] = created.pk
            return redirect("matching:request_detail", pk=created.pk)
    return render(request, "matching/mentoringrequest_form.html", {"form": form, "mentoring_request": None})


@require_GET
@login_required
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mentoring_request = get_object_or_404(selectors.requests_for(request.user), pk=pk)
    just_sent = request.session.get(JUST_SENT_KEY) == mentoring_request.pk
    if just_sent:
        del request.session[JUST_SENT_KEY]
    introductions = list(selectors.request_introductions(mentoring_request))
    context = {
        "mentoring_request": mentoring_request,
        # Only a matched request shows its relationship (the relationships app's link back, Relationship.request),
        # so only a matched one asks for it.
        "relationship": (
            mentoring_request.relationships.first()
            if mentoring_request.status == MentoringRequest.Status.MATCHED
            else None
        ),
        "just_sent": just_sent,
        "suggestions": list(selectors.request_suggestions(mentoring_request)),
        "introductions": introductions,
        "waiting_on": next((i for i in introductions if i.status == Introduction.Status.PENDING), None),
        "next_in_line": next((i for i in introductions if i.status == Introduction.Status.QUEUED), None),
        "response_days": settings.INTRODUCTION_RESPONSE_DAYS,
        "attention_working_days": settings.ATTENTION_WORKING_DAYS,
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
            mentoring_request.refresh_from_db(fields=["status"])
            if mentoring_request.status == MentoringRequest.Status.NEEDS_ATTENTION:
                messages.info(
                    request,
                    "None of the mentors you chose can take on a mentee at the moment, so the programme team will "
                    "look for a mentor for you by hand and be in touch.",
                )
            else:
                # The first chosen mentor with room: usually the first choice, not always.
                asked = selectors.introduction_pending_for(mentoring_request)
                name = asked.mentor.user.display_name if asked is not None else "your first choice of mentor"
                messages.success(
                    request, f"Thank you. We have sent your request to {name} and will tell you their answer."
                )
            return redirect("matching:request_detail", pk=mentoring_request.pk)
    context = {"form": form, "mentoring_request": mentoring_request, "suggestions": suggestions}
    return render(request, "matching/mentoringrequest_choose.html", context)
