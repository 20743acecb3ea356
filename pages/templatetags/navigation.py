"""{% site_header as header %}: the header's links for this request (pages/navigation.py)."""

from __future__ import annotations

from typing import Any

from django import template

from pages.navigation import Header, header_for

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context: dict[str, Any]) -> Header | None:
    request = context.get("request")
    return header_for(request) if request is not None else None
