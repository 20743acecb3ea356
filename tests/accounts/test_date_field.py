"""The one way to enter a date (accounts.fields.GovukDateField), as the GOV.UK date input pattern asks for it:
three boxes, messages that say what to fix, and only the wrong box marked."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.template import Context, Template

from accounts.fields import GovukDateField
from tests.forms import date_input

TODAY = datetime.date(2027, 3, 10)


class MeetingForm(forms.Form):
    met_on = GovukDateField(
        label="When did you meet?",
        noun="the date of the meeting",
        earliest=datetime.date(2027, 1, 1),
        latest=lambda: TODAY,
        too_late="The date of the meeting must be today or in the past",
    )


class OptionalForm(forms.Form):
    opens_on = GovukDateField(
        label="Applications open on (optional)", noun="the date applications open", required=False
    )


def errors_for(typed: tuple[object, object, object]) -> list[str]:
    form = MeetingForm(date_input("met_on", typed))
    assert not form.is_valid()
    return form.errors["met_on"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (("", "", ""), "Enter the date of the meeting"),
        (("4", "", "2027"), "The date of the meeting must include a month"),
        (("", "", "2027"), "The date of the meeting must include a day and month"),
        (("4", "3", ""), "The date of the meeting must include a year"),
        (("31", "2", "2027"), "The date of the meeting must be a real date"),
        (("4", "13", "2027"), "The date of the meeting must be a real date"),
        (("four", "3", "2027"), "The date of the meeting must be a real date"),
        (("4", "3", "27"), "Year must include 4 numbers"),
        (("11", "3", "2027"), "The date of the meeting must be today or in the past"),
        (("31", "12", "2026"), "The date of the meeting must be on or after 1 January 2027"),
    ],
)
def test_each_mistake_gets_a_message_that_says_what_to_fix(typed: tuple[object, object, object], message: str) -> None:
    assert errors_for(typed) == [message]


def test_a_real_date_is_accepted_with_spaces_and_leading_zeros() -> None:
    form = MeetingForm(date_input("met_on", (" 04", "03 ", "2027")))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["met_on"] == datetime.date(2027, 3, 4)


def test_an_optional_date_left_empty_is_none_but_half_filled_is_an_error() -> None:
    empty = OptionalForm(date_input("opens_on", None))
    assert empty.is_valid() and empty.cleaned_data["opens_on"] is None
    half = OptionalForm(date_input("opens_on", ("", "4", "")))
    assert half.errors["opens_on"] == ["The date applications open must include a day and year"]


def render(form: forms.Form) -> str:
    template = Template(
        '{% load forms %}{% include "includes/error_summary.html" with form=form %}{% govuk_field form.met_on %}'
    )
    return template.render(Context({"form": form}))


def boxes_marked_wrong(html: str) -> list[str]:
    return re.findall(r'govuk-input--error" id="id_met_on_(\w+)"', html)


def test_only_the_box_that_is_wrong_is_marked_and_the_summary_links_to_it() -> None:
    form = MeetingForm(date_input("met_on", ("4", "", "2027")))
    form.is_valid()
    html = render(form)

    assert boxes_marked_wrong(html) == ["month"]
    assert '<a href="#id_met_on_month">The date of the meeting must include a month</a>' in html
    assert 'class="govuk-error-message"' in html
    # What was typed is kept, so nothing has to be typed again.
    assert 'name="met_on_day" type="text" inputmode="numeric" value="4"' in html
    assert 'name="met_on_year" type="text" inputmode="numeric" value="2027"' in html


def test_a_date_out_of_range_marks_every_box_and_links_to_the_day() -> None:
    form = MeetingForm(date_input("met_on", ("11", "3", "2027")))
    form.is_valid()
    html = render(form)

    assert boxes_marked_wrong(html) == ["day", "month", "year"]
    assert '<a href="#id_met_on_day">' in html


def test_the_question_is_a_legend_of_a_group_with_a_hint() -> None:
    html = render(MeetingForm(initial={"met_on": datetime.date(2027, 3, 4)}))

    assert re.search(r'<fieldset class="govuk-fieldset" role="group" aria-describedby="id_met_on-hint"', html)
    assert "When did you meet?</legend>" in html
    assert "For example, 27 3 2027" in html
    assert 'value="4"' in html and 'value="3"' in html and 'value="2027"' in html
    assert boxes_marked_wrong(html) == []
    assert "govuk-error-summary" not in html
