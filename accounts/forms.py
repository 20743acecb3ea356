"""Forms for accounts, mutuals and mentor profiles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest

from accounts.fields import GovukDateField, tomorrow
from accounts.form_messages import GovukForm, GovukModelForm
from accounts.models import MentorProfile, Mutual, Region, ServiceArea, Stage, SupportTopic, User
from accounts.text import clean_line, clean_text
from notifications.models import Category

ModelT = TypeVar("ModelT", bound=models.Model)

MAX_CONFLICTS = 50


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, asking for the person's name as well."""

    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    field_order = ["full_name", "email", "password1", "password2"]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if self.account_already_exists and cleaned.get("password1"):
            # No account is made for an address that has one, so no password is hashed: do the same work anyway,
            # or the answer would come ten times faster and say which addresses have accounts (issue 18).
            make_password(cleaned["password1"])
        return cleaned

    def validate_unique_email(self, value: str) -> str:
        """An address someone else added to their account but never verified does not block its real owner (issue
        18, finding 8: adding another person's address used to stop them ever signing up). Such squatted addresses
        are released when the owner signs up; anything else keeps allauth's rules (no enumeration)."""
        squatted = EmailAddress.objects.filter(email__iexact=value, verified=False, primary=False).exclude(
            user__email__iexact=value
        )
        real = EmailAddress.objects.filter(email__iexact=value).exclude(pk__in=squatted.values("pk")).exists()
        self.squatted_addresses = [] if real or User.objects.filter(email__iexact=value).exists() else list(squatted)
        if self.squatted_addresses:
            self.account_already_exists = False
            return str(get_adapter().validate_unique_email(value))
        return str(super().validate_unique_email(value))

    def save(self, request: HttpRequest) -> User:
        for address in getattr(self, "squatted_addresses", []):
            address.delete()
        user: User = super().save(request)
        user.full_name = clean_line(self.cleaned_data["full_name"])
        user.save(update_fields=["full_name"])
        return user


# --- Onboarding ---------------------------------------------------------------------------------------------


class OnboardingForm(GovukForm):
    """The first question after sign-up: which way in. A person may take both paths, one after the other."""

    MUTUAL = "mutual"
    MENTOR = "mentor"
    AMBASSADOR = "ambassador"

    path = forms.ChoiceField(
        label="What would you like to do?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you would like to do"},
    )

    def __init__(self, *args: Any, has_mentor_profile: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(self.MUTUAL, "I represent a mutual: create its profile")]
        if not has_mentor_profile:
            choices.append((self.MENTOR, "I want to volunteer as a mentor"))
        choices.append((self.AMBASSADOR, "I want to become an ambassador: promote mutuals, give talks and visit"))
        _choice(self, "path").choices = choices


# --- Mutuals ------------------------------------------------------------------------------------------------


def _active_or_chosen(queryset: QuerySet[ModelT], chosen: Iterable[int]) -> QuerySet[ModelT]:
    """Offer active terms, plus any withdrawn term the profile already has (so saving does not drop it)."""
    return queryset.filter(Q(is_active=True) | Q(pk__in=list(chosen)))


