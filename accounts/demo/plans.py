"""Generating demo mutuals and mentors in memory, deterministically from a random stream: nothing is written here."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from accounts.demo.logins import DEMO_MUTUAL_NAME, MENTOR_EMAIL, MUTUAL_EMAIL, member_email, mentor_email
from accounts.demo.names import (
    FIRST_NAMES,
    JOB_TITLES,
    LEGAL_FORM_WEIGHTS,
    MENTOR_BACKGROUNDS,
    NAME_PATTERNS,
    PARENT_BODY_PATTERNS,
    PLACES,
    QUALIFIERS,
    REGION_WEIGHTS,
    REJECTION_REASONS,
    SERVICE_DESCRIPTIONS,
    STAGE_WEIGHTS,
    SURNAMES,
    TOPIC_WEIGHTS,
)
from accounts.models import MentorProfile, Mutual, Region, ServiceArea, Stage, SupportTopic, User

ModelT = TypeVar("ModelT", bound=models.Model)


@dataclass
class Taxonomy:
    """The active taxonomy, loaded once. Staff-added terms are included with a default weight."""

    service_areas: list[ServiceArea]
    regions: list[Region]
    topics: list[SupportTopic]
    stages: list[Stage]

    @classmethod
    def load(cls) -> Taxonomy:
        return cls(
            service_areas=list(ServiceArea.objects.filter(is_active=True).order_by("order", "slug")),
            regions=list(Region.objects.filter(is_active=True).order_by("order", "slug")),
            topics=list(SupportTopic.objects.filter(is_active=True).order_by("order", "slug")),
            stages=list(Stage.objects.filter(is_active=True).order_by("order", "slug")),
        )


@dataclass
class MutualPlan:
    index: int
    mutual: Mutual
    service_area_ids: list[int]
    member: User
    job_title: str
    second_member: User | None = None


@dataclass
class MentorPlan:
    index: int
    profile: MentorProfile
    user: User
    topic_ids: list[int]
    service_area_ids: list[int]
    stage_ids: list[int]
    conflict_indexes: list[int] = field(default_factory=list)


def weighted_sample(rng: random.Random, items: Sequence[ModelT], weights: Sequence[int], count: int) -> list[ModelT]:
    """`count` distinct items drawn with probability proportional to their weights."""
    pool = list(zip(items, weights, strict=True))
    chosen: list[ModelT] = []
    for _ in range(min(count, len(pool))):
        item, _weight = rng.choices(pool, weights=[weight for _, weight in pool])[0]
        chosen.append(item)
        pool = [(other, weight) for other, weight in pool if other is not item]
    return chosen


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


class MutualNamer:
    """Distinct, plausible organisation names: a place in the mutual's region and a pattern for its service."""

    def __init__(self, taken_slugs: Iterable[str]) -> None:
        self.taken = set(taken_slugs)

    def name(self, rng: random.Random, region_slug: str, area: ServiceArea) -> tuple[str, str, str]:
        """Returns (name, slug, parent public body)."""
        places = PLACES.get(region_slug) or [place for group in PLACES.values() for place in group]
        patterns = NAME_PATTERNS.get(area.slug, ["{place} " + area.name + " Mutual"])
        place, authority = rng.choice(places)
        name = ""
        for attempt in range(40):
            if attempt:
                place, authority = rng.choice(places)
            qualified = f"{rng.choice(QUALIFIERS) if attempt else ''}{place}"
            name = rng.choice(patterns).format(place=qualified)
            if slugify(name) not in self.taken:
                break
        else:
            # Only reached at very large sizes: number the name rather than loop forever.
            base, number = name, 2
            while slugify(f"{base} {number}") in self.taken:
                number += 1
            name = f"{base} {number}"
        slug = slugify(name)
        self.taken.add(slug)
        parent = PARENT_BODY_PATTERNS.get(area.slug, "{authority}").format(place=place, authority=authority)
        return name, slug, parent


