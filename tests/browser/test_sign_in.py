"""The real sign-in form in Chromium: a member with a password, programme staff with a password and a security code."""

from __future__ import annotations

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery-staple"  # tests/factories.py's UserFactory password


def current_totp_code(user: User) -> str:
    """The 6-digit code the user's authenticator app shows now."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    period = getattr(settings, "MFA_TOTP_PERIOD", 30)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def test_a_member_signs_in_with_the_form(page: Page, member: User) -> None:
    sign_in(page, member.email, PASSWORD)
    expect(page).to_have_url(page.context.live_server_url + reverse(settings.LOGIN_REDIRECT_URL))  # type: ignore[attr-defined]
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    assert_accessible(page, "landing page after sign-in (member)")


def test_a_wrong_password_shows_the_error_summary(page: Page, member: User) -> None:
    sign_in(page, member.email, "not-the-password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_have_count(0)
    assert_accessible(page, "sign-in page with errors")


def test_programme_staff_sign_in_with_a_security_code(page: Page, staff: User) -> None:
    sign_in(page, staff.email, PASSWORD)
    expect(page).to_have_url(page.context.live_server_url + reverse("mfa_authenticate"))  # type: ignore[attr-defined]
    # Not signed in yet: the password alone is not enough for the programme team.
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_have_count(0)
    assert_accessible(page, "security code page")

    page.get_by_label("Security code").fill("000000" if current_totp_code(staff) != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    expect(page).to_have_title(re.compile(r"^Error: "))  # a wrong code is refused
    assert_accessible(page, "security code page with errors")

    page.get_by_label("Security code").fill(current_totp_code(staff))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    assert page.url != page.context.live_server_url + reverse("mfa_authenticate")  # type: ignore[attr-defined]
    assert_accessible(page, "landing page after sign-in (staff)")
