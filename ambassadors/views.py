"""Views for the ambassadors programme: thin, each parses with a form and calls one service or selector."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.pagination import paginate
from ambassadors import selectors, services
from ambassadors.decorators import ambassador_required, programme_team_required
from ambassadors.filters import AmbassadorDirectoryFilter, ApplicationFilter
from ambassadors.forms import (
    AmbassadorProfileForm,
    ApplicationForm,
    BulkMoveForm,
    CohortForm,
    EmergingProjectForm,
    EngagementLogForm,
    EngagementRequestForm,
    InvitationResponseForm,
    MoveForm,
    NominationForm,
    ReviewerNoteForm,
    StandDownForm,
)
from ambassadors.models import Ambassador, Application, Cohort, EngagementRequest, Nomination
from ambassadors.reporting import REPORT_COLUMNS, neutralise_row, report_rows
from ambassadors.services import AmbassadorsError

DIRECTORY_PAGE_SIZE = 24
LIST_PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _paged(request: HttpRequest, queryset: QuerySet[Any], size: int) -> dict[str, Any]:
    """Template context for a paginated list: `page` for the rows, `pagination` for includes/pagination.html."""
    pagination = paginate(request, queryset, size)
    return {"page": pagination.page, "pagination": pagination}


# --- Public directory --------------------------------------------------------------------------------------


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    filterset = AmbassadorDirectoryFilter(request.GET or None, queryset=selectors.directory_ambassadors())
    return render(
        request,
        "ambassadors/ambassador_list.html",
        {
            "filter": filterset,
            **_paged(request, filterset.qs, DIRECTORY_PAGE_SIZE),
        },
    )


@require_GET
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    ambassador = get_object_or_404(selectors.directory_ambassadors(), pk=pk)
    return render(request, "ambassadors/ambassador_detail.html", {"ambassador": ambassador})


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A listed ambassador's photo, served by the application so it works wherever the site runs.

    Uploaded files are never served from MEDIA_URL in production; only photos that passed the upload checks
    (re-encoded JPEG or PNG) of ambassadors in the public directory are reachable, by id.
    """
    ambassador = get_object_or_404(selectors.directory_ambassadors(), pk=pk)
    if not ambassador.photo:
        raise Http404("No photo")
    content_type = "image/png" if (ambassador.photo.name or "").lower().endswith(".png") else "image/jpeg"
    response = FileResponse(ambassador.photo.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    try:
        application = selectors.application_for_review(pk)
    except Application.DoesNotExist as missing:
        raise Http404 from missing
    action = request.POST.get("action") if request.method == "POST" else None
    move_form = MoveForm(request.POST if action == "move" else None, current_status=application.status)
    note_form = ReviewerNoteForm(request.POST if action == "note" else None)
    if action == "move" and move_form.is_valid():
        try:
            services.application_move(
                application=application,
                to_status=move_form.cleaned_data["to_status"],
                actor=_user(request),
                note=move_form.cleaned_data["note"],
            )
        except AmbassadorsError as error:
            move_form.add_error(None, str(error))
        else:
            messages.success(request, f"Moved to {application.get_status_display().lower()}.")
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


# --- The ambassador's own pages ----------------------------------------------------------------------------


@ambassador_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, ambassador: Ambassador) -> HttpResponse:
    form = AmbassadorProfileForm(
        request.POST or None, request.FILES or None, initial=AmbassadorProfileForm.initial_for(ambassador)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.ambassador_update(ambassador=ambassador, **form.cleaned_data)
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your profile has been updated.")
            return redirect("ambassadors:profile", pk=ambassador.pk)
    return render(
        request,
        "ambassadors/ambassador_form.html",
        {"form": form, "ambassador": ambassador, "mentor_profile_url": _mentor_profile_url(_user(request))},
    )


def _mentor_profile_url(user: User) -> str:
    """Where an ambassador volunteers as a mentor, if the accounts app offers it and they are not one already."""
    from django.urls import NoReverseMatch, reverse

    if hasattr(user, "mentor_profile"):
        return ""
    try:
        return reverse("accounts:mentor_profile_create")
    except NoReverseMatch:
        return ""


@ambassador_required
@require_GET
def invitation_list(request: HttpRequest, ambassador: Ambassador) -> HttpResponse:
    invitations = selectors.invitations_for(_user(request))
    return render(request, "ambassadors/invitation_list.html", {"invitations": invitations, "ambassador": ambassador})


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(selectors.invitations_for(_user(request)).prefetch_related("request__topics"), pk=pk)
    form = InvitationResponseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == InvitationResponseForm.ACCEPT:
                services.invitation_accept(invitation=invitation, actor=_user(request))
                messages.success(request, "Thank you: you have accepted. The requester has been told.")
            else:
                services.invitation_decline(
                    invitation=invitation, actor=_user(request), reason=form.cleaned_data["decline_reason"]
                )
                messages.success(request, "You have declined. The requester has been told.")
        except AmbassadorsError as error:
            form.add_error(None, str(error))
        else:
            return redirect("ambassadors:invitation_detail", pk=invitation.pk)
    return render(request, "ambassadors/invitation_detail.html", {"invitation": invitation, "form": form})


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
    try:
        engagement_request = selectors.engagement_request_detail(user, pk)
    except EngagementRequest.DoesNotExist as missing:
        raise Http404 from missing
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
    initial: dict[str, Any] = {}
    if engagement is not None:
        initial = {
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
def reports_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"ambassadors-report-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in report_rows(selectors.programme_report()):
        writer.writerow(neutralise_row(row))
    return response
