"""Demo data for relationships: a few mentoring relationships between demo mentors and demo mutuals, with meetings
(one arranged, one waiting for a reply, one held and logged as a check-in), a mentoring agreement (confirmed, or for
the demo mutual login one waiting for them to confirm) and one pair who have not met three
weeks in, so the programme team's "No first meeting" flag has something to show.

Called by `manage.py seed_demo` after accounts and matching. Idempotent: a pair that has ever had a relationship is
left alone, so a second run adds nothing. The demo mentor (MENTOR_EMAIL) gets a relationship with a mutual other than
the one matching's demo introduced them to, so that introduction can still be accepted; the demo mutual login
(MUTUAL_EMAIL) gets one with another mentor. Rows are written directly (no notices or emails for demo data).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.core.management.base import OutputWrapper
from django.db.models import F
from django.utils import timezone

from accounts.demo import MENTOR_EMAIL, MUTUAL_EMAIL, first_member_email, mentor_email
from accounts.models import Membership, MentorProfile, Mutual, User
from matching.models import Introduction
from messaging.models import CheckIn, Meeting, MentoringAgreement, Relationship

PAIRS = 6  # at most; fewer in a small demo


def _mentors(size: int) -> list[MentorProfile]:
    emails = [MENTOR_EMAIL, *(mentor_email(index) for index in range(1, size))]
    found = {
        profile.user.email: profile
        # Not filtered by room: the list (and so the pairs) must be the same on a second run.
        for profile in MentorProfile.objects.filter(
            user__email__in=emails, status=MentorProfile.Status.APPROVED
        ).select_related("user")
    }
    return [found[email] for email in emails if email in found]


def _mutuals(size: int) -> list[Mutual]:
    emails = [first_member_email(index) for index in range(size)]
    mutuals = {mutual.pk: mutual for mutual in Mutual.objects.filter(memberships__user__email__in=emails).distinct()}
    # Each mutual's first member, in one query (two queries per mutual took minutes at 100,000 mutuals).
    first_email: dict[int, str] = {}
    for mutual_id, email in (
        Membership.objects.filter(mutual_id__in=list(mutuals))
        .order_by("mutual_id", "id")
        .values_list("mutual_id", "user__email")
    ):
        first_email.setdefault(mutual_id, email)
    found = {first_email[pk]: mutual for pk, mutual in mutuals.items() if pk in first_email}
    return [found[email] for email in emails if email in found]


def _pairs(size: int) -> list[tuple[MentorProfile, Mutual]]:
    """The demo mentor (0) with mutual 1, mentor 1 with the demo mutual (0), then mentor i with mutual i: the same
    pairs whatever the size, skipping any pair matching's demo already introduced."""
    mentors, mutuals = _mentors(size), _mutuals(size)
    count = min(PAIRS, len(mentors), len(mutuals))
    if count < 2:
        return []
    introduced = set(Introduction.objects.values_list("mentor_id", "request__mutual_id"))
    candidates = [(mentors[0], mutuals[1]), (mentors[1], mutuals[0])]
    candidates += [(mentors[index], mutuals[index]) for index in range(2, count)]
    return [(mentor, mutual) for mentor, mutual in candidates if (mentor.pk, mutual.pk) not in introduced]


def _at(now: datetime, days: int, hour: int) -> datetime:
    day = timezone.localtime(now + timedelta(days=days))
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def _add_meetings(relationship: Relationship, mentor: User, member: User, rng: random.Random, now: datetime) -> int:
    """An accepted meeting in the coming days, a proposal waiting for the mentor, and one held last week."""
    held_at = _at(now, -rng.randint(5, 9), rng.choice([10, 14]))
    check_in = CheckIn.objects.create(
        relationship=relationship,
        met_on=timezone.localdate(held_at),
        duration_minutes=60,
        format=CheckIn.Format.REMOTE,
        notes="First meeting: agreed to focus on the business case and the TUPE timetable.",
        logged_by=mentor,
    )
    common = {"relationship": relationship, "duration_minutes": 60}
    Meeting.objects.bulk_create(
        [
            Meeting(
                **common,
                starts_at=held_at,
                format=Meeting.Format.VIDEO,
                link="https://meet.example.org/demo-first-meeting",
                status=Meeting.Status.HELD,
                proposed_by=mentor,
                accepted_by=member,
                accepted_at=held_at - timedelta(days=3),
                outcome_recorded_by=mentor,
                outcome_recorded_at=held_at + timedelta(hours=2),
                check_in=check_in,
            ),
            Meeting(
                **common,
                starts_at=_at(now, rng.randint(2, 6), rng.choice([9, 11, 15])),
                format=Meeting.Format.IN_PERSON,
                address=f"{relationship.mutual.name}, meeting room 2",
                agenda="Go through the draft business plan before the board meets.",
                status=Meeting.Status.ACCEPTED,
                proposed_by=member,
                accepted_by=mentor,
                accepted_at=now - timedelta(days=1),
            ),
            Meeting(
                **common,
                starts_at=_at(now, rng.randint(14, 21), rng.choice([10, 16])),
                format=Meeting.Format.PHONE,
                link="0161 496 0000",
                proposed_by=member,
            ),
        ]
    )
    return 3


def seed(*, rng: random.Random, size: int, stdout: OutputWrapper) -> None:
    now = timezone.now()
    created = meetings = agreements = 0
    pairs = _pairs(size)
    for index, (mentor, mutual) in enumerate(pairs):
        if Relationship.objects.filter(mentor=mentor, mutual=mutual).exists():
            continue
        mentor.refresh_from_db(fields=["active_mentees"])
        if mentor.active_mentees >= mentor.capacity:
            continue
        member = User.objects.filter(memberships__mutual=mutual).order_by("memberships__joined_at", "id").first()
        if member is None:
            continue
        # The third pair (neither demo login's) started 25 days ago and has not met: the programme team sees
        # "No first meeting".
        not_met = index == 2 and len(pairs) > 3
        started = now - timedelta(days=25 if not_met else rng.randint(30, 90))
        relationship = Relationship.objects.create(
            mentor=mentor, mutual=mutual, started_at=started, last_activity_at=started
        )
        MentorProfile.objects.filter(pk=mentor.pk).update(active_mentees=F("active_mentees") + 1)
        created += 1
        if not not_met:
            meetings += _add_meetings(relationship, mentor.user, member, rng, now)
            # Most pairs have confirmed an agreement; the demo mutual's mentor has proposed one to confirm.
            confirmed = mutual.memberships.filter(user__email=MUTUAL_EMAIL).exists() is False
            MentoringAgreement.objects.create(
                relationship=relationship,
                version=1,
                meeting_frequency=rng.choice(["fortnightly", "monthly"]),
                duration_months=rng.choice([6, 9, 12]),
                review_on=timezone.localdate(started) + timedelta(days=rng.choice([90, 120, 180])),
                out_of_scope="Legal advice, and any paid services from the mentor or their firm.",
                proposed_by=mentor.user,
                proposed_at=started + timedelta(days=2),
                confirmed_by=member if confirmed else None,
                confirmed_at=started + timedelta(days=4) if confirmed else None,
            )
            agreements += 1
    logins = f" (including {MENTOR_EMAIL} and {MUTUAL_EMAIL})" if created else ""
    stdout.write(
        f"messaging: created {created} relationships{logins} with {meetings} meetings and {agreements} agreements."
    )
