"""Forms for the ambassadors programme. They parse and validate; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from accounts.models import Region, ServiceArea, Stage, SupportTopic
from ambassadors.models import Ambassador, Application, Cohort, Engagement, EngagementRequest, Format
from ambassadors.photos import MAX_PHOTO_BYTES, clean_photo
from ambassadors.services import TRANSITIONS


def _service_areas() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=ServiceArea.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        label="Service areas",
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one service area"},
    )


def _topics(label: str = "Topics") -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=SupportTopic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one topic"},
    )


def _region(label: str = "Region") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Region.objects.filter(is_active=True),
        label=label,
        empty_label="Choose a region",
        error_messages={"required": "Choose a region"},
    )


def _date(label: str, hint: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=hint or "For example, 2026-03-27",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": f"Enter the {label.lower()}", "invalid": f"Enter a real {label.lower()}"},
    )


class ApplicationForm(forms.Form):
    organisation = forms.CharField(
        label="Your organisation and role",
        max_length=200,
        help_text="For example, 'Chief executive, Riverside Care Mutual'.",
        error_messages={"required": "Enter your organisation and role"},
    )
    motivation = forms.CharField(
        label="Why would you be a good ambassador?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Tell us why you would be a good ambassador"},
    )
    experience = forms.CharField(
        label="Your experience of mutuals and public services",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Tell us about your experience"},
    )
    service_areas = _service_areas()
    region = _region("Which region are you based in?")
    topics = _topics("Which topics could you speak about?")
    time_commitment = forms.ChoiceField(
        label="How much time can you give?",
        choices=Application.TimeCommitment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how much time you can give"},
    )
    engagements_per_quarter = forms.IntegerField(
        label="How many engagements could you take on each quarter?",
        help_text="Talks, visits, workshops or peer calls. Between 1 and 12.",
        min_value=1,
        max_value=12,
        initial=2,
        error_messages={
            "required": "Enter how many engagements you could take on",
            "min_value": "Enter a number between 1 and 12",
            "max_value": "Enter a number between 1 and 12",
            "invalid": "Enter a number between 1 and 12",
        },
    )


class NominationForm(forms.Form):
    nominee_name = forms.CharField(
        label="Their full name", max_length=150, error_messages={"required": "Enter their full name"}
    )
    nominee_email = forms.EmailField(
        label="Their email address",
        help_text="We will email them a link to complete an application.",
        error_messages={"required": "Enter their email address", "invalid": "Enter a real email address"},
    )
    reason = forms.CharField(
        label="Why are you nominating them?",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Tell us why you are nominating them"},
    )


class MoveForm(forms.Form):
    to_status = forms.ChoiceField(
        label="Move to",
        choices=[("", "Choose a status"), *Application.Status.choices],
        error_messages={"required": "Choose a status"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded with the move. Only the programme team sees it.",
    )

    def __init__(self, *args: Any, current_status: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current_status is not None:
            allowed = TRANSITIONS[current_status]
            field = self.fields["to_status"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "Choose a status")] + [
                (value, label) for value, label in Application.Status.choices if value in allowed
            ]


class BulkMoveForm(MoveForm):
    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.all(),
        label="Applications",
        error_messages={
            "required": "Select at least one application",
            "invalid_choice": "Select applications from the list",
            "invalid_pk_value": "Select applications from the list",
        },
    )


class ReviewerNoteForm(forms.Form):
    text = forms.CharField(
        label="Add a reviewer note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only the programme team sees reviewer notes.",
        error_messages={"required": "Enter a note"},
    )


class AmbassadorProfileForm(forms.Form):
    headline = forms.CharField(
        label="Headline",
        max_length=150,
        required=False,
        help_text="One line, for example 'Chief executive of a care mutual'.",
    )
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    bio = forms.CharField(label="About you", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 8}))
    photo = forms.FileField(
        label="Photo (optional)",
        required=False,
        help_text="A JPEG or PNG image, 2 MB or smaller.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        error_messages={"invalid": "The photo must be a JPEG or PNG image", "empty": "The selected file is empty"},
    )
    remove_photo = forms.BooleanField(label="Remove my current photo", required=False)
    service_areas = _service_areas()
    region = _region()
    topics = _topics("Topics you can speak about")
    format = forms.ChoiceField(
        label="How can you take part?",
        choices=Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you can take part"},
    )
    engagements_per_quarter = forms.IntegerField(
        label="Engagements you can take on each quarter",
        min_value=1,
        max_value=12,
        error_messages={
            "required": "Enter a number between 1 and 12",
            "min_value": "Enter a number between 1 and 12",
            "max_value": "Enter a number between 1 and 12",
            "invalid": "Enter a number between 1 and 12",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A plain file input: the "currently / clear" widget markup is replaced by the remove_photo checkbox.
        self.fields["photo"].widget = forms.FileInput(attrs={"accept": "image/jpeg,image/png"})

    @classmethod
    def initial_for(cls, ambassador: Ambassador) -> dict[str, Any]:
        return {
            "headline": ambassador.headline,
            "organisation": ambassador.organisation,
            "bio": ambassador.bio,
            "service_areas": list(ambassador.service_areas.all()),
            "region": ambassador.region,
            "topics": list(ambassador.topics.all()),
            "format": ambassador.format,
            "engagements_per_quarter": ambassador.engagements_per_quarter,
        }

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        assert isinstance(upload, UploadedFile)
        if upload.size is not None and upload.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError("The photo must be 2 MB or smaller")
        return clean_photo(upload)


class StandDownForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded for the programme team.",
        error_messages={"required": "Enter a reason"},
    )


class EngagementRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like?",
        choices=EngagementRequest.Kind.choices,
        widget=forms.RadioSelect,
        help_text="Visits are in person and peer calls are online; talks and workshops can be either.",
        error_messages={"required": "Select what you would like"},
    )
    title = forms.CharField(
        label="Title",
        max_length=150,
        help_text="A short summary, for example 'Talk to our staff forum'.",
        error_messages={"required": "Enter a title"},
    )
    organisation = forms.CharField(
        label="Your organisation", max_length=200, error_messages={"required": "Enter your organisation"}
    )
    preferred_from = _date("Earliest date")
    preferred_to = _date("Latest date")
    region = _region("Where will it happen?")
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.filter(is_active=True),
        label="Service area",
        empty_label="Choose a service area",
        error_messages={"required": "Choose a service area"},
    )
    topics = _topics("Topics you would like covered")
    audience_size = forms.IntegerField(
        label="Expected audience size",
        min_value=1,
        max_value=100_000,
        error_messages={
            "required": "Enter the expected audience size",
            "min_value": "Enter a number of people between 1 and 100000",
            "max_value": "Enter a number of people between 1 and 100000",
            "invalid": "Enter a number of people between 1 and 100000",
        },
    )
    description = forms.CharField(
        label="Tell us more",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Who the audience is, what you hope they will take away, any practical details.",
        error_messages={"required": "Tell us more about what you need"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("preferred_from"), cleaned.get("preferred_to")
        if start and start < timezone.localdate():
            self.add_error("preferred_from", "The earliest date must be today or in the future")
        if start and end and end < start:
            self.add_error("preferred_to", "The latest date must be the same as or after the earliest date")
        return cleaned


class InvitationResponseForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"
    decision = forms.ChoiceField(
        label="Can you take this on?",
        choices=[(ACCEPT, "Yes, I accept"), (DECLINE, "No, I need to decline")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you can take this on"},
    )
    decline_reason = forms.CharField(
        label="If you are declining, tell the requester why",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.DECLINE and not cleaned.get("decline_reason", "").strip():
            self.add_error("decline_reason", "Enter a reason for declining")
        return cleaned


class EngagementLogForm(forms.ModelForm):
    held_on = _date("Date held")

    class Meta:
        model = Engagement
        fields = ["held_on", "attendees", "outcome", "follow_ups", "new_project"]
        error_messages = {
            "attendees": {
                "required": "Enter the number of people who attended",
                "invalid": "Enter a whole number of people",
                "max_value": "Enter a number of people up to 100000",
                "min_value": "Enter a number of people, 0 or more",
            },
            "outcome": {"required": "Describe the outcome"},
        }
        widgets = {
            "outcome": forms.Textarea(attrs={"rows": 4}),
            "follow_ups": forms.Textarea(attrs={"rows": 3}),
            "new_project": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError("The date held must be today or in the past")
        return held_on


class EmergingProjectForm(forms.Form):
    name = forms.CharField(
        label="Name of the team or service",
        max_length=200,
        error_messages={"required": "Enter the name of the team or service"},
    )
    region = _region()
    service_area = forms.ModelChoiceField(
        queryset=ServiceArea.objects.filter(is_active=True),
        label="Service area",
        empty_label="Choose a service area",
        error_messages={"required": "Choose a service area"},
    )
    stage = forms.ModelChoiceField(
        queryset=Stage.objects.filter(is_active=True),
        label="Stage",
        help_text="How far along the team is, as far as you know. Most new projects are exploring the idea.",
        empty_label="Choose a stage",
        error_messages={"required": "Choose the stage the team has reached"},
    )
    notes = forms.CharField(label="Notes", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = [
            "name",
            "starts_on",
            "ends_on",
            "capacity",
            "applications_open_at",
            "applications_close_at",
            "description",
        ]
        labels = {
            "starts_on": "Start date",
            "ends_on": "End date",
            "applications_open_at": "Applications open (optional)",
            "applications_close_at": "Applications close (optional)",
        }
        help_texts = {
            "starts_on": "For example, 2026-04-01",
            "ends_on": "For example, 2027-03-31",
            "applications_open_at": "Leave empty to keep applications closed.",
            "applications_close_at": "Leave empty to keep applications open until you close them.",
        }
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "applications_open_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "applications_close_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "name": {"required": "Enter a name", "unique": "A cohort with this name already exists"},
            "starts_on": {"required": "Enter the start date", "invalid": "Enter a real start date"},
            "ends_on": {"required": "Enter the end date", "invalid": "Enter a real end date"},
            "capacity": {"required": "Enter the capacity", "invalid": "Enter a whole number"},
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        opens, closes = cleaned.get("applications_open_at"), cleaned.get("applications_close_at")
        if opens and closes and closes <= opens:
            self.add_error("applications_close_at", "Applications must close after they open")
        if closes and not opens:
            self.add_error("applications_open_at", "Enter when applications open")
        return cleaned
