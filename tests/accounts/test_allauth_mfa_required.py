"""Programme staff must set up two-factor authentication before they can use anything but their account pages."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.auth_helpers import reauthenticate, totp_code_for_secret
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_without_mfa() -> User:
    return UserFactory(email="new.staff@example.org", full_name="New Staff", is_programme_team=True)


def activation_url_for(path: str) -> str:
    return f"{reverse('mfa_activate_totp')}?next={quote(path, safe='')}"


def test_the_activation_url_name_is_allauths() -> None:
    assert reverse("mfa_activate_totp") == "/account/2fa/totp/activate/"


@pytest.mark.parametrize("url_name", ["accounts:vetting_queue", "accounts:dashboard", "accounts:mentor_directory"])
def test_staff_without_mfa_are_sent_to_set_it_up(client: Client, staff_without_mfa: User, url_name: str) -> None:
    client.force_login(staff_without_mfa)
    path = reverse(url_name)
    for response in (client.get(path), client.post(path, {})):
        assert response.status_code == 302
        assert response["Location"] == activation_url_for(path)


def test_staff_with_mfa_get_through(client: Client, staff: User) -> None:
    client.force_login(staff)
    response = client.get(reverse("accounts:vetting_queue"))
    assert response.status_code == 200


def test_people_outside_the_programme_team_are_not_asked(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    response = client.get(reverse("accounts:dashboard"))
    assert not response.get("Location", "").startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize(
    "url_name",
    [
        "pages:home",
        "pages:about",
        "pages:accessibility",
        "pages:privacy",
        "pages:cookies",
        "pages:healthz",
        "account_email",
        "mfa_index",
        "account_logout",
    ],
)
def test_staff_without_mfa_can_still_reach_account_and_public_pages(
    client: Client, staff_without_mfa: User, url_name: str
) -> None:
    client.force_login(staff_without_mfa)
    response = client.get(reverse(url_name))
    assert response.status_code == 200


def test_the_activation_page_tells_staff_why(client: Client, staff_without_mfa: User) -> None:
    client.force_login(staff_without_mfa)
    reauthenticate(client)
    response = client.get(activation_url_for(reverse("accounts:vetting_queue")))
    assert response.status_code == 200
    assert b"You must set up two-factor authentication before you can use the service as a member of the programme" in (
        response.content
    )


def test_people_who_choose_mfa_are_not_told_it_is_required(client: Client, outsider: User) -> None:
    client.force_login(outsider)
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert b"You must set up two-factor authentication" not in response.content


# Transactional, as in production: allauth announces the new authenticator after commit, within the request, and
# that announcement is what counts the session as having passed the second factor.
@pytest.mark.django_db(transaction=True)
def test_once_set_up_staff_get_through(client: Client, staff_without_mfa: User) -> None:
    client.force_login(staff_without_mfa)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))
    code = totp_code_for_secret(client.session[SECRET_SESSION_KEY])
    assert client.post(reverse("mfa_activate_totp"), {"code": code}).status_code == 302
    assert Authenticator.objects.filter(user=staff_without_mfa, type=Authenticator.Type.TOTP).exists()

    response = client.get(reverse("accounts:vetting_queue"))
    assert response.status_code == 200
