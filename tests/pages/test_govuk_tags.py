"""The shared GOV.UK components in pages/templatetags/govuk.py: the status tag."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models
from django.template import Context, Template, TemplateSyntaxError

from accounts.models import MentorProfile
from ambassadors.models import Application, EngagementInvitation, EngagementRequest
from matching.models import BatchProposal, Introduction, MatchRun, MentoringRequest
from messaging.models import Goal, Relationship
from pages.templatetags.govuk import TAG_COLOURS


def render(source: str, **context: object) -> str:
    return Template("{% load govuk %}" + source).render(Context(context)).strip()


def tag(label: str, colour: str) -> str:
    return f'<strong class="govuk-tag govuk-tag--{colour}">{label}</strong>'


# What each page showed before the one status tag replaced the per-app includes: the words and colour of every
# status. A change here is a change people see, so it is made on purpose, not by a refactor.
SHOWN = {
    MentorProfile: {
        "pending": ("Waiting for vetting", "blue"),
        "approved": ("Approved", "green"),
        "rejected": ("Not approved", "red"),
    },
    Application: {
        "submitted": ("Submitted", "blue"),
        "shortlisted": ("Shortlisted", "light-blue"),
        "interview": ("Interview", "purple"),
        "appointed": ("Appointed", "green"),
        "not_appointed": ("Not appointed", "red"),
        "withdrawn": ("Withdrawn", "grey"),
    },
    EngagementRequest: {
        "open": ("Looking for an ambassador", "blue"),
        "invited": ("Ambassador invited", "light-blue"),
        "accepted": ("Ambassador confirmed", "green"),
        "held": ("Held", "green"),
        "withdrawn": ("Withdrawn", "grey"),
    },
    EngagementInvitation: {
        "pending": ("Waiting for a reply", "light-blue"),
        "accepted": ("Accepted", "green"),
        "declined": ("Declined", "red"),
        "cancelled": ("Cancelled", "grey"),
    },
    MentoringRequest: {
        "open": ("Open", "blue"),
        "introduced": ("Introduced", "purple"),
        "matched": ("Matched", "green"),
        "needs_attention": ("With the programme team", "orange"),
        "withdrawn": ("Withdrawn", "grey"),
        "closed": ("Closed", "grey"),
    },
    MatchRun: {
        "queued": ("Queued", "grey"),
        "running": ("Running", "blue"),
        "succeeded": ("Succeeded", "green"),
        "failed": ("Failed", "red"),
    },
    Introduction: {
        "queued": ("Waiting its turn", "grey"),
        "pending": ("Waiting for the mentor", "blue"),
        "accepted": ("Accepted", "green"),
        "declined": ("Declined", "red"),
        "expired": ("No reply in time", "yellow"),
        "withdrawn": ("Withdrawn", "grey"),
    },
    BatchProposal: {
        "draft": ("Draft", "blue"),
        "published": ("Published", "green"),
        "discarded": ("Discarded", "grey"),
    },
    Relationship: {
        "active": ("Active", "green"),
        "paused": ("Paused", "yellow"),
        "completed": ("Completed", "blue"),
        "ended_early": ("Ended early", "grey"),
    },
    Goal: {
        "not_started": ("Not started", "grey"),
        "in_progress": ("In progress", "blue"),
        "achieved": ("Achieved", "green"),
    },
}


def models_with_tag_colours() -> list[type[models.Model]]:
    """Every model whose nested Status declares tag colours, found rather than listed, so a new one is checked too."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "Status") and hasattr(model.Status, "TAG_COLOURS")  # type: ignore[attr-defined]
    ]


def every_status() -> list[tuple[type[models.Model], str]]:
    return [
        (model, value)
        for model in models_with_tag_colours()
        for value in model.Status.values  # type: ignore[attr-defined]
    ]


