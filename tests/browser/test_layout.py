"""Layout at a desktop width: the programme dashboard's cards never break a word in the middle."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from accounts.models import User
from tests.browser.conftest import login_as, visit

pytestmark = pytest.mark.browser

# Each word of the cards' text as laid out: a word drawn on two lines has two boxes ("ambassado" / "rs").
BROKEN_WORDS = """
(selector) => {
  const broken = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.govuk-visually-hidden')) continue;
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
"""


@pytest.mark.parametrize("width", [1280, 1024, 800])
@pytest.mark.parametrize("url_name", ["programme:dashboard", "accounts:dashboard"])
def test_the_dashboard_cards_break_no_word_in_the_middle(page: Page, staff: User, width: int, url_name: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    login_as(page.context, staff)
    visit(page, reverse(url_name))
    assert page.evaluate(BROKEN_WORDS, "main .govuk-summary-card, main .app-card, main .govuk-grid-row") == []
    # ...and nothing is pushed wider than the window instead.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
