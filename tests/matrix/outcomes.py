"""Permission matrix entries for the outcomes app: a person's surveys are their own (another person's is a 404, as
for one that does not exist); the aggregates are the programme team's alone."""

from __future__ import annotations

from types import SimpleNamespace

from messaging.models import Relationship
from outcomes.models import Survey
from tests.matrix import LOGIN, Route, expect, signed_in


def build(world: SimpleNamespace) -> None:
    relationship: Relationship = world.relationship  # messaging's builder (run before this one) started it
    world.member_survey = Survey.objects.create(
        relationship=relationship,
        respondent=world.member,
        side=Survey.Side.MUTUAL,
        kind=Survey.Kind.PULSE,
        number=1,
        due_on=relationship.started_at.date(),
    )


ROUTES = [
    Route("outcomes:survey_list", get=signed_in(200), post=signed_in(405)),
    Route(
        "outcomes:survey_answer",
        get=expect(404, anonymous=LOGIN, member=200),
        # An empty POST re-shows the form with its error for the respondent.
        post=expect(404, anonymous=LOGIN, member=200),
        kwargs=lambda w: {"pk": w.member_survey.pk},
    ),
    Route(
        "outcomes:summary", get=expect(404, anonymous=LOGIN, staff=200), post=expect(404, anonymous=LOGIN, staff=405)
    ),
]
