"""The supply chain: every package locked with hashes and installed from the lock everywhere, supported runtimes,
and an audit that fails on a fixable vulnerability (issue 17, findings 10 and 11)."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\],]+)==([^\s;]+)")


def _pins(requirements: list[str]) -> dict[str, str]:
    pins = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        assert match, f"not pinned with ==: {requirement}"
        pins[re.sub(r"\[.*\]", "", match.group(1)).lower().replace("_", "-")] = match.group(2)
    return pins


def _locked(lock: str) -> dict[str, str]:
    text = (BASE_DIR / lock).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text)
    locked = {}
    for entry in entries:
        match = PIN.match(entry.strip())
        if match:
            assert "--hash=sha256:" in entry, f"{lock}: {match.group(1)} has no hash"
            locked[match.group(1).lower().replace("_", "-")] = match.group(2)
    return locked


def test_every_dependency_is_locked_at_its_pinned_version_with_hashes() -> None:
    project = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]
    runtime = _pins(project["dependencies"])
    development = _pins(project["optional-dependencies"]["dev"])
    for lock, wanted in (("requirements.lock", runtime), ("requirements-dev.lock", {**runtime, **development})):
        locked = _locked(lock)
        stale = {name: version for name, version in wanted.items() if locked.get(name) != version}
        assert not stale, f"{lock} does not match pyproject.toml (run `make lock`): {stale}"
        # Transitive packages are locked too, not only what pyproject names.
        assert len(locked) > len(wanted)
        assert "--index-url" not in (BASE_DIR / lock).read_text()


def test_make_ci_and_the_image_install_from_the_lock_with_hashes() -> None:
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "--require-hashes -r requirements-dev.lock" in makefile
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert "make audit" in (BASE_DIR / ".ci" / "run").read_text()


def test_runtimes_are_supported_releases() -> None:
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    node = re.search(r"FROM node:(\d+)", dockerfile)
    assert node and int(node.group(1)) >= 22 and int(node.group(1)) % 2 == 0, "Node must be an LTS line, 22 or later"
    assert re.search(r"FROM python:3\.11-slim", dockerfile), "the Python image is pinned to 3.11"
    engines = json.loads((BASE_DIR / "package.json").read_text())["engines"]["node"]
    assert engines.startswith(">=") and int(engines[2:].split(".")[0]) >= 22


def _fake_run(outputs: dict[str, str]) -> Any:
    def run(command: list[str], **kwargs: Any) -> SimpleNamespace:
        tool = "npm" if command[0] == "npm" else "pip-audit"
        return SimpleNamespace(stdout=outputs[tool], stderr="", returncode=0)

    return run


PIP_FINDINGS = json.dumps(
    {
        "dependencies": [
            {"name": "django", "version": "5.2.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"]}]},
            {"name": "numpy", "version": "2.4.6", "vulns": []},
        ]
    }
)
PIP_UNFIXABLE = json.dumps(
    {"dependencies": [{"name": "numpy", "version": "2.4.6", "vulns": [{"id": "GHSA-x", "fix_versions": []}]}]}
)
PIP_UNREACHABLE = json.dumps(
    {"dependencies": [{"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}]}
)
NPM_CLEAN = json.dumps({"vulnerabilities": {}})
NPM_FINDINGS = json.dumps({"vulnerabilities": {"sass": {"severity": "high", "range": "<1.2", "fixAvailable": True}}})
NPM_UNREACHABLE = json.dumps({"message": "405 Method Not Allowed"})


@pytest.mark.parametrize(
    ("pip", "npm", "exit_code", "says"),
    [
        (PIP_FINDINGS, NPM_CLEAN, 1, "django 5.2.0: PYSEC-1 (fixed in 5.2.1)"),
        (PIP_UNFIXABLE, NPM_CLEAN, 0, "numpy 2.4.6: GHSA-x (no fix yet)"),
        (PIP_UNREACHABLE, NPM_UNREACHABLE, 0, "NOT AUDITED"),
        (PIP_UNREACHABLE, NPM_FINDINGS, 1, "sass (high)"),
    ],
    ids=["fixable-python", "unfixable-python", "services-unreachable", "fixable-npm"],
)
def test_the_audit_fails_only_on_a_fixable_vulnerability(
    pip: str, npm: str, exit_code: int, says: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("audit", BASE_DIR / "scripts" / "audit.py")
    assert spec and spec.loader
    audit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(audit)
    monkeypatch.setattr(subprocess, "run", _fake_run({"pip-audit": pip, "npm": npm}))
    assert audit.main() == exit_code
    assert says in capsys.readouterr().out
