"""The pulse and closing survey forms. Error messages say what to do."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.form_messages import GovukForm
from accounts.models import SupportTopic
from accounts.text import clean_text

SCALE = [(str(n), label) for n, label in enumerate(["Not at all", "A little", "Somewhat", "Very", "Extremely"], 1)]
CONFIDENCE = [(str(n), str(n)) for n in range(1, 6)]
YES_NO = [("yes", "Yes"), ("no", "No")]


class PulseForm(GovukForm):
    usefulness = forms.TypedChoiceField(
        label="How useful has the mentoring been so far?",
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how useful the mentoring has been"},
    )
    what_changed = forms.CharField(
        label="What has changed because of it? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comments = forms.CharField(
        label="Anything else you want the programme team to know? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_what_changed(self) -> str:
        return clean_text(self.cleaned_data["what_changed"])

    def clean_comments(self) -> str:
        return clean_text(self.cleaned_data["comments"])


OUTCOME_QUESTIONS = [
    ("spun_out", "Has the mutual spun out or launched during the mentoring?", "Say whether the mutual spun out"),
    ("contract_won", "Has the mutual won or renewed a contract?", "Say whether a contract was won or renewed"),
    ("staff_transferred", "Have staff transferred to the mutual?", "Say whether staff transferred"),
    ("stage_moved", "Has the mutual moved on a stage?", "Say whether the mutual moved on a stage"),
]


class ClosingForm(GovukForm):
    """The four outcomes, then confidence before and after for each topic the mutual asked for help with."""

    comments = forms.CharField(
        label="Anything else you want the programme team to know? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, topics: list[SupportTopic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics = topics
        questions: dict[str, forms.Field] = {}
        for name, label, error in OUTCOME_QUESTIONS:
            questions[name] = forms.ChoiceField(
                label=label, choices=YES_NO, widget=forms.RadioSelect, error_messages={"required": error}
            )
        for topic in topics:
            for when in ("before", "after"):
                questions[f"{when}_{topic.pk}"] = forms.TypedChoiceField(
                    label=f"{topic.name}: confidence {when} the mentoring (1 low, 5 high)",
                    choices=CONFIDENCE,
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                    error_messages={"required": f"Choose your confidence in {topic.name} {when} the mentoring"},
                )
        self.fields = {**questions, "comments": self.fields["comments"]}

    def clean_comments(self) -> str:
        return clean_text(self.cleaned_data["comments"])

    def answers(self) -> dict[str, bool]:
        return {name: self.cleaned_data[name] == "yes" for name, _, _ in OUTCOME_QUESTIONS}

    def confidence(self) -> dict[SupportTopic, tuple[int, int]]:
        data = self.cleaned_data
        return {topic: (data[f"before_{topic.pk}"], data[f"after_{topic.pk}"]) for topic in self.topics}
