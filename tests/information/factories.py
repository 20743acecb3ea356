"""Factories for the information service: guidance pages, guide tasks, case studies and enquiries."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from information.models import CaseStudy, Enquiry, EnquiryInvitation, EnquiryReply, GuideTask, Resource
from tests.factories import region, service_area, stage, topic


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published guidance page on business planning at the "developing" stage (pass topics=[...], stages=[...])."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Guidance page {n}: writing a business plan")
    slug = factory.Sequence(lambda n: f"guidance-page-{n}")
    summary = "What a realistic business plan for a new mutual covers."
    body = "## Start here\n\nA business plan describes the organisation and its finances."
    reviewed_on = factory.LazyFunction(timezone.localdate)
    status = Resource.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def topics(obj: Resource, create: bool, extracted: list | None, **kwargs: object) -> None:  # type: ignore[type-arg]
        if create:
            obj.topics.set(extracted if extracted is not None else [topic()])

    @factory.post_generation
    def stages(obj: Resource, create: bool, extracted: list | None, **kwargs: object) -> None:  # type: ignore[type-arg]
        if create:
            obj.stages.set(extracted if extracted is not None else [stage()])

    @factory.post_generation
    def search_document(obj: Resource, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            from information.search import refresh_search_vectors

            refresh_search_vectors([obj.pk])


class GuideTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuideTask

    stage = factory.LazyFunction(lambda: stage("exploring"))
    title = factory.Sequence(lambda n: f"Task {n}: talk to your colleagues")


class CaseStudyFactory(factory.django.DjangoModelFactory):
    """A published case study with consent recorded (pass status=DRAFT and consent_recorded_at=None for a draft)."""

    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Case study {n}: care workers who took their service with them")
    slug = factory.Sequence(lambda n: f"case-study-{n}")
    mutual_name = "Riverside Care Mutual"
    service_area = factory.LazyFunction(service_area)
    region = factory.LazyFunction(region)
    stage_reached = factory.LazyFunction(lambda: stage("established"))
    summary = "Two hundred care workers left the council together."
    story = "## Where they started\n\nThe council planned to outsource home care."
    what_helped = "A mentor who had done it."
    status = CaseStudy.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    consent_given_by = "Jo Smith, chief executive"
    consent_given_on = factory.LazyFunction(timezone.localdate)
    consent_how = "By email"
    consent_recorded_at = factory.LazyFunction(timezone.now)


class EnquiryFactory(factory.django.DjangoModelFactory):
    """A new question, due in two days."""

    class Meta:
        model = Enquiry

    reference = factory.Sequence(lambda n: f"MIS-T{n:05d}")
    name = "Jordan Enquirer"
    email = factory.Sequence(lambda n: f"enquirer{n}@example.net")
    role = Enquiry.Role.EMPLOYEE
    organisation = "Northshire County Council"
    question = "How does TUPE work if we spin out?"
    created_at = factory.LazyFunction(timezone.now)
    respond_by = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))


class EnquiryReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnquiryReply

    enquiry = factory.SubFactory(EnquiryFactory)
    body = "Thank you for your question."


class EnquiryInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnquiryInvitation

    enquiry = factory.SubFactory(EnquiryFactory)
    kind = EnquiryInvitation.Kind.MUTUAL_REQUEST
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
