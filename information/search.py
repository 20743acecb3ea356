"""Searching guidance pages: PostgreSQL full-text search with ranking, and a simple fallback on SQLite.

On PostgreSQL each resource keeps a weighted tsvector (title A, summary B, body C) in `search_vector`, written by
the services whenever a page is saved (`refresh_search_vectors`) and indexed with GIN (migration 0002), and a
search is a `websearch_to_tsquery` (so "TUPE -pensions" and "\"fair deal\"" work as people expect) ranked by
ts_rank. SQLite, the quick start, has no full-text search here: every word must appear in the title, summary or
body, and titles that contain the first word come first.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import CombinedExpression

from information.models import Resource

SEARCH_CONFIG = "english"
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 8


def uses_full_text_search() -> bool:
    return connection.vendor == "postgresql"


def document() -> CombinedExpression:
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body", weight="C", config=SEARCH_CONFIG)
    )


def refresh_search_vectors(resource_ids: Iterable[int] | None = None) -> int:
    """Recompute the search document of these resources (all of them when None). Nothing to do on SQLite."""
    if not uses_full_text_search():
        return 0
    queryset = Resource.objects.all() if resource_ids is None else Resource.objects.filter(pk__in=list(resource_ids))
    return queryset.update(search_vector=document())


def search(queryset: QuerySet[Resource], text: str) -> QuerySet[Resource]:
    """Resources matching the words, best first."""
    text = text.strip()[:SEARCH_MAX_LENGTH]
    if not text:
        return queryset
    if uses_full_text_search():
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        return (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "title", "pk")
        )
    words = text.split()[:SEARCH_MAX_WORDS]
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word))
    title_first = Case(When(title__icontains=words[0], then=Value(0)), default=Value(1), output_field=IntegerField())
    return queryset.annotate(rank=title_first).order_by("rank", "title", "pk")