class TestStatusTag:
    def test_every_model_shown_with_a_status_tag_declares_its_colours(self) -> None:
        assert set(SHOWN) <= set(models_with_tag_colours())

    @pytest.mark.parametrize("model", models_with_tag_colours(), ids=lambda model: model.__name__)
    def test_colours_cover_exactly_the_statuses(self, model: type[models.Model]) -> None:
        # A new status without a colour fails here, and so does a colour left behind for a status that has gone.
        choices = model.Status  # type: ignore[attr-defined]
        assert set(choices.TAG_COLOURS) == set(choices.values)
        assert set(choices.TAG_COLOURS.values()) <= TAG_COLOURS
        assert set(getattr(choices, "TAG_LABELS", {})) <= set(choices.values)

    @pytest.mark.parametrize(("model", "value"), every_status(), ids=lambda item: getattr(item, "__name__", item))
    def test_every_status_renders_a_coloured_tag_with_its_words(self, model: type[models.Model], value: str) -> None:
        choices = model.Status  # type: ignore[attr-defined]
        html = render("{% status_tag obj %}", obj=model(status=value))
        match = re.fullmatch(r'<strong class="govuk-tag govuk-tag--([a-z-]+)">([^<]+)</strong>', html)
        assert match, html
        assert match[1] in TAG_COLOURS
        assert match[2] == getattr(choices, "TAG_LABELS", {}).get(value, choices(value).label)

    def test_the_words_shown_are_the_ones_pages_showed_before(self) -> None:
        for model, shown in SHOWN.items():
            assert set(shown) == set(model.Status.values), model  # type: ignore[attr-defined]
            for value, (label, colour) in shown.items():
                assert render("{% status_tag obj %}", obj=model(status=value)) == tag(label, colour)

    def test_a_status_without_a_colour_is_an_error_not_a_plain_tag(self, monkeypatch: pytest.MonkeyPatch) -> None:
        colours = {key: colour for key, colour in MatchRun.Status.TAG_COLOURS.items() if key != "failed"}
        monkeypatch.setattr(MatchRun.Status, "TAG_COLOURS", colours)
        assert render("{% status_tag run %}", run=MatchRun(status="queued")) == tag("Queued", "grey")
        with pytest.raises(KeyError):
            render("{% status_tag run %}", run=MatchRun(status="failed"))


class TestGovukTag:
    def test_renders_the_words_and_colour(self) -> None:
        assert render('{% govuk_tag "At risk" "red" %}') == tag("At risk", "red")

    def test_escapes_its_words(self) -> None:
        html = render('{% govuk_tag words "grey" %}', words="<script>alert(1)</script>")
        assert html == tag("&lt;script&gt;alert(1)&lt;/script&gt;", "grey")

    def test_refuses_a_colour_gov_uk_does_not_have(self) -> None:
        with pytest.raises(TemplateSyntaxError):
            render('{% govuk_tag "Open" "chartreuse" %}')


class TestSummaryRow:
    def test_renders_a_gov_uk_row(self) -> None:
        html = render('{% summary_row "Region" %}{{ region }}{% end_summary_row %}', region="North East")
        assert html == (
            '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Region</dt>'
            '<dd class="govuk-summary-list__value">North East</dd></div>'
        )

    def test_escapes_what_people_typed_in_the_value_and_the_key(self) -> None:
        script = "<script>alert(1)</script>"
        html = render("{% summary_row key %}{{ bio|linebreaksbr }}{% end_summary_row %}", key=script, bio=script)
        assert "<script>" not in html
        assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2

    def test_keeps_the_markup_the_template_writes_in_the_value(self) -> None:
        html = render(
            '{% summary_row "Website" value_class="app-long-text" %}'
            '<a class="govuk-link" href="{{ url }}">{{ url }}</a>{% end_summary_row %}',
            url="https://example.org/?a=1&b=<2>",
        )
        assert (
            '<dd class="govuk-summary-list__value app-long-text"><a class="govuk-link" '
            'href="https://example.org/?a=1&amp;b=&lt;2&gt;">https://example.org/?a=1&amp;b=&lt;2&gt;</a></dd>'
        ) in html

    def test_an_action_link_names_its_row_for_screen_readers(self) -> None:
        html = render(
            '{% summary_row "Open" action_url=url action_text="Review" action_hidden=hidden %}3{% end_summary_row %}',
            url="/requests/?status=open",
            hidden="requests from <Mutual>",
        )
        assert html.endswith(
            '<dd class="govuk-summary-list__actions"><a class="govuk-link" href="/requests/?status=open">Review'
            '<span class="govuk-visually-hidden"> requests from &lt;Mutual&gt;</span></a></dd></div>'
        )

    def test_an_empty_action_url_leaves_the_action_out(self) -> None:
        html = render('{% summary_row "Open" action_url=url action_text="Review" %}3{% end_summary_row %}', url="")
        assert "govuk-summary-list__actions" not in html

    def test_rows_without_actions_or_borders(self) -> None:
        html = render('{% summary_row "Paused" no_actions=True no_border=True %}2{% end_summary_row %}')
        assert html.startswith(
            '<div class="govuk-summary-list__row govuk-summary-list__row--no-actions '
            'govuk-summary-list__row--no-border">'
        )
        assert "govuk-summary-list__actions" not in html

    @pytest.mark.parametrize(
        "source",
        [
            "{% summary_row %}x{% end_summary_row %}",
            '{% summary_row "Key" colour="red" %}x{% end_summary_row %}',
            '{% summary_row "Key" action_url="/x/" %}x{% end_summary_row %}',
            '{% summary_row "Key" "extra" %}x{% end_summary_row %}',
            '{% summary_row "Key" %}x',
        ],
    )
    def test_a_mistake_in_the_tag_is_caught_when_the_template_loads(self, source: str) -> None:
        with pytest.raises(TemplateSyntaxError):
            render(source)
