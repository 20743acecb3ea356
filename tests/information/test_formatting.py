"""Guidance in Markdown becomes GOV.UK HTML, and nothing a person typed can become markup or a script link."""

from __future__ import annotations

import pytest

from information.formatting import markdown_to_html


def test_markdown_becomes_govuk_markup_with_headings_below_the_page_title() -> None:
    html = markdown_to_html("# Heading\n\nText with **bold**.\n\n- one\n- two\n\n[A link](https://example.org)")
    assert '<h2 class="govuk-heading-m">Heading</h2>' in html
    assert '<p class="govuk-body">Text with <strong>bold</strong>.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert '<a class="govuk-link" href="https://example.org" rel="noopener noreferrer">A link</a>' in html
    assert "<h1" not in html


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<div onclick=alert(1)>click</div>",
        '<a href="javascript:alert(1)">x</a>',
        "<style>body{display:none}</style>",
        "<iframe src=https://example.org></iframe>",
    ],
)
def test_html_typed_into_guidance_is_shown_as_text(typed: str) -> None:
    html = markdown_to_html(f"Before {typed} after")
    assert "<script" not in html and "<img" not in html and "<iframe" not in html and "<style" not in html
    assert "&lt;" in html  # the typed markup is there, escaped


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<b>x</b>", "vbscript:x"]
)
def test_links_to_scripts_lose_their_link_but_keep_their_words(href: str) -> None:
    html = markdown_to_html(f"[words]({href})")
    assert "<a" not in html
    assert "words" in html


def test_relative_and_mail_links_are_kept() -> None:
    html = markdown_to_html("[guide](/how-to-set-up-a-mutual/) and [mail](mailto:team@example.org)")
    assert 'href="/how-to-set-up-a-mutual/"' in html
    assert 'href="mailto:team@example.org"' in html


def test_tables_get_govuk_classes_and_header_scope() -> None:
    html = markdown_to_html("| Form | Owner |\n|---|---|\n| CIC | members |")
    assert '<table class="govuk-table">' in html
    assert '<th class="govuk-table__header" scope="col">Form</th>' in html
