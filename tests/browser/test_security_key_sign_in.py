"""A new member of the programme team chooses a security key rather than an authenticator app, in Chromium with a
virtual authenticator (the DevTools protocol's WebAuthn domain): password, add the key (no second password prompt),
recovery codes, dashboard; then signs out and back in with password and key.

WebAuthn refuses IP addresses as the relying party: the live server is reached as http://localhost (pytest-django's
default address), which browsers treat as a secure context and fido2 accepts as an origin.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from accounts.models import User
from tests.accounts.auth_helpers import PASSWORD
from tests.browser.conftest import assert_accessible, follow, path_of, sign_in, visit
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def new_staff() -> User:
    return UserFactory(email="kai.key@example.org", full_name="Kai Key", is_programme_team=True)


@pytest.fixture
def authenticator(context: BrowserContext, page: Page) -> Iterator[dict[str, Any]]:
    """A platform authenticator that says yes at once: resident keys, user verification done (a fingerprint)."""
    assert page.context.live_server_url.startswith("http://localhost:")  # type: ignore[attr-defined]
    session = context.new_cdp_session(page)
    session.send("WebAuthn.enable", {"enableUI": False})
    added = session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    state = {"session": session, "id": added["authenticatorId"]}
    yield state
    session.detach()


def _credentials(state: dict[str, Any]) -> list[dict[str, Any]]:
    result = state["session"].send("WebAuthn.getCredentials", {"authenticatorId": state["id"]})
    return list(result["credentials"])


def test_a_new_member_of_staff_signs_in_with_a_security_key(
    page: Page, new_staff: User, authenticator: dict[str, Any]
) -> None:
    sign_in(page, new_staff.email, PASSWORD)
    assert path_of(page).split("?")[0] == reverse("mfa_activate_totp")

    # They choose a key instead of an app, with no "confirm your password" in between.
    follow(page, page.get_by_role("link", name="Add a security key"))
    assert path_of(page) == reverse("mfa_add_webauthn")
    expect(page.get_by_role("heading", name="Add a security key")).to_be_visible()
    expect(page.get_by_text("You must set up two-factor authentication")).to_be_visible()
    assert_accessible(page, "add a security key (first sign-in)")  # also: no CSP refusal of allauth's scripts
    page.get_by_label("Name of the key").fill("Work laptop")
    follow(page, page.get_by_role("button", name="Add security key"))

    assert path_of(page) == reverse("mfa_view_recovery_codes")
    (key,) = Authenticator.objects.filter(user=new_staff, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Work laptop"
    assert len(_credentials(authenticator)) == 1
    banners = page.locator(".govuk-notification-banner--success")
    expect(banners).to_have_count(1)
    expect(banners).to_contain_text("Two-factor authentication is on with your security key")
    expect(page.locator(".app-recovery-codes li")).to_have_count(10)
    (email,) = [
        message for message in mail.outbox if message.subject.endswith("A security key has been added to your account")
    ]
    assert email.to == [new_staff.email] and "You can now sign in with your password and this key." in email.body

    # Setting the key up proved it: straight on to the dashboard.
    follow(page, page.get_by_role("button", name="Continue to the programme dashboard"))
    assert path_of(page) == reverse("programme:dashboard")

    # Out, and back in with the password and the key.
    follow(page, page.get_by_role("button", name="Sign out"))
    sign_in(page, new_staff.email, PASSWORD)
    assert path_of(page).split("?")[0] == reverse("mfa_authenticate")
    expect(page.get_by_role("heading", name="Use your security key")).to_be_visible()
    assert_accessible(page, "use your security key (sign-in)")
    follow(page, page.get_by_role("button", name="Use your security key"))

    # Signed in (to the dashboard every sign-in lands on), and the key counts as the second factor for staff pages.
    assert path_of(page) == reverse("accounts:dashboard")
    expect(page.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    visit(page, reverse("programme:dashboard"))
    assert path_of(page) == reverse("programme:dashboard")
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    key.refresh_from_db()
    assert key.last_used_at is not None

    # The audit log records the second factors set up (their kind, never the secret), by whom.
    visit(page, f"{reverse('programme:audit_log')}?actor={new_staff.email}")
    text = " ".join(page.locator("main").inner_text().split())
    assert text.count("Created authenticator") == 2  # the key, then the recovery codes allauth made with it
    assert "Kai Key" in text and "(empty) → changed to webauthn" in text
