"""The taxonomy's active terms as filter choices, read from the cache instead of the database on every page.

The directories, the guidance search and the case studies offer the taxonomy (support topics, service areas,
regions, stages) as checkboxes to filter by. The terms change a few times a year, yet each list cost a query and a
model instance per term on every page. The checkboxes now come from the cache (a list of slug and name per
taxonomy, forgotten whenever a term is saved or deleted, and after five minutes whatever happens, so a change made
without signals, such as a bulk update, also shows). What a person submits is still checked against the database.
"""

from __future__ import annotations

import copy
from typing import Any

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django_filters import fields as filter_fields

from accounts.models import Region, ServiceArea, Stage, SupportTopic, TaxonomyTerm

TAXONOMIES: tuple[type[TaxonomyTerm], ...] = (SupportTopic, ServiceArea, Region, Stage)
CACHE_SECONDS = 300


def _key(model: type[TaxonomyTerm]) -> str:
    return f"taxonomy-choices:{model._meta.label_lower}"


def active_choices(model: type[TaxonomyTerm]) -> list[tuple[str, str]]:
    """(slug, name) of the active terms, in display order."""
    choices: list[tuple[str, str]] | None = cache.get(_key(model))
    if choices is None:
        choices = list(model._default_manager.filter(is_active=True).values_list("slug", "name"))
        cache.set(_key(model), choices, CACHE_SECONDS)
    return choices


def _forget(sender: type[TaxonomyTerm], **kwargs: Any) -> None:
    cache.delete(_key(sender))


def connect() -> None:
    """From AccountsConfig.ready()."""
    for model in TAXONOMIES:
        post_save.connect(_forget, sender=model, dispatch_uid=f"taxonomy-choices-save-{model.__name__}")
        post_delete.connect(_forget, sender=model, dispatch_uid=f"taxonomy-choices-delete-{model.__name__}")


class TermsField(filter_fields.ModelMultipleChoiceField):
    """Checkboxes of a taxonomy's active terms by slug, rendered from the cache: no query for the page. The terms
    are read once per field (forms copy their fields; the copies keep what was read)."""

    def _terms(self) -> list[tuple[str, str]]:
        terms: list[tuple[str, str]] | None = self.__dict__.get("_terms")
        if terms is None:
            terms = self.__dict__["_terms"] = active_choices(self.queryset.model)
        return terms

    def _ignore(self, value: Any) -> None:  # ModelChoiceField sets its widget's choices from `choices`
        pass

    choices = property(_terms, _ignore)  # type: ignore[assignment]


class TermsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = TermsField

    def __deepcopy__(self, memo: dict[int, Any]) -> TermsFilter:
        """A filter set deep-copies its filters for every request, and a deep-copied queryset copies its whole query
        tree (a third of building the mentor directory's filters). A clone of a queryset (`.all()`, as Django's
        ModelChoiceField copies its own) is as independent and costs little; everything else is deep-copied."""
        clone = copy.copy(self)
        memo[id(self)] = clone
        clone.__dict__ = {
            key: _copied(value, memo) for key, value in self.__dict__.items() if key != "_field"
        }  # the field is built again, from the copy, when first asked for
        return clone


def _copied(value: Any, memo: dict[int, Any]) -> Any:
    if isinstance(value, QuerySet):
        return value.all()
    if isinstance(value, dict):
        return {key: _copied(item, memo) for key, item in value.items()}
    return copy.deepcopy(value, memo)


def terms_filter(field_name: str, model: type[TaxonomyTerm], label: str) -> TermsFilter:
    """A filter on `field_name` (a relation to `model`) by the slugs of its active terms: any of those ticked."""
    return TermsFilter(
        field_name=f"{field_name}__slug",
        queryset=model._default_manager.filter(is_active=True),
        to_field_name="slug",
        label=label,
        widget=forms.CheckboxSelectMultiple,
        distinct=True,
    )
