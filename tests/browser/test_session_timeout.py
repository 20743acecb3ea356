"""The session time-out warning in Chromium, with the limits shrunk to seconds so that it appears at once.

The server side (figures, CSRF, who may ask) is tested in tests/accounts/test_session_timeout.py. These tests wait
for real time to pass, as a time-out needs; every wait is still for a condition, bounded by a timeout.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from tests.browser.conftest import assert_accessible, login_as, path_of, visit

pytestmark = pytest.mark.browser

DASHBOARD = reverse("accounts:dashboard")
SIGN_IN_AFTER_DASHBOARD = re.compile(re.escape(reverse("account_login") + "?next=%2Fdashboard%2F") + "$")
# Long enough for a warning to appear and be dealt with, on a slow machine too.
WAIT_MS = 20_000


@pytest.fixture
def short_idle_limit(settings: Any) -> None:
    """Signed out after 12 idle seconds, warned after 3 of them."""
    settings.SESSION_COOKIE_AGE = 12
    settings.SESSION_WARNING_SECONDS = 9


def session_key(context: BrowserContext) -> str:
    return next(cookie["value"] for cookie in context.cookies() if cookie["name"] == "sessionid")


def session_is_live(key: str) -> bool:
    session = Session.objects.filter(session_key=key, expire_date__gt=timezone.now()).first()
    return session is not None and "_auth_user_id" in session.get_decoded()


def focused_text(page: Page) -> str | None:
    """The text of the focused element, if it is inside an open dialog."""
    focused: str | None = page.evaluate(
        "() => document.activeElement.closest('dialog[open]') && document.activeElement.textContent.trim()"
    )
    return focused


def idle_dialog(page: Page) -> Any:
    return page.get_by_role("dialog", name="You are about to be signed out")


def test_the_idle_warning_lets_you_stay_signed_in_and_signs_you_out_if_you_do_nothing(
    context: BrowserContext, member: User, short_idle_limit: None
) -> None:
    login_as(context, member)
    page = context.new_page()
    visit(page, DASHBOARD)
    key = session_key(context)
    first_expiry = Session.objects.get(session_key=key).expire_date
    dialog = idle_dialog(page)

    expect(dialog).to_be_visible(timeout=WAIT_MS)
    expect(dialog).to_contain_text("You will be signed out in 1 minute because you have not done anything for a while")
    assert focused_text(page) == "Stay signed in"
    assert_accessible(page, "session time-out warning")

    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    assert Session.objects.get(session_key=key).expire_date > first_expiry

    # Past the time the first warning counted down to, still signed in: the warning comes round again instead.
    page.wait_for_function("end => Date.now() > end", arg=(first_expiry + timedelta(seconds=1)).timestamp() * 1000)
    assert session_is_live(key)
    assert path_of(page) == DASHBOARD
    expect(dialog).to_be_visible(timeout=WAIT_MS)

    # Nothing done this time: the browser ends on the sign-in page, to come back to the dashboard afterwards.
    page.wait_for_url(SIGN_IN_AFTER_DASHBOARD, timeout=WAIT_MS)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert not session_is_live(key)


def test_activity_in_another_tab_closes_the_warning_instead_of_signing_out(
    context: BrowserContext, member: User, settings: Any
) -> None:
    settings.SESSION_COOKIE_AGE = 12
    settings.SESSION_WARNING_SECONDS = 4  # warned after 8 idle seconds
    login_as(context, member)
    first_tab = context.new_page()
    visit(first_tab, DASHBOARD)
    dialog = idle_dialog(first_tab)
    expect(dialog).to_be_visible(timeout=WAIT_MS)
    # Gone if the tab navigates, even if it lands back on the dashboard (the sign-in page does that when signed in).
    first_tab.evaluate("() => { window.sameDocument = true; }")

    # 8 seconds in, a page opened in another tab renews the session for 12 more.
    visit(context.new_page(), reverse("accounts:mutual_directory"))

    # When the first tab's countdown ends it asks the server, finds time left and closes the warning.
    expect(dialog).to_be_hidden(timeout=WAIT_MS)
    assert first_tab.evaluate("() => window.sameDocument") is True
    assert session_is_live(session_key(context))


def test_the_absolute_limit_is_announced_cannot_be_extended_and_ends_the_session(
    context: BrowserContext, member: User, settings: Any
) -> None:
    settings.SESSION_ABSOLUTE_LIMIT = timedelta(seconds=8)
    settings.SESSION_WARNING_SECONDS = 5  # warned 3 seconds after the first page
    login_as(context, member)
    page = context.new_page()
    visit(page, DASHBOARD)  # the first signed-in request: the absolute limit starts here
    key = session_key(context)
    dialog = page.get_by_role("dialog", name="You will be signed out soon")

    expect(dialog).to_be_visible(timeout=WAIT_MS)
    expect(dialog).to_contain_text("this cannot be extended")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_have_count(0)
    assert focused_text(page) == "Continue"
    assert_accessible(page, "session absolute limit warning")

    page.keyboard.press("Escape")  # the same as "Continue"
    expect(dialog).to_be_hidden()

    page.wait_for_url(SIGN_IN_AFTER_DASHBOARD, timeout=WAIT_MS)
    assert not Session.objects.filter(session_key=key).exists()  # signed out by the server, not only sent away
