"""Reads of surveys. A person reaches only their own surveys; the programme team only aggregates, never one
person's answers or free text (a few answers could identify who gave them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import SupportTopic, User
from outcomes.models import Survey, TopicConfidence


def surveys_for(user: User) -> QuerySet[Survey]:
    return Survey.objects.filter(respondent=user).select_related(
        "relationship__mentor__user",
        "relationship__mutual",
        "group_place__group__mentor__user",
        "group_place__mutual",
    )


def own_survey(user: User, pk: int) -> Survey:
    """The person's own survey; anyone else's is a 404, as for one that does not exist."""
    return get_object_or_404(surveys_for(user).prefetch_related("confidence__topic"), pk=pk)


def requested_topics(survey: Survey) -> list[SupportTopic]:
    """The topics the mutual asked for help with, for the closing survey's confidence questions (a group place: the
    request it was placed from, or else the group's topic)."""
    if survey.group_place is not None:
        place = survey.group_place
        if place.request is None:
            return [place.group.topic]
        return list(place.request.topics.order_by("order", "name"))
    assert survey.relationship is not None
    request = survey.relationship.request
    if request is None:
        return []
    return list(request.topics.order_by("order", "name"))


@dataclass(frozen=True)
class TopicShift:
    topic: str
    answers: int
    before: float
    after: float


@dataclass(frozen=True)
class OutcomeSummary:
    pulses_sent: int
    pulses_answered: int
    usefulness: float | None
    closings_sent: int
    closings_answered: int
    spun_out: int
    contract_won: int
    staff_transferred: int
    stage_moved: int
    topics: list[TopicShift]


def outcome_summary(start: date | None = None, end: date | None = None) -> OutcomeSummary:
    """Counts and averages across everyone's answers, for surveys due between start and end. Three queries."""
    surveys = Survey.objects.all()
    if start is not None:
        surveys = surveys.filter(due_on__gte=start)
    if end is not None:
        surveys = surveys.filter(due_on__lte=end)
    pulse, closing, answered = Q(kind=Survey.Kind.PULSE), Q(kind=Survey.Kind.CLOSING), Q(answered_at__isnull=False)
    row = surveys.aggregate(
        pulses_sent=Count("pk", filter=pulse),
        pulses_answered=Count("pk", filter=pulse & answered),
        usefulness=Avg("usefulness", filter=pulse & answered),
        closings_sent=Count("pk", filter=closing),
        closings_answered=Count("pk", filter=closing & answered),
        spun_out=Count("pk", filter=closing & Q(spun_out=True)),
        contract_won=Count("pk", filter=closing & Q(contract_won=True)),
        staff_transferred=Count("pk", filter=closing & Q(staff_transferred=True)),
        stage_moved=Count("pk", filter=closing & Q(stage_moved=True)),
    )
    shifts = (
        TopicConfidence.objects.filter(survey__in=surveys)
        .values("topic__name", "topic__order")
        .annotate(answers=Count("pk"), before=Avg("before"), after=Avg("after"))
        .order_by("topic__order", "topic__name")
    )
    return OutcomeSummary(
        **row,
        topics=[TopicShift(s["topic__name"], s["answers"], s["before"], s["after"]) for s in shifts],
    )
