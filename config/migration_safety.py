"""Migrations that old and new code can run side by side (docs/operations.md, "Migrations during a rolling deploy").

During a rolling deploy the migration runs first, then hosts move to the new code one by one: for a while the old code
runs against the new schema. So a release may only *expand* the schema. What the old code still reads or writes can
be dropped, renamed or tightened only in a later release, once no running code uses it ("expand, then contract").

`unsafe_operations()` flags, in every migration not listed in `config/migrations_released.txt` (the migrations that
shipped before this rule), the operations that break old code:

- RemoveField, DeleteModel: the old code still selects or inserts the column or table;
- RenameField, RenameModel: the old code uses the old name;
- AlterField from null to NOT NULL without a database default: the old code may still write NULL;
- AddField NOT NULL without a database default (`db_default`) on a table that already exists: the old code's inserts
  leave the column out (Django's `default` is applied by the new code only).

A migration that contracts on purpose, in the release after the code stopped using what it removes, says so:

    class Migration(migrations.Migration):
        second_release = "Mentor.old_field unused since release 2026-12 (commit abc123)"

`scripts/check_migrations.py` runs the check; tests/operations/test_migration_safety.py runs it in CI.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

RELEASED_FILE = Path(__file__).resolve().parent / "migrations_released.txt"
MigrationKey = tuple[str, str]


@dataclass(frozen=True)
class Finding:
    migration: MigrationKey
    operation: str
    reason: str

    def __str__(self) -> str:
        app_label, name = self.migration
        return f"{app_label}/migrations/{name}.py: {self.operation}: {self.reason}"


def released(path: Path = RELEASED_FILE) -> set[MigrationKey]:
    keys = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            app_label, name = line.split(".", 1)
            keys.add((app_label, name))
    return keys


def record_released(keys: list[MigrationKey], path: Path = RELEASED_FILE) -> int:
    """Append the migrations not yet listed to the released list; returns how many were added."""
    new = [key for key in keys if key not in released(path)]
    with path.open("a") as listing:
        listing.writelines(f"{app_label}.{name}\n" for app_label, name in new)
    return len(new)


def _has_db_default(field: models.Field) -> bool:  # type: ignore[type-arg]
    return field.db_default is not models.NOT_PROVIDED


def _field_in_state(state: ProjectState, app_label: str, model_name: str, name: str) -> models.Field | None:  # type: ignore[type-arg]
    model = state.models.get((app_label, model_name.lower()))
    return model.fields.get(name) if model else None


def operation_findings(
    key: MigrationKey, migration: Migration, state: ProjectState, existing_models: set[tuple[str, str]]
) -> list[Finding]:
    """What in `migration` breaks code that expects `state` (the schema before it). `existing_models` are the
    tables that existed before the migration (a table it creates may be changed freely)."""
    app_label = key[0]
    findings: list[Finding] = []
    state = state.clone()

    def flag(operation: migrations.operations.base.Operation, reason: str) -> None:
        findings.append(Finding(key, operation.describe(), reason))

    for operation in migration.operations:
        model_name = getattr(operation, "model_name", None) or getattr(operation, "name", "")
        existed = (app_label, str(model_name).lower()) in existing_models
        if isinstance(operation, migrations.RemoveField) and existed:
            flag(operation, "drops a column the old code still reads and writes")
        elif isinstance(operation, migrations.DeleteModel) and existed:
            flag(operation, "drops a table the old code still uses")
        elif isinstance(operation, migrations.RenameField) and existed:
            flag(operation, "renames a column the old code uses by its old name")
        elif isinstance(operation, migrations.RenameModel) and existed:
            flag(operation, "renames a table the old code uses by its old name")
        elif isinstance(operation, migrations.AlterField) and existed:
            old = _field_in_state(state, app_label, operation.model_name, operation.name)
            new = operation.field
            if old is not None and old.null and not new.null and not _has_db_default(new):
                flag(operation, "makes a column NOT NULL without a db_default while the old code may write NULL")
        elif isinstance(operation, migrations.AddField) and existed:
            field = operation.field
            if not field.null and not field.many_to_many and not _has_db_default(field):
                flag(operation, "adds a NOT NULL column without db_default: the old code's inserts leave it out")
        operation.state_forwards(app_label, state)
    return findings


def migration_findings(key: MigrationKey, migration: Migration, state: ProjectState) -> list[Finding]:
    """The unsafe operations of one migration, given the schema before it; none when it is a marked contraction."""
    if getattr(migration, "second_release", ""):
        return []
    return operation_findings(key, migration, state, set(state.models))


def project_migrations(loader: MigrationLoader) -> list[MigrationKey]:
    """The project's own migrations (not Django's or a library's: those are released with their package)."""
    base = Path(settings.BASE_DIR).resolve()
    own = {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and ".venv" not in Path(config.path).parts
    }
    return sorted(key for key in loader.disk_migrations if key[0] in own)


def unsafe_operations(loader: MigrationLoader | None = None, skip: set[MigrationKey] | None = None) -> list[Finding]:
    """Every unsafe operation in migrations that are neither released (RELEASED_FILE) nor marked second_release."""
    loader = loader or MigrationLoader(None, ignore_no_migrations=True)
    skip = released() if skip is None else skip
    findings: list[Finding] = []
    for key in project_migrations(loader):
        if key not in skip:
            findings += migration_findings(key, loader.disk_migrations[key], loader.project_state(key, at_end=False))
    return sorted(findings, key=lambda finding: (finding.migration, finding.operation))


def unreleased(loader: MigrationLoader | None = None) -> list[MigrationKey]:
    loader = loader or MigrationLoader(None, ignore_no_migrations=True)
    done = released()
    return [key for key in project_migrations(loader) if key not in done]
