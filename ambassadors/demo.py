"""Demo data for the ambassadors programme. Called by `manage.py seed_demo` after accounts has seeded people.

A current cohort with about twenty ambassadors (the demo login ambassador@demo.mutuals.example among them), the next
cohort open for applications with some in every pipeline status, and a few engagement requests at each stage.
Idempotent: the current cohort's name is the key, so a second run finds it and creates nothing. The amount of data
does not grow with `size` beyond twenty ambassadors: the programme appoints about twenty at a time.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import OutputWrapper
from django.utils import timezone

from accounts import demo as accounts_demo
from accounts import pipeline
from accounts.models import Region, ServiceArea, SupportTopic, User
from ambassadors.models import (
    Ambassador,
    Application,
    ApplicationEvent,
    Cohort,
    EmergingProject,
    Engagement,
    EngagementInvitation,
    EngagementRequest,
    Format,
    ReviewerNote,
)

CURRENT_COHORT = "Ambassadors 2026"
NEXT_COHORT = "Ambassadors 2027"
AMBASSADOR_COUNT = 20
Status = Application.Status

HEADLINES = [
    "Chief executive of an adult social care mutual",
    "Former director of children's services",
    "Chair of a leisure trust",
    "Head of commissioning at a county council",
    "Founder of a community health mutual",
    "Partner at a law firm advising spin-outs",
    "Finance director of a probation mutual",
    "Managing director of a libraries mutual",
    "Chief fire officer, retired",
    "Employee-ownership adviser",
]
ORGANISATIONS = [
    "Pennine Care Partnership",
    "Mersey Community Health",
    "Severn Leisure Trust",
    "Northshire County Council",
    "Thames Valley Libraries",
    "Wessex Probation Services",
    "Fenland Youth Mutual",
    "Cheviot Fire and Rescue Mutual",
]
# (pipeline path, count) for the next cohort's applications: every status is represented.
PIPELINE = [
    ([Status.SUBMITTED], 3),
    ([Status.SUBMITTED, Status.SHORTLISTED], 2),
    ([Status.SUBMITTED, Status.SHORTLISTED, Status.INTERVIEW], 2),
    ([Status.SUBMITTED, Status.SHORTLISTED, Status.INTERVIEW, Status.APPOINTED], 1),
    ([Status.SUBMITTED, Status.NOT_APPOINTED], 1),
    ([Status.SUBMITTED, Status.SHORTLISTED, Status.WITHDRAWN], 1),
]


def ambassador_email(index: int) -> str:
    return f"ambassador.{index:05d}@{accounts_demo.DEMO_DOMAIN}"


def applicant_email(index: int) -> str:
    return f"applicant.{index:05d}@{accounts_demo.DEMO_DOMAIN}"


def _new_users(emails: list[str], rng: random.Random, password_hash: str) -> dict[str, User]:
    existing = {user.email: user for user in User.objects.filter(email__in=emails)}
    missing = [
        User(email=email, full_name=accounts_demo.person_name(rng), password=password_hash)
        for email in emails
        if email not in existing
    ]
    if missing:
        accounts_demo.insert_users(missing)
    return {user.email: user for user in User.objects.filter(email__in=emails)}


def _application(
    *,
    rng: random.Random,
    cohort: Cohort,
    applicant: User,
    path: Sequence[str],
    staff: User | None,
    areas: list[ServiceArea],
    topics: list[SupportTopic],
    region: Region,
) -> Application:
    submitted_at = timezone.now() - timedelta(days=rng.randint(20, 60))
    application = Application.objects.create(
        cohort=cohort,
        applicant=applicant,
        organisation=rng.choice(ORGANISATIONS),
        motivation="I have seen what employee ownership does for staff and the people they serve, and I want to "
        "help other teams make the move.",
        experience="Years of running public services, and of helping a team through a spin-out.",
        region=region,
        time_commitment=rng.choice(Application.TimeCommitment.values),
        engagements_per_quarter=rng.randint(2, 4),
        status=path[-1],
        submitted_at=submitted_at,
        decided_at=submitted_at + timedelta(days=14) if path[-1] in Application.DECISION_STATUSES else None,
    )
    application.service_areas.set(areas)
    application.topics.set(topics)
    events = [ApplicationEvent(application=application, actor=applicant, to_status=path[0], created_at=submitted_at)]
    for step, (from_status, to_status) in enumerate(itertools.pairwise(path), start=1):
        actor = applicant if to_status == Status.WITHDRAWN else staff
        events.append(
            ApplicationEvent(
                application=application,
                actor=actor,
                from_status=from_status,
                to_status=to_status,
                created_at=submitted_at + timedelta(days=3 * step),
            )
        )
    ApplicationEvent.objects.bulk_create(events)
    return application


def seed(*, rng: random.Random, size: int, stdout: OutputWrapper) -> None:
    if Cohort.objects.filter(name=CURRENT_COHORT).exists():
        stdout.write("Ambassadors: demo data already present, nothing added.")
        return
    areas = list(ServiceArea.objects.filter(is_active=True))
    topics = list(SupportTopic.objects.filter(is_active=True))
    regions = list(Region.objects.filter(is_active=True))
    staff = User.objects.filter(email=accounts_demo.STAFF_EMAIL).first()
    today = timezone.localdate()
    now = timezone.now()
    current = Cohort.objects.create(
        name=CURRENT_COHORT,
        starts_on=today - timedelta(days=90),
        ends_on=today + timedelta(days=275),
        capacity=AMBASSADOR_COUNT + 2,
        applications_open_at=now - timedelta(days=150),
        applications_close_at=now - timedelta(days=100),
        description="The programme's current ambassadors.",
    )
    following = Cohort.objects.create(
        name=NEXT_COHORT,
        starts_on=today + timedelta(days=280),
        ends_on=today + timedelta(days=645),
        capacity=20,
        applications_open_at=now - timedelta(days=30),
        applications_close_at=now + timedelta(days=60),
        description="Applications and nominations are open.",
    )
    password_hash = make_password(accounts_demo.DEMO_PASSWORD)

    # The current cohort's ambassadors, the demo login first when accounts has created it.
    emails = [ambassador_email(index) for index in range(1, AMBASSADOR_COUNT + 1)]
    if User.objects.filter(email=accounts_demo.AMBASSADOR_EMAIL).exists():
        emails[0] = accounts_demo.AMBASSADOR_EMAIL
    people = _new_users(emails, rng, password_hash)
    ambassadors: list[Ambassador] = []
    for email in emails:
        user = people[email]
        if Ambassador.objects.filter(user=user).exists():
            continue
        chosen_areas = rng.sample(areas, k=rng.randint(1, 3))
        chosen_topics = rng.sample(topics, k=rng.randint(2, 5))
        region = rng.choice(regions)
        path = [Status.SUBMITTED, Status.SHORTLISTED, Status.INTERVIEW, Status.APPOINTED]
        application = _application(
            rng=rng,
            cohort=current,
            applicant=user,
            path=path,
            staff=staff,
            areas=chosen_areas,
            topics=chosen_topics,
            region=region,
        )
        ambassador = Ambassador.objects.create(
            user=user,
            cohort=current,
            application=application,
            headline=rng.choice(HEADLINES),
            organisation=application.organisation,
            bio="I spent much of my career in public services and helped my own team become a mutual. "
            "I am happy to talk about what worked, what did not, and what I would do differently.",
            region=region,
            format=rng.choice(Format.values),
            engagements_per_quarter=application.engagements_per_quarter,
            appointed_at=now - timedelta(days=90),
        )
        ambassador.service_areas.set(chosen_areas)
        ambassador.topics.set(chosen_topics)
        ambassadors.append(ambassador)

    # The next cohort's applications, one or more in every pipeline status.
    plan = [path for path, count in PIPELINE for _ in range(count)]
    applicants = _new_users([applicant_email(index) for index in range(1, len(plan) + 1)], rng, password_hash)
    for index, path in enumerate(plan, start=1):
        application = _application(
            rng=rng,
            cohort=following,
            applicant=applicants[applicant_email(index)],
            path=path,
            staff=staff,
            areas=rng.sample(areas, k=rng.randint(1, 2)),
            topics=rng.sample(topics, k=rng.randint(2, 4)),
            region=rng.choice(regions),
        )
        if path[-1] == Status.APPOINTED:
            # Appointment always comes with the ambassador record (as services.application_move makes it).
            appointed = Ambassador.objects.create(
                user=application.applicant,
                cohort=following,
                application=application,
                organisation=application.organisation,
                region=application.region,
                engagements_per_quarter=application.engagements_per_quarter,
            )
            appointed.service_areas.set(application.service_areas.all())
            appointed.topics.set(application.topics.all())
        elif staff is not None and len(path) > 1:
            ReviewerNote.objects.create(
                application=application, author=staff, text="Good range of experience; check availability."
            )

    _seed_engagements(rng=rng, ambassadors=ambassadors, staff=staff)
    stdout.write(
        f"Ambassadors: 2 cohorts, {len(ambassadors)} ambassadors, {len(plan)} applications, "
        f"{EngagementRequest.objects.count()} engagement requests."
    )


def _seed_engagements(*, rng: random.Random, ambassadors: list[Ambassador], staff: User | None) -> None:
    requesters = list(
        User.objects.filter(
            email__in=[accounts_demo.MUTUAL_EMAIL] + [accounts_demo.member_email(i) for i in range(1, 6)]
        )
    )
    if not requesters or not ambassadors:
        return
    today = timezone.localdate()
    kinds = EngagementRequest.Kind.values
    # (status of the request, days from today of the preferred dates)
    stages = [
        (EngagementRequest.Status.OPEN, 30),
        (EngagementRequest.Status.OPEN, 45),
        (EngagementRequest.Status.INVITED, 20),
        (EngagementRequest.Status.ACCEPTED, 10),
        (EngagementRequest.Status.HELD, -40),
        (EngagementRequest.Status.HELD, -70),
    ]
    for index, (status, offset) in enumerate(stages):
        # The demo ambassador login gets the invitation and the accepted one, so there is something to do.
        ambassador = ambassadors[0] if status in ("invited", "accepted") else rng.choice(ambassadors)
        requester = requesters[index % len(requesters)]
        area = rng.choice(list(ambassador.service_areas.all()))
        request = EngagementRequest.objects.create(
            requested_by=requester,
            kind=kinds[index % len(kinds)],
            title=[
                "Talk to our staff forum",
                "Visit to our leadership team",
                "Workshop on TUPE and pensions",
                "Peer call about commissioning",
                "Talk at the regional conference",
                "Board away day session",
            ][index],
            organisation=rng.choice(ORGANISATIONS),
            preferred_from=today + timedelta(days=offset),
            preferred_to=today + timedelta(days=offset + 21),
            region=ambassador.region,
            service_area=area,
            audience_size=rng.randint(8, 120),
            description="We are exploring whether our service could become a mutual and would like to hear from "
            "someone who has done it.",
            status=status,
            created_at=timezone.now() - timedelta(days=max(10, 20 - offset)),
        )
        request.topics.set(rng.sample(list(ambassador.topics.all()), k=min(2, ambassador.topics.count())))
        if status == EngagementRequest.Status.OPEN:
            continue
        invitation_status = (
            EngagementInvitation.Status.PENDING
            if status == EngagementRequest.Status.INVITED
            else EngagementInvitation.Status.ACCEPTED
        )
        EngagementInvitation.objects.create(
            request=request,
            ambassador=ambassador,
            invited_by=requester,
            status=invitation_status,
            responded_at=None if invitation_status == EngagementInvitation.Status.PENDING else timezone.now(),
        )
        if status == EngagementRequest.Status.HELD:
            engagement = Engagement.objects.create(
                request=request,
                ambassador=ambassador,
                held_on=today + timedelta(days=offset + 3),
                attendees=min(request.audience_size, rng.randint(6, 90)),
                outcome="A lively session with plenty of questions about governance and staff engagement.",
                follow_ups="Share the programme's guide to legal forms.",
                new_project="The council's youth service team is interested in spinning out." if offset == -40 else "",
                logged_by=ambassador.user,
            )
            if engagement.new_project and staff is not None:
                mutual = pipeline.mutual_add_unclaimed(
                    added_by=staff,
                    name="Northshire Youth Service",
                    region=request.region,
                    service_areas=[request.service_area],
                    description=engagement.new_project,
                )
                EmergingProject.objects.create(mutual=mutual, source_engagement=engagement, added_by=staff)
