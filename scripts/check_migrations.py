#!/usr/bin/env python
"""Flag migrations that the code of the previous release could not run against (config/migration_safety.py).

    .venv/bin/python scripts/check_migrations.py              # exit 1 and list them, or exit 0
    .venv/bin/python scripts/check_migrations.py --unreleased # the migrations the check looks at
    .venv/bin/python scripts/check_migrations.py --release    # after a release: add them to the released list
    .venv/bin/python scripts/check_migrations.py --release --unchecked  # the same without checking them first,
        # for migrations written before this rule (branches merged together before their first release)

The rule and how to write a migration that passes are in docs/operations.md. CI runs the same check through
tests/operations/test_migration_safety.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unreleased", action="store_true", help="list the migrations the check looks at")
    parser.add_argument("--release", action="store_true", help="record every migration as released")
    parser.add_argument("--unchecked", action="store_true", help="with --release: record them even if flagged")
    arguments = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from config.migration_safety import record_released, unreleased, unsafe_operations

    if arguments.unreleased:
        for app_label, name in unreleased():
            print(f"{app_label}.{name}")
        return 0
    if arguments.release:
        findings = [] if arguments.unchecked else unsafe_operations()
        if findings:
            print("Not recorded: fix or mark these first.", file=sys.stderr)
            print("\n".join(str(finding) for finding in findings), file=sys.stderr)
            return 1
        print(f"{record_released(unreleased())} migrations recorded as released")
        return 0
    findings = unsafe_operations()
    for finding in findings:
        print(finding)
    if findings:
        print(
            "\nOld code still runs against the new schema during a rolling deploy: expand now, contract in the next "
            "release (docs/operations.md). A migration that contracts on purpose sets second_release on its class.",
            file=sys.stderr,
        )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
