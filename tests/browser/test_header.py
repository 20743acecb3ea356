"""The header as people see it: the programme team's full set of links fits on one line at 1280 px, the account
links sit apart in the black bar, and on a phone the links fold behind the "Menu" button."""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, expect

from accounts.models import User
from tests.ambassadors.factories import AmbassadorFactory
from tests.browser.conftest import assert_accessible, login_as, visit
from tests.factories import MembershipFactory, MentorProfileFactory

pytestmark = pytest.mark.browser


def _service_link_rows(page) -> int:  # type: ignore[no-untyped-def]
    items = page.locator(".govuk-service-navigation__item")
    return len({round(box["y"]) for box in (items.nth(i).bounding_box() for i in range(items.count())) if box})


def test_the_programme_teams_header_fits_on_one_line_at_1280_pixels(context: BrowserContext, staff: User) -> None:
    login_as(context, staff)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    visit(page, "/programme/")

    assert _service_link_rows(page) == 1
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link", name="Account")).to_be_visible()
    expect(account.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Programme")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page, "the programme team's header")


def test_a_member_who_mentors_and_is_an_ambassador_has_every_link_on_one_line(context: BrowserContext) -> None:
    # The most links anyone outside the programme team can have at once.
    person = MembershipFactory().user
    MentorProfileFactory(user=person)
    AmbassadorFactory(user=person)
    login_as(context, person)
    page = context.new_page()
    page.set_viewport_size({"width": 1280, "height": 800})
    visit(page, "/dashboard/")

    assert page.locator(".govuk-service-navigation__item").count() == 8
    assert _service_link_rows(page) == 1


def test_on_a_phone_the_links_fold_behind_the_menu_button(context: BrowserContext, staff: User) -> None:
    login_as(context, staff)
    page = context.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    visit(page, "/dashboard/")
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Vetting")).to_be_hidden()
    menu.get_by_role("button", name="Menu").click()
    expect(menu.get_by_role("link", name="Vetting")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
