"""Guidance pages and case studies are written in Markdown by the programme team and shown as HTML.

Two defences, so that no HTML a person typed ever reaches a page:
1. Python-Markdown runs without its raw-HTML support: `<script>` in the text is escaped as text, not passed on.
2. The HTML it produces is then cleaned by nh3 (the Ammonia sanitiser) to an allow-list of tags, attributes,
   classes and link schemes, so even a Markdown feature we did not think of cannot smuggle anything else in.

Headings are moved down a level (a page's only <h1> is its title) and every element gets its GOV.UK Frontend
class, so guidance reads like the rest of the service.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

# Markdown "# Heading" becomes <h2>: the page title is the <h1>.
HEADING_LEVELS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
GOVUK_CLASSES = {
    "p": "govuk-body",
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "blockquote": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--m govuk-section-break--visible",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}
ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "hr",
    "br",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_CLASSES = {tag: set(classes.split()) for tag, classes in GOVUK_CLASSES.items()}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
# Relative links (into the service) and these schemes only: never javascript:, data: or vbscript:.
URL_SCHEMES = {"http", "https", "mailto"}


def _allowed_href(href: str) -> bool:
    scheme, colon, _ = href.partition(":")
    # No colon, or one after a "/", "?" or "#": a relative link. Otherwise the scheme must be on the list.
    return not colon or any(mark in scheme for mark in "/?#") or scheme.strip().lower() in URL_SCHEMES


class _GovukTreeprocessor(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            element.tag = HEADING_LEVELS.get(element.tag, element.tag)
            if element.tag == "a" and not _allowed_href(element.get("href", "")):
                # A link nh3 would strip of its href: keep the words, lose the link (a <span> nh3 then unwraps).
                element.tag = "span"
                element.attrib.clear()
                continue
            css = GOVUK_CLASSES.get(element.tag)
            if css:
                element.set("class", css)
            if element.tag == "th":
                element.set("scope", "col")


class _GovukExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # No raw HTML: a block or inline tag a person typed is shown as the text they typed.
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_GovukTreeprocessor(md), "govuk", 0)


def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=["tables", "sane_lists", _GovukExtension()], output_format="html")


def markdown_to_html(text: str) -> str:
    """The cleaned HTML of a Markdown text. Safe to mark safe: see the module's docstring."""
    html = _markdown().convert(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    return mark_safe(markdown_to_html(text))  # noqa: S308 - raw HTML disabled and the output sanitised by nh3
