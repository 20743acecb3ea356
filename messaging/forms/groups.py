"""Forms for mentoring groups. Each parses input for one service call; the services enforce the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms

from accounts.form_messages import GovukForm
from accounts.models import MentorProfile, Mutual
from matching.models import MentoringRequest
from messaging.models import Goal
from messaging.models.groups import GROUP_MAX_MUTUALS, GROUP_MESSAGE_MAX_LENGTH, GROUP_MIN_MUTUALS


def _choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class GroupMessageForm(GovukForm):
    body = forms.CharField(
        label="Write to the group",
        max_length=GROUP_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Everyone in the group reads it: the mentor and the members of every mutual. Plain text; web "
        "addresses become links.",
        error_messages={
            "required": "Enter a message",
            "max_length": f"Your message must be {GROUP_MESSAGE_MAX_LENGTH:,} characters or fewer",
        },
    )


class _MutualChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Mutual) -> str:
        return obj.name


class GroupGoalForm(GovukForm):
    mutual = _MutualChoice(
        label="Which mutual is the goal for?",
        queryset=Mutual.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the mutual the goal is for", "invalid_choice": "Choose a mutual"},
    )
    title = forms.CharField(
        label="Goal",
        max_length=200,
        help_text="Only your mutual and the mentor see it, not the other mutuals in the group.",
        error_messages={"required": "Enter the goal"},
    )
    description = forms.CharField(
        label="More detail (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, mutuals: Sequence[Mutual], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "mutual").queryset = Mutual.objects.filter(pk__in=[mutual.pk for mutual in mutuals])
        if len(mutuals) == 1:
            self.fields["mutual"].initial = mutuals[0].pk
            self.fields["mutual"].widget = forms.HiddenInput()


class GroupGoalStatusForm(GovukForm):
    status = forms.ChoiceField(
        label="How far has the goal got?",
        choices=Goal.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how far the goal has got"},
    )


class GroupCloseForm(GovukForm):
    reason = forms.CharField(
        label="Why are you closing the group? (optional)",
        max_length=2000,
        required=False,
        help_text="Everyone in the group reads this.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label="Yes, close the group", error_messages={"required": "Confirm that you want to close the group"}
    )


class _MentorChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: MentorProfile) -> str:
        free = max(obj.capacity - obj.active_mentees, 0)
        return f"{obj.user.display_name} ({free} of {obj.capacity} places free)"


class _RequestChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: MentoringRequest) -> str:
        return f"{obj.mutual.name}: {obj.title}"


class GroupCreateForm(GovukForm):
    """The programme team's choice: the requests (all sharing the page's topic), the mentor and a title."""

    requests = _RequestChoice(
        label="Requests to put in the group",
        queryset=MentoringRequest.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Choose {GROUP_MIN_MUTUALS} to {GROUP_MAX_MUTUALS}, one from each mutual.",
        error_messages={"required": "Choose the requests to put in the group", "invalid_choice": "Choose a request"},
    )
    mentor = _MentorChoice(
        label="Mentor",
        queryset=MentorProfile.objects.none(),
        empty_label="Choose a mentor",
        error_messages={"required": "Choose the mentor who will run the group", "invalid_choice": "Choose a mentor"},
    )
    title = forms.CharField(
        label="Group name (optional)",
        max_length=150,
        required=False,
        help_text="For example 'Fire and rescue mutuals facing TUPE'. Without one, the group is named after the topic.",
    )

    def __init__(self, *args: Any, candidates: Sequence[MentoringRequest], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "requests").queryset = (
            MentoringRequest.objects.filter(pk__in=[request.pk for request in candidates])
            .select_related("mutual")
            .order_by("created_at", "pk")
        )
        _choice(self, "mentor").queryset = MentorProfile.objects.filter(
            status=MentorProfile.Status.APPROVED, user__is_active=True
        ).select_related("user")

    def clean_requests(self) -> list[MentoringRequest]:
        chosen = list(self.cleaned_data["requests"])
        if len(chosen) > GROUP_MAX_MUTUALS:
            raise forms.ValidationError(f"Choose {GROUP_MAX_MUTUALS} requests or fewer: a group has at most eight")
        if len(chosen) < GROUP_MIN_MUTUALS:
            raise forms.ValidationError(f"Choose at least {GROUP_MIN_MUTUALS} requests for a group")
        return chosen
