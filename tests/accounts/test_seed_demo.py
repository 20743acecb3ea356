"""`manage.py seed_demo`: idempotent, deterministic, covers the taxonomy, and its demo logins can sign in."""

from __future__ import annotations

import importlib.machinery
import io
import random
import sys
import types
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from accounts import demo
from accounts.models import Membership, MentorProfile, Mutual, Region, ServiceArea, User

pytestmark = pytest.mark.django_db


def seed(**options: Any) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def claimed() -> QuerySet[Mutual]:
    """The mutuals the accounts seed makes, all with members. Other apps' seeds add emerging projects: unclaimed
    mutuals with no members (accounts.pipeline), which --size does not count."""
    return Mutual.objects.filter(memberships__isnull=False).distinct()


def row_counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "mutuals": claimed().count(),
        "memberships": Membership.objects.count(),
        "mutual areas": Mutual.service_areas.through.objects.count(),
        "mentors": MentorProfile.objects.count(),
        "mentor topics": MentorProfile.topics.through.objects.count(),
        "mentor areas": MentorProfile.service_areas.through.objects.count(),
        "mentor stages": MentorProfile.stages.through.objects.count(),
        "conflicts": MentorProfile.conflicts.through.objects.count(),
    }


def snapshot() -> list[tuple[object, ...]]:
    """The seeded data without primary keys or timestamps, in a stable order."""
    mutuals = [
        (
            mutual.slug,
            mutual.name,
            mutual.region.slug,
            mutual.stage.slug,
            mutual.legal_form,
            mutual.staff_count,
            mutual.parent_body,
            mutual.listed_publicly,
            tuple(sorted(area.slug for area in mutual.service_areas.all())),
            tuple(sorted(member.email for member in mutual.members.all())),
        )
        for mutual in claimed().select_related("region", "stage").prefetch_related("service_areas", "members")
    ]
    mentors = [
        (
            profile.user.email,
            profile.user.full_name,
            profile.headline,
            profile.organisation,
            profile.region.slug,
            profile.format,
            profile.capacity,
            profile.status,
            profile.paused_until,
            tuple(sorted(topic.slug for topic in profile.topics.all())),
            tuple(sorted(mutual.slug for mutual in profile.conflicts.all())),
        )
        for profile in MentorProfile.objects.select_related("user", "region").prefetch_related("topics", "conflicts")
    ]
    return sorted(mutuals) + sorted(mentors)


class Undo(Exception):
    pass


def seeded_snapshot(**options: Any) -> list[tuple[object, ...]]:
    """Seeds, takes a snapshot, then rolls the seed back (to a savepoint), so the next seed starts from empty."""
    try:
        with transaction.atomic():
            seed(**options)
            taken = snapshot()
            raise Undo
    except Undo:
        return taken


def test_running_twice_creates_nothing_new() -> None:
    first = seed(size=30)
    counts = row_counts()
    second = seed(size=30)

    assert row_counts() == counts
    assert "created 1 staff, 30 mutuals, 30 mentors" in first
    assert "created nothing new" in second
    assert counts["mutuals"] == 30
    assert counts["mentors"] == 30


def test_a_larger_size_adds_only_the_missing_rows() -> None:
    seed(size=20, seed=3)
    before = {mutual.slug for mutual in claimed()}

    seed(size=25, seed=3)

    assert claimed().count() == 25
    assert MentorProfile.objects.count() == 25
    assert before < {mutual.slug for mutual in claimed()}


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not() -> None:
    first = seeded_snapshot(size=40, seed=5)
    again = seeded_snapshot(size=40, seed=5)
    other = seeded_snapshot(size=40, seed=6)

    assert len(first) == 80
    assert first == again
    assert first != other
    assert not Mutual.objects.exists()  # each snapshot really started from an empty database


