"""A new member of staff signs in once with the password and sets up two-factor authentication without being asked
for the password again; anyone whose authenticator predates the sign-in still confirms it is them."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.auth_helpers import PASSWORD, totp_code_for_secret
from tests.factories import UserFactory

# Transactional, as in production: allauth's "authenticator added" announcement runs after commit.
pytestmark = pytest.mark.django_db(transaction=True)

SECRET_SESSION_KEY = "mfa.totp.secret"


@pytest.fixture
def new_staff() -> User:
    return UserFactory(email="new.staff@example.org", full_name="Nia New", is_programme_team=True)


def sign_in_with_password(client: Client, user: User) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302


def test_password_then_authenticator_then_recovery_codes_without_a_second_password_prompt(
    client: Client, new_staff: User
) -> None:
    sign_in_with_password(client, new_staff)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200  # no "Confirm it is you"
    code = totp_code_for_secret(client.session[SECRET_SESSION_KEY])

    response = client.post(reverse("mfa_activate_totp"), {"code": code})

    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=new_staff, type=Authenticator.Type.TOTP).exists()
    # The audit log records who set up which kind of second factor (never its secret).
    logged = LogEntry.objects.filter(content_type__model="authenticator", actor=new_staff)
    assert sorted(entry.changes["type"][1] for entry in logged) == ["recovery_codes", "totp"]
    page = client.get(reverse("mfa_view_recovery_codes"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Continue to the programme dashboard" in text
    assert f'href="{reverse("programme:dashboard")}"' in text
    # One banner for the whole set-up.
    assert text.count("govuk-notification-banner--success") == 1
    assert "Two-factor authentication is on" in text
    dashboard = client.get(reverse("programme:dashboard"))
    assert dashboard.status_code == 200
    assert "govuk-notification-banner" not in dashboard.content.decode()  # the banner was shown once, then gone


def test_an_authenticator_older_than_the_sign_in_still_needs_confirming(client: Client, staff: User) -> None:
    client.force_login(staff)  # signed in with the password and a code, after the authenticator was set up
    response = client.get(reverse("mfa_generate_recovery_codes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_after_the_window_the_password_is_asked_again(client: Client, new_staff: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    sign_in_with_password(client, new_staff)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
