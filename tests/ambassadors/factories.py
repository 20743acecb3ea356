"""factory_boy factories for the ambassadors app."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.models import ServiceArea, SupportTopic
from ambassadors.models import (
    Ambassador,
    Application,
    Cohort,
    Engagement,
    EngagementInvitation,
    EngagementRequest,
    Nomination,
)
from tests.factories import UserFactory, region, service_area, topic


class CohortFactory(factory.django.DjangoModelFactory):
    """An open cohort (applications opened yesterday, no closing time) with 20 places."""

    class Meta:
        model = Cohort

    name = factory.Sequence(lambda n: f"Cohort {n + 1}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    capacity = 20
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    applications_close_at = None


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    applicant = factory.SubFactory(UserFactory)
    organisation = "Director, Riverside Care Mutual"
    motivation = "I led a spin-out and want to help others do the same."
    experience = "Ten years in adult social care, five running a mutual."
    region = factory.LazyFunction(region)
    time_commitment = Application.TimeCommitment.MONTHLY
    engagements_per_quarter = 2

    @factory.post_generation
    def service_areas(obj: Application, create: bool, extracted: list[ServiceArea] | None, **kwargs: object) -> None:
        if create:
            obj.service_areas.set(extracted or [service_area()])

    @factory.post_generation
    def topics(obj: Application, create: bool, extracted: list[SupportTopic] | None, **kwargs: object) -> None:
        if create:
            obj.topics.set(extracted or [topic()])


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    cohort = factory.SubFactory(CohortFactory)
    nominated_by = factory.SubFactory(UserFactory)
    nominee_name = "Nina Nominee"
    nominee_email = factory.Sequence(lambda n: f"nominee{n}@example.org")
    reason = "She has run a fire and rescue mutual for years."


class AmbassadorFactory(factory.django.DjangoModelFactory):
    """An active ambassador in the North West covering adult social care and business planning."""

    class Meta:
        model = Ambassador
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    headline = "Chief executive of a care mutual"
    organisation = "Riverside Care Mutual"
    bio = "Spun out an adult social care service in 2015."
    region = factory.LazyFunction(region)
    engagements_per_quarter = 3

    @factory.post_generation
    def service_areas(obj: Ambassador, create: bool, extracted: list[ServiceArea] | None, **kwargs: object) -> None:
        if create:
            obj.service_areas.set(extracted or [service_area()])

    @factory.post_generation
    def topics(obj: Ambassador, create: bool, extracted: list[SupportTopic] | None, **kwargs: object) -> None:
        if create:
            obj.topics.set(extracted or [topic()])


class EngagementRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementRequest
        skip_postgeneration_save = True

    requested_by = factory.SubFactory(UserFactory)
    kind = EngagementRequest.Kind.TALK
    title = factory.Sequence(lambda n: f"Talk to our staff forum {n}")
    organisation = "Northshire County Council"
    preferred_from = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    preferred_to = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=45))
    region = factory.LazyFunction(region)
    service_area = factory.LazyFunction(service_area)
    audience_size = 40
    description = "Our adult social care staff want to hear how a spin-out works."

    @factory.post_generation
    def topics(obj: EngagementRequest, create: bool, extracted: list[SupportTopic] | None, **kwargs: object) -> None:
        if create:
            obj.topics.set(extracted or [topic()])


class EngagementInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EngagementInvitation

    request = factory.SubFactory(EngagementRequestFactory, status=EngagementRequest.Status.INVITED)
    ambassador = factory.SubFactory(AmbassadorFactory)
    invited_by = factory.LazyAttribute(lambda o: o.request.requested_by)


class EngagementFactory(factory.django.DjangoModelFactory):
    """A held engagement, with its request and accepted invitation."""

    class Meta:
        model = Engagement
        skip_postgeneration_save = True  # the hook creates another row; the engagement itself is unchanged

    request = factory.SubFactory(EngagementRequestFactory, status=EngagementRequest.Status.HELD)
    ambassador = factory.SubFactory(AmbassadorFactory)
    held_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    attendees = 30
    outcome = "Good questions about TUPE and pensions."

    @factory.post_generation
    def invitation(obj: Engagement, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EngagementInvitation.objects.create(
                request=obj.request,
                ambassador=obj.ambassador,
                status=EngagementInvitation.Status.ACCEPTED,
                responded_at=timezone.now(),
            )


def make_ambassador(user, cohort=None, **kwargs):  # type: ignore[no-untyped-def]
    """Make an existing user an appointed ambassador (with an application and its history), as appointment does."""
    cohort = cohort or CohortFactory()
    application = ApplicationFactory(cohort=cohort, applicant=user, status=Application.Status.APPOINTED)
    return AmbassadorFactory(user=user, cohort=cohort, application=application, **kwargs)