def plan_mutuals(
    *, rng: random.Random, size: int, taxonomy: Taxonomy, taken_slugs: Iterable[str], password_hash: str
) -> list[MutualPlan]:
    """Mutuals 0..size-1 with their members. The first ones cover every service area and every region."""
    areas, regions, stages = taxonomy.service_areas, taxonomy.regions, taxonomy.stages
    region_weights = [REGION_WEIGHTS.get(region.slug, 8) for region in regions]
    stage_weights = [STAGE_WEIGHTS.get(stage.slug, 2) for stage in stages]
    namer = MutualNamer(taken_slugs)
    now = timezone.now()
    plans: list[MutualPlan] = []
    for index in range(size):
        if index < max(len(areas), len(regions)):
            area = areas[index % len(areas)]
            region = regions[index % len(regions)]
        else:
            area = rng.choice(areas)
            region = rng.choices(regions, weights=region_weights)[0]
        if index == 0:
            # Mutual 0 belongs to the `mutual@` demo login: a care mutual in the North West the README can name.
            area = next((a for a in areas if a.slug == "adult-social-care"), area)
            region = next((r for r in regions if r.slug == "north-west"), region)
        extra_areas = rng.sample([other for other in areas if other != area], k=rng.choice([0, 0, 0, 1, 1, 2]))
        stage = rng.choices(stages, weights=stage_weights)[0]
        name, slug, parent = namer.name(rng, region.slug, area)
        if index == 0 and slugify(DEMO_MUTUAL_NAME) not in namer.taken:
            namer.taken.discard(slug)
            name, slug = DEMO_MUTUAL_NAME, slugify(DEMO_MUTUAL_NAME)
            namer.taken.add(slug)
        legal_form = (
            Mutual.LegalForm.UNDECIDED
            if stage.slug == "exploring" and rng.random() < 0.8
            else rng.choices(list(LEGAL_FORM_WEIGHTS), weights=list(LEGAL_FORM_WEIGHTS.values()))[0]
        )
        staff_count = int(min(5000, max(6, rng.lognormvariate(4.6, 1.0))))
        services = SERVICE_DESCRIPTIONS.get(area.slug, area.name.lower())
        verb = "plans to deliver" if stage.slug in {"exploring", "developing"} else "delivers"
        description = (
            f"An employee-led organisation that {verb} {services} in {region.name}, "
            f"working with {parent}. About {staff_count} staff have a say in how the service is run."
        )
        listed = rng.random() < 0.4
        mutual = Mutual(
            name=name,
            slug=slug,
            region=region,
            stage=stage,
            legal_form=legal_form,
            staff_count=staff_count,
            parent_body=parent,
            description=description,
            website=f"https://{slug}.example" if rng.random() < 0.6 else "",
            listed_publicly=listed,
            listing_consent_at=now - timedelta(days=rng.randint(1, 400)) if listed else None,
        )
        full_name = person_name(rng)
        if index == 0:
            member = User(email=MUTUAL_EMAIL, full_name="Priya Shah", password=password_hash)
        else:
            member = User(email=member_email(index), full_name=full_name, password=password_hash)
        plan = MutualPlan(
            index=index,
            mutual=mutual,
            service_area_ids=[area.pk, *(other.pk for other in extra_areas)],
            member=member,
            job_title=rng.choice(JOB_TITLES),
        )
        if rng.random() < 0.25:
            plan.second_member = User(
                email=member_email(index, second=True), full_name=person_name(rng), password=password_hash
            )
        plans.append(plan)
    return plans


def plan_mentors(
    *, rng: random.Random, size: int, taxonomy: Taxonomy, mutual_count: int, password_hash: str
) -> list[MentorPlan]:
    """Mentors 0..size-1. Mentor 0 is the `mentor@` demo login: approved, available, not paused."""
    topics, areas, regions, stages = taxonomy.topics, taxonomy.service_areas, taxonomy.regions, taxonomy.stages
    topic_weights = [TOPIC_WEIGHTS.get(topic.slug, 2) for topic in topics]
    region_weights = [REGION_WEIGHTS.get(region.slug, 8) for region in regions]
    today = timezone.localdate()
    now = timezone.now()
    plans: list[MentorPlan] = []
    for index in range(size):
        chosen_topics = weighted_sample(rng, topics, topic_weights, rng.choice([1, 2, 2, 3, 3, 4, 5]))
        region = rng.choices(regions, weights=region_weights)[0]
        first, surname = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        place = rng.choice(PLACES.get(region.slug) or PLACES["london"])[0]
        backgrounds = MENTOR_BACKGROUNDS.get(chosen_topics[0].slug) or [
            (f"Adviser on {chosen_topics[0].label}", "{surname} Consulting")
        ]
        headline, organisation = rng.choice(backgrounds)
        topic_names = ", ".join(topic.label for topic in chosen_topics)
        years = rng.randint(5, 30)
        bio = (
            f"{years} years in and around public services. I can help with {topic_names}. "
            f"I have worked with mutuals in {region.name} and further afield, and I am happy to share what went "
            "well and what I would do differently."
        )
        status = rng.choices(
            [MentorProfile.Status.APPROVED, MentorProfile.Status.PENDING, MentorProfile.Status.REJECTED],
            weights=[78, 16, 6],
        )[0]
        if index == 0:
            status = MentorProfile.Status.APPROVED
        paused = index != 0 and status == MentorProfile.Status.APPROVED and rng.random() < 0.1
        profile = MentorProfile(
            headline=headline,
            bio=bio,
            organisation=organisation.format(place=place, surname=surname),
            region=region,
            format=rng.choices(list(MentorProfile.Format), weights=[5, 2, 6])[0],
            capacity=3 if index == 0 else rng.choices([1, 2, 3, 4, 5], weights=[30, 30, 20, 12, 8])[0],
            paused_until=today + timedelta(days=rng.randint(7, 120)) if paused else None,
            status=status,
            status_reason=rng.choice(REJECTION_REASONS) if status == MentorProfile.Status.REJECTED else "",
            vetted_at=None if status == MentorProfile.Status.PENDING else now - timedelta(days=rng.randint(1, 300)),
        )
        conflicts: list[int] = []
        if index != 0 and mutual_count and rng.random() < 0.12:
            conflicts = sorted(set(rng.sample(range(mutual_count), k=min(mutual_count, rng.choice([1, 1, 2])))))
            profile.conflicts_note = "I sit on the board of, or have advised, these organisations."
        user = User(
            email=MENTOR_EMAIL if index == 0 else mentor_email(index),
            full_name="Gareth Evans" if index == 0 else f"{first} {surname}",
            password=password_hash,
        )
        area_count = rng.choice([1, 1, 2, 2, 3])
        plans.append(
            MentorPlan(
                index=index,
                profile=profile,
                user=user,
                topic_ids=[topic.pk for topic in chosen_topics],
                service_area_ids=[area.pk for area in rng.sample(areas, k=min(area_count, len(areas)))],
                stage_ids=[stage.pk for stage in rng.sample(stages, k=rng.randint(1, len(stages)))],
                conflict_indexes=conflicts,
            )
        )
    return plans
