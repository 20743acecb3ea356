"""Personas shared by every test: a mutual member, a mentor, an ambassador, programme staff and an outsider.

The outsider is a signed-up, verified person with no role: they must see nothing private.
"""

from __future__ import annotations

import importlib
import os
import shutil
import time
import urllib.parse
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.internal.userkit import user_id_to_str
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.mfa.utils import is_mfa_enabled
from django.test import Client

from accounts.models import MentorProfile, Mutual, User
from tests.clients import ClientFor, signed_in_client
from tests.factories import MembershipFactory, MentorProfileFactory, MutualFactory, UserFactory

# The real-Redis Celery worker fixture (`celery_redis_worker`) for integration tests, and the local S3 emulator.
pytest_plugins = ["tests.redis_worker", "tests.s3_emulator"]

# allauth keeps the owner of the authentication records next to them (a private name in allauth 65).
AUTHENTICATION_METHODS_USER_SESSION_KEY = "account_authentication_methods_user"

PERSONAS = ("anonymous", "member", "mentor", "ambassador", "staff", "outsider")


def require_services() -> bool:
    """True when CI demands real services and a browser: their absence must fail the run, not skip."""
    return os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    if require_services():
        pytest.fail(f"{reason} (REQUIRE_SERVICES is set, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False
    # Every persona fixture hashes a password: the production hasher's deliberate slowness would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        # Shared relationship documents go to the test's own folder, never the repository's.
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents"), "base_url": None},
        },
    }
    # Under pytest-xdist (`make test` runs two processes), each process keeps its cache in its own Redis database:
    # every test clears the cache (FLUSHDB), which must not wipe the rate-limit counters of a test in the other one.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    cache = settings.CACHES["default"]
    if worker.startswith("gw") and cache["BACKEND"].endswith("RedisCache"):
        # The databases after the one configured: /0 gives /1 and /2 (a second checkout can use /4, /8 ...).
        url = urllib.parse.urlsplit(cache["LOCATION"])
        database = int(url.path.strip("/") or 0) + 1 + int(worker.removeprefix("gw"))
        settings.CACHES = {"default": {**cache, "LOCATION": url._replace(path=f"/{database}").geturl()}}


def record_sign_in(session, user: User) -> None:  # type: ignore[no-untyped-def]
    """What allauth writes into a session when a person signs in through its form: a password step and, when they
    have an authenticator, the second-factor step. accounts.middleware.StaffSecondFactorMiddleware reads these."""
    now = time.time()
    records: list[dict[str, object]] = [{"method": "password", "at": now, "email": user.email}]
    if is_mfa_enabled(user):
        records.append({"method": "mfa", "at": now, "type": "totp"})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)


@pytest.fixture(autouse=True)
def _force_login_signs_in_fully(monkeypatch: pytest.MonkeyPatch) -> None:
    """Client.force_login stands for a person who signed in through allauth's form, second factor included.

    Tests of what happens when a sign-in skips the second factor use Client.login (Django's backend, no allauth
    records) or the admin's old login path."""
    original = Client.force_login

    def force_login(self: Client, user: User, backend: str | None = None) -> None:
        original(self, user, backend)
        session = self.session
        record_sign_in(session, user)
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _eager_celery(settings) -> None:  # type: ignore[no-untyped-def]
    from config.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


def is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(fixtures)
    )


@pytest.fixture(autouse=True)
def _taxonomy_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests empty every table when they end, including the taxonomy the data migration seeded.

    Put it back before each of them (serialized rollback cannot be mixed safely with transactional tests that do not
    use it: their flush recreates content types, which the serialized copy then collides with).
    """
    if not is_transactional(request.node):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    from accounts.models import Region

    if not Region.objects.exists():
        importlib.import_module("accounts.migrations.0002_seed_taxonomy").load(apps, None)
        importlib.import_module("accounts.migrations.0006_stages_follow_the_guide").align(apps, None)


@pytest.fixture(autouse=True)
def _clear_cache(_test_settings: None) -> None:  # after _test_settings, which may choose the cache
    # Rate limits and throttles live in the cache: start every test with a clean one.
    from django.core.cache import cache

    cache.clear()


def enable_mfa(user: User) -> None:
    TOTP.activate(user, generate_totp_secret())


@pytest.fixture
def member(db) -> User:  # type: ignore[no-untyped-def]
    """Alice: a member of Riverside Care Mutual."""
    return MembershipFactory(user__email="alice@example.org", user__full_name="Alice Member").user


@pytest.fixture
def mutual(member: User) -> Mutual:
    return member.mutuals.get()


@pytest.fixture
def other_mutual(db) -> Mutual:  # type: ignore[no-untyped-def]
    """A mutual none of the personas belong to."""
    return MembershipFactory(mutual__name="Hillside Fire Mutual", user__email="olivia@example.org").mutual


@pytest.fixture
def mentor(db) -> User:  # type: ignore[no-untyped-def]
    """Bob: an approved mentor."""
    return MentorProfileFactory(user__email="bob@example.org", user__full_name="Bob Mentor").user


@pytest.fixture
def mentor_profile(mentor: User) -> MentorProfile:
    return mentor.mentor_profile


@pytest.fixture
def relationship(mentor_profile: MentorProfile, mutual: Mutual):  # type: ignore[no-untyped-def]
    """An active relationship between Bob and Alice's mutual; Bob's active_mentees counts it."""
    from tests.messaging.factories import RelationshipFactory

    MentorProfile.objects.filter(pk=mentor_profile.pk).update(active_mentees=1)
    return RelationshipFactory(mentor=mentor_profile, mutual=mutual)


@pytest.fixture
def ambassador(db) -> User:  # type: ignore[no-untyped-def]
    """Dana: becomes an ambassador through the ambassadors app's fixtures (a verified user until then)."""
    return UserFactory(email="dana@example.org", full_name="Dana Ambassador")


@pytest.fixture
def staff(db) -> User:  # type: ignore[no-untyped-def]
    """Sam: programme team, with MFA set up as the role requires."""
    user = UserFactory(email="sam@example.org", full_name="Sam Staff", is_programme_team=True)
    enable_mfa(user)
    return user


@pytest.fixture
def outsider(db) -> User:  # type: ignore[no-untyped-def]
    """Charlie: signed up and verified, but belongs to nothing. Must see nothing private."""
    return UserFactory(email="charlie@example.org", full_name="Charlie Outsider")


@pytest.fixture
def client_for() -> ClientFor:
    """client_for(user, **client_kwargs) -> a new Client signed in as `user`, e.g. client_for(staff) or
    client_for(member, enforce_csrf_checks=True) for a CSRF test. See tests/clients.py."""
    return signed_in_client


@pytest.fixture
def persona_client(db, member, mentor, ambassador, staff, outsider) -> Callable[[str], Client]:  # type: ignore[no-untyped-def]
    """persona_client("member") -> a Client signed in as that persona ("anonymous" is signed out)."""
    users = {"member": member, "mentor": mentor, "ambassador": ambassador, "staff": staff, "outsider": outsider}

    def make(persona: str) -> Client:
        return Client() if persona == "anonymous" else signed_in_client(users[persona])

    return make


@pytest.fixture
def personas(member, mentor, ambassador, staff, outsider) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    return SimpleNamespace(member=member, mentor=mentor, ambassador=ambassador, staff=staff, outsider=outsider)


@pytest.fixture(scope="session")
def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


__all__ = ["PERSONAS", "MutualFactory", "enable_mfa", "skip_or_fail"]
