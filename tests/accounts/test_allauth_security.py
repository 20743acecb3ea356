"""Sign-up, sign-in and password reset do not reveal who has an account; failed sign-ins are rate limited through a
real cache; nobody signs in before confirming their email address."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.accounts.auth_helpers import PASSWORD, links_in_last_email, path_of
from tests.factories import UserFactory
from tests.markup import read

pytestmark = pytest.mark.django_db


def sign_up(client: Client, email: str, name: str = "Erin Example") -> HttpResponse:
    return client.post(
        reverse("account_signup"),
        {"full_name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def comparable(response: HttpResponse) -> tuple[int, str, list[str]]:
    """What a visitor can observe about a response: status, where it sends them, the page's h1."""
    location = response["Location"] if response.status_code == 302 else ""
    return response.status_code, location, read(response.content).h1s


class TestNoAccountEnumeration:
    def test_sign_up_with_a_taken_email_looks_the_same_as_with_a_new_one(self, outsider: User) -> None:
        taken = sign_up(Client(), outsider.email)
        new = sign_up(Client(), "someone.new@example.org")
        assert comparable(taken) == comparable(new)
        assert taken["Location"] == reverse("account_email_verification_sent")

        # No second account; the owner of the address is told by email instead of the visitor on screen.
        assert User.objects.filter(email__iexact=outsider.email).count() == 1
        assert User.objects.filter(email="someone.new@example.org").count() == 1
        assert len([m for m in mail.outbox if outsider.email in m.to]) == 1

    def test_the_page_after_sign_up_is_the_same_either_way(self, outsider: User) -> None:
        first, second = Client(), Client()
        sign_up(first, outsider.email)
        sign_up(second, "someone.new@example.org")
        taken_page = first.get(reverse("account_email_verification_sent")).content.decode()
        new_page = second.get(reverse("account_email_verification_sent")).content.decode()
        # Each visitor is told the address they typed; apart from that, not a byte differs.
        assert f"Confirmation email sent to {outsider.email}." in taken_page
        assert taken_page.replace(outsider.email, "ADDRESS") == new_page.replace("someone.new@example.org", "ADDRESS")

    def test_password_reset_for_an_unknown_email_looks_the_same_as_for_a_known_one(self, outsider: User) -> None:
        known = Client().post(reverse("account_reset_password"), {"email": outsider.email})
        unknown = Client().post(reverse("account_reset_password"), {"email": "nobody@example.org"})
        assert comparable(known) == comparable(unknown)
        assert known["Location"] == reverse("account_reset_password_done")
        # Only the real account gets a reset link.
        assert any("/password/reset/key/" in url for url in links_in_last_email(outsider.email))
        assert not [m for m in mail.outbox if "nobody@example.org" in m.to and "/password/reset/key/" in m.body]

    def test_wrong_password_and_unknown_email_give_the_same_error(self, outsider: User) -> None:
        wrong_password = Client().post(reverse("account_login"), {"login": outsider.email, "password": "nope-nope"})
        unknown_email = Client().post(reverse("account_login"), {"login": "nobody@example.org", "password": "x"})
        assert wrong_password.status_code == unknown_email.status_code == 200
        assert read(wrong_password.content).error_summary_links == read(unknown_email.content).error_summary_links
        assert b"The email address and/or password you specified are not correct." in wrong_password.content
        assert b"The email address and/or password you specified are not correct." in unknown_email.content


class TestRateLimits:
    def test_the_cache_is_real_so_limits_hold(self) -> None:
        # allauth keeps its counters in the default cache: a DummyCache would silently switch rate limiting off.
        assert "DummyCache" not in settings.CACHES["default"]["BACKEND"]
        cache.set("rate-limit-probe", 1)
        assert cache.get("rate-limit-probe") == 1

    def test_sign_in_is_blocked_after_five_failures_even_with_the_right_password(self, outsider: User) -> None:
        client = Client()
        for _attempt in range(5):
            response = client.post(reverse("account_login"), {"login": outsider.email, "password": "wrong-guess"})
            assert b"Too many failed login attempts" not in response.content
        blocked = client.post(reverse("account_login"), {"login": outsider.email, "password": PASSWORD})
        assert blocked.status_code == 200
        assert b"Too many failed login attempts" in blocked.content
        assert read(blocked.content).error_summary_links == ["id_login"]
        assert "_auth_user_id" not in client.session

    def test_the_limit_is_per_address_so_others_can_still_sign_in(self, outsider: User, member: User) -> None:
        client = Client()
        for _attempt in range(5):
            client.post(reverse("account_login"), {"login": outsider.email, "password": "wrong-guess"})
        other = Client().post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
        assert other.status_code == 302

    def test_the_limit_lifts_when_the_cache_forgets_it(self, outsider: User) -> None:
        client = Client()
        for _attempt in range(6):
            client.post(reverse("account_login"), {"login": outsider.email, "password": "wrong-guess"})
        cache.clear()  # what five minutes of expiry does
        response = client.post(reverse("account_login"), {"login": outsider.email, "password": PASSWORD})
        assert response.status_code == 302

    def test_too_many_password_reset_requests_get_a_govuk_429_page(self, outsider: User) -> None:
        client = Client()
        statuses = [
            client.post(reverse("account_reset_password"), {"email": outsider.email}).status_code for _ in range(6)
        ]
        assert statuses[:5] == [302] * 5
        assert statuses[5] == 429
        response = client.post(reverse("account_reset_password"), {"email": outsider.email})
        assert read(response.content).h1s == ["Too many attempts"]


