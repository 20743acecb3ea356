"""Engagement requests (anyone signed in may ask for a talk, visit or peer call), logging them, emerging projects
and the programme team's reports."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts import pipeline
from accounts.audit import audit_event
from accounts.decorators import programme_team_required
from accounts.http import AuthenticatedRequest
from accounts.http import user_of as _user
from accounts.models import Stage
from ambassadors import selectors, services
from ambassadors.forms import (
    EmergingProjectForm,
    EngagementLogForm,
    EngagementRequestForm,
)
from ambassadors.models import Ambassador, EngagementRequest
from ambassadors.reporting import REPORT_COLUMNS, neutralise_row, report_rows
from ambassadors.services import AmbassadorsError
from ambassadors.views.common import LIST_PAGE_SIZE, _paged

# --- Engagement requests -----------------------------------------------------------------------------------


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    requests = selectors.engagement_requests_for(_user(request))
    return render(
        request,
        "ambassadors/engagementrequest_list.html",
        _paged(request, requests, LIST_PAGE_SIZE),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    form = EngagementRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement_request = services.engagement_request_create(requested_by=_user(request), **form.cleaned_data)
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your request has been saved. Choose an ambassador to invite.")
            return redirect("ambassadors:request_detail", pk=engagement_request.pk)
    return render(request, "ambassadors/engagementrequest_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The request, its invitations, and (while open) the engine's suggestions. POST invites one of them."""
    from ambassadors.ranking import suggest_ambassadors

    user = _user(request)
    engagement_request = get_object_or_404(selectors.engagement_requests_in_full_for(user), pk=pk)
    error = ""
    if request.method == "POST":
        ambassador_id = _int_or_none(request.POST.get("ambassador"))
        ambassador = Ambassador.objects.filter(pk=ambassador_id).first() if ambassador_id is not None else None
        if ambassador is None:
            error = "Choose an ambassador to invite"
        else:
            try:
                services.engagement_invite(request=engagement_request, ambassador=ambassador, invited_by=user)
            except AmbassadorsError as refused:
                error = str(refused)
            else:
                messages.success(request, f"We have invited {ambassador}. We will email you when they reply.")
                return redirect("ambassadors:request_detail", pk=engagement_request.pk)
    suggestions = (
        suggest_ambassadors(engagement_request) if engagement_request.status == EngagementRequest.Status.OPEN else []
    )
    return render(
        request,
        "ambassadors/engagementrequest_detail.html",
        {"engagement_request": engagement_request, "suggestions": suggestions, "error": error},
    )


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    engagement_request = get_object_or_404(selectors.engagement_requests_for(_user(request)), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.engagement_request_withdraw(request=engagement_request, actor=_user(request))
        except AmbassadorsError as refused:
            error = str(refused)
        else:
            messages.success(request, "Your request has been withdrawn.")
            return redirect("ambassadors:request_detail", pk=engagement_request.pk)
    return render(
        request,
        "ambassadors/engagementrequest_withdraw.html",
        {"engagement_request": engagement_request, "error": error},
    )


@login_required
@require_http_methods(["GET", "POST"])
def engagement_log(request: HttpRequest, pk: int) -> HttpResponse:
    engagement_request = get_object_or_404(selectors.requests_to_log_for(_user(request)), pk=pk)
    form = EngagementLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_log(request=engagement_request, actor=_user(request), **form.cleaned_data)
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you: the engagement has been logged.")
            if _user(request).is_programme_team:
                return redirect("ambassadors:request_detail", pk=engagement_request.pk)
            return redirect("ambassadors:invitation_list")
    return render(request, "ambassadors/engagement_form.html", {"form": form, "engagement_request": engagement_request})


# --- Emerging mutuals and reporting (programme team) --------------------------------------------------------


@programme_team_required
@require_GET
def emerging_projects(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ambassadors/emergingproject_list.html",
        {
            **_paged(request, selectors.emerging_projects(), LIST_PAGE_SIZE),
            "engagements": selectors.engagements_for_staff().exclude(new_project="")[:20],
        },
    )


@programme_team_required
@require_http_methods(["GET", "POST"])
def emerging_project_add(request: HttpRequest) -> HttpResponse:
    engagement = None
    engagement_id = _int_or_none(request.GET.get("engagement"))
    if engagement_id is not None:
        engagement = get_object_or_404(selectors.engagements_for_staff(), pk=engagement_id)
    initial: dict[str, Any] = {"stage": Stage.objects.filter(slug=pipeline.FIRST_STAGE_SLUG).first()}
    if engagement is not None:
        initial |= {
            "region": engagement.request.region,
            "service_area": engagement.request.service_area,
            "notes": engagement.new_project,
        }
    form = EmergingProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.emerging_project_add(added_by=_user(request), source_engagement=engagement, **form.cleaned_data)
        messages.success(request, f"{form.cleaned_data['name']} has been added to the emerging mutuals pipeline.")
        return redirect("ambassadors:emerging_projects")
    return render(request, "ambassadors/emergingproject_form.html", {"form": form, "engagement": engagement})


@programme_team_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    return render(
        request, "ambassadors/report.html", {"report": selectors.programme_report(), "columns": REPORT_COLUMNS}
    )


@programme_team_required
@require_GET
def reports_csv(request: AuthenticatedRequest) -> HttpResponse:
    audit_event(actor=request.user, event="ambassador_report_export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"ambassadors-report-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in report_rows(selectors.programme_report()):
        writer.writerow(neutralise_row(row))
    return response
