"""The mentoring agreement form: how often, how long, a review date (GOV.UK date input) and what is out of scope."""

from __future__ import annotations

from django import forms

from accounts.fields import GovukDateField
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
    review_on = GovukDateField(label="Review date", noun="the review date")
    out_of_scope = forms.CharField(
        label="What is out of scope? (optional)",
        max_length=2000,
        required=False,
        help_text="For example: the mentor will not give legal advice or sell paid services to the mutual",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
