"""The programme team's review pipeline, cohorts and standing ambassadors down."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.decorators import programme_team_required
from accounts.http import user_of as _user
from ambassadors import selectors, services
from ambassadors.filters import ApplicationFilter
from ambassadors.forms import (
    BulkMoveForm,
    CohortForm,
    MoveForm,
    ReviewerNoteForm,
    StandDownForm,
)
from ambassadors.models import Cohort
from ambassadors.services import AmbassadorsError
from ambassadors.views.common import LIST_PAGE_SIZE, _paged

# --- Review by the programme team --------------------------------------------------------------------------


@programme_team_required
@require_http_methods(["GET", "POST"])
def pipeline(request: HttpRequest) -> HttpResponse:
    filterset = ApplicationFilter(request.GET or None, queryset=selectors.applications_for_review())
    bulk_form = BulkMoveForm(request.POST or None)
    if request.method == "POST" and bulk_form.is_valid():
        result = services.applications_move_bulk(
            applications=bulk_form.cleaned_data["applications"],
            to_status=bulk_form.cleaned_data["to_status"],
            actor=_user(request),
            note=bulk_form.cleaned_data["note"],
        )
        if result.moved:
            messages.success(request, f"Moved {len(result.moved)} application(s).")
        for application, reason in result.refused:
            messages.error(request, f"{application.applicant}: {reason}")
        return redirect(f"{request.path}?{request.GET.urlencode()}" if request.GET else request.path)
    return render(
        request,
        "ambassadors/application_pipeline.html",
        {
            "filter": filterset,
            "form": bulk_form,
            **_paged(request, filterset.qs, LIST_PAGE_SIZE),
            "cohorts": selectors.cohorts_with_counts(),
        },
    )


@programme_team_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_for_review_in_full(), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    move_form = MoveForm(request.POST if action == "move" else None, current_status=application.status)
    note_form = ReviewerNoteForm(request.POST if action == "note" else None)
    if action == "move" and move_form.is_valid():
        try:
            moved = services.application_move(
                application=application,
                to_status=move_form.cleaned_data["to_status"],
                actor=_user(request),
                note=move_form.cleaned_data["note"],
            )
        except AmbassadorsError as error:
            move_form.add_error(None, str(error))
        else:
            # The application as moved (the page's copy still has the status it had before).
            messages.success(request, f"Moved to {moved.get_status_display().lower()}.")
            return redirect("ambassadors:review", pk=application.pk)
    if action == "note" and note_form.is_valid():
        services.reviewer_note_add(application=application, author=_user(request), text=note_form.cleaned_data["text"])
        messages.success(request, "Note added.")
        return redirect("ambassadors:review", pk=application.pk)
    return render(
        request,
        "ambassadors/application_review.html",
        {
            "application": application,
            "move_form": move_form,
            "note_form": note_form,
            # One error summary for whichever form was posted.
            "form": move_form if action == "move" else note_form,
        },
    )


@programme_team_required
@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    return render(request, "ambassadors/cohort_list.html", {"cohorts": selectors.cohorts_with_counts()})


@programme_team_required
@require_http_methods(["GET", "POST"])
def cohort_create(request: HttpRequest) -> HttpResponse:
    return _cohort_form(request, None)


@programme_team_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _cohort_form(request, get_object_or_404(Cohort, pk=pk))


def _cohort_form(request: HttpRequest, cohort: Cohort | None) -> HttpResponse:
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.cohort_save(
                actor=_user(request),
                cohort=cohort,
                **{name: form.cleaned_data[name] for name in services.COHORT_FIELDS},
            )
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{saved.name} has been saved.")
            return redirect("ambassadors:cohort_list")
    return render(request, "ambassadors/cohort_form.html", {"form": form, "cohort": cohort})


@programme_team_required
@require_http_methods(["GET", "POST"])
def stand_down(request: HttpRequest, pk: int) -> HttpResponse:
    ambassador = get_object_or_404(selectors.directory_ambassadors(), pk=pk)
    form = StandDownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ambassador_stand_down(
                ambassador=ambassador, actor=_user(request), reason=form.cleaned_data["reason"]
            )
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{ambassador} has stood down and is no longer listed or matched.")
            return redirect("ambassadors:directory")
    return render(request, "ambassadors/ambassador_stand_down.html", {"ambassador": ambassador, "form": form})
