"""Directory filters: the mentor directory and the mutuals directory.

Choice filters take slugs (?topic=pensions&region=london) so filtered links are readable and stable. Within one
group the choices widen the search (any of them); across groups they narrow it (all of them).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from accounts import selectors
from accounts.fields import GovukDateField
from accounts.models import MentorProfile, Mutual, Region, ServiceArea, Stage, SupportTopic
from accounts.taxonomy_choices import terms_filter

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 8


def _words(value: str) -> list[str]:
    return value.split()[:SEARCH_MAX_WORDS]


def _every_word_somewhere(queryset: QuerySet[Any], value: str, fields: list[str]) -> QuerySet[Any]:
    """Each word of the search must appear in at least one of the fields (case-insensitive)."""
    for word in _words(value):
        condition = Q()
        for field in fields:
            condition |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(condition)
    return queryset


class MentorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Search names, headlines, organisations and what mentors say about themselves.",
    )
    available = django_filters.BooleanFilter(
        label="Only mentors available now",
        method="filter_available",
        widget=forms.CheckboxInput,
        help_text="Approved, not paused and with room for another mutual.",
    )
    topic = terms_filter("topics", SupportTopic, "Support topic")
    service_area = terms_filter("service_areas", ServiceArea, "Service area")
    region = terms_filter("region", Region, "Region")
    stage = terms_filter("stages", Stage, "Stage experience")

    class Meta:
        model = MentorProfile
        fields: list[str] = []

    def search(self, queryset: QuerySet[MentorProfile], name: str, value: str) -> QuerySet[MentorProfile]:
        return _every_word_somewhere(queryset, value, ["user__full_name", "headline", "bio", "organisation"])

    def filter_available(
        self, queryset: QuerySet[MentorProfile], name: str, value: bool | None
    ) -> QuerySet[MentorProfile]:
        return selectors.available_mentors(queryset) if value else queryset


class MutualFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        help_text="Search names of mutuals.",
    )
    service_area = terms_filter("service_areas", ServiceArea, "Service area")
    region = terms_filter("region", Region, "Region")
    stage = terms_filter("stage", Stage, "Stage")

    class Meta:
        model = Mutual
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self._sees_everything:
            self.filters["q"].extra["help_text"] = "Search names, descriptions and parent public bodies."

    @property
    def _sees_everything(self) -> bool:
        user = getattr(self.request, "user", None)
        return bool(user and user.is_authenticated and user.is_programme_team)

    def search(self, queryset: QuerySet[Mutual], name: str, value: str) -> QuerySet[Mutual]:
        # The public listing consents to name, region, service areas and stage only, so the public searches names;
        # searching descriptions would let anyone probe text the mutual never agreed to publish.
        fields = ["name", "description", "parent_body"] if self._sees_everything else ["name"]
        return _every_word_somewhere(queryset, value, fields)


class GovukDateFilter(django_filters.Filter):
    """A date to filter on, entered in the GOV.UK date input (accounts.fields.GovukDateField): pass `noun`."""

    field_class = GovukDateField
