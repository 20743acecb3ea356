"""Migration ambassadors 0005: the emerging-projects list joins the one pipeline of mutuals, losing nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("ambassadors", "0004_emerging_project_mutual")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def _latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def latest() -> Iterator[list[tuple[str, str]]]:
    """The latest migrations, and the database put back at them afterwards even if the test fails half-way."""
    leaves = _latest()
    yield leaves
    _migrate(leaves)


# Transactional (migrations cannot run inside a test's transaction); the taxonomy the flush empties is put back
# by tests/conftest.py's _taxonomy_after_flush, as for every transactional test (serialized rollback would collide
# with the content types other transactional tests' flushes recreate).
@pytest.mark.django_db(transaction=True)
def test_every_emerging_project_becomes_an_unclaimed_mutual_with_its_first_stage(
    latest: list[tuple[str, str]],
) -> None:
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    Region, ServiceArea, User = (old.get_model("accounts", name) for name in ("Region", "ServiceArea", "User"))
    Mutual, EmergingProject = old.get_model("accounts", "Mutual"), old.get_model("ambassadors", "EmergingProject")
    spotter = User.objects.create(email="sam.spotter@example.org", full_name="Sam Spotter", is_programme_team=True)
    north_west, fire = Region.objects.get(slug="north-west"), ServiceArea.objects.get(slug="fire-and-rescue")
    spotted = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
    project = EmergingProject.objects.create(
        name="Northshire Youth Service",
        region=north_west,
        service_area=fire,
        notes="Heard about at a council talk.",
        added_by=spotter,
        created_at=spotted,
    )
    # A mutual already using the project's slug: the new mutual must get a free one, not clash.
    Mutual.objects.create(
        name="Northshire Youth Service",
        slug="northshire-youth-service",
        region=north_west,
        stage=old.get_model("accounts", "Stage").objects.order_by("pk").first(),
    )
    EmergingProject.objects.create(name="   ", region=north_west, service_area=fire, created_at=spotted)

    new = _migrate(latest).loader.project_state(latest).apps

    Project, NewMutual = new.get_model("ambassadors", "EmergingProject"), new.get_model("accounts", "Mutual")
    StageChange = new.get_model("accounts", "StageChange")
    migrated = Project.objects.get(pk=project.pk)
    mutual = NewMutual.objects.get(pk=migrated.mutual_id)
    assert mutual.name == "Northshire Youth Service"
    assert mutual.slug == "northshire-youth-service-2"
    assert mutual.region_id == north_west.pk
    assert list(mutual.service_areas.values_list("pk", flat=True)) == [fire.pk]
    assert mutual.description == "Heard about at a council talk."
    assert mutual.created_by_id == spotter.pk and mutual.created_at == spotted
    assert not mutual.listed_publicly and not mutual.memberships.exists()
    assert (migrated.added_by_id, migrated.created_at) == (spotter.pk, spotted)
    change = StageChange.objects.get(mutual=mutual)
    assert (change.from_stage_id, change.to_stage.slug, change.changed_by_id, change.changed_at, change.ended_at) == (
        None,
        "exploring",
        spotter.pk,
        spotted,
        None,
    )
    # Nothing is dropped: every project has its mutual, even one whose name makes an empty slug.
    assert Project.objects.count() == 2
    assert not Project.objects.filter(mutual__isnull=True).exists()
    assert NewMutual.objects.filter(slug="mutual").exists()
