"""Forms for claiming an unclaimed mutual (accounts.claims): inviting someone to claim it, asking to claim it, and the
programme team's decision on a request."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.form_messages import GovukForm


class ClaimInvitationForm(GovukForm):
    email = forms.EmailField(
        label="Email address of the person from the mutual",
        help_text="We will email them a link to claim the mutual. The link works once, for the person it was sent to.",
        error_messages={
            "required": "Enter the email address of the person who should claim the mutual",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ClaimRequestForm(GovukForm):
    job_title = forms.CharField(
        label="Your role at the mutual",
        max_length=150,
        help_text="For example, 'Managing director' or 'Service lead, spinning out'.",
        error_messages={"required": "Enter your role at the mutual"},
    )
    message = forms.CharField(
        label="Anything the programme team should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, who else from the mutual could confirm you work there.",
    )


class ClaimDecisionForm(GovukForm):
    APPROVE = "approve"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve: they become the mutual's first member"), (REFUSE, "Do not approve")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to approve this request"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if you do not approve. The person who asked reads it.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.REFUSE and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter the reason for not approving this request")
        return cleaned
