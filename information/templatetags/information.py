"""Template tags of the information service, for its own pages and for the pages of lower apps.

matching and messaging may not import this app (tests/test_structure.py), but their templates may load this
library: a mentoring request, a goal and a check-in show the guidance for their topics and the mutual's stage
with {% related_guidance %} and {% relationship_guidance %}, and a mutual's profile shows its saved readiness
check with {% saved_readiness %}. Each tag runs a fixed number of queries, whatever the rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django import template
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import SafeString

from accounts.models import Mutual, Stage, SupportTopic
from information import readiness, selectors
from information.formatting import render_markdown
from messaging.models import Goal, Relationship

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """{{ resource.body|markdown }}: Markdown as sanitised GOV.UK HTML (information/formatting.py)."""
    return render_markdown(text)


def _ids(items: Iterable[Any] | None) -> list[int]:
    return [item if isinstance(item, int) else item.pk for item in items or []]


def _stage_id(stage: Stage | int | None) -> int | None:
    return stage if isinstance(stage, int) or stage is None else stage.pk


@register.inclusion_tag("information/includes/related_guidance.html")
def related_guidance(
    topics: Iterable[SupportTopic | int] | None = None,
    stage: Stage | int | None = None,
    heading: str = "Guidance that may help",
) -> dict[str, Any]:
    """{% related_guidance topics=request.topics.all stage=request.mutual.stage %}: up to five published pages on
    these topics, those for this stage first. Shows nothing when there are none."""
    terms = list(topics or [])
    topic_ids = _ids(terms)
    resources = selectors.related_resources(topic_ids=topic_ids, stage_id=_stage_id(stage))
    slugs: list[str] = []
    if resources:
        # The page has usually loaded the topics already: their slugs need no query.
        if all(isinstance(term, SupportTopic) for term in terms):
            slugs = [term.slug for term in terms]  # type: ignore[union-attr]
        else:
            slugs = list(SupportTopic.objects.filter(pk__in=topic_ids).values_list("slug", flat=True))
    query = urlencode([("topic", slug) for slug in slugs])
    more_url = reverse("information:resource_list") + (f"?{query}" if query else "")
    return {"resources": resources, "heading": heading, "more_url": more_url}


@register.inclusion_tag("information/includes/related_guidance.html")
def relationship_guidance(relationship: Relationship, heading: str = "Guidance for your goals") -> dict[str, Any]:
    """{% relationship_guidance relationship %}: the guidance for the topics of the relationship's request and of
    its goals, and the mutual's stage. For a relationship's page, its goals and its check-ins."""
    topic_ids = list(
        SupportTopic.objects.filter(
            Q(mentoring_requests=relationship.request_id)
            | Q(pk__in=Goal.topics.through.objects.filter(goal__relationship=relationship).values("supporttopic_id"))
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    return related_guidance(topic_ids, relationship.mutual.stage_id, heading)


@register.inclusion_tag("information/includes/saved_readiness.html")
def saved_readiness(mutual: Mutual) -> dict[str, Any]:
    """{% saved_readiness mutual %}: the latest readiness check the mutual's members kept, with a link to its result."""
    saved = selectors.readiness_results_of(mutual).first()
    if saved is None:
        return {"saved": None}
    answers = readiness.clean(saved.answers)
    complete = readiness.is_complete(answers)
    return {
        "saved": saved,
        "result": readiness.result(answers) if complete else None,
        "result_url": reverse("information:readiness_result") + "?" + urlencode(answers) if complete else "",
    }


@register.simple_tag
def ask_for_mentor_url(topics: Iterable[SupportTopic | str]) -> str:
    """The mentoring request form with these topics (or topic slugs) already ticked."""
    query = urlencode([("topic", topic if isinstance(topic, str) else topic.slug) for topic in topics])
    return reverse("matching:request_create") + (f"?{query}" if query else "")
