"""The shape of the code: dependencies between apps point one way, and no module grows past about 500 lines.

See ../shared/docs/architecture.md. An app may import only apps in a lower layer: a lower app that must react to a
higher one's event exposes a signal or a registry it owns (matching.signals.introduction_accepted,
accounts.personal_data, accounts.dashboard). Every import counts, at the top of a module or inside a function.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)

# Lower numbers are lower layers. Apps in the same layer may not import each other either.
LAYERS = {
    "outbox": 0,  # background work recorded with the change that needs it: every app may use it, it uses no app
    "notifications": 0,  # telling people things: every app may use it, it uses no app
    "accounts": 1,  # people, mutuals, mentors, the taxonomy, a person's data
    "matching": 2,  # requests, the engine, introductions
    "messaging": 3,  # the relationships that follow a match
    "ambassadors": 3,  # the ambassadors programme (uses the matching engine)
    "information": 4,  # the public information service (turns enquiries into requests and engagements)
    "outcomes": 4,  # pulse and closing surveys of relationships (uses messaging), read by the programme team
    "programme": 5,  # the programme team's view across everything
    "pages": 6,  # the site's own pages and shell
    "config": 7,  # the project: settings, URLs, Celery
}
MAX_MODULE_LINES = 500


def _app_modules() -> list[tuple[str, Path]]:
    modules = []
    for app in LAYERS:
        folder = BASE_DIR / app
        if folder.is_dir():
            modules += [(app, path) for path in folder.rglob("*.py") if "migrations" not in path.parts]
    return modules


def _imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found |= {name.split(".")[0] for name in names} & set(LAYERS)
    return found


def _app_graph() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the modules that import it."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app, path in _app_modules():
        for imported in _imported_apps(path) - {app}:
            graph[app][imported].append(str(path.relative_to(BASE_DIR)))
    return graph


def test_every_app_is_in_a_layer() -> None:
    installed = {name for name in settings.INSTALLED_APPS if (BASE_DIR / name).is_dir()}
    assert installed <= set(LAYERS), f"give these apps a layer in tests/test_structure.py: {installed - set(LAYERS)}"


def test_apps_import_only_lower_layers() -> None:
    upward = [
        f"{app} (layer {LAYERS[app]}) imports {imported} (layer {LAYERS[imported]}) in {', '.join(sorted(modules))}"
        for app, imports in _app_graph().items()
        for imported, modules in imports.items()
        if LAYERS[imported] >= LAYERS[app]
    ]
    assert not upward, "imports that do not point down:\n" + "\n".join(upward)


def test_there_is_no_cycle_between_apps() -> None:
    graph = {app: set(imports) for app, imports in _app_graph().items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in graph.get(start, ())
        )

    cycles = sorted(app for app in graph if reaches(app, app, {app}))
    assert not cycles, f"apps on an import cycle: {cycles}"


def test_the_checks_catch_an_upward_import(tmp_path: Path) -> None:
    """The checks above would notice: an accounts module importing messaging is found."""
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from messaging.models import Relationship\n", encoding="utf-8")
    assert _imported_apps(module) == {"messaging"}


def test_no_module_is_over_about_500_lines() -> None:
    long = [
        f"{path.relative_to(BASE_DIR)} ({count} lines)"
        for _, path in _app_modules()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not long, "split these by entity into a package (architecture.md): " + ", ".join(long)
