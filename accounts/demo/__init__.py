"""Demo data for the accounts app: programme staff, mutuals and mentors. Used by `manage.py seed_demo`.

Everything here is deterministic for a given seed and idempotent: each bulk row has a stable key that does not depend
on the seed (the email address `member.00042@demo.mutuals.example` stands for mutual number 42 and its data), so a
second run finds the keys it made and creates nothing. Larger sizes extend a smaller seed: the first N rows of
`--size 200` are those of `--size N` with the same seed, because every kind of row has its own random stream.

Speed matters (`--size 10000` is used by the benchmarks): rows are generated in memory, written with bulk_create in
batches (many-to-many rows through their through models), and every bulk user shares one PBKDF2 hash of the demo
password computed once. Primary keys come back from bulk_create (PostgreSQL, and SQLite >= 3.35).

One module per part; this package re-exports their public names, so callers write `demo.seed_people(...)`:
- logins.py   the demo logins and the stable emails other apps' seeds look people up by
- names.py    word lists: places, organisation name patterns, names, job titles, and the weights that skew them
- plans.py    mutuals and mentors generated in memory from a random stream
- seeding.py  writing them in bulk: seed_people, and the helpers other apps' seeds reuse (insert_users)
"""

from accounts.demo.logins import (
    AMBASSADOR_EMAIL,
    DEMO_DOMAIN,
    DEMO_LOGINS,
    DEMO_MUTUAL_NAME,
    DEMO_PASSWORD,
    MENTOR_EMAIL,
    MUTUAL_EMAIL,
    STAFF_EMAIL,
    DemoLogin,
    first_member_email,
    member_email,
    mentor_email,
)
from accounts.demo.plans import (
    MentorPlan,
    MutualNamer,
    MutualPlan,
    Taxonomy,
    person_name,
    plan_mentors,
    plan_mutuals,
    weighted_sample,
)
from accounts.demo.seeding import (
    BATCH_SIZE,
    bulk_insert,
    existing_emails,
    insert_users,
    seed_mentors,
    seed_mutuals,
    seed_people,
    seed_staff,
)

__all__ = [
    "AMBASSADOR_EMAIL",
    "BATCH_SIZE",
    "DEMO_DOMAIN",
    "DEMO_LOGINS",
    "DEMO_MUTUAL_NAME",
    "DEMO_PASSWORD",
    "MENTOR_EMAIL",
    "MUTUAL_EMAIL",
    "STAFF_EMAIL",
    "DemoLogin",
    "MentorPlan",
    "MutualNamer",
    "MutualPlan",
    "Taxonomy",
    "bulk_insert",
    "existing_emails",
    "first_member_email",
    "insert_users",
    "member_email",
    "mentor_email",
    "person_name",
    "plan_mentors",
    "plan_mutuals",
    "seed_mentors",
    "seed_mutuals",
    "seed_people",
    "seed_staff",
    "weighted_sample",
]
