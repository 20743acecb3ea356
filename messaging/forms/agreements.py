"""The mentoring agreement form: how often, how long, a review date (GOV.UK date input) and what is out of scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from accounts.form_messages import GovukForm
from messaging.models import MentoringAgreement
from messaging.models.agreements import AGREEMENT_MAX_MONTHS


class AgreementForm(GovukForm):
    meeting_frequency = forms.ChoiceField(
        label="How often will you meet?",
        choices=MentoringAgreement.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often you will meet"},
    )
    duration_months = forms.IntegerField(
        label="For how many months should the mentoring run?",
        min_value=1,
        max_value=AGREEMENT_MAX_MONTHS,
        help_text="Most pairs agree between 3 and 12 months",
        error_messages={
            "required": "Enter how many months the mentoring should run",
            "invalid": "Enter a whole number of months, like 6",
            "min_value": "The mentoring should run for at least 1 month",
            "max_value": f"The mentoring should run for {AGREEMENT_MAX_MONTHS} months or fewer",
        },
    )
    day = forms.IntegerField(label="Day", min_value=1, max_value=31, required=False)
    month = forms.IntegerField(label="Month", min_value=1, max_value=12, required=False)
    year = forms.IntegerField(label="Year", min_value=2000, max_value=2100, required=False)
    out_of_scope = forms.CharField(
        label="What is out of scope? (optional)",
        max_length=2000,
        required=False,
        help_text="For example: the mentor will not give legal advice or sell paid services to the mutual",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if any(name in self.errors for name in ("day", "month", "year")):
            return cleaned
        parts = [cleaned.get("day"), cleaned.get("month"), cleaned.get("year")]
        if None in parts:
            self.add_error("day", "Enter the review date, including a day, month and year")
            return cleaned
        try:
            cleaned["review_on"] = date(int(parts[2]), int(parts[1]), int(parts[0]))  # type: ignore[arg-type]
        except ValueError:
            self.add_error("day", "The review date must be a real date")
        return cleaned
