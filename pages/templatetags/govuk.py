"""Template helpers for GOV.UK Frontend components shared by every app (tables, tags, summary lists)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def attribute(obj: object, name: str) -> object:
    """{{ row|attribute:"mutuals" }}: read a column of a report row by name."""
    return getattr(obj, name)
