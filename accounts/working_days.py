"""Working days, for the programme's response targets (enquiries, vetting a mentor, finding a mentor by hand):
Monday to Friday, except the BANK_HOLIDAYS setting."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

# An enquiry that arrives on a day off counts from the start of the next working day.
WORKING_DAY_STARTS = time(9, 0)


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: datetime, days: int, holidays: Collection[date] | None = None) -> datetime:
    """The moment `days` working days after `start`, at the same time of day (in the service's time zone).

    Received on Friday at 15:00 with a target of 2: Tuesday at 15:00. Received on Saturday: the count starts on
    Monday at 9:00, so the target is Wednesday at 9:00.
    """
    holidays = settings.BANK_HOLIDAYS if holidays is None else holidays
    local = timezone.localtime(start)
    day, at = local.date(), local.timetz().replace(tzinfo=None)
    if not is_working_day(day, holidays):
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
        at = WORKING_DAY_STARTS
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return timezone.make_aware(datetime.combine(day, at), timezone.get_current_timezone())


def working_days_between(start: datetime, end: datetime, holidays: Collection[date] | None = None) -> int:
    """Whole working days from the day of `start` to the day of `end` (0 on the same day; negative if earlier)."""
    holidays = settings.BANK_HOLIDAYS if holidays is None else holidays
    first, last = timezone.localtime(start).date(), timezone.localtime(end).date()
    sign = 1 if last >= first else -1
    if sign < 0:
        first, last = last, first
    count = sum(
        1 for offset in range(1, (last - first).days + 1) if is_working_day(first + timedelta(offset), holidays)
    )
    return sign * count
