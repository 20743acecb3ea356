"""Reads the parts of a rendered page that accessibility and GOV.UK pattern tests check, with the standard library."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any


@dataclass
class Page:
    title: str = ""
    h1s: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    error_summary_links: list[str] = field(default_factory=list)
    inline_scripts: int = 0
    style_attributes: int = 0
    forms_without_csrf: int = 0
    images: list[dict[str, str | None]] = field(default_factory=list)

    @property
    def has_error_summary(self) -> bool:
        return bool(self.error_summary_links)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._in_title = False
        self._h1_depth = 0
        self._h1_text: list[str] = []
        self._summary_depth = 0
        self._open_div_depth = 0
        self._script_has_src = True
        self._in_script = False
        self._form_method: str | None = None
        self._form_has_csrf = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.page.ids.add(attributes["id"] or "")
        if "style" in attributes:
            self.page.style_attributes += 1
        classes = (attributes.get("class") or "").split()
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._h1_depth += 1
            self._h1_text = []
        elif tag == "script":
            self._in_script = True
            self._script_has_src = bool(attributes.get("src"))
        elif tag == "img":
            self.page.images.append(attributes)
        elif tag == "form":
            self._form_method = (attributes.get("method") or "get").lower()
            self._form_has_csrf = False
        elif tag == "input" and attributes.get("name") == "csrfmiddlewaretoken":
            self._form_has_csrf = True
        if tag == "div":
            if "govuk-error-summary" in classes:
                self._summary_depth = 1
            elif self._summary_depth:
                self._summary_depth += 1
        if tag == "a" and self._summary_depth and attributes.get("href", "").startswith("#"):
            self.page.error_summary_links.append((attributes.get("href") or "#")[1:])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            self.page.h1s.append(" ".join("".join(self._h1_text).split()))
        elif tag == "script":
            if not self._script_has_src:
                self.page.inline_scripts += 1
            self._in_script = False
        elif tag == "form":
            if self._form_method == "post" and not self._form_has_csrf:
                self.page.forms_without_csrf += 1
            self._form_method = None
        elif tag == "div" and self._summary_depth:
            self._summary_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data
        if self._h1_depth:
            self._h1_text.append(data)


def read(html: bytes | str) -> Page:
    reader = _Reader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    reader.close()
    reader.page.title = " ".join(reader.page.title.split())
    return reader.page


def assert_well_formed_page(html: bytes | str, *, title_starts: str | None = None) -> Page:
    """One h1, a title, error summary links that land on real elements, no inline script or style, CSRF on POSTs."""
    page = read(html)
    assert len(page.h1s) == 1, f"expected exactly one h1, found {page.h1s}"
    assert page.title, "the page has no <title>"
    if title_starts is not None:
        assert page.title.startswith(title_starts), page.title
    missing = [target for target in page.error_summary_links if target not in page.ids]
    assert not missing, f"error summary links point at ids that are not on the page: {missing}"
    assert page.inline_scripts == 0, "inline <script> blocks are forbidden by the content security policy"
    assert page.style_attributes == 0, "style attributes are forbidden by the content security policy"
    assert page.forms_without_csrf == 0, "a POST form has no CSRF token"
    return page


def text_of(response_or_html: Any) -> str:
    """A page's words as a reader meets them: tags removed, entities decoded, runs of white space made one space."""
    html = getattr(response_or_html, "content", response_or_html)
    html = html.decode() if isinstance(html, bytes) else html
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split()).replace(" .", ".").replace(" ,", ",")
