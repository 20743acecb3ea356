"""Template helpers for GOV.UK Frontend components shared by every app (tables, tags, summary lists)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import template
from django.db import models
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.template.context import Context
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The colours a tag may take: GOV.UK Frontend v6's tag modifiers, plus "blue" and "light-blue". v6 has no rule for
# those two (its plain tag is blue), so both look like the plain tag; they are kept so that this markup is unchanged.
TAG_COLOURS = frozenset({"blue", "light-blue", "grey", "green", "teal", "purple", "magenta", "red", "orange", "yellow"})


@register.filter
def attribute(obj: object, name: str) -> object:
    """{{ row|attribute:"mutuals" }}: read a column of a report row by name."""
    return getattr(obj, name)


@register.filter
def term_names(terms: Iterable[object]) -> str:
    """{{ profile.topics.all|term_names }}: taxonomy terms' names, comma separated, or "None given". A filter, not
    an include: the mentor directory shows two lists on every card, and an include per list cost more than the
    rest of the card."""
    names = [str(getattr(term, "name", term)) for term in terms]
    return ", ".join(names) if names else "None given"


@register.inclusion_tag("includes/tag.html")
def govuk_tag(label: str, colour: str) -> dict[str, str]:
    """{% govuk_tag "At risk" "red" %}: a GOV.UK tag that is not a model's status."""
    if colour not in TAG_COLOURS:
        raise template.TemplateSyntaxError(f"{colour!r} is not a GOV.UK tag colour")
    return {"label": label, "colour": colour}


def status_tag_parts(obj: models.Model) -> tuple[str, str]:
    """The words and colour of `obj.status` as a tag, read from its model's nested Status choices.

    Status.TAG_COLOURS maps every value to a colour; Status.TAG_LABELS, where present, replaces the choice label
    for the few statuses whose tag says something else. A status without a colour raises KeyError.
    """
    choices = type(obj).Status  # type: ignore[attr-defined]
    status = choices(obj.status)  # type: ignore[attr-defined]
    colours: Mapping[str, str] = choices.TAG_COLOURS
    labels: Mapping[str, str] = getattr(choices, "TAG_LABELS", {})
    return labels.get(status, status.label), colours[status]


@register.inclusion_tag("includes/tag.html")
def status_tag(obj: models.Model) -> dict[str, str]:
    """{% status_tag mentoring_request %}: the object's status as a GOV.UK tag, coloured by its Status.TAG_COLOURS."""
    label, colour = status_tag_parts(obj)
    return govuk_tag(label, colour)


SUMMARY_ROW_OPTIONS = frozenset(
    {"action_url", "action_text", "action_hidden", "value_class", "no_actions", "no_border"}
)


class SummaryRowNode(template.Node):
    def __init__(self, key: FilterExpression, options: dict[str, FilterExpression], nodelist: NodeList) -> None:
        self.key = key
        self.options = options
        self.nodelist = nodelist

    def render(self, context: Context) -> SafeString:
        options = {name: expression.resolve(context) for name, expression in self.options.items()}
        row_classes = ["govuk-summary-list__row"]
        if options.get("no_actions"):
            row_classes.append("govuk-summary-list__row--no-actions")
        if options.get("no_border"):
            row_classes.append("govuk-summary-list__row--no-border")
        value_classes = " ".join(filter(None, ["govuk-summary-list__value", options.get("value_class")]))
        actions = mark_safe("")
        if options.get("action_url"):
            hidden = options.get("action_hidden")
            actions = format_html(
                '<dd class="govuk-summary-list__actions"><a class="govuk-link" href="{}">{}{}</a></dd>',
                options["action_url"],
                options["action_text"],
                format_html('<span class="govuk-visually-hidden"> {}</span>', hidden) if hidden else "",
            )
        # The value is this template's own output, escaped by autoescaping as it would be in a hand-written <dd>:
        # NodeList.render returns it as a SafeString, so format_html keeps its markup and escapes nothing twice.
        return format_html(
            '<div class="{}"><dt class="govuk-summary-list__key">{}</dt><dd class="{}">{}</dd>{}</div>',
            " ".join(row_classes),
            self.key.resolve(context),
            value_classes,
            self.nodelist.render(context),
            actions,
        )


@register.tag
def summary_row(parser: Parser, token: Token) -> SummaryRowNode:
    """A GOV.UK summary list row; the value is the block between the tags, written like any template text.

        {% summary_row "Region" %}{{ profile.region.name }}{% end_summary_row %}
        {% summary_row "About" value_class="app-long-text" %}{{ profile.bio|linebreaksbr }}{% end_summary_row %}
        {% summary_row "Open" action_url=batch_url action_text="Propose a batch" action_hidden="of introductions" %}…

    Options: action_url with action_text (and action_hidden, the words only screen readers hear after the link
    text); value_class; no_actions=True for a row without an action in a list whose other rows have one;
    no_border=True.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% summary_row %} needs the row's key")
    key = parser.compile_filter(bits[1])
    options = token_kwargs(bits[2:], parser, support_legacy=False)
    if len(options) != len(bits) - 2:
        raise template.TemplateSyntaxError("{% summary_row %} takes the key, then name=value options")
    unknown = set(options) - SUMMARY_ROW_OPTIONS
    if unknown:
        raise template.TemplateSyntaxError(f"{{% summary_row %}} has no option {', '.join(sorted(unknown))}")
    if ("action_url" in options) != ("action_text" in options):
        raise template.TemplateSyntaxError("{% summary_row %} needs action_url and action_text together")
    nodelist = parser.parse(("end_summary_row",))
    parser.delete_first_token()
    return SummaryRowNode(key, options, nodelist)
