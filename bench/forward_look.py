"""Benchmark of the public forward look, the programme dashboard and the whole-programme report at volume.

    python -m bench.forward_look [--mutuals 10000] [--changes 50000] [--answers 100000] [--repeat 5] [--json] [--keep]

Seeds a tenth of the rows first, renders the pages, then grows the same tables to `--mutuals` mutuals with
`--changes` stage changes spread over the last three years and `--answers` survey answers, and renders them again.
Prints, for each page and size, the best and median wall-clock time, this process's CPU time and the number of
queries, and the ratio of the large page's median to the small one's: the query counts must not grow with the rows
(tests/programme/test_forward_look.py and test_trends.py assert that too); the target is under 200 ms a page on
PostgreSQL. Its rows carry a per-run prefix and are deleted at the end unless `--keep` is given:

    createdb -h 127.0.0.1 -U postgres mutuals_bench_forward_look
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench_forward_look DEBUG=1 \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench_forward_look .venv/bin/python -m bench.forward_look
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from bench.information import _time_page
from bench.messaging import _setup_django
from bench.signin import signed_in_client

BATCH = 2000
MUTUALS_PER_RELATIONSHIP = 5  # one relationship for every fifth mutual carries the survey answers


@dataclass(frozen=True)
class PageTiming:
    page: str
    rows: str
    best_ms: float
    median_ms: float
    cpu_median_ms: float
    queries: int


class Seed:
    """The benchmark's rows, tagged with one prefix (mutual slugs, user emails) so they can be removed."""

    def __init__(self, prefix: str, rng: random.Random) -> None:
        from accounts.models import Region, ServiceArea, Stage, SupportTopic

        self.prefix, self.rng = prefix, rng
        self.regions = list(Region.objects.values_list("pk", flat=True))
        self.areas = list(ServiceArea.objects.values_list("pk", flat=True))
        self.stages = list(Stage.objects.order_by("order").values_list("pk", flat=True))
        self.topics = list(SupportTopic.objects.values_list("pk", flat=True))
        self.mutuals = 0
        self.changes = 0
        self.answers = 0
        self.relationships: list[Any] = []
        self.mentors: list[Any] = []
        self.numbers: dict[int, int] = {}

    def staff(self) -> Any:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from accounts.models import User

        user = User.objects.create(
            email=f"{self.prefix}-staff@bench.invalid", full_name="Bench staff", is_programme_team=True
        )
        TOTP.activate(user, generate_totp_secret())  # the programme team's pages need the second factor set up
        return user

    def grow(self, mutuals: int, changes: int, answers: int) -> None:
        from django.utils import timezone

        from accounts.models import MentorProfile, Mutual, StageChange, User
        from messaging.models import Relationship
        from outcomes.models import Survey

        now = timezone.now()
        new = mutuals - self.mutuals
        per_mutual = max(1, changes // max(mutuals, 1))
        rows = [
            Mutual(
                name=f"Bench mutual {self.mutuals + index}",
                slug=f"{self.prefix}-{self.mutuals + index}",
                region_id=self.rng.choice(self.regions),
                stage_id=self.stages[0],
                listed_publicly=self.rng.random() < 0.4,
            )
            for index in range(new)
        ]
        Mutual.objects.bulk_create(rows, batch_size=BATCH)
        through = Mutual.service_areas.through
        through.objects.bulk_create(
            [
                through(mutual_id=mutual.pk, servicearea_id=area)
                for mutual in rows
                for area in self.rng.sample(self.areas, k=self.rng.choice([1, 1, 2]))
            ],
            batch_size=BATCH,
        )
        history: list[StageChange] = []
        for mutual in rows:
            steps = min(len(self.stages), per_mutual)
            first = self.rng.randint(0, len(self.stages) - steps)
            start = now - timedelta(days=self.rng.randint(30, 1100))
            gap = (now - start) / steps
            for step in range(steps):
                history.append(
                    StageChange(
                        mutual_id=mutual.pk,
                        from_stage_id=self.stages[first + step - 1] if step else None,
                        to_stage_id=self.stages[first + step],
                        changed_at=start + gap * step,
                        ended_at=start + gap * (step + 1) if step < steps - 1 else None,
                    )
                )
            mutual.stage_id = self.stages[first + steps - 1]
        StageChange.objects.bulk_create(history, batch_size=BATCH)
        Mutual.objects.bulk_update(rows, ["stage_id"], batch_size=BATCH)
        self.mutuals, self.changes = mutuals, self.changes + len(history)

        # Relationships between bench mentors and every fifth new mutual, then survey answers about them.
        wanted = max(1, new // MUTUALS_PER_RELATIONSHIP)
        users = User.objects.bulk_create(
            [User(email=f"{self.prefix}-m{len(self.mentors) + i}@bench.invalid") for i in range(wanted)],
            batch_size=BATCH,
        )
        mentors = MentorProfile.objects.bulk_create(
            [MentorProfile(user=user, headline="Bench", bio="Bench", region_id=self.regions[0]) for user in users],
            batch_size=BATCH,
        )
        self.mentors += mentors
        relationships = Relationship.objects.bulk_create(
            [
                Relationship(
                    mentor=mentor,
                    mutual=mutual,
                    started_at=now - timedelta(days=self.rng.randint(40, 700)),
                    status=Relationship.Status.COMPLETED if self.rng.random() < 0.3 else Relationship.Status.ACTIVE,
                )
                for mentor, mutual in zip(mentors, rows[::MUTUALS_PER_RELATIONSHIP], strict=False)
            ],
            batch_size=BATCH,
        )
        self.relationships += relationships
        surveys, index = [], self.answers
        while len(surveys) < answers - self.answers:
            relationship = self.relationships[index % len(self.relationships)]
            index += 1
            self.numbers[relationship.pk] = number = self.numbers.get(relationship.pk, 0) + 1
            closing = relationship.status == Relationship.Status.COMPLETED and self.rng.random() < 0.2
            surveys.append(
                Survey(
                    relationship=relationship,
                    respondent_id=relationship.mentor.user_id,
                    side=Survey.Side.MENTOR,
                    kind=Survey.Kind.CLOSING if closing else Survey.Kind.PULSE,
                    number=number,  # counted per relationship: the constraint is per relationship, person and number
                    due_on=(now - timedelta(days=self.rng.randint(0, 700))).date(),
                    answered_at=now,
                    usefulness=None if closing else self.rng.randint(1, 5),
                    spun_out=self.rng.random() < 0.3 if closing else None,
                    contract_won=self.rng.random() < 0.4 if closing else None,
                    staff_transferred=self.rng.random() < 0.2 if closing else None,
                    stage_moved=self.rng.random() < 0.5 if closing else None,
                )
            )
        Survey.objects.bulk_create(surveys, batch_size=BATCH)
        self.answers += len(surveys)

    def analyse(self) -> None:
        from accounts.management.commands.seed_demo import refresh_planner_statistics

        refresh_planner_statistics()

    def remove(self) -> None:
        from accounts.models import Mutual, User

        Mutual.objects.filter(slug__startswith=f"{self.prefix}-").delete()  # stage history, relationships, surveys
        User.objects.filter(email__startswith=f"{self.prefix}-").delete()


# (label, URL name, query, as staff, forward-look cache on). "uncached" is the first render after any change to
# the pipeline; the others are what every later visitor gets until the next change (programme/forward_look.py).
PAGES = [
    ("forward look page, uncached", "forward_look:page", "", False, False),
    ("forward look page", "forward_look:page", "", False, True),
    ("forward look counts.csv", "forward_look:counts_csv", "", False, True),
    ("forward look data.json", "forward_look:data_json", "", False, True),
    ("programme dashboard", "programme:dashboard", "", True, True),
    ("programme report", "programme:report", "", True, True),
]


def run(*, mutuals: int, changes: int, answers: int, repeat: int, keep: bool = False, seed: int = 0) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import override_settings
    from django.urls import reverse

    rows = Seed(f"bench-{uuid.uuid4().hex[:8]}", random.Random(seed))
    sizes = [(max(50, mutuals // 10), max(50, changes // 10), max(50, answers // 10)), (mutuals, changes, answers)]
    results: list[PageTiming] = []
    try:
        staff = rows.staff()
        staff_client = signed_in_client(staff)
        from django.test import Client

        public = Client(HTTP_HOST="localhost")
        with override_settings(ALLOWED_HOSTS=["localhost"]):
            for mutual_count, change_count, answer_count in sizes:
                rows.grow(mutual_count, change_count, answer_count)
                rows.analyse()
                size = f"{rows.mutuals:,} / {rows.changes:,} / {rows.answers:,}"
                for label, name, query, as_staff, cached in PAGES:
                    with override_settings(FORWARD_LOOK_CACHE_SECONDS=300 if cached else 0):
                        best, median, cpu, count = _time_page(
                            staff_client if as_staff else public, reverse(name) + query, repeat
                        )
                    results.append(PageTiming(label, size, round(best, 2), round(median, 2), round(cpu, 2), count))
    finally:
        if not keep:
            rows.remove()
    half = len(PAGES)
    pairs = list(zip(results[:half], results[half:], strict=True))
    return {
        "database": connection.vendor,
        "mutuals": mutuals,
        "stage_changes": rows.changes,
        "survey_answers": rows.answers,
        "repeat": repeat,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "pages": [asdict(result) for result in results],
        "ratio_large_to_small": {
            s.page: round(b.median_ms / s.median_ms, 2) if s.median_ms else None for s, b in pairs
        },
        "same_queries_at_every_size": all(s.queries == b.queries for s, b in pairs),
    }


def _print_table(figures: dict[str, Any]) -> None:
    print(
        f"bench.forward_look on {figures['database']}: {figures['mutuals']:,} mutuals, {figures['stage_changes']:,} "
        f"stage changes, {figures['survey_answers']:,} survey answers; best/median of {figures['repeat']} "
        f"(load average {figures['load_average_1m']})"
    )
    print(
        f"{'page':<30} {'mutuals / changes / answers':<30} {'best ms':>9} {'median ms':>10} {'CPU ms':>8} "
        f"{'queries':>8}"
    )
    for row in figures["pages"]:
        print(
            f"{row['page']:<30} {row['rows']:<30} {row['best_ms']:>9.1f} {row['median_ms']:>10.1f} "
            f"{row['cpu_median_ms']:>8.1f} {row['queries']:>8}"
        )
    for page, ratio in figures["ratio_large_to_small"].items():
        print(f"{page + ', large / small (median):':<50} {ratio}")
    print(f"same number of queries at every size: {'yes' if figures['same_queries_at_every_size'] else 'NO'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutuals", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=50_000)
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep", action="store_true", help="leave the benchmark's rows in the database")
    args = parser.parse_args(argv)
    _setup_django()
    figures = run(mutuals=args.mutuals, changes=args.changes, answers=args.answers, repeat=args.repeat, keep=args.keep)
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
    else:
        _print_table(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
