"""Security keys (WebAuthn) as the other second factor: the pages in the service's words, the sign-in step offering
the key, removal needing the second factor again and refused when staff would be left without one, the staff
middleware accepting a key, and allauth's emails reworded. The key ceremony itself runs in Chromium with a virtual
authenticator (tests/browser/test_security_key_sign_in.py)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.auth_helpers import PASSWORD, security_key_credential
from tests.accounts.test_allauth_emails import assert_in_the_services_own_form
from tests.clients import ClientFor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUTHENTICATION_METHODS_USER_SESSION_KEY = "account_authentication_methods_user"


def _key(user: User, name: str = "Blue key") -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": security_key_credential()}
    )


def _signed_in(user: User, *records: dict[str, Any]) -> Client:
    """A client whose session records these steps of sign-in (allauth's own records, as its forms write them)."""
    from allauth.account.internal.userkit import user_id_to_str

    client = Client()
    client.force_login(user)
    session = client.session
    now = time.time()
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"at": now, **record} for record in records]
    session[AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return client


PASSWORD_STEP = {"method": "password", "email": "x"}
KEY_STEP = {"method": "mfa", "type": "webauthn"}
KEY_AGAIN = {"method": "mfa", "type": "webauthn", "reauthenticated": True}


@pytest.fixture
def staff_with_a_key() -> User:
    user = UserFactory(email="kai.key@example.org", full_name="Kai Key", is_programme_team=True)
    _key(user)
    return user


def test_webauthn_is_a_second_factor_and_passkey_sign_in_is_off() -> None:
    assert "webauthn" in settings.MFA_SUPPORTED_TYPES
    assert settings.MFA_PASSKEY_LOGIN_ENABLED is False


def test_the_add_page_is_in_the_services_words(outsider: User, client_for: ClientFor) -> None:
    page = client_for(outsider).get(reverse("mfa_add_webauthn")).content.decode()
    assert '<h1 class="govuk-heading-l">Add a security key</h1>' in page
    assert 'data-allauth-onload="allauth.webauthn.forms.addForm"' in page
    assert "Use an authenticator app on your phone instead" in page
    assert "You must set up two-factor authentication" not in page  # only staff are told they must


def test_the_authenticator_app_page_offers_a_security_key_instead(client: Client) -> None:
    new_staff = UserFactory(email="nia@example.org", is_programme_team=True)
    client.post(reverse("account_login"), {"login": new_staff.email, "password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert f'href="{reverse("mfa_add_webauthn")}"' in response.content.decode()
    # Staff without a second factor reach the key page too (it is theirs to choose), and are told why.
    page = client.get(reverse("mfa_add_webauthn")).content.decode()
    assert "You must set up two-factor authentication before you can use the service" in page


def test_the_two_factor_page_lists_security_keys(outsider: User, client_for: ClientFor) -> None:
    client = client_for(outsider)
    assert "None added" in client.get(reverse("mfa_index")).content.decode()
    _key(outsider, "Work laptop")
    index = client.get(reverse("mfa_index")).content.decode()
    assert "1 security key" in index and f'href="{reverse("mfa_list_webauthn")}"' in index
    listing = client.get(reverse("mfa_list_webauthn")).content.decode()
    assert "Work laptop" in listing and "Not used yet" in listing


def test_signing_in_offers_the_key_first(client: Client, staff_with_a_key: User) -> None:
    response = client.post(reverse("account_login"), {"login": staff_with_a_key.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert '<h1 class="govuk-heading-l">Use your security key</h1>' in page
    assert 'data-allauth-onload="allauth.webauthn.forms.authenticateForm"' in page
    assert "Or enter a code" in page  # a recovery code still works


@pytest.mark.parametrize(
    "credential",
    [
        '{"id": "x", "type": "public-key"}',  # parts missing
        '["not", "an", "object"]',
        "not json",
        '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {"clientDataJSON": "e30",'
        ' "authenticatorData": "AAAA", "signature": "AAAA"}}',  # well formed, signed by no key of theirs
    ],
)
def test_a_made_up_key_response_does_not_sign_anyone_in(
    client: Client, staff_with_a_key: User, credential: str
) -> None:
    client.post(reverse("account_login"), {"login": staff_with_a_key.email, "password": PASSWORD})
    client.get(reverse("mfa_authenticate"))
    response = client.post(reverse("mfa_authenticate"), {"credential": credential})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("programme:dashboard")).status_code == 302


def test_a_made_up_new_key_is_not_added(outsider: User) -> None:
    client = _signed_in(outsider, PASSWORD_STEP, {"method": "password", "email": "x", "reauthenticated": True})
    client.get(reverse("mfa_add_webauthn"))
    for credential in ('{"id": "x"}', '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}'):
        response = client.post(reverse("mfa_add_webauthn"), {"name": "Fake", "credential": credential})
        assert response.status_code == 200
        assert "The security key could not be added." in response.content.decode()
    assert not Authenticator.objects.filter(user=outsider).exists()


def test_the_staff_pages_accept_a_sign_in_with_a_key(staff_with_a_key: User) -> None:
    assert _signed_in(staff_with_a_key, PASSWORD_STEP, KEY_STEP).get(reverse("programme:dashboard")).status_code == 200


def test_a_staff_session_that_skipped_the_key_is_ended(staff_with_a_key: User) -> None:
    client = _signed_in(staff_with_a_key, PASSWORD_STEP)
    response = client.get(reverse("programme:dashboard"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_removing_a_key_asks_for_the_key_again_first(outsider: User) -> None:
    key = _key(outsider)
    client = _signed_in(outsider, PASSWORD_STEP, KEY_STEP)
    url = reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate_webauthn"))
    assert Authenticator.objects.filter(pk=key.pk).exists()


def test_removing_a_key_after_proving_it_and_the_email_that_says_so(outsider: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "http://127.0.0.1:8080"
    key = _key(outsider)
    client = _signed_in(outsider, PASSWORD_STEP, KEY_STEP, KEY_AGAIN)
    url = reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})
    confirm = client.get(url).content.decode()
    assert "Remove Blue key" in confirm and "You will no longer be able to sign in with this key." in confirm
    response = client.post(url)
    assert response["Location"] == reverse("mfa_list_webauthn")
    assert not Authenticator.objects.filter(user=outsider).exists()
    (email,) = [message for message in mail.outbox if outsider.email in message.to]
    assert email.subject == "[Mutuals mentoring] A security key has been removed from your account"
    assert "It can no longer be used to sign in." in email.body
    assert_in_the_services_own_form(email, "http://127.0.0.1:8080")


def test_staff_cannot_remove_their_only_second_factor(staff_with_a_key: User) -> None:
    (key,) = Authenticator.objects.filter(user=staff_with_a_key)
    client = _signed_in(staff_with_a_key, PASSWORD_STEP, KEY_STEP, KEY_AGAIN)
    response = client.post(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk}), follow=True)
    assert "Programme staff and administrators must keep two-factor authentication" in response.content.decode()
    assert Authenticator.objects.filter(pk=key.pk).exists()
    # With a second key they may remove one of them.
    _key(staff_with_a_key, "Spare key")
    client.post(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk}))
    assert not Authenticator.objects.filter(pk=key.pk).exists()
    assert Authenticator.objects.filter(user=staff_with_a_key, type=Authenticator.Type.WEBAUTHN).count() == 1


def test_nobody_can_remove_or_rename_someone_elses_key(outsider: User, member: User) -> None:
    key = _key(member)
    client = _signed_in(outsider, PASSWORD_STEP, KEY_STEP, KEY_AGAIN)
    assert client.post(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})).status_code == 404
    assert client.post(reverse("mfa_edit_webauthn", kwargs={"pk": key.pk}), {"name": "Mine"}).status_code == 404
    key.refresh_from_db()
    assert key.data["name"] == "Blue key"


