"""Turns a plain-text message into safe HTML: everything escaped, line breaks kept, http(s) links clickable.

The text is split on the links first, and every piece (link or not) is escaped on its own, so no character the
person typed can ever reach the page as markup. Only http:// and https:// addresses become links; javascript:,
data: and every other scheme stay plain text.
"""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# Stops at whitespace, quotes and angle brackets, and at invisible formatting characters (bidirectional
# overrides, zero-width spaces) that could disguise where a link goes.
URL_PATTERN = re.compile(
    r"\bhttps?://[^\s<>\"'`\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+",
    re.IGNORECASE,
)
TRAILING_PUNCTUATION = ".,:;!?)]}'\""


def _link(url: str) -> tuple[str, str]:
    """Split trailing punctuation off a matched address ("see https://x.org." links https://x.org)."""
    trimmed = url.rstrip(TRAILING_PUNCTUATION)
    # Keep a closing bracket that belongs to the address, as in Wikipedia links: ..._(disambiguation)
    while url[len(trimmed) : len(trimmed) + 1] == ")" and trimmed.count("(") > trimmed.count(")"):
        trimmed += ")"
    return trimmed, url[len(trimmed) :]


def _escape_with_breaks(text: str) -> str:
    return str(escape(text)).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def message_html(text: str) -> SafeString:
    """The message as HTML: escaped text, <br> for line breaks, http(s) links with rel="nofollow noopener"."""
    parts: list[str] = []
    position = 0
    for match in URL_PATTERN.finditer(text):
        url, trailing = _link(match.group(0))
        parts.append(_escape_with_breaks(text[position : match.start()]))
        parts.append(
            str(format_html('<a href="{}" class="govuk-link" rel="nofollow noopener noreferrer">{}</a>', url, url))
        )
        parts.append(_escape_with_breaks(trailing))
        position = match.end()
    parts.append(_escape_with_breaks(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped
