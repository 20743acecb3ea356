"""Shared by the ambassadors views: list sizes and pagination."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.pagination import paginate

DIRECTORY_PAGE_SIZE = 24
LIST_PAGE_SIZE = 50


def _paged(request: HttpRequest, queryset: QuerySet[Any], size: int) -> dict[str, Any]:
    """Template context for a paginated list: `page` for the rows, `pagination` for includes/pagination.html."""
    pagination = paginate(request, queryset, size)
    return {"page": pagination.page, "pagination": pagination}
