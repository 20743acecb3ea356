"""django-allauth's emails read as this service's: its name and words (not "Hello from 127.0.0.1:18801!"), a subject
in plain text, an HTML part in the service's email layout, and links on SITE_URL that open the right page."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.auth_helpers import PASSWORD, reauthenticate, totp_code_for_secret

pytestmark = pytest.mark.django_db

SITE_NAME = "Mutuals mentoring and ambassadors"


def _only_email_to(address: str) -> mail.EmailMessage:
    [message] = [message for message in mail.outbox if address in message.to]
    return message


def _links(text: str) -> list[str]:
    """Every link in the text but the service's address in the sign-off."""
    return [link for link in re.findall(r"https?://[^\s<>\"]+", text) if link.rstrip("/") != settings.SITE_URL]


def _path(url: str, site_url: str) -> str:
    assert url.startswith(f"{site_url}/"), f"{url} is not on {site_url}"
    return url.removeprefix(site_url)


def assert_in_the_services_own_form(message: mail.EmailMessage, site_url: str) -> None:
    subject = message.subject
    assert subject.startswith("[Mutuals mentoring] ")
    assert "&#" not in subject and "&amp;" not in subject and "\n" not in subject
    body = message.body
    assert SITE_NAME in body
    for default in ("Hello from", "Thank you for using", "testserver", "example.com", "You're receiving"):
        assert default not in body, f"allauth's default wording is still there: {default!r}"
    assert f"\n{site_url}\n" in body  # the sign-off
    links = _links(body)
    assert links, "the email has no link"
    assert all(link.startswith(f"{site_url}/") for link in links), links
    [(html, mimetype)] = message.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert SITE_NAME in html
    assert f"<title>{subject}</title>" in html
    for link in links:
        assert f'href="{link}"' in html  # the same links, clickable


def test_the_sign_up_email_confirms_the_address_on_the_served_address(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "http://127.0.0.1:8080"
    client.post(
        reverse("account_signup"),
        {"full_name": "Erin O'Brien", "email": "erin@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    message = _only_email_to("erin@example.org")

    assert message.subject == "[Mutuals mentoring] Confirm your email address to finish setting up your account"
    assert_in_the_services_own_form(message, "http://127.0.0.1:8080")
    assert "created an account on Mutuals mentoring and ambassadors with this email address, erin@example.org" in (
        message.body
    )
    [link] = _links(message.body)
    assert "/account/confirm-email/" in link
    # Following it lands on the confirmation page, whose button confirms the address.
    page = client.get(_path(link, "http://127.0.0.1:8080"))
    assert page.status_code == 200
    assert b"Confirm your email address" in page.content
    assert client.post(_path(link, "http://127.0.0.1:8080")).status_code == 302
    assert EmailAddress.objects.get(email="erin@example.org").verified


def test_the_password_reset_email_links_to_choosing_a_new_password(client: Client, outsider: User, settings) -> None:  # type: ignore[no-untyped-def]
    client.post(reverse("account_reset_password"), {"email": outsider.email})

    message = _only_email_to(outsider.email)

    assert message.subject == "[Mutuals mentoring] Reset your password"
    assert_in_the_services_own_form(message, settings.SITE_URL)
    [link] = _links(message.body)
    response = client.get(_path(link, settings.SITE_URL), follow=True)
    assert response.status_code == 200
    assert b"new password" in response.content.lower()


def test_asking_to_reset_the_password_of_an_unknown_address_says_there_is_no_account(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    message = _only_email_to("nobody@example.org")

    assert message.subject == "[Mutuals mentoring] There is no account with this email address"
    assert_in_the_services_own_form(message, settings.SITE_URL)
    [link] = _links(message.body)
    assert client.get(_path(link, settings.SITE_URL)).status_code == 200  # the sign-up page


def test_changing_the_email_address_confirms_the_new_one_and_tells_the_old_one(
    client: Client, outsider: User, settings
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    reauthenticate(client)
    client.post(reverse("account_email"), {"action_add": "", "email": "charlie.new@example.org"})

    confirmation = _only_email_to("charlie.new@example.org")
    assert confirmation.subject == "[Mutuals mentoring] Confirm your email address"
    assert "asked to use charlie.new@example.org for an account on Mutuals mentoring and ambassadors" in (
        confirmation.body
    )
    assert_in_the_services_own_form(confirmation, settings.SITE_URL)

    [link] = _links(confirmation.body)
    assert client.post(_path(link, settings.SITE_URL)).status_code == 302

    changed = _only_email_to("charlie@example.org")
    assert changed.subject == "[Mutuals mentoring] Your email address has been changed"
    assert "has been changed from charlie@example.org to charlie.new@example.org" in changed.body
    assert "If you did not make this change" in changed.body
    assert_in_the_services_own_form(changed, settings.SITE_URL)
    [reset_link] = _links(changed.body)
    assert _path(reset_link, settings.SITE_URL) == reverse("account_reset_password")


@pytest.mark.django_db(transaction=True)  # allauth sends this email after commit, as in production
def test_turning_on_two_factor_authentication_is_confirmed_by_email(client: Client, outsider: User, settings) -> None:  # type: ignore[no-untyped-def]
    client.force_login(outsider)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    code = totp_code_for_secret(client.session[SECRET_SESSION_KEY])
    assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302

    message = _only_email_to(outsider.email)

    assert message.subject == "[Mutuals mentoring] Two-factor authentication is now on"
    assert "An authenticator app has been set up for your account on Mutuals mentoring and ambassadors" in (
        message.body
    )
    assert "If you did not make this change" in message.body
    assert_in_the_services_own_form(message, settings.SITE_URL)


def test_names_with_apostrophes_are_not_html_escaped_in_the_text_or_the_subject(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_NAME = "O'Brien & Partners' mentoring"
    client.post(
        reverse("account_signup"),
        {"full_name": "Erin", "email": "erin@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    message = _only_email_to("erin@example.org")

    assert "O'Brien & Partners' mentoring" in message.body
    [(html, _)] = message.alternatives  # type: ignore[attr-defined]
    assert "O&#x27;Brien &amp; Partners&#x27; mentoring" in html  # escaped once, in the HTML part only
