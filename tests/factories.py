"""factory_boy factories for the accounts models. Other apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify

from accounts.conduct import current_code
from accounts.models import (
    ConductAcceptance,
    Membership,
    MentorProfile,
    Mutual,
    Region,
    ServiceArea,
    Stage,
    StageChange,
    SupportTopic,
    User,
)


def region(slug: str = "north-west") -> Region:
    return Region.objects.get(slug=slug)


def service_area(slug: str = "adult-social-care") -> ServiceArea:
    return ServiceArea.objects.get(slug=slug)


def topic(slug: str = "business-planning") -> SupportTopic:
    return SupportTopic.objects.get(slug=slug)


def stage(slug: str = "developing") -> Stage:
    return Stage.objects.get(slug=slug)


class UserFactory(factory.django.DjangoModelFactory):
    """A person with a verified primary email address, as allauth's mandatory verification requires."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: bool | None, **kwargs: object) -> None:
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class MutualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mutual
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Riverside Care Mutual {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    region = factory.LazyFunction(region)
    stage = factory.LazyFunction(stage)
    description = "An employee-led social care service spinning out of the council."

    @factory.post_generation
    def service_areas(obj: Mutual, create: bool, extracted: list[ServiceArea] | None, **kwargs: object) -> None:
        if create:
            obj.service_areas.set(extracted or [service_area()])

    @factory.post_generation
    def stage_history(obj: Mutual, create: bool, extracted: object, **kwargs: object) -> None:
        # Every mutual has a first stage-history row, as accounts.services.mutual_create writes.
        if create:
            StageChange.objects.create(mutual=obj, to_stage=obj.stage, changed_at=obj.created_at)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    mutual = factory.SubFactory(MutualFactory)
    user = factory.SubFactory(UserFactory)


class MentorProfileFactory(factory.django.DjangoModelFactory):
    """An approved mentor by default: pass status=MentorProfile.Status.PENDING for one awaiting vetting."""

    class Meta:
        model = MentorProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    headline = "Former director of a care mutual"
    bio = "Led the spin-out of a 300-person adult social care service."
    region = factory.LazyFunction(region)
    capacity = 2
    status = MentorProfile.Status.APPROVED

    @factory.post_generation
    def topics(obj: MentorProfile, create: bool, extracted: list[SupportTopic] | None, **kwargs: object) -> None:
        if create:
            obj.topics.set(extracted or [topic()])

    @factory.post_generation
    def service_areas(obj: MentorProfile, create: bool, extracted: list[ServiceArea] | None, **kwargs: object) -> None:
        if create:
            obj.service_areas.set(extracted or [service_area()])

    @factory.post_generation
    def accepted_code(obj: MentorProfile, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Mentors have accepted the current code of conduct (matching needs it to introduce them); pass
        accepted_code=False for one who has not."""
        code = current_code()
        if create and extracted is not False and code is not None:
            ConductAcceptance.objects.get_or_create(user=obj.user, code=code)
