"""Production settings and the security they promise: `check --deploy` is clean, the process refuses to start on a
weak secret key or a malformed variable, security headers and the CSP are sent, and sessions end after 60 idle
minutes and 12 hours in all.

Settings are read once at import, so production configurations are checked in a fresh Python process with only the
variables a deployment would set. That process does not import pytest, so the settings do not see a test run.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import SESSION_STARTED_KEY
from accounts.models import User
from config.settings import env_bool, env_int

BASE_DIR = Path(__file__).resolve().parent.parent


def production_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """What a deployment sets: nothing inherited from this test run (no TESTING, no DEBUG, no DATABASE_URL)."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48)[:64],
        "ALLOWED_HOSTS": "mutuals-mentoring.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
    }
    environment.update(overrides)
    return {name: value for name, value in environment.items() if value is not None}


def run_python(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *arguments], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )


SETTINGS_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "TESTING": settings.TESTING,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "CACHE_BACKEND": settings.CACHES["default"]["BACKEND"],
    "CELERY_TASK_ALWAYS_EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "STATICFILES_BACKEND": settings.STORAGES["staticfiles"]["BACKEND"],
    "ALLAUTH_TRUSTED_PROXY_COUNT": settings.ALLAUTH_TRUSTED_PROXY_COUNT,
}))
"""


def production_settings(tmp_path: Path, **overrides: str) -> dict[str, object]:
    environment = production_environment(tmp_path, DJANGO_SETTINGS_MODULE="config.settings", **overrides)
    result = run_python(["-c", SETTINGS_PROBE], environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


class TestDeployChecks:
    def test_check_deploy_is_clean_with_production_variables(self, tmp_path: Path) -> None:
        result = run_python(
            ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            production_environment(tmp_path, REDIS_URL="redis://127.0.0.1:6379/0"),
        )
        output = result.stdout + result.stderr
        assert result.returncode == 0, output
        assert "System check identified no issues (0 silenced)." in output
        assert "WARNING" not in output

    def test_check_deploy_is_clean_with_gov_uk_notify_as_the_email_backend(self, tmp_path: Path) -> None:
        environment = production_environment(
            tmp_path,
            EMAIL_BACKEND="notifications.backends.NotifyEmailBackend",
            NOTIFY_API_KEY="live-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0",
            NOTIFY_TEMPLATE_ID="f33517ff-2a88-4f6e-b855-c550268ce08a",
        )
        result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environment)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues (0 silenced)." in result.stdout + result.stderr

    def test_check_deploy_is_clean_without_redis_too(self, tmp_path: Path) -> None:
        result = run_python(
            ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_environment(tmp_path)
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def test_the_probe_is_not_a_test_run(self, tmp_path: Path) -> None:
        # If the subprocess believed it was under pytest, the checks above would prove nothing.
        assert production_settings(tmp_path)["TESTING"] is False

    def test_production_turns_on_https_only_cookies_and_hsts(self, tmp_path: Path) -> None:
        values = production_settings(tmp_path)
        assert values["DEBUG"] is False
        assert values["SECURE_SSL_REDIRECT"] is True
        assert values["SESSION_COOKIE_SECURE"] is True
        assert values["CSRF_COOKIE_SECURE"] is True
        assert values["SECURE_HSTS_SECONDS"] >= 31536000
        assert values["STATICFILES_BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"

    def test_with_redis_the_cache_and_broker_are_redis(self, tmp_path: Path) -> None:
        values = production_settings(tmp_path, REDIS_URL="redis://cache.internal:6379/0")
        assert values["CACHE_BACKEND"] == "config.cache.ResilientRedisCache"
        assert values["CELERY_BROKER_URL"] == "redis://cache.internal:6379/0"
        assert values["CELERY_TASK_ALWAYS_EAGER"] is False

    def test_behind_a_proxy_the_client_address_comes_from_the_proxys_header(self, tmp_path: Path) -> None:
        assert production_settings(tmp_path)["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
        assert production_settings(tmp_path, BEHIND_PROXY="1")["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
        assert (
            production_settings(tmp_path, BEHIND_PROXY="1", TRUSTED_PROXY_COUNT="2")["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2
        )

    def test_without_redis_the_cache_is_local_memory_and_tasks_run_in_process(self, tmp_path: Path) -> None:
        values = production_settings(tmp_path)
        # Rate limits need a cache that keeps what it is told: local memory, never DummyCache.
        assert values["CACHE_BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
        assert values["CELERY_TASK_ALWAYS_EAGER"] is True


class TestRefusesToStart:
    @pytest.mark.parametrize(
        "secret_key",
        [None, "django-insecure-development-only-do-not-use-in-production", "too-short-a-secret-key"],
        ids=["unset", "development-default", "short"],
    )
    def test_debug_off_with_a_weak_secret_key(self, tmp_path: Path, secret_key: str | None) -> None:
        environment = production_environment(tmp_path)
        if secret_key is None:
            del environment["SECRET_KEY"]
        else:
            environment["SECRET_KEY"] = secret_key
        result = run_python(["manage.py", "check"], environment)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "SECRET_KEY" in result.stderr

    def test_debug_on_allows_the_development_key(self, tmp_path: Path) -> None:
        environment = production_environment(tmp_path, DEBUG="1")
        del environment["SECRET_KEY"]
        assert run_python(["manage.py", "check"], environment).returncode == 0

    def test_the_notify_backend_without_its_key_and_template(self, tmp_path: Path) -> None:
        environment = production_environment(tmp_path, EMAIL_BACKEND="notifications.backends.NotifyEmailBackend")
        result = run_python(["manage.py", "check"], environment)
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "NOTIFY_API_KEY and NOTIFY_TEMPLATE_ID" in result.stderr

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            ("DEBUG", "maybe", "DEBUG must be a boolean"),
            ("SECURE_SSL_REDIRECT", "sometimes", "SECURE_SSL_REDIRECT must be a boolean"),
            ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be an integer"),
        ],
    )
    def test_a_malformed_variable_stops_the_process(self, tmp_path: Path, name: str, value: str, message: str) -> None:
        result = run_python(["manage.py", "check"], production_environment(tmp_path, **{name: value}))
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert message in result.stderr


class TestEnvironmentHelpers:
    @pytest.mark.parametrize(
        ("raw", "expected"), [("1", True), ("TRUE", True), ("on", True), ("0", False), ("no", False)]
    )
    def test_env_bool_accepts_the_usual_spellings(
        self, monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool
    ) -> None:
        monkeypatch.setenv("SOME_FLAG", raw)
        assert env_bool("SOME_FLAG") is expected

    @pytest.mark.parametrize("raw", ["maybe", "2", "yes please"])
    def test_env_bool_refuses_anything_else(self, monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
        monkeypatch.setenv("SOME_FLAG", raw)
        with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
            env_bool("SOME_FLAG")

    def test_env_int_refuses_words(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SOME_NUMBER", "ten")
        with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer"):
            env_int("SOME_NUMBER", 1)

    def test_unset_variables_take_the_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("SOME_FLAG", raising=False)
        monkeypatch.delenv("SOME_NUMBER", raising=False)
        assert env_bool("SOME_FLAG", True) is True
        assert env_int("SOME_NUMBER", 7) == 7


def content_security_policy(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.django_db
class TestSecurityHeaders:
    @pytest.mark.parametrize("url_name", ["pages:home", "account_login", "pages:healthz"])
    def test_headers_on_responses(self, client: Client, url_name: str) -> None:
        response = client.get(reverse(url_name))
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        policy = content_security_policy(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]

    def test_the_csp_is_enforced_not_report_only(self, client: Client) -> None:
        response = client.get(reverse("pages:home"))
        assert "Content-Security-Policy" in response
        assert "Content-Security-Policy-Report-Only" not in response

    def test_error_pages_carry_the_headers_too(self, client: Client) -> None:
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"

    def test_cookies_are_http_only_and_same_site(self) -> None:
        assert settings.SESSION_COOKIE_HTTPONLY is True
        assert settings.CSRF_COOKIE_HTTPONLY is True
        assert settings.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.django_db
class TestSessionLimits:
    def test_the_idle_limit_is_an_hour_renewed_by_every_request(self, client: Client, outsider: User) -> None:
        assert settings.SESSION_COOKIE_AGE == 60 * 60
        assert settings.SESSION_SAVE_EVERY_REQUEST is True
        client.force_login(outsider)
        response = client.get(reverse("accounts:dashboard"))
        assert response.status_code == 200
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 3600

    def test_an_idle_session_has_ended(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        # What an hour without requests does: the stored session expires.
        Session.objects.filter(session_key=client.session.session_key).update(
            expire_date=timezone.now() - timedelta(seconds=1)
        )
        response = client.get(reverse("accounts:dashboard"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_the_first_signed_in_request_records_when_the_session_started(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        before = time.time()
        client.get(reverse("accounts:dashboard"))
        assert before <= client.session[SESSION_STARTED_KEY] <= time.time()

    def _age_session(self, client: Client, seconds: float) -> None:
        session = client.session
        session[SESSION_STARTED_KEY] = time.time() - seconds
        session.save()

    def test_a_session_older_than_twelve_hours_is_signed_out(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        client.get(reverse("accounts:dashboard"))
        self._age_session(client, 12 * 60 * 60 + 1)
        response = client.get(reverse("accounts:dashboard") + "?tab=requests")
        assert response.status_code == 302
        assert response["Location"] == reverse("account_login") + "?next=%2Fdashboard%2F%3Ftab%3Drequests"
        assert "_auth_user_id" not in client.session
        # Signed out for good: the next request is anonymous too.
        assert client.get(reverse("accounts:dashboard"))["Location"].startswith(reverse("account_login"))

    def test_a_session_just_under_twelve_hours_continues(self, client: Client, outsider: User) -> None:
        client.force_login(outsider)
        client.get(reverse("accounts:dashboard"))
        self._age_session(client, 12 * 60 * 60 - 60)
        response = client.get(reverse("accounts:dashboard"))
        assert response.status_code == 200
        assert client.session["_auth_user_id"] == str(outsider.pk)
