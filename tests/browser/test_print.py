"""Printing the programme dashboard, the report and the forward look: every data table on paper, including the
charts' tables that are folded away in details elements on screen, and no navigation or controls."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.conftest import login_as, visit

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("url_name", ["programme:dashboard", "programme:report"])
def test_printing_a_programme_page_shows_the_chart_tables_and_hides_navigation_and_filters(
    page: Page, staff: User, url_name: str
) -> None:
    login_as(page.context, staff)
    visit(page, reverse(url_name))
    chart_tables = page.locator("main .app-chart details table")
    assert chart_tables.count() > 0
    # On screen the tables are folded away and the navigation and filters are there.
    expect(chart_tables.first).to_be_hidden()
    expect(page.locator("header .govuk-service-navigation")).to_be_visible()
    expect(page.locator("form.app-trend-filters")).to_be_visible()

    page.emulate_media(media="print")

    for index in range(chart_tables.count()):
        expect(chart_tables.nth(index)).to_be_visible()
    # The table's caption names it on paper, where the "Show the data" summary is gone.
    expect(page.locator("main .app-chart details table caption").first).to_be_visible()
    expect(page.locator("main .app-chart summary").first).to_be_hidden()
    expect(page.locator("header .govuk-service-navigation")).to_be_hidden()
    expect(page.locator("header .app-account-nav")).to_be_hidden()
    expect(page.locator("form.app-trend-filters")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()


def test_printing_the_forward_look_shows_its_tables_and_hides_the_navigation(page: Page) -> None:
    visit(page, reverse("forward_look:page"))

    page.emulate_media(media="print")

    tables = page.locator("main table")
    assert tables.count() >= 3
    for index in range(tables.count()):
        expect(tables.nth(index)).to_be_visible()
    expect(page.locator("header .govuk-service-navigation")).to_be_hidden()
    # A wide table is not cut off at the page's edge: its scrolling box lets it overflow onto the paper.
    assert page.evaluate(
        "[...document.querySelectorAll('.app-table-scroll')]"
        ".every(box => getComputedStyle(box).overflowX === 'visible')"
    )
