"""The public pages: the guide "How to set up a mutual", the guidance library and the case studies."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe
from django_filters import FilterSet

from accounts.pagination import paginate
from information import search, selectors
from information.filters import CaseStudyFilter, ResourceFilter


def filtered(filterset: FilterSet) -> QuerySet[Any]:
    """The filtered rows; none while the filters have errors (the error summary says which)."""
    if filterset.is_bound and not filterset.is_valid():
        return filterset.queryset.none()
    return filterset.qs


@require_safe
def guide(request: HttpRequest) -> HttpResponse:
    return render(request, "information/guide.html", {"steps": selectors.guide_steps()})


@require_safe
def resource_list(request: HttpRequest) -> HttpResponse:
    filterset = ResourceFilter(
        request.GET or None, queryset=selectors.resource_list(selectors.published_resources()), request=request
    )
    context = {
        "filter": filterset,
        "form": filterset.form,
        "pagination": paginate(request, filtered(filterset)),
        "searching": bool(request.GET.get("q", "").strip()),
        "full_text": search.uses_full_text_search(),
    }
    return render(request, "information/resource_list.html", context)


def resource_page(request: HttpRequest, resource: Any, *, preview: bool = False) -> HttpResponse:
    """A guidance page, as the public sees it (or, for the programme team's preview, as it would look)."""
    topics = list(resource.topics.all())
    stages = sorted(resource.stages.all(), key=lambda stage: stage.order)
    context = {
        "resource": resource,
        "topics": topics,
        "stages": stages,
        "guide_stages": [stage for stage in stages if stage.guide_step is not None],
        "related": selectors.related_resources(
            topic_ids=[topic.pk for topic in topics],
            stage_id=stages[0].pk if stages else None,
            exclude=resource.pk,
        ),
        "preview": preview,
    }
    return render(request, "information/resource_detail.html", context)


@require_safe
def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = get_object_or_404(selectors.resource_in_full(selectors.published_resources()), slug=slug)
    return resource_page(request, resource)


@require_safe
def case_study_list(request: HttpRequest) -> HttpResponse:
    filterset = CaseStudyFilter(request.GET or None, queryset=selectors.published_case_studies(), request=request)
    context = {"filter": filterset, "form": filterset.form, "pagination": paginate(request, filtered(filterset))}
    return render(request, "information/case_study_list.html", context)


def case_study_page(request: HttpRequest, case_study: Any, *, preview: bool = False) -> HttpResponse:
    return render(request, "information/case_study_detail.html", {"case_study": case_study, "preview": preview})


@require_safe
def case_study_detail(request: HttpRequest, slug: str) -> HttpResponse:
    case_study = get_object_or_404(selectors.case_study_in_full(selectors.published_case_studies()), slug=slug)
    return case_study_page(request, case_study)
