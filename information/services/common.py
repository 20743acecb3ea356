"""What the information service's services share: their error, and slugs."""

from __future__ import annotations

from django.db.models import Model
from django.utils.text import slugify


class InformationError(Exception):
    """A change the rules do not allow. The message is shown to the person who asked for it."""


def free_slug(model: type[Model], title: str, *, max_length: int = 160) -> str:
    """A slug for a new row of `model`, from its title, not yet taken (a number is added when it is)."""
    base = slugify(title)[:max_length].strip("-") or "page"
    taken = set(model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))  # type: ignore[misc]
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
