"""Filters for the programme team's list of relationships."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from messaging.models import Relationship


class StaffRelationshipFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=Relationship.Status.choices, empty_label="Any status")
    at_risk = django_filters.BooleanFilter(
        label="At risk only",
        method="filter_at_risk",
        widget=forms.CheckboxInput,
    )

    no_first_meeting = django_filters.BooleanFilter(
        label="No first meeting after 21 days",
        method="filter_no_first_meeting",
        widget=forms.CheckboxInput,
    )

    no_agreement = django_filters.BooleanFilter(
        label="No confirmed agreement",
        method="filter_no_agreement",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = Relationship
        fields = ["status"]

    def filter_at_risk(self, queryset: QuerySet[Relationship], name: str, value: bool | None) -> QuerySet[Relationship]:
        if value:
            return queryset.filter(at_risk_since__isnull=False, status=Relationship.Status.ACTIVE)
        return queryset

    def filter_no_first_meeting(
        self, queryset: QuerySet[Relationship], name: str, value: bool | None
    ) -> QuerySet[Relationship]:
        if value:
            return queryset.filter(first_meeting_overdue=True)  # type: ignore[misc]  # annotated by the selector
        return queryset

    def filter_no_agreement(
        self, queryset: QuerySet[Relationship], name: str, value: bool | None
    ) -> QuerySet[Relationship]:
        if value:
            return queryset.filter(has_agreement=False, status__in=Relationship.OPEN_STATUSES)  # type: ignore[misc]
        return queryset
