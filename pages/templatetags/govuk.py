"""Template helpers for GOV.UK Frontend components shared by every app (tables, tags, summary lists)."""

from __future__ import annotations

from collections.abc import Mapping

from django import template
from django.db import models

register = template.Library()

# The colours a tag may take: GOV.UK Frontend v6's tag modifiers, plus "blue" and "light-blue". v6 has no rule for
# those two (its plain tag is blue), so both look like the plain tag; they are kept so that this markup is unchanged.
TAG_COLOURS = frozenset({"blue", "light-blue", "grey", "green", "teal", "purple", "magenta", "red", "orange", "yellow"})


@register.filter
def attribute(obj: object, name: str) -> object:
    """{{ row|attribute:"mutuals" }}: read a column of a report row by name."""
    return getattr(obj, name)


@register.inclusion_tag("includes/tag.html")
def govuk_tag(label: str, colour: str) -> dict[str, str]:
    """{% govuk_tag "At risk" "red" %}: a GOV.UK tag that is not a model's status."""
    if colour not in TAG_COLOURS:
        raise template.TemplateSyntaxError(f"{colour!r} is not a GOV.UK tag colour")
    return {"label": label, "colour": colour}


def status_tag_parts(obj: models.Model) -> tuple[str, str]:
    """The words and colour of `obj.status` as a tag, read from its model's nested Status choices.

    Status.TAG_COLOURS maps every value to a colour; Status.TAG_LABELS, where present, replaces the choice label
    for the few statuses whose tag says something else. A status without a colour raises KeyError.
    """
    choices = type(obj).Status  # type: ignore[attr-defined]
    status = choices(obj.status)  # type: ignore[attr-defined]
    colours: Mapping[str, str] = choices.TAG_COLOURS
    labels: Mapping[str, str] = getattr(choices, "TAG_LABELS", {})
    return labels.get(status, status.label), colours[status]


@register.inclusion_tag("includes/tag.html")
def status_tag(obj: models.Model) -> dict[str, str]:
    """{% status_tag mentoring_request %}: the object's status as a GOV.UK tag, coloured by its Status.TAG_COLOURS."""
    label, colour = status_tag_parts(obj)
    return govuk_tag(label, colour)
