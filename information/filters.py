"""Filters for the guidance library, the case studies and the enquiry queue (django-filter).

Choice filters take slugs (?topic=pensions&stage=developing) so that links are readable and stable; within a
group the choices widen the results (any of them), across groups they narrow them (all of them).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Region, ServiceArea, Stage, SupportTopic
from accounts.taxonomy_choices import terms_filter
from information import search
from information.models import CaseStudy, Enquiry, Resource


class ResourceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search guidance",
        method="search",
        max_length=search.SEARCH_MAX_LENGTH,
        help_text="For example, TUPE, pensions or business plan.",
    )
    topic = terms_filter("topics", SupportTopic, "Topic")
    stage = terms_filter("stages", Stage, "Stage")
    service_area = terms_filter("service_areas", ServiceArea, "Service")

    class Meta:
        model = Resource
        fields: list[str] = []

    def search(self, queryset: QuerySet[Resource], name: str, value: str) -> QuerySet[Resource]:
        return search.search(queryset, value)

    def filter_queryset(self, queryset: QuerySet[Resource]) -> QuerySet[Resource]:
        # The choice filters first, the search last: its ranking is the order of the results.
        searched = self.form.cleaned_data.get("q")
        for name, value in self.form.cleaned_data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return self.search(queryset, "q", searched) if searched else queryset


class CaseStudyFilter(django_filters.FilterSet):
    service_area = terms_filter("service_area", ServiceArea, "Service")
    region = terms_filter("region", Region, "Region")
    stage = terms_filter("stage_reached", Stage, "Stage reached")

    class Meta:
        model = CaseStudy
        fields: list[str] = []


class EnquiryFilter(django_filters.FilterSet):
    OPEN, NEW, OVERDUE, MINE, ANSWERED, CLOSED, ALL = "open", "new", "overdue", "mine", "answered", "closed", "all"
    show = django_filters.ChoiceFilter(
        label="Show",
        method="filter_show",
        empty_label=None,
        choices=[
            (OPEN, "All open enquiries"),
            (NEW, "New: nobody has picked them up"),
            (OVERDUE, "Overdue: no answer within the target"),
            (MINE, "Assigned to me"),
            (ANSWERED, "Answered, still open"),
            (CLOSED, "Closed"),
            (ALL, "Everything"),
        ],
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=Enquiry.Kind.choices, empty_label="Questions and feedback")
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=200,
        help_text="A reference, name, email address or organisation.",
    )

    class Meta:
        model = Enquiry
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Open enquiries unless the person chose otherwise.
        data = data.copy() if data is not None else None
        if data is not None and not data.get("show"):
            data["show"] = self.OPEN
        super().__init__(data if data is not None else {"show": self.OPEN}, *args, **kwargs)

    def filter_show(self, queryset: QuerySet[Enquiry], name: str, value: str) -> QuerySet[Enquiry]:
        if value == self.ALL:
            return queryset
        if value == self.CLOSED:
            return queryset.filter(status=Enquiry.Status.CLOSED).order_by("-closed_at", "-pk")
        if value == self.NEW:
            return queryset.filter(status=Enquiry.Status.NEW)
        if value == self.OVERDUE:
            return queryset.filter(status__in=Enquiry.AWAITING_RESPONSE, respond_by__lt=timezone.now())
        if value == self.MINE:
            user = getattr(self.request, "user", None)
            return queryset.filter(status__in=Enquiry.OPEN_STATUSES, assigned_to=user)
        if value == self.ANSWERED:
            return queryset.filter(status=Enquiry.Status.ANSWERED)
        return queryset.filter(status__in=Enquiry.OPEN_STATUSES)

    def search(self, queryset: QuerySet[Enquiry], name: str, value: str) -> QuerySet[Enquiry]:
        for word in value.split()[:8]:
            queryset = queryset.filter(
                Q(reference__iexact=word)
                | Q(name__icontains=word)
                | Q(email__icontains=word)
                | Q(organisation__icontains=word)
            )
        return queryset


class StaffResourceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=Resource.Status.choices, empty_label="Any status")
    q = django_filters.CharFilter(label="Search titles", field_name="title", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Resource
        fields: list[str] = []
