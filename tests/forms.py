"""Posting what a person types into the service's forms."""

from __future__ import annotations

import datetime


def date_input(name: str, value: datetime.date | tuple[object, object, object] | None) -> dict[str, str]:
    """The three boxes of a GOV.UK date input (accounts.fields.GovukDateField) as a browser posts them.

    A date fills them in; a (day, month, year) tuple posts exactly what a person typed, right or wrong.
    """
    if value is None:
        parts: tuple[object, object, object] = ("", "", "")
    elif isinstance(value, datetime.date):
        parts = (value.day, value.month, value.year)
    else:
        parts = value
    return {f"{name}_{part}": str(typed) for part, typed in zip(("day", "month", "year"), parts, strict=True)}
