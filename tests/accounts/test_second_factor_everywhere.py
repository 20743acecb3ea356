"""Every staff or superuser session has passed the second factor; the admin signs in only through the service's
sign-in; turning the second factor off needs the second factor, and is refused for staff (issue 18, finding 1)."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.auth_helpers import PASSWORD, reauthenticate, reauthenticate_with_code, totp_code
from tests.clients import ClientFor
from tests.conftest import enable_mfa
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def django_staff() -> User:
    """Django staff (the admin) without the programme-team flag: was never asked for a code."""
    user = UserFactory(email="admin.only@example.org", is_staff=True)
    enable_mfa(user)
    return user


@pytest.fixture
def superuser() -> User:
    user = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    enable_mfa(user)
    return user


def test_the_admin_has_no_sign_in_form_of_its_own(client: Client, staff: User) -> None:
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    response = client.get("/django-admin/login/?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # Posting a password to the admin's login URL signs nobody in either.
    response = client.post("/django-admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/django-admin/").status_code == 302


def test_a_password_alone_does_not_reach_the_admin_or_the_programme_pages(client: Client, staff: User) -> None:
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    for path in ("/django-admin/", reverse("programme:dashboard"), reverse("programme:report_csv")):
        assert client.get(path).status_code == 302
        assert "_auth_user_id" not in client.session


def test_with_the_code_staff_reach_the_admin(client: Client, staff: User) -> None:
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
    assert response.status_code == 302
    assert client.get("/django-admin/").status_code == 200
    assert client.get(reverse("programme:dashboard")).status_code == 200


@pytest.mark.parametrize("who", ["staff", "django_staff", "superuser"])
def test_a_session_that_skipped_the_code_is_ended(client: Client, who: str, request: pytest.FixtureRequest) -> None:
    """A sign-in by any path around allauth's form (Django's own backend here) has no second-factor record."""
    user = request.getfixturevalue(who)
    assert client.login(email=user.email, password=PASSWORD)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    # Nothing is reachable with it, the account pages included.
    assert client.login(email=user.email, password=PASSWORD)
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_django_staff_without_the_programme_flag_must_set_up_two_factor(client: Client) -> None:
    user = UserFactory(email="admin.nomfa@example.org", is_staff=True)
    client.force_login(user)
    response = client.get("/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_people_without_a_staff_role_are_not_affected(client: Client, member: User) -> None:
    assert client.login(email=member.email, password=PASSWORD)
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_turning_two_factor_off_needs_the_code_not_only_the_password(client: Client, member: User) -> None:
    enable_mfa(member)
    client.force_login(member)
    reauthenticate(client)  # the password again: what a stolen password gives
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()

    reauthenticate_with_code(client, member)
    assert client.get(reverse("mfa_deactivate_totp")).status_code == 200
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()


@pytest.mark.parametrize("who", ["staff", "django_staff", "superuser"])
def test_staff_cannot_turn_two_factor_off_while_staff(client: Client, who: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(who)
    client.force_login(user)
    reauthenticate_with_code(client, user)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert b"must keep two-factor authentication" in response.content
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_sign_in_attempts_through_the_service_are_rate_limited(client: Client, staff: User) -> None:
    """The admin's old form had no limit; the only sign-in form now is allauth's, which has."""
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": staff.email, "password": "wrong-guess"})
    response = client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 200
    assert b"Too many failed login attempts" in response.content


def test_a_new_member_of_staff_goes_from_password_to_authenticator_set_up_without_a_second_password(
    client: Client,
) -> None:
    user = UserFactory(email="new.staff@example.org", is_programme_team=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True)
    # Signed in, sent to set up the app, and shown its form (not "Confirm it is you").
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_activate_totp"))
    assert b"Confirm it" not in response.content
    assert response.context["form"].__class__.__name__ == "ActivateTOTPForm"


def test_an_administrator_resets_a_colleagues_two_factor_from_the_admin(staff: User, client_for: ClientFor) -> None:
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    colleague = UserFactory(email="lost.phone@example.org", is_programme_team=True)
    enable_mfa(colleague)
    theirs = client_for(colleague)
    admin = client_for(staff)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [colleague.pk, staff.pk]},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=colleague).exists()
    assert Authenticator.objects.filter(user=staff).exists()  # not their own
    # Their open session has ended: the next request is the sign-in page.
    assert theirs.get(reverse("accounts:dashboard"))["Location"].startswith(reverse("account_login"))
