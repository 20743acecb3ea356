"""Forms of the information service. They parse and validate; the services do the writing."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils import timezone

from accounts.fields import GovukDateField
from accounts.form_messages import GovukForm, GovukModelForm
from accounts.models import Region, ServiceArea, Stage, SupportTopic, User
from information import readiness
from information.models import CaseStudy, Enquiry, EnquiryInvitation, GuideTask, Resource

MARKDOWN_HINT = (
    "Write in Markdown: a blank line between paragraphs, ## for a heading, - for a bullet, **bold**, and "
    "[words](https://address) for a link. HTML is shown as typed, never run."
)


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return cast(forms.ModelChoiceField, form.fields[name])  # type: ignore[type-arg]


class StaffChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class StepChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Stage) -> str:
        return f"Step {obj.guide_step}: {obj.name}"


def _checkboxes(queryset: Any, label: str, required: bool = True, hint: str = "Select all that apply.") -> Any:
    return forms.ModelMultipleChoiceField(
        queryset=queryset,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        required=required,
        help_text=hint,
        error_messages={"required": f"Select at least one {label.lower().rstrip('s')}"},
    )


def _optional_select(queryset: Any, label: str, empty: str) -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        queryset=queryset,
        label=label,
        required=False,
        empty_label=empty,
        error_messages={"invalid_choice": "Choose one of the options in the list"},
    )


def _date(label: str, hint: str = "For example, 27 3 2026") -> GovukDateField:
    return GovukDateField(label=label, noun=f"the {label[:1].lower()}{label[1:]}", help_text=hint)


# --- Enquiries and feedback (public) ----------------------------------------------------------------------


class HoneypotMixin(GovukForm):
    """A field people never see (hidden by CSS, outside the tab order) and form-filling robots fill in."""

    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())


def readiness_from(encoded: str) -> dict[str, str]:
    """Readiness answers carried through a form as a query string ("people=yes&tupe=no")."""
    return readiness.clean(QueryDict(encoded[:1000]).dict())


def readiness_encoded(answers: dict[str, str]) -> str:
    return urlencode(readiness.clean(answers))


class EnquiryForm(HoneypotMixin):
    name = forms.CharField(label="Your name", max_length=150, error_messages={"required": "Enter your name"})
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We send the acknowledgement and our answer here.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Who are you?",
        choices=Enquiry.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are"},
    )
    organisation = forms.CharField(label="Your organisation (optional)", max_length=200, required=False)
    service_area = _optional_select(ServiceArea.objects.none(), "Which service is it about? (optional)", "Not sure")
    region = _optional_select(Region.objects.none(), "Which region are you in? (optional)", "Not sure")
    topic = _optional_select(SupportTopic.objects.none(), "What is it about? (optional)", "Something else")
    question = forms.CharField(
        label="Your question",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Tell us where you are and what you would like to know. Do not include health information.",
        error_messages={
            "required": "Enter your question",
            "max_length": "Your question must be 5000 characters or fewer",
        },
    )
    reply_by = forms.ChoiceField(
        label="How should we reply?",
        choices=Enquiry.ReplyBy.choices,
        widget=forms.RadioSelect,
        initial=Enquiry.ReplyBy.EMAIL,
        error_messages={"required": "Select how we should reply"},
    )
    phone = forms.CharField(
        label="Phone number (if you would like a call)",
        max_length=40,
        required=False,
        help_text="For example, 020 7946 0000.",
    )
    readiness = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "service_area").queryset = ServiceArea.objects.filter(is_active=True)
        _model_choice(self, "region").queryset = Region.objects.filter(is_active=True)
        _model_choice(self, "topic").queryset = SupportTopic.objects.filter(is_active=True)

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone", "")).strip()
        if phone and not all(character.isdigit() or character in " +()-" for character in phone):
            raise forms.ValidationError("Enter a phone number, like 020 7946 0000 or +44 20 7946 0000")
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("reply_by") == Enquiry.ReplyBy.PHONE and not cleaned.get("phone"):
            self.add_error("phone", "Enter a phone number, or choose a reply by email")
        cleaned["readiness_answers"] = readiness_from(cleaned.get("readiness") or "")
        return cleaned


class FeedbackForm(HoneypotMixin):
    feedback = forms.CharField(
        label="What would make this service better?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Tell us what you were trying to do and what happened. Do not include personal information.",
        error_messages={
            "required": "Enter your feedback",
            "max_length": "Your feedback must be 5000 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        help_text="Only if you would like a reply.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    page_url = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def clean_page_url(self) -> str:
        # Only a path inside the service is kept: never an address elsewhere that staff might then open.
        value = str(self.cleaned_data.get("page_url", ""))
        return value if value.startswith("/") and not value.startswith("//") else ""


# --- Triage (programme team) ------------------------------------------------------------------------------


class AssignForm(GovukForm):
    assignee = StaffChoiceField(
        queryset=User.objects.none(),
        label="Assign to",
        required=False,
        empty_label="Nobody",
        error_messages={"invalid_choice": "Choose someone from the programme team"},
    )

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "assignee").queryset = staff


class ReplyForm(GovukForm):
    body = forms.CharField(
        label="Your reply",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Emailed to them from the service, and kept with the enquiry.",
        error_messages={"required": "Write the reply", "max_length": "The reply must be 5000 characters or fewer"},
    )


class CloseForm(GovukForm):
    note = forms.CharField(
        label="Note for the team (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Not sent to them. For example, answered by phone.",
    )


class InviteForm(GovukForm):
    kind = forms.ChoiceField(
        label="Invite them to",
        choices=EnquiryInvitation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to invite them to"},
    )
    message = forms.CharField(
        label="A note to add to the email (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# --- Guidance pages, the guide and case studies (programme team) ------------------------------------------


def _link(label: str, hint: str = "") -> forms.URLField:
    return forms.URLField(
        label=label,
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=hint,
        error_messages={"invalid": "Enter a full web address, starting with https://"},
    )


class ResourceForm(GovukModelForm):
    reviewed_on = _date("Last reviewed on", "The day you checked the page is right. For example, 27 3 2026")
    document_url = _link("Link to a document (optional)", "For example, https://www.gov.uk/guidance/...")
    owner = StaffChoiceField(
        queryset=User.objects.none(), label="Who looks after this page", required=False, empty_label="Nobody yet"
    )

    class Meta:
        model = Resource
        fields = [
            "title",
            "summary",
            "body",
            "document_url",
            "document_label",
            "source",
            "topics",
            "stages",
            "service_areas",
            "owner",
            "reviewed_on",
        ]
        labels = {
            "body": "The page (optional if it links to a document)",
            "document_url": "Link to a document (optional)",
            "document_label": "Words of the link (optional)",
            "source": "Who wrote the document (optional)",
            "topics": "Topics",
            "stages": "Stages of the guide it helps with",
            "service_areas": "Services it is about (optional)",
            "owner": "Who looks after this page",
        }
        help_texts = {
            "body": MARKDOWN_HINT,
            "document_label": "For example, 'TUPE: a guide for staff (PDF, 40 pages)'.",
            "service_areas": "Leave empty if it applies to every service.",
            "summary": "One or two sentences, shown in lists and search results.",
        }
        widgets = {
            "body": forms.Textarea(attrs={"rows": 16}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "topics": forms.CheckboxSelectMultiple,
            "stages": forms.CheckboxSelectMultiple,
            "service_areas": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "title": {"required": "Enter a title"},
            "summary": {"required": "Enter a summary"},
            "topics": {"required": "Select at least one topic"},
            "stages": {"required": "Select at least one stage"},
            "document_url": {"invalid": "Enter a full web address, starting with https://"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "owner").queryset = User.objects.filter(is_programme_team=True, is_active=True)
        _model_choice(self, "topics").queryset = SupportTopic.objects.filter(is_active=True)
        _model_choice(self, "stages").queryset = Stage.objects.filter(is_active=True)
        _model_choice(self, "service_areas").queryset = ServiceArea.objects.filter(is_active=True)
        for name in ("topics", "stages", "service_areas"):
            self.fields[name].help_text = self.fields[name].help_text or "Select all that apply."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("body", "").strip() and not cleaned.get("document_url") and not self.has_error("body"):
            self.add_error("body", "Write the page, or give a link to a document")
        if cleaned.get("document_label") and not cleaned.get("document_url"):
            self.add_error("document_url", "Enter the link the words are for")
        reviewed_on = cleaned.get("reviewed_on")
        if reviewed_on and reviewed_on > timezone.localdate():
            self.add_error("reviewed_on", "The review date cannot be in the future")
        return cleaned

    def _post_clean(self) -> None:
        # The services save the model; its own validation (unique slug, set later) is not the form's job.
        pass


class GuideTaskForm(GovukModelForm):
    link_url = _link("Or a link to another website (optional)")
    stage = StepChoiceField(
        queryset=Stage.objects.none(),
        label="Step",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose a step", "invalid_choice": "Choose one of the five steps"},
    )

    class Meta:
        model = GuideTask
        fields = ["stage", "title", "description", "resource", "link_url", "order"]
        labels = {
            "stage": "Step",
            "description": "What to do (optional)",
            "resource": "Guidance page it links to (optional)",
            "link_url": "Or a link to another website (optional)",
            "order": "Order within the step",
        }
        help_texts = {"order": "Lower numbers come first."}
        widgets = {"stage": forms.RadioSelect, "description": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "stage": {"required": "Choose a step"},
            "title": {"required": "Enter the task"},
            "link_url": {"invalid": "Enter a full web address, starting with https://"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "stage").queryset = Stage.objects.filter(guide_step__isnull=False).order_by("guide_step")
        _model_choice(self, "resource").queryset = Resource.objects.order_by("title").only("pk", "title")
        _model_choice(self, "resource").empty_label = "None"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("resource") and cleaned.get("link_url"):
            self.add_error("link_url", "Link to a guidance page or to another website, not both")
        return cleaned


class CaseStudyForm(GovukModelForm):
    class Meta:
        model = CaseStudy
        fields = [
            "title",
            "mutual_name",
            "service_area",
            "region",
            "stage_reached",
            "summary",
            "story",
            "what_helped",
            "topics",
        ]
        labels = {
            "stage_reached": "Stage reached",
            "what_helped": "What helped (optional)",
            "topics": "What the mutual got help with (optional)",
        }
        help_texts = {"story": MARKDOWN_HINT, "what_helped": "In the mutual's own words, where possible."}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "story": forms.Textarea(attrs={"rows": 16}),
            "what_helped": forms.Textarea(attrs={"rows": 5}),
            "topics": forms.CheckboxSelectMultiple,
        }
        error_messages = {
            "title": {"required": "Enter a title"},
            "mutual_name": {"required": "Enter the name of the mutual"},
            "service_area": {"required": "Choose a service area"},
            "region": {"required": "Choose a region"},
            "stage_reached": {"required": "Choose the stage reached"},
            "summary": {"required": "Enter a summary"},
            "story": {"required": "Write the story"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "service_area").queryset = ServiceArea.objects.filter(is_active=True)
        _model_choice(self, "region").queryset = Region.objects.filter(is_active=True)
        _model_choice(self, "stage_reached").queryset = Stage.objects.filter(is_active=True)
        _model_choice(self, "topics").queryset = SupportTopic.objects.filter(is_active=True)
        self.fields["topics"].required = False

    def _post_clean(self) -> None:
        pass


class ConsentForm(GovukForm):
    given_by = forms.CharField(
        label="Who gave consent",
        max_length=200,
        help_text="Their name and role at the mutual, for example 'Jo Smith, chief executive'.",
        error_messages={"required": "Enter who gave consent"},
    )
    given_on = _date("Date consent was given")
    how = forms.CharField(
        label="How consent was given",
        max_length=300,
        help_text="For example, 'by email, saved in the case study folder'.",
        error_messages={"required": "Enter how consent was given"},
    )

    def clean_given_on(self) -> Any:
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError("The date consent was given cannot be in the future")
        return given_on


# --- Readiness: one question per page ---------------------------------------------------------------------


class ReadinessQuestionForm(GovukForm):
    answer = forms.ChoiceField(widget=forms.RadioSelect, error_messages={"required": "Select an answer"})

    def __init__(self, *args: Any, question: readiness.Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["answer"])
        field.label = question.text
        field.help_text = question.hint
        field.choices = [(answer.value, answer.label) for answer in question.answers]
