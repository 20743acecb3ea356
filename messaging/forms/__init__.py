"""Forms for relationship pages. Each parses input for one service call; the services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.fields import GovukDateField, today
from accounts.form_messages import GovukForm
from accounts.models import SupportTopic
from messaging.models import MESSAGE_MAX_LENGTH, CheckIn, Feedback, Goal, MessageReport

YES_NO = [("yes", "Yes"), ("no", "No")]


class MessageForm(GovukForm):
    body = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=f"Plain text, up to {MESSAGE_MAX_LENGTH:,} characters. Web addresses become links.",
        error_messages={
            "required": "Enter a message",
            "max_length": f"Your message must be {MESSAGE_MAX_LENGTH:,} characters or fewer",
        },
    )


class ConfirmForm(GovukForm):
    confirm = forms.BooleanField(
        label="Yes, I want to do this",
        error_messages={"required": "Confirm that you want to do this"},
    )

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label


class ResumeForm(GovukForm):
    """Nothing to fill in: the button is the confirmation."""


class PauseForm(GovukForm):
    note = forms.CharField(
        label="Why are you pausing?",
        max_length=500,
        help_text="The other side will see this, for example 'Back after the budget round in March'.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are pausing"},
    )


class EndEarlyForm(GovukForm):
    reason = forms.CharField(
        label="Why is the relationship ending?",
        max_length=2000,
        help_text="The other side and the programme team will see this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the relationship is ending"},
    )


class GoalForm(GovukForm):
    title = forms.CharField(
        label="Goal",
        max_length=200,
        help_text="For example 'Agree the TUPE consultation plan with the council'.",
        error_messages={"required": "Enter the goal"},
    )
    description = forms.CharField(
        label="More detail (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    topics = forms.ModelMultipleChoiceField(
        label="Support topics",
        queryset=SupportTopic.objects.filter(is_active=True).order_by("order", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )


class GoalUpdateForm(GoalForm):
    status = forms.ChoiceField(
        label="Status",
        choices=Goal.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the goal's status"},
    )


class CheckInForm(GovukForm):
    """A meeting that has happened: when, how long, how, and notes both sides can read."""

    met_on = GovukDateField(
        label="When did you meet?",
        noun="the date of the meeting",
        latest=today,
        too_late="The date of the meeting must be today or in the past",
    )
    duration_minutes = forms.IntegerField(
        label="How long was the meeting, in minutes?",
        min_value=1,
        max_value=600,
        error_messages={
            "required": "Enter how long the meeting was, in minutes",
            "invalid": "Length must be a whole number of minutes, like 45",
            "min_value": "Length must be at least 1 minute",
            "max_value": "Length must be 600 minutes or fewer",
        },
    )
    format = forms.ChoiceField(
        label="How did you meet?",
        choices=CheckIn.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you met"},
    )
    notes = forms.CharField(
        label="Shared notes (optional)",
        max_length=4000,
        required=False,
        help_text="What you discussed and agreed. Both sides can read these notes.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class FeedbackForm(GovukForm):
    rating = forms.TypedChoiceField(
        label="Overall, how would you rate the mentoring?",
        choices=[(5, "5 - Excellent"), (4, "4 - Good"), (3, "3 - Fair"), (2, "2 - Poor"), (1, "1 - Very poor")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating from 1 to 5"},
    )
    goal_progress = forms.ChoiceField(
        label="How much progress did you make on your goals?",
        choices=Feedback.GoalProgress.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much progress you made on your goals"},
    )
    would_recommend = forms.TypedChoiceField(
        label="Would you recommend the programme to others?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you would recommend the programme"},
    )
    comments = forms.CharField(
        label="Anything else you want to tell the programme team? (optional)",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReportForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why are you reporting this message?",
        choices=MessageReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you are reporting this message"},
    )
    details = forms.CharField(
        label="More detail (optional)",
        max_length=2000,
        required=False,
        help_text="Only the programme team will see your report.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationNoteForm(GovukForm):
    note = forms.CharField(
        label="Why are you doing this?",
        max_length=2000,
        help_text="Recorded in the moderation log with your name and the time.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are doing this"},
    )


from messaging.forms.agreements import AgreementForm  # noqa: E402
from messaging.forms.meetings import MeetingForm, MeetingOutcomeForm, MeetingTimeForm  # noqa: E402

__all__ = [
    "AgreementForm",
    "CheckInForm",
    "ConfirmForm",
    "EndEarlyForm",
    "FeedbackForm",
    "GoalForm",
    "GoalUpdateForm",
    "MeetingForm",
    "MeetingOutcomeForm",
    "MeetingTimeForm",
    "MessageForm",
    "ModerationNoteForm",
    "PauseForm",
    "ReportForm",
    "ResumeForm",
]
