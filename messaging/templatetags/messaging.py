"""Template helpers for relationships: message bodies as safe HTML and the header's unread counts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from messaging import formatting, selectors

register = template.Library()


@register.filter
def message_html(text: str) -> SafeString:
    """{{ message.body|message_html }}: escaped, line breaks kept, http(s) links clickable."""
    return formatting.message_html(text)


@register.simple_tag(takes_context=True)
def unread_counts(context: dict[str, Any]) -> dict[str, int]:
    """{% unread_counts as counts %}: unread messages and notices for the signed-in person, in one query.

    Computed once per request even if the header asks twice.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_messages": 0, "unread_notices": 0}
    cached: dict[str, int] | None = getattr(request, "_messaging_unread_counts", None)
    if cached is None:
        cached = selectors.header_counts(user)
        request._messaging_unread_counts = cached  # type: ignore[union-attr]
    return cached
