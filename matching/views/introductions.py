"""The mentor's introductions: seeing, accepting and declining them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.conduct import conduct_accepted
from accounts.decorators import mentor_required
from accounts.http import GET_AND_POST, AuthenticatedRequest
from accounts.http import posted as _posted
from accounts.pagination import paginate
from matching import selectors, services
from matching.forms import (
    AcceptForm,
    DeclineForm,
)
from matching.models import Introduction


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
    context = {
        "introduction": introduction,
        "form": accept_form or AcceptForm(),
        # A mentor who has not accepted the current code of conduct is sent to accept it first.
        "must_accept_code": not conduct_accepted(user=request.user),
    }
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
