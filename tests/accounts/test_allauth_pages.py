"""allauth's pages render in the GOV.UK layout, with one h1, an error summary whose links land on inputs, and no
inline script or style (the CSP forbids them). Also the flows behind the pages: confirm by POST, reset a password,
change email, set up and use two-factor authentication."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.auth_helpers import (
    PASSWORD,
    links_in_last_email,
    path_of,
    reauthenticate,
    reauthenticate_with_code,
    totp_code,
    totp_code_for_secret,
)
from tests.factories import UserFactory
from tests.markup import assert_well_formed_page, read

pytestmark = pytest.mark.django_db


def assert_govuk_page(response, h1: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    page = assert_well_formed_page(response.content)
    assert page.h1s == [h1]
    assert page.title.endswith(settings.SITE_NAME), page.title
    html = response.content.decode()
    # Our layout, not allauth's bare default.
    assert "govuk-template__header" in html
    assert "govuk-footer" in html


@pytest.mark.parametrize(
    ("url_name", "h1"),
    [
        ("account_login", "Sign in"),
        ("account_signup", "Create an account"),
        ("account_reset_password", "Reset your password"),
        ("account_reset_password_done", "Check your email"),
        ("account_reset_password_from_key_done", "Your password has been changed"),
        ("account_email_verification_sent", "Check your email"),
        ("account_inactive", "This account is not active"),
    ],
)
def test_signed_out_pages_use_the_govuk_layout(client: Client, url_name: str, h1: str) -> None:
    assert_govuk_page(client.get(reverse(url_name)), h1)


@pytest.mark.parametrize(
    ("url_name", "h1"),
    [
        ("account_logout", "Sign out"),
        ("account_email", "Your email address"),
        ("account_change_password", "Change your password"),
        ("account_reauthenticate", "Confirm it is you"),
        ("mfa_index", "Two-factor authentication"),
    ],
)
def test_account_pages_use_the_govuk_layout(client: Client, outsider: User, url_name: str, h1: str) -> None:
    client.force_login(outsider)
    assert_govuk_page(client.get(reverse(url_name)), h1)


def test_password_set_page_for_an_account_without_a_password(client: Client) -> None:
    user = UserFactory(password=None)
    user.set_unusable_password()
    user.save()
    client.force_login(user)
    assert_govuk_page(client.get(reverse("account_set_password")), "Set a password")


def test_sign_in_with_a_wrong_password_shows_an_error_summary_linking_to_the_email_field(
    client: Client, outsider: User
) -> None:
    response = client.post(reverse("account_login"), {"login": outsider.email, "password": "not-my-password"})
    assert response.status_code == 200
    page = assert_well_formed_page(response.content)
    assert page.title.startswith("Error: ")
    assert page.error_summary_links == ["id_login"]
    assert "_auth_user_id" not in client.session


def test_sign_up_with_nothing_filled_in_shows_every_error_and_saves_nothing(client: Client) -> None:
    response = client.post(reverse("account_signup"), {})
    assert response.status_code == 200
    page = assert_well_formed_page(response.content)
    assert page.title.startswith("Error: ")
    assert page.error_summary_links == ["id_full_name", "id_email", "id_password1", "id_password2"]
    html = response.content.decode()
    assert html.count('class="govuk-error-message"') == 4
    assert 'aria-describedby="id_email-hint id_email-error"' in html
    assert "placeholder=" not in html, "GOV.UK forms do not use placeholders"
    assert not User.objects.exists()


def test_sign_up_with_a_weak_or_mismatched_password_is_refused(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Erin", "email": "erin@example.org", "password1": "12345678", "password2": "different"},
    )
    page = assert_well_formed_page(response.content)
    assert "id_password1" in page.error_summary_links
    assert not User.objects.filter(email="erin@example.org").exists()


def test_sign_up_escapes_html_in_the_name(client: Client) -> None:
    response = client.post(
        reverse("account_signup"), {"full_name": "<script>alert(1)</script>", "email": "not an email"}
    )
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


class TestConfirmEmail:
    def _confirmation_path(self, client: Client) -> str:
        client.post(
            reverse("account_signup"),
            {"full_name": "Erin Example", "email": "erin@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
        [link] = [url for url in links_in_last_email("erin@example.org") if "/confirm-email/" in url]
        return path_of(link)

    def test_following_the_link_shows_a_button_and_does_not_confirm_on_get(self, client: Client) -> None:
        path = self._confirmation_path(client)
        response = client.get(path)
        assert_govuk_page(response, "Confirm your email address")
        # allauth signs the key with the time, so the page's own link differs from the email's when a second has
        # passed since it was sent: the form must post to a confirmation link for the same address.
        [action] = re.findall(r'<form method="post" action="(/account/confirm-email/[^"]+)"', response.content.decode())
        assert action.split(":")[0] == path.split(":")[0]
        assert not EmailAddress.objects.get(email="erin@example.org").verified

    def test_pressing_the_button_confirms(self, client: Client) -> None:
        path = self._confirmation_path(client)
        response = client.post(path)
        assert response.status_code == 302
        assert EmailAddress.objects.get(email="erin@example.org").verified

    def test_a_made_up_key_says_the_link_is_not_valid(self, client: Client) -> None:
        response = client.get(reverse("account_confirm_email", kwargs={"key": "not-a-real-key"}))
        assert_govuk_page(response, "This link has expired or is not valid")


class TestPasswordReset:
    def test_reset_by_email_link_then_sign_in_with_the_new_password(self, client: Client, outsider: User) -> None:
        response = client.post(reverse("account_reset_password"), {"email": outsider.email})
        assert response.status_code == 302
        [link] = [url for url in links_in_last_email(outsider.email) if "/password/reset/key/" in url]

        # The link redirects to a URL without the key, so the key cannot leak through the Referer header.
        response = client.get(path_of(link))
        assert response.status_code == 302
        form_page = client.get(response["Location"])
        assert_govuk_page(form_page, "Choose a new password")

        new_password = "a-brand-new-long-password"
        bad = client.post(response["Location"], {"password1": new_password, "password2": "something-else-entirely"})
        assert read(bad.content).error_summary_links == ["id_password2"]

        done = client.post(response["Location"], {"password1": new_password, "password2": new_password})
        assert done.status_code == 302
        assert done["Location"] == reverse("account_reset_password_from_key_done")
        outsider.refresh_from_db()
        assert outsider.check_password(new_password)

    def test_a_used_or_made_up_link_says_so(self, client: Client, outsider: User) -> None:
        url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "made-up-key"})
        assert_govuk_page(client.get(url), "This link has expired or has already been used")


class TestPasswordChange:
    def test_wrong_current_password_is_refused_with_an_inline_error(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": "wrong", "password1": "another-long-password", "password2": "another-long-password"},
        )
        page = assert_well_formed_page(response.content)
        assert page.error_summary_links == ["id_oldpassword"]
        outsider.refresh_from_db()
        assert outsider.check_password(PASSWORD)

    def test_change_password(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": "another-long-password", "password2": "another-long-password"},
        )
        assert response.status_code == 302
        outsider.refresh_from_db()
        assert outsider.check_password("another-long-password")


class TestChangeEmail:
    def test_change_shows_the_pending_address_until_it_is_confirmed(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        reauthenticate(client)
        response = client.post(reverse("account_email"), {"action_add": "", "email": "charlie.new@example.org"})
        assert response.status_code == 302
        page = client.get(reverse("account_email"))
        assert_govuk_page(page, "Your email address")
        html = page.content.decode()
        assert "charlie.new@example.org" in html
        assert "Not confirmed yet" in html
        assert "Cancel this change" in html
        assert any("/confirm-email/" in url for url in links_in_last_email("charlie.new@example.org"))
        outsider.refresh_from_db()
        assert outsider.email == "charlie@example.org", "the address only changes once the new one is confirmed"

    def test_changing_the_address_asks_for_the_password_first_then_carries_on(
        self, client: Client, outsider: User
    ) -> None:
        client.force_login(outsider)
        response = client.post(reverse("account_email"), {"action_add": "", "email": "charlie.new@example.org"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        assert not EmailAddress.objects.filter(email="charlie.new@example.org").exists()

        resumed = client.post(response["Location"], {"password": PASSWORD})
        assert resumed.status_code == 302
        assert EmailAddress.objects.filter(user=outsider, email="charlie.new@example.org", verified=False).exists()

    def test_cancel_the_change(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        reauthenticate(client)
        client.post(reverse("account_email"), {"action_add": "", "email": "charlie.new@example.org"})
        client.post(reverse("account_email"), {"action_remove": "", "email": "charlie.new@example.org"})
        assert not EmailAddress.objects.filter(email="charlie.new@example.org").exists()

    def test_resend_the_link(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        reauthenticate(client)
        client.post(reverse("account_email"), {"action_add": "", "email": "charlie.new@example.org"})
        sent = len(mail.outbox)
        # allauth's confirm_email rate limit allows one resend per 3 minutes per address; clear it.
        from django.core.cache import cache

        cache.clear()
        client.post(reverse("account_email"), {"action_send": "", "email": "charlie.new@example.org"})
        assert len(mail.outbox) == sent + 1

    def test_an_invalid_address_is_refused_with_an_inline_error(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        reauthenticate(client)
        response = client.post(reverse("account_email"), {"action_add": "", "email": "not an email"})
        page = assert_well_formed_page(response.content)
        assert page.error_summary_links == ["id_email"]
        assert EmailAddress.objects.filter(user=outsider).count() == 1


class TestTwoFactor:
    def test_activation_page_shows_the_qr_code_and_the_secret_as_text(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        reauthenticate(client)
        response = client.get(reverse("mfa_activate_totp"))
        assert_govuk_page(response, "Set up an authenticator app")
        page = read(response.content)
        [qr_code] = [image for image in page.images if (image.get("src") or "").startswith("data:image/svg+xml")]
        assert qr_code["alt"] == "QR code to scan with your authenticator app"
        secret = client.session[SECRET_SESSION_KEY]
        assert f'<code class="app-secret" id="authenticator-secret">{secret}</code>' in response.content.decode()

    def test_a_wrong_code_is_refused_and_nothing_is_set_up(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        reauthenticate(client)
        client.get(reverse("mfa_activate_totp"))
        response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
        page = assert_well_formed_page(response.content)
        assert page.error_summary_links == ["id_code"]
        assert not Authenticator.objects.filter(user=outsider).exists()

    def test_the_right_code_turns_it_on_and_shows_recovery_codes(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        reauthenticate(client)
        client.get(reverse("mfa_activate_totp"))
        code = totp_code_for_secret(client.session[SECRET_SESSION_KEY])
        response = client.post(reverse("mfa_activate_totp"), {"code": code})
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_view_recovery_codes")
        assert Authenticator.objects.filter(user=outsider, type=Authenticator.Type.TOTP).exists()

        codes_page = client.get(response["Location"])
        assert_govuk_page(codes_page, "Your recovery codes")
        unused = RecoveryCodes(Authenticator.objects.get(user=outsider, type="recovery_codes")).get_unused_codes()
        assert len(unused) == 10
        assert all(f"<code>{code}</code>" in codes_page.content.decode() for code in unused)

    def test_index_download_and_generate_recovery_codes(self, client: Client, staff: User) -> None:
        RecoveryCodes.activate(staff)
        client.force_login(staff)
        reauthenticate(client)
        index = client.get(reverse("mfa_index"))
        assert_govuk_page(index, "Two-factor authentication")
        assert b"10 of 10 codes not used yet" in index.content

        download = client.get(reverse("mfa_download_recovery_codes"))
        assert download.status_code == 200
        assert download["Content-Disposition"] == 'attachment; filename="recovery-codes.txt"'

        generate = client.get(reverse("mfa_generate_recovery_codes"))
        assert_govuk_page(generate, "Generate new recovery codes")
        assert b"Your current recovery codes will stop working." in generate.content
        before = RecoveryCodes(Authenticator.objects.get(user=staff, type="recovery_codes")).get_unused_codes()
        assert client.post(reverse("mfa_generate_recovery_codes")).status_code == 302
        after = RecoveryCodes(Authenticator.objects.get(user=staff, type="recovery_codes")).get_unused_codes()
        assert set(before).isdisjoint(after)

    def test_programme_staff_cannot_turn_two_factor_off(self, client: Client, staff: User) -> None:
        client.force_login(staff)
        reauthenticate_with_code(client, staff)
        response = client.get(reverse("mfa_deactivate_totp"))
        assert_govuk_page(response, "Turn off your authenticator app")
        assert b"Programme staff and administrators must keep two-factor authentication" in response.content
        assert b"Turn off</button>" not in response.content
        client.post(reverse("mfa_deactivate_totp"))
        assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    def test_sign_in_asks_for_the_code_on_a_govuk_page(self, client: Client, staff: User) -> None:
        response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session

        code_page = client.get(reverse("mfa_authenticate"))
        assert_govuk_page(code_page, "Enter your security code")

        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert read(wrong.content).error_summary_links == ["id_code"]
        assert "_auth_user_id" not in client.session

        right = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
        assert right.status_code == 302
        assert client.session["_auth_user_id"] == str(staff.pk)

    def test_reauthentication_asks_for_a_code_when_two_factor_is_on(self, client: Client, staff: User) -> None:
        client.force_login(staff)
        response = client.get(reverse("mfa_reauthenticate"))
        assert_govuk_page(response, "Confirm it is you")
        bad = client.post(reverse("mfa_reauthenticate"), {"code": "000000"})
        assert read(bad.content).error_summary_links == ["id_code"]
