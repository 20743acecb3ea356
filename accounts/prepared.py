"""A question asked on every page about one person, compiled to SQL once per process.

The header asks the same question on every signed-in page: which roles does this person have, how many unread
messages and notices. As a queryset it has a dozen correlated subqueries, and building and compiling it costs about
9 ms of CPU a page, while PostgreSQL answers it in a quarter of a millisecond. A PersonQuery builds the queryset once
for a stand-in person, keeps its SQL, and on each page runs that SQL with the person's id put where the stand-in's
was. The queryset stays the single description of the question (the apps' role registry and selectors still build
it); only the compiling is not repeated.

Only the person's primary key may vary: `build` must not look at any other attribute of the person it is given,
nor put anything that changes while the process runs (the time, a setting) into the SQL as a value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet

from accounts.models import User

# The stand-in's id: never a real primary key, and not a value the questions use as a constant.
_STAND_IN = -7_770_000_123


class PersonQuery:
    """`build(person)` returns a `.values(...)` queryset of at most one row about that person."""

    def __init__(self, build: Callable[[User], QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[str, tuple[str, tuple[Any, ...], tuple[int, ...]]] = {}

    def _compile(self, alias: str) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
        compiled = self._compiled.get(alias)
        if compiled is None:
            queryset = self._build(User(pk=_STAND_IN))
            sql, params = queryset.query.get_compiler(using=alias).as_sql()
            slots = tuple(index for index, value in enumerate(params) if value == _STAND_IN)
            if not slots:
                raise ValueError("The question does not depend on the person: nothing to bind.")
            compiled = self._compiled[alias] = (sql, tuple(params), slots)
        return compiled

    def row(self, user: User) -> dict[str, Any] | None:
        """The question's one row for this person (column name to value), or None. One query."""
        alias = router.db_for_read(User)
        sql, params, slots = self._compile(alias)
        bound = list(params)
        for slot in slots:
            bound[slot] = user.pk
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, bound)
            found = cursor.fetchone()
            if found is None:
                return None
            return {column[0]: value for column, value in zip(cursor.description, found, strict=True)}
