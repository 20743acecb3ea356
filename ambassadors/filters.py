"""django-filter FilterSets for the public directory and the programme team's lists."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from accounts.models import Region, ServiceArea, SupportTopic
from ambassadors.models import Ambassador, Application, Cohort


class AmbassadorDirectoryFilter(django_filters.FilterSet):
    service_area = django_filters.ModelChoiceFilter(
        field_name="service_areas",
        queryset=ServiceArea.objects.filter(is_active=True),
        label="Service area",
        empty_label="Any service area",
    )
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(is_active=True), label="Region", empty_label="Any region"
    )
    topic = django_filters.ModelChoiceFilter(
        field_name="topics",
        queryset=SupportTopic.objects.filter(is_active=True),
        label="Topic",
        empty_label="Any topic",
    )

    class Meta:
        model = Ambassador
        fields: list[str] = []


class ApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name, email or organisation contains")
    cohort = django_filters.ModelChoiceFilter(queryset=Cohort.objects.all(), label="Cohort", empty_label="Any cohort")
    status = django_filters.ChoiceFilter(choices=Application.Status.choices, label="Status", empty_label="Any status")
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(is_active=True), label="Region", empty_label="Any region"
    )
    service_area = django_filters.ModelChoiceFilter(
        field_name="service_areas",
        queryset=ServiceArea.objects.filter(is_active=True),
        label="Service area",
        empty_label="Any service area",
    )

    class Meta:
        model = Application
        fields: list[str] = []

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(applicant__full_name__icontains=value)
            | Q(applicant__email__icontains=value)
            | Q(organisation__icontains=value)
        )
