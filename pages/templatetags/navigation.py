"""{% site_header as header %}: the header's links for this request; {% page_url 'pages:home' %}: a link on every
page, reversed once per process (pages/navigation.py)."""

from __future__ import annotations

from typing import Any

from django import template

from pages import navigation
from pages.navigation import Header, header_for

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context: dict[str, Any]) -> Header | None:
    request = context.get("request")
    return header_for(request) if request is not None else None


@register.simple_tag
def page_url(name: str) -> str:
    """{% page_url 'name' %}: as {% url 'name' %} for a page that takes no arguments, without reversing it again."""
    return navigation.page_url(name)
