"""Migrations old and new code can run side by side (config/migration_safety.py, docs/operations.md).

The project's migrations are checked here, so CI fails on a migration that drops, renames or tightens what the
previous release still uses; the checker itself is tried on migrations built in the test.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ModelState, ProjectState

from config.migration_safety import (
    RELEASED_FILE,
    migration_findings,
    project_migrations,
    record_released,
    released,
    unreleased,
    unsafe_operations,
)

KEY = ("shop", "0002_change")


def before() -> ProjectState:
    state = ProjectState()
    state.add_model(
        ModelState(
            "shop",
            "Item",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("name", models.CharField(max_length=20)),
                ("note", models.CharField(max_length=20, null=True)),
            ],
        )
    )
    return state


def check(*operations: migrations.operations.base.Operation, **attributes: str) -> list[str]:
    migration = type("Migration", (migrations.Migration,), {"operations": list(operations), **attributes})(*KEY)
    return [finding.reason for finding in migration_findings(KEY, migration, before())]


def test_the_projects_unreleased_migrations_are_safe_for_a_rolling_deploy() -> None:
    findings = unsafe_operations()
    assert not findings, "\n".join(str(finding) for finding in findings)


def test_the_released_list_names_real_migrations_and_every_earlier_one() -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert released() <= set(project_migrations(loader))
    assert ("accounts", "0001_initial") in released()
    assert set(unreleased(loader)) == set(project_migrations(loader)) - released()
    assert RELEASED_FILE.read_text().startswith("#")


@pytest.mark.parametrize(
    ("operation", "reason"),
    [
        (migrations.RemoveField("item", "note"), "drops a column"),
        (migrations.DeleteModel("Item"), "drops a table"),
        (migrations.RenameField("item", "name", "title"), "renames a column"),
        (migrations.RenameModel("Item", "Product"), "renames a table"),
        (migrations.AlterField("item", "note", models.CharField(max_length=20)), "makes a column NOT NULL"),
        (migrations.AddField("item", "code", models.CharField(max_length=5, default="x")), "adds a NOT NULL column"),
    ],
)
def test_operations_that_break_the_old_code_are_flagged(operation, reason: str) -> None:  # type: ignore[no-untyped-def]
    assert len(found := check(operation)) == 1
    assert found[0].startswith(reason)


@pytest.mark.parametrize(
    "operation",
    [
        migrations.AddField("item", "code", models.CharField(max_length=5, null=True)),
        migrations.AddField("item", "code", models.CharField(max_length=5, db_default="x")),
        migrations.AlterField("item", "note", models.CharField(max_length=20, db_default="")),
        migrations.AlterField("item", "name", models.CharField(max_length=40)),
        migrations.AlterField("item", "name", models.CharField(max_length=20, null=True)),
        migrations.AddIndex("item", models.Index(fields=["name"], name="item_name")),
        migrations.CreateModel("Tag", [("id", models.BigAutoField(primary_key=True))]),
        migrations.RunPython(migrations.RunPython.noop),
    ],
)
def test_expanding_the_schema_is_allowed(operation) -> None:  # type: ignore[no-untyped-def]
    assert check(operation) == []


def test_a_table_created_in_the_same_migration_may_be_shaped_freely() -> None:
    created = migrations.CreateModel(
        "Tag", [("id", models.BigAutoField(primary_key=True)), ("label", models.CharField(max_length=5))]
    )
    assert (
        check(
            created,
            migrations.RemoveField("tag", "label"),
            migrations.AddField("tag", "x", models.IntegerField(default=0)),
        )
        == []
    )


def test_a_contracting_migration_marked_second_release_is_not_flagged() -> None:
    removal = migrations.RemoveField("item", "note")
    assert check(removal) != []
    assert check(removal, second_release="Item.note unused since release 2026-12") == []


def test_recording_a_release_lists_each_migration_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    listing = tmp_path / "released.txt"
    listing.write_text("# header\nshop.0001_initial\n")
    assert record_released([("shop", "0001_initial"), ("shop", "0002_change")], listing) == 1
    assert record_released([("shop", "0002_change")], listing) == 0
    assert released(listing) == {("shop", "0001_initial"), ("shop", "0002_change")}


def test_the_script_passes_on_the_project_and_lists_what_it_checks() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/check_migrations.py"], capture_output=True, text=True, check=False, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listed = subprocess.run(
        [sys.executable, "scripts/check_migrations.py", "--unreleased"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert listed.returncode == 0
    assert listed.stdout.split() == [f"{app}.{name}" for app, name in unreleased()]
