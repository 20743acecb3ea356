"""Issue 17, finding 4: no silent truncation and no generic messages.

Too long an answer comes back with a message that says the limit and keeps what was typed (the browser's maxlength,
which cut pasted text short without a word, is gone; textareas count characters instead). Django's generic wording
("This field is required.", "Ensure this value ...", "Enter a valid URL.", "---------") is replaced everywhere.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.template import Context, Template
from django.urls import reverse

from accounts.form_messages import EMPTY_CHOICE, URL_MESSAGE, GovukForm, GovukFormMixin
from accounts.models import Mutual, User
from matching.models import MentoringRequest
from tests.clients import ClientFor
from tests.factories import service_area, topic


class Example(GovukForm):
    title = forms.CharField(label="Title", max_length=5)
    people = forms.IntegerField(label="Number of people", min_value=1, max_value=100)
    site = forms.URLField(label="Website (optional)", required=False, assume_scheme="https")
    kind = forms.ChoiceField(label="Kind of event", choices=[("", "---------"), ("talk", "Talk")])
    question = forms.CharField(label="What can you help with?")
    named = forms.CharField(label="Name", error_messages={"required": "Enter your full name"})
    agree = forms.BooleanField(label="I agree to the code of conduct")


def errors(data: dict[str, str]) -> dict[str, list[str]]:
    form = Example(data)
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_djangos_generic_messages_become_specific_ones() -> None:
    found = errors({"title": "too long", "people": "0", "site": "not a web address", "kind": "party"})
    assert found == {
        "title": ["Title must be 5 characters or fewer"],
        "people": ["Number of people must be 1 or more"],
        "site": [URL_MESSAGE],
        "kind": ["Select kind of event from the list"],
        "question": ["Enter an answer to “What can you help with?”"],
        "named": ["Enter your full name"],  # the form's own message is kept
        "agree": ["Select “I agree to the code of conduct” to continue"],
    }
    assert errors({"people": "101"})["people"] == ["Number of people must be 100 or less"]
    assert errors({"people": "lots"})["people"] == ["Number of people must be a whole number"]
    assert errors({})["kind"] == ["Select kind of event"]


def test_an_empty_choice_reads_choose_one() -> None:
    assert Example().fields["kind"].choices[0] == ("", EMPTY_CHOICE)  # type: ignore[attr-defined]


THIRD_PARTY_APPS = {"django_filters", "csp", "whitenoise", "auditlog", "storages", "django_celery_beat"}


def test_every_form_in_the_service_gets_the_specific_messages() -> None:
    missing = []
    for config in apps.get_app_configs():
        if "." in config.name or config.name in THIRD_PARTY_APPS:
            continue
        try:
            module = importlib.import_module(f"{config.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, forms.BaseForm):
                continue
            if not issubclass(cls, GovukFormMixin) and "allauth" not in str(cls.__mro__):
                missing.append(f"{module.__name__}.{name}")
    assert missing == []


@pytest.mark.django_db
def test_too_long_an_answer_is_refused_with_the_limit_and_nothing_is_lost(
    member: User, mutual: Mutual, client_for: ClientFor
) -> None:
    summary, description = "S" * 400, "D" * 5040
    response = client_for(member).post(
        reverse("matching:request_create"),
        {
            "title": summary,
            "topics": [topic().pk],
            "service_area": service_area().pk,
            "format": "either",
            "urgency": "soon",
            "description": description,
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Summary must be 150 characters or fewer" in page
    assert "Description must be 4000 characters or fewer" in page
    assert f'value="{summary}"' in page and f">\n{description}</textarea>" in page  # kept, to shorten
    assert " maxlength=" not in page  # the browser never cuts text short
    assert not MentoringRequest.objects.exists()


def test_a_limited_textarea_counts_characters() -> None:
    class Letter(GovukForm):
        body = forms.CharField(label="Your message", max_length=4000, widget=forms.Textarea)

    html = Template("{% load forms %}{% govuk_field form.body %}").render(Context({"form": Letter()}))

    assert 'class="govuk-form-group govuk-character-count" data-module="govuk-character-count"' in html
    assert 'data-maxlength="4000"' in html
    assert 'aria-describedby="id_body-info"' in html
    assert '<div id="id_body-info" class="govuk-hint govuk-character-count__message">' in html
    assert "You can enter up to 4,000 characters" in html
    assert "govuk-js-character-count" in html
    assert " maxlength=" not in html
