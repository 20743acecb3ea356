"""Free slugs for mutuals and taxonomy terms: the name, slugified, with -2, -3, ... when it is taken."""

from __future__ import annotations

from django.utils.text import slugify

from accounts.models import Mutual

# Path segments under /mutuals/ that a mutual's slug must never shadow.
RESERVED_MUTUAL_SLUGS = {"new"}


def free_slug(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def mutual_slug(name: str) -> str:
    base = slugify(name)[:200].strip("-") or "mutual"
    taken = set(Mutual.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return free_slug(base, taken | RESERVED_MUTUAL_SLUGS)
