"""Writing demo people to the database in bulk: programme staff, the planned mutuals and mentors, the logins."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.conduct import current_code
from accounts.demo.logins import (
    AMBASSADOR_EMAIL,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    STAFF_EMAIL,
    first_member_email,
)
from accounts.demo.plans import MentorPlan, ModelT, MutualPlan, Taxonomy, plan_mentors, plan_mutuals
from accounts.models import ConductAcceptance, Membership, MentorProfile, Mutual, Stage, StageChange, User

BATCH_SIZE = 1000


def bulk_insert(model: type[ModelT], rows: list[ModelT]) -> list[ModelT]:
    """bulk_create in batches; the rows come back with their primary keys set."""
    created = model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    if any(row.pk is None for row in created):
        raise RuntimeError(f"The database did not return primary keys for {model.__name__} rows")
    return created


def insert_users(users: list[User]) -> None:
    bulk_insert(User, users)
    bulk_insert(
        EmailAddress,
        [EmailAddress(user_id=user.pk, email=user.email, verified=True, primary=True) for user in users],
    )


def existing_emails() -> set[str]:
    return set(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True))


def seed_staff(*, password_hash: str, taken_emails: set[str]) -> int:
    if STAFF_EMAIL in taken_emails:
        return 0
    staff = User(
        email=STAFF_EMAIL,
        full_name="Sam Okafor",
        password=password_hash,
        is_programme_team=True,
        is_staff=True,
        is_superuser=True,
    )
    insert_users([staff])
    return 1


def seed_mutuals(*, plans: list[MutualPlan], taken_emails: set[str]) -> int:
    new = [plan for plan in plans if plan.member.email not in taken_emails]
    insert_users([plan.member for plan in new])
    insert_users([plan.second_member for plan in new if plan.second_member])
    for plan in new:
        plan.mutual.created_by = plan.member
    bulk_insert(Mutual, [plan.mutual for plan in new])
    areas = Mutual.service_areas.through
    bulk_insert(
        areas,
        [areas(mutual_id=plan.mutual.pk, servicearea_id=pk) for plan in new for pk in plan.service_area_ids],
    )
    bulk_insert(
        Membership,
        [Membership(mutual=plan.mutual, user=plan.member, job_title=plan.job_title) for plan in new]
        + [
            Membership(mutual=plan.mutual, user=plan.second_member, job_title="Project lead")
            for plan in new
            if plan.second_member
        ],
    )
    return len(new)


def seed_stage_histories(*, rng: random.Random, plans: list[MutualPlan], stages: list[Stage]) -> int:
    """A dated stage history for each new demo mutual, ending at its planned stage: up to four moves along the
    stages, spread over the past two and a half years, so the forward look has quarter-by-quarter changes to show.
    Written after the mutuals, with a random stream of its own, so the rest of the demo data does not change."""
    now = timezone.now()
    rows: list[StageChange] = []
    for plan in plans:
        final = stages.index(plan.mutual.stage) if plan.mutual.stage in stages else 0
        path = stages[final - rng.randint(0, min(final, 4)) : final + 1]
        start = now - timedelta(days=rng.randint(120, 900))
        end = now - timedelta(days=rng.randint(3, 90))
        step = (end - start) / max(len(path) - 1, 1)
        previous: Stage | None = None
        for number, stage in enumerate(path):
            at = start + step * number
            ends = start + step * (number + 1) if number < len(path) - 1 else None
            rows.append(
                StageChange(
                    mutual=plan.mutual,
                    from_stage=previous,
                    to_stage=stage,
                    changed_by=plan.member,
                    changed_at=at,
                    ended_at=ends,
                )
            )
            previous = stage
    bulk_insert(StageChange, rows)
    # The mutual joined the service when its history starts: its first row, found in one pass (a search of the
    # rows per mutual was 5 * 10**10 steps at 100,000 mutuals, and most of the seeding time at 30,000).
    started: dict[int, datetime] = {}
    for row in rows:
        started.setdefault(row.mutual_id, row.changed_at)
    for plan in plans:
        plan.mutual.created_at = started[plan.mutual.pk]
    Mutual.objects.bulk_update([plan.mutual for plan in plans], ["created_at"], batch_size=BATCH_SIZE)
    return len(rows)


def seed_mentors(*, plans: list[MentorPlan], taken_emails: set[str], staff_id: int) -> int:
    new = [plan for plan in plans if plan.user.email not in taken_emails]
    insert_users([plan.user for plan in new])
    for plan in new:
        plan.profile.user = plan.user
        if plan.profile.status != MentorProfile.Status.PENDING:
            plan.profile.vetted_by_id = staff_id
    bulk_insert(MentorProfile, [plan.profile for plan in new])
    topics = MentorProfile.topics.through
    bulk_insert(
        topics, [topics(mentorprofile_id=plan.profile.pk, supporttopic_id=pk) for plan in new for pk in plan.topic_ids]
    )
    areas = MentorProfile.service_areas.through
    bulk_insert(
        areas,
        [areas(mentorprofile_id=plan.profile.pk, servicearea_id=pk) for plan in new for pk in plan.service_area_ids],
    )
    stages = MentorProfile.stages.through
    bulk_insert(
        stages, [stages(mentorprofile_id=plan.profile.pk, stage_id=pk) for plan in new for pk in plan.stage_ids]
    )
    # Demo mentors have accepted the current code of conduct, so they can be introduced (matching's demo does); a
    # second run after a new version is published accepts it for them too.
    code = current_code()
    if code is not None:
        emails = [plan.user.email for plan in plans]
        waiting = User.objects.filter(email__in=emails, mentor_profile__isnull=False).exclude(
            conduct_acceptances__code=code
        )
        bulk_insert(
            ConductAcceptance, [ConductAcceptance(user_id=pk, code=code) for pk in waiting.values_list("pk", flat=True)]
        )
    # Conflicts name demo mutuals by their stable key, so they also reach mutuals made by an earlier run.
    wanted = {first_member_email(index) for plan in new for index in plan.conflict_indexes}
    mutual_by_email = dict(Membership.objects.filter(user__email__in=wanted).values_list("user__email", "mutual_id"))
    conflicts = MentorProfile.conflicts.through
    bulk_insert(
        conflicts,
        [
            conflicts(mentorprofile_id=plan.profile.pk, mutual_id=mutual_by_email[email])
            for plan in new
            for email in {first_member_email(index) for index in plan.conflict_indexes}
            if email in mutual_by_email
        ],
    )
    return len(new)


def seed_people(*, rng_seed: int, size: int) -> dict[str, int]:
    """Creates whatever demo staff, mutuals and mentors are missing. Returns counts of new rows by kind."""
    taxonomy = Taxonomy.load()
    if not (taxonomy.service_areas and taxonomy.regions and taxonomy.topics and taxonomy.stages):
        raise RuntimeError("The taxonomy is empty: run `manage.py migrate` first")
    password_hash = make_password(DEMO_PASSWORD)  # PBKDF2, once for every demo user
    taken_emails = existing_emails()
    counts = {"staff": seed_staff(password_hash=password_hash, taken_emails=taken_emails)}
    staff_id = User.objects.only("pk").get(email=STAFF_EMAIL).pk
    mutual_plans = plan_mutuals(
        rng=random.Random(f"{rng_seed}:mutuals"),
        size=size,
        taxonomy=taxonomy,
        taken_slugs=Mutual.objects.values_list("slug", flat=True),
        password_hash=password_hash,
    )
    new_mutuals = [plan for plan in mutual_plans if plan.member.email not in taken_emails]
    counts["mutuals"] = seed_mutuals(plans=mutual_plans, taken_emails=taken_emails)
    seed_stage_histories(rng=random.Random(f"{rng_seed}:stages"), plans=new_mutuals, stages=taxonomy.stages)
    mentor_plans = plan_mentors(
        rng=random.Random(f"{rng_seed}:mentors"),
        size=size,
        taxonomy=taxonomy,
        mutual_count=size,
        password_hash=password_hash,
    )
    counts["mentors"] = seed_mentors(plans=mentor_plans, taken_emails=taken_emails, staff_id=staff_id)
    counts["ambassador logins"] = 0
    if AMBASSADOR_EMAIL not in taken_emails:
        insert_users([User(email=AMBASSADOR_EMAIL, full_name="Dana Mensah", password=password_hash)])
        counts["ambassador logins"] = 1
    return counts
