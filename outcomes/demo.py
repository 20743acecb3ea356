"""Demo surveys (seed_demo): for each demo relationship, the pulse surveys due so far and the outcome survey of a
closed one, for both sides, about two thirds answered. Written directly, without notices or emails: the demo people
should not find a pile of survey reminders. Idempotent: relationships that already have surveys are skipped."""

from __future__ import annotations

import random
from datetime import timedelta

from django.core.management.base import OutputWrapper
from django.db.models import F
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN
from accounts.models import MentorProfile, Mutual
from messaging.models import Relationship
from messaging.selectors import parties_of
from outcomes.models import Survey, TopicConfidence
from outcomes.services import FIRST_PULSE_AFTER, PULSE_EVERY, pulse_due

CHANGES = [
    "We have a draft business plan the board understands.",
    "Our pensions questions have clear answers at last.",
    "The commissioner now sees us as a credible provider.",
    "We know what TUPE means for our staff and when to consult.",
]


def _demo_relationships(rng: random.Random, size: int) -> int:
    """The demo has no mentoring relationships of its own (matching's demo stops at suggestions and one
    introduction): start a few in the past, half still active and half completed, so surveys have something to be
    about. Skipped when any relationship exists, so a second run adds nothing."""
    if Relationship.objects.exists():
        return 0
    count = max(2, min(12, size // 5))
    mentors = list(
        MentorProfile.objects.filter(status=MentorProfile.Status.APPROVED, user__email__endswith=f"@{DEMO_DOMAIN}")
        .filter(active_mentees__lt=F("capacity"))
        .order_by("pk")[:count]
    )
    mutuals = list(
        Mutual.objects.filter(memberships__user__email__endswith=f"@{DEMO_DOMAIN}").distinct().order_by("pk")
    )
    now = timezone.now()
    made = 0
    for index, mentor in enumerate(mentors):
        if index + 1 >= len(mutuals):
            break
        started = now - timedelta(days=rng.randint(35, 300))
        completed = index % 2 == 1
        Relationship.objects.create(
            mentor=mentor,
            mutual=mutuals[index + 1],  # mutual 0 belongs to the demo mutual login, kept for its own journey
            started_at=started,
            last_activity_at=now - timedelta(days=rng.randint(1, 20)),
            status=Relationship.Status.COMPLETED if completed else Relationship.Status.ACTIVE,
            ended_at=now - timedelta(days=rng.randint(2, 30)) if completed else None,
        )
        if not completed:
            MentorProfile.objects.filter(pk=mentor.pk).update(active_mentees=F("active_mentees") + 1)
        made += 1
    return made


def seed(*, rng: random.Random, size: int, stdout: OutputWrapper) -> None:
    new_relationships = _demo_relationships(rng, size)
    today = timezone.localdate()
    relationships = (
        Relationship.objects.exclude(surveys__isnull=False)
        .select_related("mentor__user", "mutual", "request")
        .prefetch_related("request__topics")
        .order_by("pk")
    )
    surveys: list[Survey] = []
    shifts: list[tuple[Survey, list[tuple[int, int, int]]]] = []
    for relationship in relationships:
        started = timezone.localdate(relationship.started_at)
        mentor_id = relationship.mentor.user_id if relationship.mentor is not None else None
        for person in parties_of(relationship):  # a few queries per relationship: demo-sized only
            side = Survey.Side.MENTOR if person.pk == mentor_id else Survey.Side.MUTUAL
            last = timezone.localdate(relationship.ended_at) if relationship.ended_at else today
            due = pulse_due(started, last)
            for number in range(1, (due[0] if due else 0) + 1):
                due_on = started + FIRST_PULSE_AFTER + PULSE_EVERY * (number - 1)
                answered = rng.random() < 0.7
                surveys.append(
                    Survey(
                        relationship=relationship,
                        respondent=person,
                        side=side,
                        kind=Survey.Kind.PULSE,
                        number=number,
                        due_on=due_on,
                        answered_at=timezone.now() - timedelta(days=(today - due_on).days - 2) if answered else None,
                        usefulness=rng.choices([2, 3, 4, 5], weights=[1, 3, 5, 3])[0] if answered else None,
                        what_changed=rng.choice(CHANGES) if answered and rng.random() < 0.5 else "",
                    )
                )
            if relationship.is_closed:
                answered = rng.random() < 0.65
                closing = Survey(
                    relationship=relationship,
                    respondent=person,
                    side=side,
                    kind=Survey.Kind.CLOSING,
                    due_on=last,
                    answered_at=timezone.now() if answered else None,
                    spun_out=rng.random() < 0.3 if answered else None,
                    contract_won=rng.random() < 0.4 if answered else None,
                    staff_transferred=rng.random() < 0.25 if answered else None,
                    stage_moved=rng.random() < 0.6 if answered else None,
                )
                surveys.append(closing)
                if answered and relationship.request is not None:
                    before = [rng.randint(1, 3) for _ in relationship.request.topics.all()]
                    shifts.append(
                        (
                            closing,
                            [
                                (topic.pk, b, min(5, b + rng.randint(0, 2)))
                                for topic, b in zip(relationship.request.topics.all(), before, strict=True)
                            ],
                        )
                    )
    Survey.objects.bulk_create(surveys, batch_size=1000)
    TopicConfidence.objects.bulk_create(
        [
            TopicConfidence(survey=survey, topic_id=topic_id, before=b, after=a)
            for survey, rows in shifts
            for topic_id, b, a in rows
        ],
        batch_size=1000,
    )
    stdout.write(f"Outcomes: started {new_relationships} past mentoring relationships, created {len(surveys)} surveys.")
