"""Form fields every part of the service shares, with GOV.UK-style error messages.

`GovukDateField` is the one way a person enters a date: the GOV.UK date input pattern (day, month and year in three
boxes, no browser date picker, no ISO format to learn). Its errors follow the Design System's wording and say which
box is wrong, so the template can mark only that box. `{% govuk_field %}` (pages/templatetags/forms.py) renders it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

DATE_PARTS = ("day", "month", "year")
# An example in the hint: a date people recognise as a format, not a date they might mean.
DATE_HINT = "For example, 27 3 2027"

DateLimit = datetime.date | Callable[[], datetime.date] | None


class DateInputWidget(forms.MultiWidget):
    """Three text boxes named <name>_day, <name>_month and <name>_year, numeric keyboards on phones."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            f"_{part}": forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def value_from_datadict(self, data: Mapping[str, Any], files: MultiValueDict, name: str) -> list[str]:  # type: ignore[override]
        return [str(data.get(f"{name}_{part}", "") or "").strip() for part in DATE_PARTS]

    def value_omitted_from_data(self, data: Mapping[str, Any], files: MultiValueDict, name: str) -> bool:  # type: ignore[override]
        return all(f"{name}_{part}" not in data for part in DATE_PARTS)


def date_error_parts(error: ValidationError) -> tuple[str, ...]:
    """The boxes an error is about (all three unless the error names some)."""
    params = error.params or {}
    return tuple(params.get("parts", DATE_PARTS))


def _resolve(limit: DateLimit) -> datetime.date | None:
    return limit() if callable(limit) else limit


def _long(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


class GovukDateField(forms.Field):
    """A date entered as day, month and year.

    `noun` names the date in messages ("the date of the meeting"); `earliest` and `latest` (a date, or a callable
    such as `timezone.localdate` for "today") bound it, with `too_early` and `too_late` saying what went wrong in the
    reader's terms, for example "The date you pause until must be in the future".
    """

    widget = DateInputWidget

    def __init__(
        self,
        *,
        noun: str,
        earliest: DateLimit = None,
        latest: DateLimit = None,
        too_early: str = "",
        too_late: str = "",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        super().__init__(**kwargs)
        self.noun = noun
        self.earliest = earliest
        self.latest = latest
        self.too_early = too_early
        self.too_late = too_late

    @property
    def subject(self) -> str:
        return self.noun[:1].upper() + self.noun[1:]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):  # a moment shown as the day it falls on here
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return value

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value.date() if isinstance(value, datetime.datetime) else value
        parts = dict(zip(DATE_PARTS, value or ["", "", ""], strict=False))
        if not any(parts.values()):
            return None
        missing = [part for part in DATE_PARTS if not parts.get(part)]
        if missing:
            raise ValidationError(
                f"{self.subject} must include a {' and '.join(missing)}", code="incomplete", params={"parts": missing}
            )
        not_numbers = [part for part in DATE_PARTS if not parts[part].isdigit()]
        if not_numbers:
            raise ValidationError(f"{self.subject} must be a real date", code="invalid", params={"parts": not_numbers})
        if len(parts["year"]) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid", params={"parts": ["year"]})
        try:
            return datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError:
            wrong = ["month"] if not 1 <= int(parts["month"]) <= 12 else ["day"]
            message = f"{self.subject} must be a real date"
            raise ValidationError(message, code="invalid", params={"parts": wrong}) from None

    def validate(self, value: datetime.date | None) -> None:
        if value is None:
            if self.required:
                raise ValidationError(f"Enter {self.noun}", code="required")
            return
        earliest, latest = _resolve(self.earliest), _resolve(self.latest)
        if earliest is not None and value < earliest:
            raise ValidationError(self.too_early or f"{self.subject} must be on or after {_long(earliest)}", code="min")
        if latest is not None and value > latest:
            raise ValidationError(self.too_late or f"{self.subject} must be on or before {_long(latest)}", code="max")

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != initial
        except ValidationError:
            return True


def start_of_day(value: datetime.date) -> datetime.datetime:
    """The first moment of a day, here."""
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def end_of_day(value: datetime.date) -> datetime.datetime:
    """The last moment of a day, here: a deadline "on 31 March" lasts all of that day."""
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.max))


def today() -> datetime.date:
    return timezone.localdate()


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)