def test_renaming_a_key(outsider: User) -> None:
    key = _key(outsider)
    client = _signed_in(outsider, PASSWORD_STEP, {"method": "password", "email": "x", "reauthenticated": True})
    url = reverse("mfa_edit_webauthn", kwargs={"pk": key.pk})
    assert "Rename your security key" in client.get(url).content.decode()
    empty = client.post(url, {"name": ""})
    assert empty.status_code == 200 and "There is a problem" in empty.content.decode()
    assert client.post(url, {"name": "Green key"})["Location"] == reverse("mfa_list_webauthn")
    key.refresh_from_db()
    assert key.data["name"] == "Green key"


def test_the_added_email_is_in_the_services_words(outsider: User, settings, rf) -> None:  # type: ignore[no-untyped-def]
    from allauth.account.adapter import get_adapter
    from allauth.core import context

    settings.SITE_URL = "http://127.0.0.1:8080"
    request = rf.get("/")
    request.user = outsider
    with context.request_context(request):
        get_adapter(request).send_notification_mail("mfa/email/webauthn_added", outsider)
    (email,) = mail.outbox
    assert email.subject == "[Mutuals mentoring] A security key has been added to your account"
    assert "You can now sign in with your password and this key." in email.body
    assert_in_the_services_own_form(email, "http://127.0.0.1:8080")