class TestMandatoryEmailVerification:
    def test_an_unconfirmed_person_cannot_sign_in_and_is_asked_to_confirm(self) -> None:
        user = UserFactory(email="unconfirmed@example.org", verified=False)
        EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
        client = Client()
        response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
        assert "_auth_user_id" not in client.session
        # A fresh confirmation link is sent.
        assert any("/confirm-email/" in url for url in links_in_last_email(user.email))

    def test_sign_up_then_confirm_from_the_email_then_sign_in(self) -> None:
        client = Client()
        response = sign_up(client, "Erin@Example.org")
        assert response["Location"] == reverse("account_email_verification_sent")
        user = User.objects.get(email="erin@example.org")
        assert user.full_name == "Erin Example"
        assert "_auth_user_id" not in client.session, "not signed in until the address is confirmed"

        [link] = [url for url in links_in_last_email("erin@example.org") if "/confirm-email/" in url]
        confirmed = client.post(path_of(link))
        assert confirmed.status_code == 302
        assert EmailAddress.objects.get(user=user, email="erin@example.org").verified

        signed_in = client.post(reverse("account_login"), {"login": "erin@example.org", "password": PASSWORD})
        assert signed_in.status_code == 302
        assert signed_in["Location"] == reverse("accounts:onboarding")
        assert client.session["_auth_user_id"] == str(user.pk)

    @pytest.mark.parametrize(
        ("next_url", "lands_on"),
        [
            ("/ambassadors/apply/", "/ambassadors/apply/"),
            ("https://evil.example/phish", "/onboarding/"),
            ("//evil.example/", "/onboarding/"),
        ],
    )
    def test_where_you_were_going_survives_confirming_your_email(self, next_url: str, lands_on: str) -> None:
        # "Apply to be an ambassador" -> sign in -> "Create an account": the email confirmation sits between
        # sign-up and the first sign-in, which has no `next` of its own.
        client = Client()
        response = client.post(
            reverse("account_signup"),
            {
                "full_name": "Erin Example",
                "email": "erin@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "next": next_url,
            },
        )
        assert response.status_code == 302
        [link] = [url for url in links_in_last_email("erin@example.org") if "/confirm-email/" in url]
        client.post(path_of(link))

        signed_in = client.post(reverse("account_login"), {"login": "erin@example.org", "password": PASSWORD})

        assert signed_in["Location"] == lands_on.replace("/onboarding/", reverse("accounts:onboarding"))
        # Once only: the next sign-in goes where sign-in normally goes.
        client.post(reverse("account_logout"))
        again = client.post(reverse("account_login"), {"login": "erin@example.org", "password": PASSWORD})
        assert again["Location"] == reverse("accounts:onboarding")


class TestBehindAProxy:
    """Issue 18, finding 7: behind the reverse proxy every request came from the proxy's address, so one client's
    failed sign-ins locked everyone out."""

    def test_one_clients_failures_do_not_lock_out_another(self, settings, outsider: User, member: User) -> None:  # type: ignore[no-untyped-def]
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
        proxy = {"REMOTE_ADDR": "10.0.0.2"}  # the proxy, the same for everyone
        attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
        for _attempt in range(12):
            attacker.post(reverse("account_login"), {"login": outsider.email, "password": "wrong-guess"})
        blocked = attacker.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
        assert b"Too many failed login attempts" in blocked.content
        someone_else = Client(HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
        response = someone_else.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
        assert response.status_code == 302


class TestEmailSquatting:
    """Issue 18, finding 8: a signed-in person added someone else's address to their account (unverified); when
    the real owner signed up they were told "verification sent", but no account was made and no email came."""

    def test_an_unverified_address_on_someone_elses_account_does_not_block_its_owner(self, outsider: User) -> None:
        EmailAddress.objects.create(user=outsider, email="owner@example.org", verified=False, primary=False)
        response = Client().post(
            reverse("account_signup"),
            {
                "full_name": "The Owner",
                "email": "owner@example.org",
                "password1": "a-long-enough-password-1",
                "password2": "a-long-enough-password-1",
            },
        )
        assert response.status_code == 302
        owner = User.objects.get(email="owner@example.org")
        assert owner.full_name == "The Owner"
        assert list(EmailAddress.objects.filter(email__iexact="owner@example.org").values_list("user", flat=True)) == [
            owner.pk
        ]
        assert [message.to for message in mail.outbox] == [["owner@example.org"]]  # the verification email
        assert "confirm" in mail.outbox[0].body.lower()

    def test_a_verified_address_still_cannot_be_taken(self, outsider: User) -> None:
        EmailAddress.objects.create(user=outsider, email="second@example.org", verified=True, primary=False)
        Client().post(
            reverse("account_signup"),
            {
                "full_name": "Someone",
                "email": "second@example.org",
                "password1": "a-long-enough-password-1",
                "password2": "a-long-enough-password-1",
            },
        )
        assert not User.objects.filter(email="second@example.org").exists()
        assert EmailAddress.objects.get(email="second@example.org").user == outsider
