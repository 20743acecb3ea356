"""Shared check for the audit tests: a staff member's change through a page leaves an entry naming them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from auditlog.models import LogEntry
from django.urls import reverse

from tests.clients import ClientFor


def assert_staff_change_is_audited(world: SimpleNamespace, change: Any, client_for: ClientFor) -> None:
    """`change` is a tests.*.test_csrf_and_safe_methods.Post made by "staff": post it, then read the new entries."""
    getattr(change, "prepare", lambda world: None)(world)  # only some apps' Post has a preparation step
    before = set(LogEntry.objects.values_list("pk", flat=True))

    url = reverse(change.url_name, kwargs=change.kwargs(world))
    response = client_for(world.staff).post(url, change.data(world))

    assert response.status_code == 302, response.content[:500]
    new = LogEntry.objects.exclude(pk__in=before)
    assert new.exists(), f"{change.url_name} left no audit entry"
    # Every entry the request wrote names the person who made it, with a time and what changed.
    for entry in new:
        assert entry.actor == world.staff, f"{change.url_name}: {entry} has actor {entry.actor}"
        assert entry.actor_email == world.staff.email
        assert entry.timestamp is not None
    assert any(entry.changes for entry in new), f"{change.url_name}: no before and after recorded"
