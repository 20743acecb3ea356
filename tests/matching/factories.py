"""Factories for matching: mentoring requests, and helpers to put a request in a given state."""

from __future__ import annotations

import factory

from accounts.models import SupportTopic
from matching.models import MentoringRequest
from tests.factories import MutualFactory, UserFactory, service_area, topic


class MentoringRequestFactory(factory.django.DjangoModelFactory):
    """An open request for business planning help, in the mutual's first service area."""

    class Meta:
        model = MentoringRequest
        skip_postgeneration_save = True

    mutual = factory.SubFactory(MutualFactory)
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Help with our business plan {n}")
    service_area = factory.LazyFunction(service_area)
    format = MentoringRequest.Format.EITHER
    urgency = MentoringRequest.Urgency.QUARTER
    description = "We spin out next April and need a plan the bank will accept."

    @factory.post_generation
    def topics(obj: MentoringRequest, create: bool, extracted: list[SupportTopic] | None, **kwargs: object) -> None:
        if create:
            obj.topics.set(extracted or [topic()])


def rank(request: MentoringRequest) -> list[int]:
    """Compute the request's suggestions now (as the task would) and return the suggested mentor ids, best first."""
    from matching import services
    from matching.models import Suggestion

    run = services.suggestions_refresh_for_request(request_id=request.pk)
    assert run is None or run.status == "succeeded", run.error if run else ""
    return list(
        Suggestion.objects.filter(request=request, state=Suggestion.State.CURRENT)
        .order_by("rank")
        .values_list("mentor_id", flat=True)
    )
