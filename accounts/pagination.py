"""Pagination for lists: 20 rows a page and the page numbers the GOV.UK pagination component shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 20


@dataclass(frozen=True)
class Pagination:
    page: Page[Any]
    # Page numbers around the current one, with Paginator.ELLIPSIS where numbers are left out.
    numbers: list[int | str]

    @property
    def object_list(self) -> Any:
        return self.page.object_list

    @property
    def total(self) -> int:
        return self.page.paginator.count


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PER_PAGE) -> Pagination:
    """The requested page (?page=N); a missing or nonsense number gives the first page, too high the last."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    numbers = list(paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return Pagination(page=page, numbers=numbers)
