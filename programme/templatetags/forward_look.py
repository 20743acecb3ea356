"""Filters for the forward look's tables: a published count, and a change with its sign. Filters rather than
includes, because the tables have hundreds of cells and an include per cell is slow."""

from __future__ import annotations

from django import template

from programme.forward_look import Published

register = template.Library()


@register.filter
def published_count(published: Published, threshold: int) -> str:
    return f"fewer than {threshold}" if published.value is None else str(published.value)


@register.filter
def signed_change(change: int | None) -> str:
    if change is None:
        return "Not published"
    return f"+{change}" if change > 0 else str(change)
