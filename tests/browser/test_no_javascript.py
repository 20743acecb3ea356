"""Every page works without JavaScript: the key forms, in Chromium with JavaScript switched off.

axe-core needs JavaScript, so it is not run here; the markup is the same as in the sweep, which checks it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, expect

from accounts.models import Mutual, User
from tests.browser.conftest import follow, login_as, page_problems, path_of, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    context = new_context(java_script_enabled=False)
    return context


def assert_scripts_did_not_run(page) -> None:  # type: ignore[no-untyped-def]
    # static/js/init.js adds "js-enabled" to <body> when scripts run: proof that this really is a no-JS visit.
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")


def test_sign_up_works_without_javascript(no_js: BrowserContext) -> None:
    page = no_js.new_page()
    visit(page, reverse("account_signup"))
    assert_scripts_did_not_run(page)

    # An empty form comes back with the error summary, nothing saved.
    follow(page, page.get_by_role("button", name="Create account"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert not User.objects.exists()
    assert page_problems(page) == []

    page.get_by_label("Full name").fill("Nadia Noscript")
    page.get_by_label("Email address").fill("nadia@example.org")
    page.get_by_label("Create a password").fill("a-long-unusual-passphrase-42")
    page.get_by_label("Confirm your password").fill("a-long-unusual-passphrase-42")
    follow(page, page.get_by_role("button", name="Create account"))
    assert path_of(page) == reverse("account_email_verification_sent")
    assert User.objects.get(email="nadia@example.org").full_name == "Nadia Noscript"


def test_creating_a_mutual_works_without_javascript(no_js: BrowserContext, outsider: User) -> None:
    login_as(no_js, outsider)
    page = no_js.new_page()
    visit(page, reverse("accounts:mutual_create"))
    assert_scripts_did_not_run(page)
    page.get_by_label("Name of the mutual").fill("Quiet Lane Libraries")
    page.get_by_label("Libraries and culture").check()
    page.get_by_label("Region").select_option(label="South West")
    page.get_by_label("Exploring").check()
    page.get_by_label("Legal form").select_option(label="Not decided yet")
    follow(page, page.get_by_role("button", name="Create profile"))
    mutual = Mutual.objects.get(name="Quiet Lane Libraries")
    assert path_of(page) == reverse("accounts:mutual_detail", kwargs={"slug": mutual.slug})
    assert list(mutual.members.all()) == [outsider]
    assert page_problems(page) == []


def test_directory_filters_work_without_javascript(no_js: BrowserContext, member: User, mentor: User) -> None:
    login_as(no_js, member)
    page = no_js.new_page()
    visit(page, reverse("accounts:mentor_directory"))
    filters = page.locator("form[method=get]")
    filters.get_by_role("group", name="Region").get_by_label("London").check()
    follow(page, filters.get_by_role("button", name="Apply filters"))
    assert "region=london" in path_of(page)
    # Bob mentors from the North West: filtered out.
    expect(page.get_by_role("link", name=mentor.full_name)).to_have_count(0)
    filters.get_by_role("group", name="Region").get_by_label("North West").check()
    follow(page, filters.get_by_role("button", name="Apply filters"))
    expect(page.get_by_role("link", name=mentor.full_name)).to_have_count(1)
