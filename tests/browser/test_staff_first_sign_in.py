"""A new member of the programme team signs in for the first time, in Chromium: password, authenticator set-up
(no second password prompt), recovery codes, then straight on to the programme dashboard."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.accounts.auth_helpers import PASSWORD, totp_code_for_secret
from tests.browser.conftest import assert_accessible, follow, path_of, sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def new_staff() -> User:
    return UserFactory(email="new.staff@example.org", full_name="Nia New", is_programme_team=True)


def test_first_sign_in_goes_password_then_authenticator_then_recovery_codes_then_dashboard(
    page: Page, new_staff: User
) -> None:
    sign_in(page, new_staff.email, PASSWORD)

    # Straight to the set-up: no "Confirm it is you" asking for the password just typed.
    assert path_of(page).split("?")[0] == reverse("mfa_activate_totp")
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    assert_accessible(page, "authenticator set-up (first sign-in)")

    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(totp_code_for_secret(secret))
    follow(page, page.get_by_role("button", name="Turn on two-factor authentication"))

    assert path_of(page) == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=new_staff, type=Authenticator.Type.TOTP).exists()
    # One banner says what just happened, not one per step allauth took.
    banners = page.locator(".govuk-notification-banner--success")
    expect(banners).to_have_count(1)
    expect(banners).to_contain_text("Two-factor authentication is on")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    assert_accessible(page, "recovery codes (first sign-in)")

    follow(page, page.get_by_role("button", name="Continue to the programme dashboard"))
    assert path_of(page) == reverse("programme:dashboard")
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    expect(page.locator(".govuk-notification-banner")).to_have_count(0)
