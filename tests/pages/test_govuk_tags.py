"""The shared GOV.UK components: the status tag and summary-list row (pages/templatetags/govuk.py) and the confirm page
(templates/includes/confirm_page.html)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.template import Context, Template, TemplateSyntaxError, engines
from django.test import RequestFactory

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


@pytest.mark.django_db  # every page asks whether a service-wide announcement is showing
class TestConfirmPage:
    """templates/includes/confirm_page.html, the one "are you sure?" page."""

    @staticmethod
    def page(include_with: str, **context: object) -> str:
        source = '{% include "includes/confirm_page.html" with ' + include_with + " %}"
        request = RequestFactory().get("/confirm/")
        request.user = AnonymousUser()
        return engines["django"].from_string(source).render(context, request)

    def test_renders_the_heading_words_button_and_cancel_link(self) -> None:
        html = self.page(
            'heading="Pause the relationship" intro="You can resume at any time." button="Pause" cancel_url=back',
            back="/relationships/1/",
        )
        assert '<h1 class="govuk-heading-l">Pause the relationship</h1>' in html
        assert '<p class="govuk-body">You can resume at any time.</p>' in html
        assert '<form method="post" novalidate>' in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert '<button type="submit" class="govuk-button" data-module="govuk-button">Pause</button>' in html
        assert '<a class="govuk-link" href="/relationships/1/">Cancel</a>' in html
        assert '<div class="govuk-grid-column-two-thirds">' in html

    def test_a_warning_page_has_a_red_button_warning_text_and_its_own_cancel_words(self) -> None:
        html = self.page(
            'heading="Withdraw?" warning_text="You cannot undo this." button="Withdraw" button_warning=True '
            'cancel_url="/back/" cancel_text="Keep my request"'
        )
        assert 'class="govuk-button govuk-button--warning"' in html
        assert '<span class="govuk-visually-hidden">Warning</span> You cannot undo this.</strong>' in html
        assert '<a class="govuk-link" href="/back/">Keep my request</a>' in html

    def test_without_a_cancel_link_the_button_stands_alone(self) -> None:
        html = self.page('heading="Stand down?" button="Stand down"')
        assert "govuk-button-group" not in html
        assert "Cancel" not in html

    def test_escapes_names_people_typed(self) -> None:
        html = self.page("heading=title caption=mutual button=title", title="<script>x</script>", mutual="<b>M</b>")
        assert "<script>" not in html
        assert "<b>" not in html
        assert '<h1 class="govuk-heading-l">&lt;script&gt;x&lt;/script&gt;</h1>' in html
        assert '<span class="govuk-caption-l">&lt;b&gt;M&lt;/b&gt;</span>' in html

    def test_shows_the_form_fields_and_its_errors(self) -> None:
        class ReasonForm(forms.Form):
            reason = forms.CharField(label="Why?", error_messages={"required": "Tell us why"})

        html = self.page('heading="Decline" button="Decline"', form=ReasonForm(data={}))
        assert "There is a problem" in html
        assert 'name="reason"' in html
        assert html.count("Tell us why") == 2  # the summary and the field

    def test_a_form_without_fields_shows_its_error_by_the_button(self) -> None:
        class NothingToFill(forms.Form):
            def clean(self) -> dict[str, object]:
                raise forms.ValidationError("It is already paused")

        form = NothingToFill(data={})
        form.is_valid()
        html = self.page('heading="Resume" button="Resume"', form=form)
        assert '<a href="#main-content">It is already paused</a>' in html
        assert '<span class="govuk-visually-hidden">Error:</span> It is already paused</p>' in html

    def test_a_refusal_not_tied_to_a_form_is_summarised(self) -> None:
        html = self.page('heading="Withdraw?" button="Withdraw"', error="Only the person who applied can withdraw")
        assert '<a href="#main-content">Only the person who applied can withdraw</a>' in html

    def test_inside_a_column_layout_posting_elsewhere(self) -> None:
        html = self.page('in_column=True heading="Sign out" button="Sign out" form_action="/accounts/logout/"')
        assert "govuk-grid-row" not in html
        assert '<form method="post" action="/accounts/logout/" novalidate>' in html


def test_term_names_lists_the_names_escaped_or_says_none_were_given() -> None:
    class Term:
        def __init__(self, name: str) -> None:
            self.name = name

    assert render("{{ terms|term_names }}", terms=[Term("TUPE"), Term("Pensions & <b>tax</b>")]) == (
        "TUPE, Pensions &amp; &lt;b&gt;tax&lt;/b&gt;"
    )
    assert render("{{ terms|term_names }}", terms=[]) == "None given"
