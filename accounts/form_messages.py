"""Error messages that say what to fix, for every form: Django's generic defaults in the GOV.UK style.

A form that mixes in `GovukFormMixin` (every form in the service does, through `GovukForm` and `GovukModelForm`)
keeps the messages it sets itself and has Django's defaults replaced, using the field's label:

    "This field is required."                          -> "Enter a title" / "Select a region"
    "Ensure this value has at most 150 characters..."   -> "Title must be 150 characters or fewer"
    "Ensure this value is greater than or equal to 0."  -> "Number of people must be 0 or more"
    "Enter a valid URL."                                -> "Enter a web address in the correct format, like ..."

and a select's "---------" becomes "Choose one". Nothing is cut short silently: the browser's maxlength is not
used (pages/templatetags/forms.py), so too long an answer comes back with the message above and nothing lost.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinLengthValidator, MinValueValidator
from django.forms.utils import ErrorList

# The validators whose Django wording is replaced, by error code; a form's own message for the code is kept.
_VALIDATORS = {
    "max_length": MaxLengthValidator,
    "min_length": MinLengthValidator,
    "max_value": MaxValueValidator,
    "min_value": MinValueValidator,
}


def _is_django_default(field: forms.Field, error: ValidationError) -> bool:
    """Whether the error carries Django's own message for its code, not one a form or a clean method chose."""
    validator = _VALIDATORS.get(error.code or "")
    if validator is not None:
        return error.message is validator.message
    defaults: dict[str, Any] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    default = defaults.get(error.code or "")
    return default is not None and str(error.message) == str(default)


URL_MESSAGE = "Enter a web address in the correct format, like https://www.example.org"
EMAIL_MESSAGE = "Enter an email address in the correct format, like name@example.org"
EMPTY_CHOICE = "Choose one"
DJANGO_EMPTY_LABEL = "---------"


def _subject(label: str) -> str:
    """The label as the subject of a sentence: "Title", or for a question, 'Your answer to "What ...?"'."""
    label = label.replace("(optional)", "").strip()
    if label.endswith("?"):
        return f"Your answer to “{label}”"
    return label[:1].upper() + label[1:]


def _object(label: str) -> str:
    """The label as the object of "Enter ..." or "Select ...": "a title" reads "Enter title"; a question
    reads 'Enter an answer to "...?"'."""
    label = label.replace("(optional)", "").strip()
    if label.endswith("?"):
        return f"an answer to “{label}”"
    return label[:1].lower() + label[1:]


def _is_choice(field: forms.Field) -> bool:
    return isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.ModelMultipleChoiceField)) or (
        isinstance(field.widget, (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple))
    )


def _limit(field: forms.Field, validator_class: type) -> Any:
    for validator in field.validators:
        if isinstance(validator, validator_class):
            return getattr(validator, "limit_value", None)
    return None


def specific_message(field: forms.Field, error: ValidationError) -> str | None:
    """The message to show instead of Django's default one, or None to keep the error as it is."""
    if not _is_django_default(field, error):
        return None
    label = str(field.label or "this")
    code = error.code
    if code == "required":
        if isinstance(field, forms.BooleanField):
            return f"Select “{label}” to continue"
        return f"{'Select' if _is_choice(field) else 'Enter'} {_object(label)}"
    if code == "max_length":
        return f"{_subject(label)} must be {_limit(field, MaxLengthValidator)} characters or fewer"
    if code == "min_length":
        return f"{_subject(label)} must be {_limit(field, MinLengthValidator)} characters or more"
    if code == "max_value":
        return f"{_subject(label)} must be {_limit(field, MaxValueValidator)} or less"
    if code == "min_value":
        return f"{_subject(label)} must be {_limit(field, MinValueValidator)} or more"
    if code == "invalid" and isinstance(field, forms.URLField):
        return URL_MESSAGE
    if code == "invalid" and isinstance(field, forms.EmailField):
        return EMAIL_MESSAGE
    if code == "invalid" and isinstance(field, (forms.IntegerField,)):
        return f"{_subject(label)} must be a whole number"
    if code in ("invalid_choice", "invalid_list", "invalid_pk_value"):
        return f"Select {_object(label)} from the list"  # noqa: S608 - an error message, not SQL
    return None


class GovukFormMixin:
    """Replaces Django's generic messages and empty choice labels (module docstring)."""

    fields: dict[str, forms.Field]
    _errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            if getattr(field, "empty_label", None) == DJANGO_EMPTY_LABEL:
                field.empty_label = EMPTY_CHOICE  # type: ignore[attr-defined]
            if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
                if any(choice[:2] == ("", DJANGO_EMPTY_LABEL) for choice in choices):
                    field.choices = [
                        ("", EMPTY_CHOICE) if choice[:2] == ("", DJANGO_EMPTY_LABEL) else choice for choice in choices
                    ]

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        for name, errors in list(self._errors.items()):
            field = self.fields.get(name)
            if field is None:
                continue
            rewritten = []
            for error in errors.as_data():
                replacement = specific_message(field, error)
                rewritten.append(ValidationError(replacement, code=error.code) if replacement else error)
            self._errors[name] = ErrorList(rewritten, renderer=getattr(self, "renderer", None))


class GovukForm(GovukFormMixin, forms.Form):
    pass


class GovukModelForm(GovukFormMixin, forms.ModelForm):  # type: ignore[type-arg]
    pass