class MutualForm(GovukModelForm):
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text="For example, https://www.example.org.uk",
    )

    class Meta:
        model = Mutual
        fields = [
            "name",
            "service_areas",
            "region",
            "stage",
            "legal_form",
            "staff_count",
            "parent_body",
            "description",
            "website",
            "listed_publicly",
        ]
        labels = {
            "name": "Name of the mutual",
            "service_areas": "Which public services do you deliver?",
            "region": "Region",
            "stage": "How far along are you?",
            "legal_form": "Legal form",
            "staff_count": "Number of staff (optional)",
            "parent_body": "Parent public body (optional)",
            "description": "About the mutual (optional)",
            "listed_publicly": "List our mutual in the public forward look of emerging mutuals",
        }
        help_texts = {
            "service_areas": "Select all that apply.",
            "region": "Where most of your services are delivered.",
            "legal_form": "Choose 'Not decided yet' if you are still exploring.",
            "description": "What you do, who for, and where you are on the journey to becoming a mutual.",
            "listed_publicly": (
                "Only your name, region, service areas and stage are shown. You can withdraw consent at any time."
            ),
        }
        widgets = {
            "service_areas": forms.CheckboxSelectMultiple,
            "stage": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "name": {"required": "Enter the name of the mutual"},
            "service_areas": {"required": "Select at least one service area"},
            "region": {"required": "Select a region"},
            "stage": {"required": "Select how far along you are"},
            "description": {"max_length": "Describe the mutual in 4000 characters or fewer"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = self.instance.service_areas.values_list("pk", flat=True) if self.instance.pk else []
        _model_choice(self, "service_areas").queryset = _active_or_chosen(ServiceArea.objects.all(), chosen)
        _model_choice(self, "region").queryset = Region.objects.filter(is_active=True)
        _model_choice(self, "region").empty_label = "Choose a region"
        _model_choice(self, "stage").queryset = Stage.objects.filter(is_active=True)
        _model_choice(self, "stage").empty_label = None
        self.fields["staff_count"].widget.attrs.update({"inputmode": "numeric"})

    def clean_name(self) -> str:
        return clean_line(self.cleaned_data["name"])

    def clean_parent_body(self) -> str:
        return clean_line(self.cleaned_data["parent_body"])

    def clean_description(self) -> str:
        return clean_text(self.cleaned_data["description"])


class StageMoveForm(GovukForm):
    """Move a mutual to another stage of the pipeline (accounts.pipeline.mutual_stage_move)."""

    to_stage = forms.ModelChoiceField(
        queryset=Stage.objects.filter(is_active=True),
        label="New stage",
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the stage the mutual has reached"},
    )


class InvitationForm(GovukForm):
    email = forms.EmailField(
        label="Your colleague's email address",
        help_text="We will email them a link to join. The link works once, for the person it was sent to.",
        error_messages={
            "required": "Enter your colleague's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class EmailPreferencesForm(GovukForm):
    """Which optional emails to receive. Essential emails (account security, answers) always go."""

    wanted = forms.MultipleChoiceField(
        label="Which emails do you want?",
        choices=[(category.value, category.label) for category in Category.optional()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply. You will still see everything as notices when you sign in.",
    )


class YesNoForm(GovukForm):
    """A confirmation question answered Yes or No."""

    answer = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes or no"},
    )

    def __init__(self, *args: Any, question: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answer"].label = question

    @property
    def confirmed(self) -> bool:
        return bool(self.cleaned_data.get("answer") == "yes")


# --- Mentor profiles ----------------------------------------------------------------------------------------


class MentorProfileForm(GovukModelForm):
    capacity = forms.TypedChoiceField(
        label="How many mutuals could you mentor at the same time?",
        choices=[(number, str(number)) for number in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how many mutuals you could mentor at the same time"},
    )

    conflicts = forms.CharField(
        label="Mutuals you have a conflict of interest with (optional)",
        help_text="You will not be matched with these mutuals. Enter each mutual's name on its own line.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = MentorProfile
        fields = [
            "headline",
            "bio",
            "organisation",
            "topics",
            "service_areas",
            "stages",
            "region",
            "format",
            "capacity",
            "conflicts_note",
        ]
        labels = {
            "headline": "Headline",
            "bio": "About you",
            "organisation": "Current or most recent organisation (optional)",
            "topics": "What can you help with?",
            "service_areas": "Which public services do you have experience of?",
            "stages": "Which stages of a mutual's journey do you know well? (optional)",
            "region": "Region",
            "format": "How can you meet?",
            "conflicts_note": "Other conflicts of interest (optional)",
        }
        help_texts = {
            "bio": "Your experience and what you could offer a mutual. Mutual members read this before asking you.",
            "topics": "Select all that apply.",
            "service_areas": "Select all that apply.",
            "region": "Where you are based. It matters for meeting in person.",
            "conflicts_note": "For example, a council you advise, or a mutual not yet on this service.",
        }
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 8}),
            "topics": forms.CheckboxSelectMultiple,
            "service_areas": forms.CheckboxSelectMultiple,
            "stages": forms.CheckboxSelectMultiple,
            "format": forms.RadioSelect,
            "conflicts_note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "headline": {"required": "Enter a headline"},
            "bio": {
                "required": "Tell mutuals about yourself",
                "max_length": "Tell mutuals about yourself in 4000 characters or fewer",
            },
            "topics": {"required": "Select at least one topic you can help with"},
            "service_areas": {"required": "Select at least one service area"},
            "region": {"required": "Select a region"},
            "format": {"required": "Select how you can meet"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = self.instance if self.instance.pk else None
        for name, model in (("topics", SupportTopic), ("service_areas", ServiceArea), ("stages", Stage)):
            chosen = getattr(instance, name).values_list("pk", flat=True) if instance else []
            _model_choice(self, name).queryset = _active_or_chosen(model._default_manager.all(), chosen)
        _model_choice(self, "region").queryset = Region.objects.filter(is_active=True)
        _model_choice(self, "region").empty_label = "Choose a region"
        _choice(self, "format").choices = MentorProfile.Format.choices
        if instance is not None and not self.is_bound:
            self.initial["conflicts"] = "\n".join(instance.conflicts.order_by("name").values_list("name", flat=True))

    def clean_headline(self) -> str:
        return clean_line(self.cleaned_data["headline"])

    def clean_bio(self) -> str:
        return clean_text(self.cleaned_data["bio"])

    def clean_conflicts(self) -> list[Mutual]:
        """Names typed one per line, matched to mutuals on the service regardless of case.

        A text box rather than a list of every mutual: at national scale that list would be thousands long.
        """
        lines = [line.strip() for line in self.cleaned_data.get("conflicts", "").splitlines() if line.strip()]
        wanted = {line.lower(): line for line in lines}
        if len(wanted) > MAX_CONFLICTS:
            raise forms.ValidationError(f"Enter at most {MAX_CONFLICTS} mutuals")
        found: dict[str, Mutual] = {}
        if wanted:
            matches = Mutual.objects.annotate(lower_name=Lower("name")).filter(lower_name__in=list(wanted))
            for mutual in matches.only("pk", "name").order_by("pk"):
                found.setdefault(mutual.name.lower(), mutual)
        missing = [name for key, name in wanted.items() if key not in found]
        if missing:
            raise forms.ValidationError(
                "We could not find " + ", ".join(f'"{name}"' for name in missing) + " on this service. Check the "
                "spelling against the mutuals directory, or describe the conflict in the box below instead"
            )
        return list(found.values())


class MentorPauseForm(GovukForm):
    until = GovukDateField(
        label="Pause introductions until",
        noun="the date you pause until",
        help_text=(
            "We will not introduce you to any new mutual before this date. Relationships you have already started "
            "carry on. For example, 27 3 2027"
        ),
        earliest=tomorrow,
        too_early="The date you pause until must be in the future",
    )


class VettingDecisionForm(GovukForm):
    APPROVE = "approve"
    REJECT = "reject"

    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve this mentor"), (REJECT, "Do not approve")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to approve this mentor"},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required if you do not approve. The mentor sees this in their email.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.REJECT and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Enter the reason for not approving this mentor")
        return cleaned


# --- Taxonomy -----------------------------------------------------------------------------------------------


class ServiceAreaForm(GovukForm):
    name = forms.CharField(
        label="Name of the service area",
        max_length=100,
        help_text="For example, 'Housing support'. Use sentence case.",
        error_messages={"required": "Enter the name of the service area"},
    )


class SupportTopicForm(GovukForm):
    name = forms.CharField(
        label="Name of the topic",
        max_length=100,
        help_text="For example, 'Digital services'. Use sentence case.",
        error_messages={"required": "Enter the name of the topic"},
    )
    short_name = forms.CharField(
        label="Short name (optional)",
        max_length=40,
        required=False,
        help_text="Used in matching explanations, for example 'digital'. Leave blank to use the name.",
    )


DELETE_CONFIRMATION = "delete my account"


class AccountDeleteForm(GovukForm):
    """Confirm with the account's password, or (for an account without one) by typing a phrase."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    confirmation = forms.CharField(
        label=f"Type '{DELETE_CONFIRMATION}' to confirm",
        max_length=50,
        error_messages={"required": f"Type '{DELETE_CONFIRMATION}' to confirm"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["confirmation"]
        else:
            del self.fields["password"]

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("The password is not correct")
        return password

    def clean_confirmation(self) -> str:
        typed: str = self.cleaned_data["confirmation"]
        if typed.strip().lower() != DELETE_CONFIRMATION:
            raise forms.ValidationError(f"Type '{DELETE_CONFIRMATION}' exactly to confirm")
        return typed
