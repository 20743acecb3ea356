"""People in notices and emails are stored by reference and named when shown.

`params` hold plain values (an organisation's name, a request's title, a number) and people as {"user": id}. A
person who has since deleted their account is named "Former user". Values are filled into our own wording with
str.format_map, so braces a person typed in a title are kept as text, never read as a placeholder.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model

FORMER_USER = "Former user"


def person(user: Any) -> dict[str, int | None]:
    """A reference to a person for `params` (None: someone who has left, or the programme itself)."""
    return {"user": getattr(user, "pk", None)}


def is_person(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"user"}


def stored(params: Mapping[str, Any]) -> dict[str, Any]:
    """params as stored: people (user objects) become references; everything else must already be JSON-ready."""
    result: dict[str, Any] = {}
    for key, value in params.items():
        if hasattr(value, "_meta") and hasattr(value, "pk"):  # a model instance: only people may be passed
            result[key] = person(value)
        elif isinstance(value, (list, tuple)):
            result[key] = [person(item) if hasattr(item, "_meta") else item for item in value]
        else:
            result[key] = value
    return result


def person_ids(params_list: Iterable[Mapping[str, Any]]) -> set[int]:
    ids: set[int] = set()
    for params in params_list:
        for value in params.values():
            for item in value if isinstance(value, list) else [value]:
                if is_person(item) and item["user"] is not None:
                    ids.add(int(item["user"]))
    return ids


def names_of(ids: set[int]) -> dict[int, str]:
    """Display names of the people still here, in one query."""
    if not ids:
        return {}
    users = get_user_model().objects.filter(pk__in=ids).only("pk", "email", "full_name")
    return {user.pk: user.display_name for user in users}  # type: ignore[attr-defined]


def resolved(params: Mapping[str, Any], names: Mapping[int, str]) -> dict[str, Any]:
    """params with every person replaced by their name (or "Former user")."""

    def name(item: Any) -> Any:
        if is_person(item):
            return names.get(item["user"], FORMER_USER) if item["user"] is not None else FORMER_USER
        return item

    return {
        key: [name(item) for item in value] if isinstance(value, list) else name(value) for key, value in params.items()
    }
