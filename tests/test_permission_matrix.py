"""Walks every URL pattern as every persona and compares the outcome with the tables in tests/matrix/."""

from __future__ import annotations

import importlib
import pkgutil
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import matrix
from tests.clients import ClientFor
from tests.matrix import LOGIN, PERSONAS, REDIRECT, Route

# URL namespaces that belong to third-party apps and are covered by their own tests or by tests/accounts.
EXEMPT_PREFIXES = ("admin:", "account_", "mfa_", "socialaccount_", "headless:", "usersessions_")
# Our own patterns that cannot be requested by name without special context.
EXEMPT_NAMES: set[str] = set()


def _modules() -> list[object]:
    names = sorted(m.name for m in pkgutil.iter_modules(matrix.__path__))
    # accounts first: its builder creates the mutuals and profiles the others refer to.
    names.sort(key=lambda n: (n != "accounts", n))
    return [importlib.import_module(f"tests.matrix.{name}") for name in names]


def _all_url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    resolver = resolver or get_resolver()
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _all_url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def _routes() -> list[Route]:
    routes: list[Route] = []
    for module in _modules():
        routes.extend(getattr(module, "ROUTES", []))
    return routes


def test_every_url_is_in_the_matrix() -> None:
    listed = {route.name for route in _routes()}
    ours = {n for n in _all_url_names() if not n.startswith(EXEMPT_PREFIXES) and n not in EXEMPT_NAMES}
    missing = sorted(ours - listed)
    assert not missing, f"URL names missing from tests/matrix/: {missing}"
    stale = sorted(listed - _all_url_names())
    assert not stale, f"tests/matrix/ lists URL names that no longer exist: {stale}"


def _check(client: Client, method: str, url: str, data: dict, expected: int | str) -> str | None:
    response = client.post(url, data) if method == "POST" else client.get(url)
    status = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN:
        ok = status == 302 and "/account/login/" in location
    elif expected == REDIRECT:
        ok = status == 302 and "/account/login/" not in location
    else:
        ok = status == expected
    if ok:
        return None
    return f"{method} {url}: expected {expected}, got {status} {location}"


@pytest.mark.django_db
def test_permission_matrix(
    personas: SimpleNamespace, capsys: pytest.CaptureFixture[str], client_for: ClientFor
) -> None:
    world = SimpleNamespace(**vars(personas))
    for module in _modules():
        build = getattr(module, "build", None)
        if build:
            build(world)
    clients = {
        persona: Client() if persona == "anonymous" else client_for(getattr(world, persona)) for persona in PERSONAS
    }

    failures: list[str] = []
    cells = 0
    for route in _routes():
        url = reverse(route.name, kwargs=route.kwargs(world)) + route.query
        for persona in PERSONAS:
            client = clients[persona]
            if route.get is None:
                expected_get: int | str = 405
            else:
                expected_get = route.get[persona]
            problem = _check(client, "GET", url, {}, expected_get)
            cells += 1
            if problem:
                failures.append(f"[{persona}] {problem}")
            if route.post is not None:
                problem = _check(client, "POST", url, route.post_data(world), route.post[persona])
                cells += 1
                if problem:
                    failures.append(f"[{persona}] {problem}")
    with capsys.disabled():
        print(f"\npermission matrix: {cells} URL x persona cells checked over {len(_routes())} routes")
    assert not failures, "\n".join(failures)
