"""Forms for meetings: a date (three boxes, as in the GOV.UK date input pattern), a time, a length and how to meet.

Times are UK time (Europe/London). A time that does not exist because the clocks go forward is refused with a
message that says so; one that happens twice when they go back is the first (British Summer Time) one.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from accounts.fields import GovukDateField
from accounts.form_messages import GovukForm
from messaging.models import Meeting
from messaging.models.meetings import MEETING_MAX_MINUTES, MEETING_MIN_MINUTES

LONDON = ZoneInfo("Europe/London")
TIME_PATTERN = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)
YES_NO = [("yes", "Yes, we met"), ("no", "No, it did not happen")]


def parse_time(raw: str) -> time | None:
    """'14:30', '2:30pm', '2pm', '9.15am' or 'noon'; None for anything else."""
    text = raw.strip().lower()
    if text in {"noon", "midday", "12 noon", "12 midday"}:
        return time(12, 0)
    match = TIME_PATTERN.match(text)
    if match is None:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        return None  # "14" alone is too easy to misread
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def uk_moment(day: date, clock: time) -> datetime | None:
    """The moment `clock` on `day` in the UK, or None when that time does not exist (the clocks went forward)."""
    naive = datetime.combine(day, clock)
    moment = naive.replace(tzinfo=LONDON)
    if moment.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != naive:
        return None
    return moment


class MeetingTimeForm(GovukForm):
    on = GovukDateField(label="Date", noun="the date of the meeting")
    time = forms.CharField(
        label="Start time (UK time)",
        max_length=20,
        help_text="For example, 14:30 or 2:30pm",
        error_messages={"required": "Enter the time the meeting starts, like 14:30 or 2:30pm"},
    )
    duration_minutes = forms.IntegerField(
        label="How long, in minutes?",
        min_value=MEETING_MIN_MINUTES,
        max_value=MEETING_MAX_MINUTES,
        initial=60,
        error_messages={
            "required": "Enter how long the meeting will be, in minutes",
            "invalid": "Length must be a whole number of minutes, like 60",
            "min_value": f"Length must be at least {MEETING_MIN_MINUTES} minutes",
            "max_value": f"Length must be {MEETING_MAX_MINUTES} minutes or fewer",
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("on")
        if day is None:
            return cleaned
        if "time" in self.errors or not cleaned.get("time"):
            return cleaned
        clock = parse_time(cleaned["time"])
        if clock is None:
            self.add_error("time", "Enter the time as hours and minutes, like 14:30 or 2:30pm")
            return cleaned
        moment = uk_moment(day, clock)
        if moment is None:
            self.add_error("time", "That time does not exist in the UK on that day because the clocks go forward")
            return cleaned
        cleaned["starts_at"] = moment
        return cleaned


class MeetingForm(MeetingTimeForm):
    format = forms.ChoiceField(
        label="How will you meet?",
        choices=Meeting.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you will meet"},
    )
    address = forms.CharField(
        label="Address (for a meeting in person)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    link = forms.CharField(
        label="Video link or phone number (for a call)",
        max_length=500,
        required=False,
        help_text="For example, a Teams or Zoom link, or the number to call",
    )
    agenda = forms.CharField(
        label="What you will talk about (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        how = cleaned.get("format")
        if how == Meeting.Format.IN_PERSON and not cleaned.get("address", "").strip():
            self.add_error("address", "Enter the address of the meeting")
        elif how in (Meeting.Format.VIDEO, Meeting.Format.PHONE) and not cleaned.get("link", "").strip():
            self.add_error("link", "Enter the video link or the phone number to call")
        return cleaned


class MeetingOutcomeForm(GovukForm):
    held = forms.TypedChoiceField(
        label="Did the meeting happen?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the meeting happened"},
    )
    notes = forms.CharField(
        label="Shared notes (optional)",
        max_length=4000,
        required=False,
        help_text="If you met: what you discussed and agreed. Both sides can read these notes.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
