"""The programme team's pages for the content of the information service: guidance pages (write, preview, publish,
unpublish, review), the guide's tasks, and case studies (write, draft from a relationship, consent, publish)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import programme_team_required
from accounts.http import GET_AND_POST, AuthenticatedRequest, posted
from accounts.pagination import paginate
from information import selectors, services
from information.filters import StaffResourceFilter
from information.forms import CaseStudyForm, ConsentForm, GuideTaskForm, ResourceForm
from information.models import CaseStudy, GuideTask, Resource
from information.views.public import case_study_page, filtered, resource_page
from messaging.models import Relationship

# --- Guidance pages ---------------------------------------------------------------------------------------


@require_safe
@programme_team_required
def resource_staff_list(request: AuthenticatedRequest) -> HttpResponse:
    filterset = StaffResourceFilter(request.GET or None, queryset=selectors.resources_for_staff(), request=request)
    context = {
        "filter": filterset,
        "form": filterset.form,
        "pagination": paginate(request, filtered(filterset)),
        "due_before": selectors.review_due_before(),
    }
    return render(request, "information/resource_staff_list.html", context)


@require_http_methods(GET_AND_POST)
@programme_team_required
def resource_create(request: AuthenticatedRequest) -> HttpResponse:
    form = ResourceForm(posted(request), initial={"owner": request.user.pk})
    if form.is_valid():
        try:
            resource = services.resource_create(author=request.user, data=form.cleaned_data)
        except services.InformationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{resource.title}” is saved as a draft. Preview it, then publish it.")
            return redirect("information:resource_preview", pk=resource.pk)
    return render(request, "information/resource_form.html", {"form": form, "resource": None})


@require_http_methods(GET_AND_POST)
@programme_team_required
def resource_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    form = ResourceForm(posted(request), instance=resource)
    if form.is_valid():
        try:
            resource = services.resource_update(resource=resource, data=form.cleaned_data)
        except services.InformationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{resource.title}” is saved.")
            return redirect("information:resource_preview", pk=resource.pk)
    return render(request, "information/resource_form.html", {"form": form, "resource": resource})


@require_safe
@programme_team_required
def resource_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(selectors.resource_in_full(Resource.objects.all()), pk=pk)
    return resource_page(request, resource, preview=True)


def _confirm(request: AuthenticatedRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "information/confirm.html", context)


def _confirm_then(
    request: AuthenticatedRequest, act: Callable[[], object], *, done: str, then: str, page: dict[str, Any]
) -> HttpResponse:
    """An "are you sure?" page; on POST, `act()`. Success redirects to `then` with `done` as the message; a refusal
    (InformationError) is shown on the same page."""
    error = ""
    if request.method == "POST":
        try:
            act()
        except services.InformationError as refused:
            error = str(refused)
        else:
            messages.success(request, done)
            return redirect(then)
    return _confirm(request, {**page, "error": error})


@require_http_methods(GET_AND_POST)
@programme_team_required
def resource_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    return _confirm_then(
        request,
        lambda: services.resource_publish(resource=resource, actor=request.user),
        done=f"“{resource.title}” is published.",
        then=reverse("information:resource_detail", kwargs={"slug": resource.slug}),
        page={
            "heading": f"Publish “{resource.title}”",
            "intro": "Anyone will be able to read it, find it in the guidance and search for it.",
            "button": "Publish",
            "cancel_url": reverse("information:resource_preview", kwargs={"pk": resource.pk}),
        },
    )


@require_http_methods(GET_AND_POST)
@programme_team_required
def resource_unpublish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    return _confirm_then(
        request,
        lambda: services.resource_unpublish(resource=resource, actor=request.user),
        done=f"“{resource.title}” is no longer published. It is a draft again.",
        then=reverse("information:resource_preview", kwargs={"pk": resource.pk}),
        page={
            "heading": f"Unpublish “{resource.title}”",
            "intro": "It comes off the public site at once, and links to it will show “page not found” until it is "
            "published again.",
            "button": "Unpublish",
            "button_warning": True,
            "cancel_url": reverse("information:resource_preview", kwargs={"pk": resource.pk}),
        },
    )


@require_POST
@programme_team_required
def resource_reviewed(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    resource = get_object_or_404(Resource, pk=pk)
    services.resource_mark_reviewed(resource=resource, actor=request.user)
    messages.success(request, f"“{resource.title}” is marked as reviewed today.")
    return redirect("information:resource_review_list")


@require_safe
@programme_team_required
def resource_review_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "information/resource_review_list.html", {"review": selectors.resources_due_for_review()})


# --- The guide's tasks ------------------------------------------------------------------------------------


@require_safe
@programme_team_required
def guide_manage(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "information/guide_manage.html", {"steps": selectors.guide_steps()})


@require_http_methods(GET_AND_POST)
@programme_team_required
def guide_task_create(request: AuthenticatedRequest) -> HttpResponse:
    form = GuideTaskForm(posted(request), initial={"stage": request.GET.get("stage")})
    if form.is_valid():
        try:
            task = services.guide_task_create(data=form.cleaned_data)
        except services.InformationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The task “{task.title}” is added to the guide.")
            return redirect("information:guide_manage")
    return render(request, "information/guide_task_form.html", {"form": form, "task": None})


@require_http_methods(GET_AND_POST)
@programme_team_required
def guide_task_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(GuideTask, pk=pk)
    form = GuideTaskForm(posted(request), instance=task)
    if form.is_valid():
        try:
            services.guide_task_update(task=task, data=form.cleaned_data)
        except services.InformationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The task “{task.title}” is saved.")
            return redirect("information:guide_manage")
    return render(request, "information/guide_task_form.html", {"form": form, "task": task})


@require_http_methods(GET_AND_POST)
@programme_team_required
def guide_task_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(GuideTask, pk=pk)
    if request.method == "POST":
        services.guide_task_delete(task=task)
        messages.success(request, f"The task “{task.title}” is removed from the guide.")
        return redirect("information:guide_manage")
    return _confirm(
        request,
        {
            "heading": f"Remove the task “{task.title}”",
            "intro": "It comes off the guide at once. The guidance page it links to, if any, stays.",
            "button": "Remove task",
            "button_warning": True,
            "cancel_url": reverse("information:guide_manage"),
        },
    )


# --- Case studies -----------------------------------------------------------------------------------------


@require_safe
@programme_team_required
def case_study_staff_list(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "pagination": paginate(request, selectors.case_studies_for_staff()),
        "candidates": list(selectors.case_study_candidates()[:10]),
    }
    return render(request, "information/case_study_staff_list.html", context)


@require_http_methods(GET_AND_POST)
@programme_team_required
def case_study_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CaseStudyForm(posted(request))
    if form.is_valid():
        case_study = services.case_study_create(author=request.user, data=form.cleaned_data)
        messages.success(request, f"“{case_study.title}” is saved as a draft. Record the mutual's consent to publish.")
        return redirect("information:case_study_preview", pk=case_study.pk)
    return render(request, "information/case_study_form.html", {"form": form, "case_study": None})


@require_http_methods(GET_AND_POST)
@programme_team_required
def case_study_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case_study = get_object_or_404(CaseStudy, pk=pk)
    form = CaseStudyForm(posted(request), instance=case_study)
    if form.is_valid():
        case_study = services.case_study_update(case_study=case_study, data=form.cleaned_data)
        messages.success(request, f"“{case_study.title}” is saved.")
        return redirect("information:case_study_preview", pk=case_study.pk)
    return render(request, "information/case_study_form.html", {"form": form, "case_study": case_study})


@require_safe
@programme_team_required
def case_study_preview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case_study = get_object_or_404(selectors.case_study_in_full(CaseStudy.objects.all()), pk=pk)
    return case_study_page(request, case_study, preview=True)


@require_POST
@programme_team_required
def case_study_draft(request: AuthenticatedRequest, relationship_pk: int) -> HttpResponse:
    relationship = get_object_or_404(Relationship, pk=relationship_pk)
    try:
        case_study = services.case_study_draft_from_relationship(relationship=relationship, author=request.user)
    except services.InformationError as error:
        messages.error(request, str(error))
        return redirect("information:case_study_staff_list")
    messages.success(request, "A draft is written from the closing feedback. Edit it, and record consent to publish.")
    return redirect("information:case_study_preview", pk=case_study.pk)


@require_http_methods(GET_AND_POST)
@programme_team_required
def case_study_consent(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case_study = get_object_or_404(CaseStudy, pk=pk)
    form = ConsentForm(posted(request))
    if form.is_valid():
        try:
            services.case_study_record_consent(case_study=case_study, actor=request.user, **form.cleaned_data)
        except services.InformationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Consent from {form.cleaned_data['given_by']} is recorded.")
            return redirect("information:case_study_preview", pk=case_study.pk)
    return render(request, "information/case_study_consent.html", {"form": form, "case_study": case_study})


@require_http_methods(GET_AND_POST)
@programme_team_required
def case_study_consent_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case_study = get_object_or_404(CaseStudy, pk=pk)
    return _confirm_then(
        request,
        lambda: services.case_study_withdraw_consent(case_study=case_study, actor=request.user),
        done=f"Consent is withdrawn. “{case_study.title}” is not published.",
        then=reverse("information:case_study_preview", kwargs={"pk": case_study.pk}),
        page={
            "heading": "Record that the mutual withdrew its consent",
            "intro": "The story comes off the public site at once, and cannot be published again until new consent "
            "is recorded.",
            "button": "Withdraw consent",
            "button_warning": True,
            "cancel_url": reverse("information:case_study_preview", kwargs={"pk": case_study.pk}),
        },
    )


@require_http_methods(GET_AND_POST)
@programme_team_required
def case_study_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case_study = get_object_or_404(CaseStudy, pk=pk)
    return _confirm_then(
        request,
        lambda: services.case_study_publish(case_study=case_study, actor=request.user),
        done=f"“{case_study.title}” is published.",
        then=reverse("information:case_study_detail", kwargs={"slug": case_study.slug}),
        page={
            "heading": f"Publish “{case_study.title}”",
            "intro": "Anyone will be able to read it in the case studies.",
            "button": "Publish",
            "cancel_url": reverse("information:case_study_preview", kwargs={"pk": case_study.pk}),
        },
    )


@require_http_methods(GET_AND_POST)
@programme_team_required
def case_study_unpublish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case_study = get_object_or_404(CaseStudy, pk=pk)
    return _confirm_then(
        request,
        lambda: services.case_study_unpublish(case_study=case_study, actor=request.user),
        done=f"“{case_study.title}” is no longer published.",
        then=reverse("information:case_study_preview", kwargs={"pk": case_study.pk}),
        page={
            "heading": f"Unpublish “{case_study.title}”",
            "intro": "It comes off the public site at once. The consent stays recorded.",
            "button": "Unpublish",
            "button_warning": True,
            "cancel_url": reverse("information:case_study_preview", kwargs={"pk": case_study.pk}),
        },
    )
