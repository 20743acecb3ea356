"""The session time-out warning's server side: how long is left (without extending it), "stay signed in", and the
markup the script starts from. The script itself is tested in Chromium: tests/browser/test_session_timeout.py."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.session_limits import LAST_ACTIVE_KEY, SESSION_STARTED_KEY
from tests.clients import ClientFor, signed_in_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUS = reverse("accounts:session_status")
EXTEND = reverse("accounts:session_extend")
# Figures are whole seconds computed a moment apart from the test's own clock.
TOLERANCE_SECONDS = 2


def browsing(user: User, **client_kwargs: Any) -> Client:
    """A client signed in as `user` that has opened a page since, as anyone using the warning has."""
    client = signed_in_client(user, **client_kwargs)
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    return client


def stored_expiry(client: Client) -> datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def pretend_idle_for(client: Client, seconds: int) -> None:
    """What `seconds` without requests look like: the session's recorded activity and stored expiry move back."""
    session = client.session
    session[LAST_ACTIVE_KEY] = time.time() - seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    )


def pretend_signed_in_ago(client: Client, seconds: int) -> None:
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - seconds
    session.save()


class TestStatus:
    def test_reports_the_time_left_of_both_limits(self, outsider: User) -> None:
        client = browsing(outsider)
        pretend_signed_in_ago(client, 3 * 60 * 60)
        pretend_idle_for(client, 10 * 60)

        response = client.get(STATUS)

        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        figures = response.json()
        assert set(figures) == {"idle_seconds_left", "absolute_seconds_left"}
        assert figures["idle_seconds_left"] == pytest.approx(50 * 60, abs=TOLERANCE_SECONDS)
        assert figures["absolute_seconds_left"] == pytest.approx(9 * 60 * 60, abs=TOLERANCE_SECONDS)

    def test_asking_does_not_extend_the_session(self, outsider: User) -> None:
        client = browsing(outsider)
        pretend_idle_for(client, 50 * 60)
        expiry_before = stored_expiry(client)
        activity_before = client.session[LAST_ACTIVE_KEY]

        response = client.get(STATUS)

        assert response.status_code == 200
        assert response.json()["idle_seconds_left"] == pytest.approx(10 * 60, abs=TOLERANCE_SECONDS)
        assert stored_expiry(client) == expiry_before
        assert client.session[LAST_ACTIVE_KEY] == activity_before
        assert settings.SESSION_COOKIE_NAME not in response.cookies  # the browser's cookie is not renewed either
        assert "Cookie" in response["Vary"]
        assert "no-store" in response["Cache-Control"]

    def test_a_page_view_records_activity_that_matches_the_stored_expiry(self, outsider: User) -> None:
        client = browsing(outsider)
        last_active = client.session[LAST_ACTIVE_KEY]

        assert time.time() - last_active < TOLERANCE_SECONDS
        expected = last_active + settings.SESSION_COOKIE_AGE
        assert stored_expiry(client).timestamp() == pytest.approx(expected, abs=TOLERANCE_SECONDS)

    def test_an_unchanged_session_is_saved_at_most_once_a_minute(self, outsider: User) -> None:
        client = browsing(outsider)
        expiry = stored_expiry(client)
        # Seconds later: nothing to save, so no write (it used to cost three queries and a write on every page).
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("accounts:dashboard"))
        assert not any('UPDATE "django_session"' in query["sql"] for query in queries.captured_queries)
        assert stored_expiry(client) == expiry
        # A minute on, the next page saves it again and the idle limit restarts from then.
        pretend_idle_for(client, settings.SESSION_RESAVE_SECONDS + 1)
        client.get(reverse("accounts:dashboard"))
        assert stored_expiry(client).timestamp() == pytest.approx(
            time.time() + settings.SESSION_COOKIE_AGE, abs=TOLERANCE_SECONDS
        )
        assert time.time() - client.session[LAST_ACTIVE_KEY] < TOLERANCE_SECONDS

    def test_an_idle_session_that_has_ended_is_sent_to_sign_in(self, outsider: User) -> None:
        client = browsing(outsider)
        Session.objects.filter(session_key=client.session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )

        response = client.get(STATUS)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_past_the_absolute_limit_the_session_is_ended(self, outsider: User) -> None:
        client = browsing(outsider)
        pretend_signed_in_ago(client, int(settings.SESSION_ABSOLUTE_LIMIT.total_seconds()) + 1)

        response = client.get(STATUS)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session

    def test_programme_staff_setting_up_two_factor_authentication_can_ask(self, client_for: ClientFor) -> None:
        # Everything else sends them to set MFA up; the warning also runs on those set-up pages.
        newcomer = UserFactory(email="nina@example.org", is_programme_team=True)
        client = client_for(newcomer)

        assert client.get(reverse("accounts:dashboard")).status_code == 302
        assert client.get(STATUS).status_code == 200