def test_size_200_covers_the_taxonomy_and_every_kind_of_mentor() -> None:
    seed(size=200)

    assert claimed().count() == 200
    assert MentorProfile.objects.count() == 200
    assert set(ServiceArea.objects.values_list("slug", flat=True)) == set(
        Mutual.objects.values_list("service_areas__slug", flat=True)
    )
    assert set(Region.objects.values_list("slug", flat=True)) == set(
        Mutual.objects.values_list("region__slug", flat=True)
    )
    assert Mutual.objects.filter(listed_publicly=True).exists()
    assert Mutual.objects.filter(listed_publicly=False).exists()
    assert not Mutual.objects.filter(memberships__isnull=True, emerging_project__isnull=True).exists()
    assert set(MentorProfile.objects.values_list("status", flat=True)) == set(MentorProfile.Status.values)
    assert MentorProfile.objects.filter(paused_until__isnull=False).exists()
    assert MentorProfile.objects.filter(conflicts__isnull=False).exists()
    assert set(MentorProfile.objects.values_list("capacity", flat=True)) == {1, 2, 3, 4, 5}
    assert not MentorProfile.objects.filter(topics__isnull=True).exists()
    assert not MentorProfile.objects.filter(status="rejected", status_reason="").exists()
    # Every demo user can sign in: allauth requires a verified primary address.
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()
    names = list(Mutual.objects.values_list("name", flat=True))
    assert len(set(names)) == len(names)


def test_demo_logins_are_printed_and_can_sign_in() -> None:
    output = seed(size=10)

    assert demo.DEMO_PASSWORD in output
    assert "two-factor" in output
    for login in demo.DEMO_LOGINS:
        assert login.email in output
        client = Client()
        response = client.post(reverse("account_login"), {"login": login.email, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, login.email
        assert client.session.get("_auth_user_id") == str(User.objects.get(email=login.email).pk), login.email


def test_demo_roles() -> None:
    seed(size=10)

    staff = User.objects.get(email=demo.STAFF_EMAIL)
    assert staff.is_programme_team and staff.is_staff
    assert User.objects.get(email=demo.MUTUAL_EMAIL).mutuals.get().name == demo.DEMO_MUTUAL_NAME
    mentor = MentorProfile.objects.get(user__email=demo.MENTOR_EMAIL)
    assert mentor.is_available()
    assert mentor.vetted_by == staff


def test_if_empty_does_nothing_when_there_are_users() -> None:
    User.objects.create_user("someone@example.org", "a-long-password-1")

    output = seed(size=10, if_empty=True)

    assert "no demo data added" in output
    assert User.objects.count() == 1
    assert not Mutual.objects.exists()


def test_if_empty_seeds_an_empty_database() -> None:
    seed(size=10, if_empty=True)

    assert claimed().count() == 10


def test_size_must_be_positive() -> None:
    with pytest.raises(CommandError):
        seed(size=0)


class FakeAppConfig:
    name = "fakeapp"
    label = "fakeapp"


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> types.SimpleNamespace:
    """An installed app with a demo.seed function that records its calls."""
    calls: list[dict[str, Any]] = []
    package = types.ModuleType("fakeapp")
    package.__path__ = []
    module = types.ModuleType("fakeapp.demo")
    module.__spec__ = importlib.machinery.ModuleSpec("fakeapp.demo", None)
    state = types.SimpleNamespace(calls=calls, fail=False)

    def fake_seed(*, rng: random.Random, size: int, stdout: Any) -> None:
        calls.append({"numbers": [rng.random() for _ in range(3)], "size": size, "mutuals": claimed().count()})
        stdout.write("fakeapp: created things.")
        if state.fail:
            raise RuntimeError("fakeapp failed")

    module.seed = fake_seed  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fakeapp", package)
    monkeypatch.setitem(sys.modules, "fakeapp.demo", module)
    real = apps.get_app_configs
    monkeypatch.setattr(apps, "get_app_configs", lambda: [*real(), FakeAppConfig()])
    return state


def test_other_apps_demo_seed_is_called_after_accounts(fake_app: types.SimpleNamespace) -> None:
    with transaction.atomic():
        output = seed(size=12, seed=9)
        transaction.set_rollback(True)
    seed(size=12, seed=9)

    first, second = fake_app.calls
    assert first == {"numbers": first["numbers"], "size": 12, "mutuals": 12}
    assert first["numbers"] == second["numbers"]  # its random stream depends on the seed only
    assert "fakeapp: created things." in output


def test_a_failing_app_seed_rolls_everything_back(fake_app: types.SimpleNamespace) -> None:
    fake_app.fail = True

    with pytest.raises(RuntimeError):
        seed(size=12)

    assert not User.objects.exists()
    assert not Mutual.objects.exists()


def test_on_postgresql_the_planner_knows_how_many_rows_the_seed_wrote() -> None:
    """Planned against empty-table statistics, the queries after a big seed (its own later steps, and the tasks run
    when it commits) can take minutes instead of seconds."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("ANALYZE is PostgreSQL's")
    seed(size=7)

    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [MentorProfile._meta.db_table])
        (estimate,) = cursor.fetchone()
    assert estimate == MentorProfile.objects.count() > 0
