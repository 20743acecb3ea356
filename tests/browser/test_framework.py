"""The browser checks themselves can fail: a check that cannot fail would make every page "accessible"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import BLOCKING_IMPACTS, axe_violations, page_problems, visit

pytestmark = pytest.mark.browser


def test_axe_reports_a_serious_violation(page: Page) -> None:
    visit(page, "/")
    # Break the page the way a careless template would: an image without a text alternative, a nameless input.
    page.evaluate(
        """() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend', '<img src="/static/images/favicon.svg"><input type="text">');
        }"""
    )
    # axe_violations, not assert_accessible: this page must not count in the session's ledger of real pages.
    blocking = {v["id"] for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS}
    assert {"image-alt", "label"} <= blocking


def test_pages_are_checked_with_the_content_security_policy_on(page: Page) -> None:
    response = visit(page, "/")
    assert "script-src 'self'" in (response.headers.get("content-security-policy") or "")
    # An inline script, as a stored XSS would inject: the CSP must refuse it and the check must say so.
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.__inlineRan = true';
            document.body.appendChild(script);
        }"""
    )
    assert page.evaluate("() => window.__inlineRan") is None
    problems = page_problems(page)
    assert any("Content Security Policy" in problem for problem in problems), problems
