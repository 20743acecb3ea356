"""The enquiry target in working days: weekends and bank holidays do not count."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from accounts.working_days import add_working_days, working_days_between

LONDON = ZoneInfo("Europe/London")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


def test_two_working_days_from_a_friday_afternoon_is_tuesday_afternoon() -> None:
    assert add_working_days(at(2026, 3, 6, 15, 0), 2, holidays=[]) == at(2026, 3, 10, 15, 0)


def test_a_weekend_enquiry_counts_from_monday_morning() -> None:
    assert add_working_days(at(2026, 3, 7, 22, 30), 2, holidays=[]) == at(2026, 3, 11, 9, 0)


def test_bank_holidays_are_skipped() -> None:
    # Thursday 24 December 2026; Friday 25th and Monday 28th are bank holidays.
    holidays = [date(2026, 12, 25), date(2026, 12, 28)]
    assert add_working_days(at(2026, 12, 24, 10, 0), 2, holidays=holidays) == at(2026, 12, 30, 10, 0)


def test_working_days_between_counts_only_working_days() -> None:
    assert working_days_between(at(2026, 3, 6, 9), at(2026, 3, 10, 9), holidays=[]) == 2
    assert working_days_between(at(2026, 3, 10, 9), at(2026, 3, 6, 9), holidays=[]) == -2


def test_a_malformed_bank_holiday_stops_the_settings_loading() -> None:
    base = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; django.setup()"],
        cwd=base,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "BANK_HOLIDAYS": "25/12",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "BANK_HOLIDAYS must be ISO dates" in result.stderr
