"""Applying to be an ambassador, nominating someone, and the applicant's own applications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import user_of as _user
from ambassadors import selectors, services
from ambassadors.forms import (
    ApplicationForm,
    NominationForm,
)
from ambassadors.models import Nomination
from ambassadors.services import AmbassadorsError

# --- Applying and nominating -------------------------------------------------------------------------------


@login_required
@require_GET
def apply_start(request: HttpRequest) -> HttpResponse:
    return render(request, "ambassadors/cohort_open_list.html", {"cohorts": selectors.open_cohorts()})


def _application_kwargs(form: ApplicationForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        name: data[name]
        for name in (
            "organisation",
            "motivation",
            "experience",
            "service_areas",
            "region",
            "topics",
            "time_commitment",
            "engagements_per_quarter",
        )
    }


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = get_object_or_404(selectors.open_cohorts(), pk=cohort_pk)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                cohort=cohort, applicant=_user(request), **_application_kwargs(form)
            )
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your application for {cohort.name} has been submitted.")
            return redirect("ambassadors:application_detail", pk=application.pk)
    return render(request, "ambassadors/application_form.html", {"form": form, "cohort": cohort})


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = get_object_or_404(selectors.open_cohorts(), pk=cohort_pk)
    form = NominationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_create(cohort=cohort, nominated_by=_user(request), **form.cleaned_data)
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Thank you. We have emailed {form.cleaned_data['nominee_name']} a link to apply."
            )
            return redirect("ambassadors:my_applications")
    return render(request, "ambassadors/nomination_form.html", {"form": form, "cohort": cohort})


@login_required
@require_http_methods(["GET", "POST"])
def nomination_accept(request: HttpRequest, token: str) -> HttpResponse:
    nomination = get_object_or_404(
        Nomination.objects.select_related("cohort", "nominated_by").filter(completed_at=None), token=token
    )
    if not nomination.is_for(request.user):
        # Whoever holds a forwarded link learns only the cohort, and how the nominee can use it.
        return render(request, "ambassadors/nomination_elsewhere.html", {"nomination": nomination})
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                cohort=nomination.cohort, applicant=_user(request), nomination=nomination, **_application_kwargs(form)
            )
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Your application for {nomination.cohort.name} has been submitted.")
            return redirect("ambassadors:application_detail", pk=application.pk)
    return render(
        request,
        "ambassadors/application_form.html",
        {"form": form, "cohort": nomination.cohort, "nomination": nomination},
    )


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "ambassadors/application_list.html",
        {
            "applications": selectors.applications_for(user),
            "nominations_received": selectors.nominations_received_by(user),
            "nominations_made": selectors.nominations_made_by(user),
        },
    )


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        selectors.applications_for(_user(request)).prefetch_related("service_areas", "topics"), pk=pk
    )
    return render(request, "ambassadors/application_detail.html", {"application": application})


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_for(_user(request)), pk=pk)
    error = ""
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, actor=_user(request))
        except AmbassadorsError as refused:
            error = str(refused)
        else:
            messages.success(request, "Your application has been withdrawn.")
            return redirect("ambassadors:application_detail", pk=application.pk)
    return render(request, "ambassadors/application_withdraw.html", {"application": application, "error": error})
