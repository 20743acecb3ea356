"""Forms for the matching pages. They only parse and validate; the services do the work."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.db.models import Q

from accounts.form_messages import GovukForm
from accounts.models import Mutual, ServiceArea, SupportTopic
from matching import engine
from matching.models import MentoringRequest


class MutualChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Mutual) -> str:
        return obj.name


class MentoringRequestForm(GovukForm):
    """A request for a mentor. Only members who act for more than one mutual are asked which one."""

    mutual = MutualChoiceField(
        label="Which mutual is this for?",
        queryset=Mutual.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the mutual this request is for"},
    )
    title = forms.CharField(
        label="Summary",
        max_length=150,
        help_text="A short summary, for example \u2018Help with our TUPE transfer\u2019.",
        error_messages={"required": "Enter a summary", "max_length": "Summary must be 150 characters or fewer"},
    )
    topics = forms.ModelMultipleChoiceField(
        label="What do you need help with?",
        queryset=SupportTopic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one topic"},
    )
    service_area = forms.ModelChoiceField(
        label="Which service is this about?",
        queryset=ServiceArea.objects.none(),
        help_text="We start with your mutual's main service area.",
        error_messages={"required": "Select a service area", "invalid_choice": "Select a service area from the list"},
    )
    format = forms.ChoiceField(
        label="How would you like to meet?",
        choices=MentoringRequest.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you would like to meet"},
    )
    urgency = forms.ChoiceField(
        label="How soon do you need help?",
        choices=MentoringRequest.Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how soon you need help"},
    )
    description = forms.CharField(
        label="Describe what you need",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Where you are now, what you are stuck on and what a good mentor would help you do.",
        error_messages={
            "required": "Describe what you need",
            "max_length": "Description must be 4000 characters or fewer",
        },
    )

    def __init__(
        self,
        *args: Any,
        mutuals: Sequence[Mutual] = (),
        instance: MentoringRequest | None = None,
        **kwargs: Any,
    ) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": instance.title,
                    "topics": list(instance.topics.all()),
                    "service_area": instance.service_area_id,
                    "format": instance.format,
                    "urgency": instance.urgency,
                    "description": instance.description,
                },
            )
        super().__init__(*args, **kwargs)
        chosen_topics = [topic.pk for topic in kwargs["initial"]["topics"]] if instance is not None else []
        self._model_field("topics").queryset = SupportTopic.objects.filter(Q(is_active=True) | Q(pk__in=chosen_topics))
        chosen_area = [instance.service_area_id] if instance is not None else []
        areas = ServiceArea.objects.filter(Q(is_active=True) | Q(pk__in=chosen_area))
        self._model_field("service_area").queryset = areas
        if instance is not None or len(mutuals) <= 1:
            del self.fields["mutual"]
        else:
            self._model_field("mutual").queryset = Mutual.objects.filter(pk__in=[mutual.pk for mutual in mutuals])
        if instance is None and mutuals and "service_area" not in self.initial:
            # The service area defaults from the mutual: its first area in the taxonomy's order.
            first_area = mutuals[0].service_areas.order_by("order", "name").first()
            self.initial["service_area"] = first_area.pk if first_area else None
            self.initial.setdefault("format", MentoringRequest.Format.EITHER)
            self.initial.setdefault("urgency", MentoringRequest.Urgency.QUARTER)

    def _model_field(self, name: str) -> forms.ModelChoiceField:  # type: ignore[type-arg]
        return cast(forms.ModelChoiceField, self.fields[name])  # type: ignore[type-arg]


class PreferencesForm(GovukForm):
    """First, second and third choice from the current suggestions. Only the first is required."""

    first_choice = forms.TypedChoiceField(
        label="First choice", coerce=int, error_messages={"required": "Select your first choice of mentor"}
    )
    second_choice = forms.TypedChoiceField(
        label="Second choice (optional)", coerce=int, required=False, empty_value=None
    )
    third_choice = forms.TypedChoiceField(label="Third choice (optional)", coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["first_choice"]).choices = [("", "Select a mentor"), *choices]
        for name in ("second_choice", "third_choice"):
            cast(forms.ChoiceField, self.fields[name]).choices = [("", "No other choice"), *choices]
        self.fields["second_choice"].help_text = "Introduced if your first choice declines or does not reply."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second, third = (cleaned.get(name) for name in ("first_choice", "second_choice", "third_choice"))
        if third is not None and second is None:
            self.add_error("second_choice", "Select a second choice before a third")
        chosen = [mentor for mentor in (first, second, third) if mentor is not None]
        if second is not None and second == first:
            self.add_error("second_choice", "Choose a different mentor from your first choice")
        if third is not None and third in (first, second):
            self.add_error("third_choice", "Choose a different mentor from your other choices")
        cleaned["mentor_ids"] = chosen
        return cleaned


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why do you no longer need a mentor?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="This helps the programme team. Mentors you chose are told the request was withdrawn.",
        error_messages={"required": "Tell us why you are withdrawing the request"},
    )


class AcceptForm(GovukForm):
    confirm = forms.BooleanField(
        # The mutual sees the mentor's name and profile and talks to them through the service's messages: the
        # mentor's email address is never shown, so the box does not promise it.
        label="I can mentor this mutual, and I am happy for its members to see my profile and message me here",
        error_messages={"required": "Confirm that you can mentor this mutual"},
    )


class DeclineForm(GovukForm):
    reason = forms.CharField(
        label="Why are you declining?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The mutual sees that you declined, not your reason. The programme team sees your reason.",
        error_messages={"required": "Tell us why you are declining"},
    )


class StaffIntroduceForm(GovukForm):
    mentor = forms.TypedChoiceField(
        label="Mentor to introduce",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a mentor to introduce", "invalid_choice": "Select a mentor from the list"},
    )

    def __init__(self, *args: Any, choices: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["mentor"]).choices = list(choices)


class NoMatchForm(GovukForm):
    note = forms.CharField(
        label="Why is there no match?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The mutual is told no mentor was found. Your note is kept with the request.",
        error_messages={"required": "Enter why no mentor could be found"},
    )


def _weight_field(label: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=1,
        widget=forms.NumberInput(attrs={"step": "0.05", "inputmode": "decimal"}),
        error_messages={
            "required": f"Enter a weight for {label.lower()}",
            "invalid": f"{label} must be a number between 0 and 1",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be 1 or less",
        },
    )


# Each weight's label and what its component measures, for the weights form and pages. Keys: engine.COMPONENTS,
# in order (a test checks).
WEIGHT_LABELS: dict[str, tuple[str, str]] = {
    "service_area": ("Service area", "1 when the mentor has worked in the service the request is about."),
    "topics": ("Topics", "The share of the requested topics the mentor covers."),
    "region": ("Region", "1 in the same region, 0.6 next door, 0.3 elsewhere when both meet remotely."),
    "stage": ("Stage", "1 when the mentor has helped mutuals at the same stage."),
    "capacity": ("Capacity", "The share of the mentor's places still free: spreads the load."),
    "recent_stage": (
        "Recent help at this stage",
        "1 when the mentor took on a mutual at the same stage this month, less each month, 0 after 18 months.",
    ),
}


class WeightsForm(GovukForm):
    """One weight per component (engine.COMPONENTS), each 0 to 1, at least one above 0, then a note. They are
    normalised when scores are computed."""

    note = forms.CharField(label="Why are you changing the weights? (optional)", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The weight fields come first, as on the page; made here so that the list of components is the engine's.
        weights = {name: _weight_field(WEIGHT_LABELS[name][0]) for name in engine.COMPONENTS}
        self.fields = {**weights, **self.fields}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = [cleaned.get(name) for name in engine.COMPONENTS]
        # FloatField already rejects NaN and infinity, and min/max hold each weight to 0..1.
        if all(value is not None for value in values) and sum(values) <= 0:  # type: ignore[arg-type]
            raise forms.ValidationError("At least one weight must be more than 0")
        return cleaned

    def weights(self) -> engine.Weights:
        return engine.Weights(**{name: float(self.cleaned_data[name]) for name in engine.COMPONENTS})


class RemovePairForm(GovukForm):
    pair = forms.IntegerField(
        label="Pair to remove",
        error_messages={"required": "Choose a pair to remove", "invalid": "Choose a pair to remove"},
    )


class PublishForm(GovukForm):
    confirm = forms.BooleanField(
        label="I have reviewed the pairs: send an introduction to each mentor",
        error_messages={"required": "Confirm that you have reviewed the pairs"},
    )


class DiscardForm(GovukForm):
    confirm = forms.BooleanField(
        label="Discard this proposal",
        error_messages={"required": "Confirm that you want to discard this proposal"},
    )