class TestStaySignedIn:
    def test_extends_the_idle_limit_and_says_so(self, outsider: User) -> None:
        client = browsing(outsider)
        pretend_signed_in_ago(client, 60 * 60)
        pretend_idle_for(client, 58 * 60)

        response = client.post(EXTEND)

        assert response.status_code == 200
        figures = response.json()
        assert figures["idle_seconds_left"] == settings.SESSION_COOKIE_AGE
        assert figures["absolute_seconds_left"] == pytest.approx(11 * 60 * 60, abs=TOLERANCE_SECONDS)
        new_expiry = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        assert abs((stored_expiry(client) - new_expiry).total_seconds()) < TOLERANCE_SECONDS
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
        assert client.get(STATUS).json()["idle_seconds_left"] == pytest.approx(
            settings.SESSION_COOKIE_AGE, abs=TOLERANCE_SECONDS
        )

    def test_saves_the_session_even_straight_after_another_page(self, outsider: User) -> None:
        client = browsing(outsider)  # saved moments ago: a plain page now would not save it again
        expiry = stored_expiry(client)
        time.sleep(0.01)

        assert client.post(EXTEND).status_code == 200

        assert stored_expiry(client) > expiry

    def test_a_short_idle_limit_is_restarted_by_every_page(self, outsider: User, settings: Any) -> None:
        settings.SESSION_COOKIE_AGE = 12  # a second is more than a twentieth of it: the next page saves the session
        client = browsing(outsider)
        pretend_idle_for(client, 1)
        expiry = stored_expiry(client)

        client.get(reverse("accounts:dashboard"))

        assert stored_expiry(client) > expiry

    def test_needs_the_csrf_token(self, outsider: User) -> None:
        strict = browsing(outsider, enforce_csrf_checks=True)

        assert strict.post(EXTEND).status_code == 403

        # The token the warning's own form carries is accepted, so the refusal above was the CSRF check.
        page = strict.get(reverse("accounts:dashboard")).content.decode()
        form = re.search(rf'<form method="post" action="{EXTEND}" data-stay-signed-in>(.*?)</form>', page, re.S)
        assert form, "the stay-signed-in form is missing"
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1))
        assert token
        assert strict.post(EXTEND, {"csrfmiddlewaretoken": token.group(1)}).status_code == 200


class TestWhoAndHow:
    @pytest.mark.parametrize("method", ["get", "post"])
    def test_anonymous_visitors_are_sent_to_sign_in_and_get_no_session(self, client: Client, method: str) -> None:
        url = STATUS if method == "get" else EXTEND

        response = getattr(client, method)(url)

        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
        assert settings.SESSION_COOKIE_NAME not in response.cookies
        assert not Session.objects.exists()

    @pytest.mark.parametrize(
        ("url", "wrong_methods"),
        [(STATUS, ["post", "put", "delete"]), (EXTEND, ["get", "put", "delete"])],
    )
    def test_other_methods_are_not_allowed(self, outsider: User, url: str, wrong_methods: list[str]) -> None:
        for client in (Client(), browsing(outsider)):
            for method in wrong_methods:
                assert getattr(client, method)(url).status_code == 405, f"{method.upper()} {url}"

    def test_an_expired_session_cookie_is_removed_not_replaced(self, outsider: User) -> None:
        # Recording activity only applies to signed-in sessions: a stale cookie must not grow a new session.
        client = browsing(outsider)
        Session.objects.all().delete()

        response = client.get(reverse("pages:home"))

        assert response.status_code == 200
        assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""
        assert not Session.objects.exists()


class TestMarkup:
    def test_signed_in_pages_carry_the_closed_dialogs_and_the_script(self, outsider: User) -> None:
        html = browsing(outsider).get(reverse("accounts:dashboard")).content.decode()

        assert f'data-status-url="{STATUS}"' in html
        assert f'data-sign-in-url="{reverse("account_login")}"' in html
        assert f'data-warning-seconds="{settings.SESSION_WARNING_SECONDS}"' in html
        assert f'data-idle-seconds-left="{settings.SESSION_COOKIE_AGE}"' in html
        absolute = int(re.search(r'data-absolute-seconds-left="(\d+)"', html).group(1))  # type: ignore[union-attr]
        assert absolute == pytest.approx(settings.SESSION_ABSOLUTE_LIMIT.total_seconds(), abs=TOLERANCE_SECONDS)
        dialogs = re.findall(r"<dialog [^>]*>", html)
        assert len(dialogs) == 2
        assert all(" open" not in dialog for dialog in dialogs)  # nothing shows without the script
        assert 'aria-labelledby="session-timeout-idle-heading"' in html
        assert 'aria-describedby="session-timeout-idle-text"' in html
        assert "js/session-timeout.js" in html

    def test_signed_out_pages_have_neither(self, client: Client) -> None:
        html = client.get(reverse("pages:home")).content.decode()

        assert "data-status-url" not in html
        assert "<dialog" not in html
        assert "session-timeout.js" not in html
