"""`make audit`: known vulnerabilities in the locked Python packages (pip-audit) and the npm packages (npm audit).

Fails (exit 1) when a package has a known vulnerability that a newer version fixes. A vulnerability without a fix
is listed but does not fail the run (there is nothing to upgrade to yet). When an advisory service cannot be reached
(no network, a registry mirror without the advisory API), that is reported and does not fail the run: an audit that
could not run is not a pass either, so the report says so plainly.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VENV_BIN = BASE_DIR / ".venv" / "bin"


def python_packages(lock: str) -> tuple[list[str], list[str], str | None]:
    """(fixable findings, unfixable findings, why the audit could not run)."""
    command = [
        str(VENV_BIN / "pip-audit"),
        "--requirement",
        lock,
        "--require-hashes",
        "--disable-pip",
        "--format",
        "json",
        "--progress-spinner",
        "off",
    ]
    result = subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True, timeout=600)  # noqa: S603
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return [], [], (result.stderr.strip().splitlines() or ["pip-audit gave no report"])[-1]
    dependencies = report.get("dependencies", [])
    audited = [dependency for dependency in dependencies if "vulns" in dependency]
    if not audited:
        reasons = {dependency.get("skip_reason", "") for dependency in dependencies}
        return [], [], f"the advisory service could not look any package up ({next(iter(reasons), '')[:100]}...)"
    fixable: list[str] = []
    unfixable: list[str] = []
    for dependency in audited:
        for vulnerability in dependency["vulns"]:
            line = f"{dependency['name']} {dependency['version']}: {vulnerability['id']}"
            if vulnerability.get("fix_versions"):
                fixable.append(f"{line} (fixed in {', '.join(vulnerability['fix_versions'])})")
            else:
                unfixable.append(f"{line} (no fix yet)")
    return fixable, unfixable, None


def npm_packages() -> tuple[list[str], list[str], str | None]:
    command = ["npm", "audit", "--json"]  # npm from PATH, as make and CI run it
    result = subprocess.run(command, cwd=BASE_DIR, capture_output=True, text=True, timeout=600)  # noqa: S603
    try:
        report = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        return [], [], "npm audit gave no report"
    if "vulnerabilities" not in report:
        return [], [], f"the npm advisory service answered: {report.get('message', 'nothing')}"
    fixable: list[str] = []
    unfixable: list[str] = []
    for name, finding in report["vulnerabilities"].items():
        line = f"{name} ({finding.get('severity')}): {finding.get('range', '')}"
        (fixable if finding.get("fixAvailable") else unfixable).append(line)
    return fixable, unfixable, None


def main() -> int:
    failed = False
    for label, (fixable, unfixable, unavailable) in (
        ("Python (requirements.lock)", python_packages("requirements.lock")),
        ("Python, development (requirements-dev.lock)", python_packages("requirements-dev.lock")),
        ("npm (package-lock.json)", npm_packages()),
    ):
        if unavailable:
            print(f"{label}: NOT AUDITED: {unavailable}")
            continue
        print(f"{label}: {len(fixable)} vulnerabilities with a fix, {len(unfixable)} without")
        for line in fixable + unfixable:
            print(f"  {line}")
        failed = failed or bool(fixable)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
