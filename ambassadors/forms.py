"""Forms for the ambassadors programme. They parse and validate; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from accounts.fields import GovukDateField, end_of_day, start_of_day, today
from accounts.form_messages import GovukForm, GovukModelForm
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


class ApplicationForm(GovukForm):
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


class NominationForm(GovukForm):
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


class MoveForm(GovukForm):
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


class ReviewerNoteForm(GovukForm):
    text = forms.CharField(
        label="Add a reviewer note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only the programme team sees reviewer notes.",
        error_messages={"required": "Enter a note"},
    )


class AmbassadorProfileForm(GovukForm):
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


class StandDownForm(GovukForm):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded for the programme team.",
        error_messages={"required": "Enter a reason"},
    )


class EngagementRequestForm(GovukForm):
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
    preferred_from = GovukDateField(
        label="Earliest date",
        noun="the earliest date",
        earliest=today,
        too_early="The earliest date must be today or in the future",
    )
    preferred_to = GovukDateField(label="Latest date", noun="the latest date")
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
        if start and end and end < start:
            self.add_error("preferred_to", "The latest date must be the same as or after the earliest date")
        return cleaned


class InvitationResponseForm(GovukForm):
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


class EngagementLogForm(GovukModelForm):
    held_on = GovukDateField(
        label="Date held",
        noun="the date held",
        latest=today,
        too_late="The date held must be today or in the past",
    )

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


class EmergingProjectForm(GovukForm):
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


class CohortForm(GovukModelForm):
    """A cohort's dates are days; applications open at the start of their day and close at the end of theirs."""

    starts_on = GovukDateField(label="Start date", noun="the start date")
    ends_on = GovukDateField(label="End date", noun="the end date")
    applications_open_at = GovukDateField(
        label="Applications open on (optional)",
        noun="the date applications open",
        required=False,
        help_text="Leave empty to keep applications closed. For example, 1 4 2027",
    )
    applications_close_at = GovukDateField(
        label="Last day for applications (optional)",
        noun="the last day for applications",
        required=False,
        help_text="Applications close at the end of this day. Leave empty to keep them open until you close them.",
    )

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
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {"required": "Enter a name", "unique": "A cohort with this name already exists"},
            "capacity": {"required": "Enter the capacity", "invalid": "Enter a whole number"},
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        opens, closes = cleaned.get("applications_open_at"), cleaned.get("applications_close_at")
        if {"applications_open_at", "applications_close_at"} & set(self.errors):
            pass  # each says what is wrong with it already
        elif opens and closes and closes < opens:
            self.add_error("applications_close_at", "The last day for applications must be on or after the first")
        elif closes and not opens:
            self.add_error("applications_open_at", "Enter the date applications open")
        else:
            cleaned["applications_open_at"] = start_of_day(opens) if opens else None
            cleaned["applications_close_at"] = end_of_day(closes) if closes else None
        return cleaned
