"""Benchmark of the guidance search and the enquiry triage queue at volume, in the configured database.

    python -m bench.information [--resources 10000] [--enquiries 50000] [--repeat 5] [--json] [--keep]

Seeds a small baseline first (a tenth of the rows at most, and at least 50), renders the pages, then grows the
same tables to `--resources` guidance pages and `--enquiries` enquiries and renders them again. Prints, for each
page and size, the best and median wall-clock time, this process's CPU time and the number of queries, the ratio of
the large page's median to the small one's, and the load average: the query counts must not grow with the rows
(tests/information/test_query_budget.py asserts that too); the target is under 100 ms a page on PostgreSQL.

Its rows carry a per-run prefix (slugs "bench-<run>-", references "B<run>-") and are deleted at the end unless
`--keep` is given. Point DATABASE_URL at PostgreSQL for figures that mean something (SQLite has no full-text
search here, so it measures the LIKE fallback):

    createdb -h 127.0.0.1 -U postgres mutuals_bench_information
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench_information DEBUG=1 .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench_information .venv/bin/python -m bench.information
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from bench.messaging import _setup_django
from bench.signin import signed_in_client

BATCH = 2000
WORDS = (
    "staff",
    "transfer",
    "pensions",
    "scheme",
    "council",
    "contract",
    "commissioner",
    "governance",
    "board",
    "members",
    "business",
    "plan",
    "cash",
    "flow",
    "procurement",
    "tender",
    "social",
    "value",
    "payroll",
    "insurance",
    "premises",
    "assets",
    "equipment",
    "consultation",
    "unions",
    "employees",
    "ownership",
    "co-operative",
    "community",
    "interest",
    "company",
    "trust",
    "service",
    "users",
    "families",
    "care",
    "health",
    "fire",
    "probation",
    "libraries",
    "youth",
    "leisure",
    "funding",
    "loan",
    "grant",
    "investment",
    "risk",
    "budget",
    "tax",
    "VAT",
    "registration",
    "marketing",
    "bids",
)
TITLE_STARTS = ("Guide to", "Planning for", "Questions about", "A checklist for", "Working through", "Notes on")


@dataclass(frozen=True)
class PageTiming:
    page: str
    rows: str
    best_ms: float
    median_ms: float
    cpu_median_ms: float
    queries: int


class Seed:
    """The benchmark's own rows, all tagged with one prefix so they can be removed afterwards."""

    def __init__(self, prefix: str, rng: random.Random) -> None:
        self.prefix = prefix
        self.rng = rng
        self.resources = 0
        self.enquiries = 0
        self.user_ids: list[int] = []

    def staff(self) -> Any:
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from accounts.models import User

        user = User.objects.create(
            email=f"{self.prefix}-staff@bench.invalid", full_name="Bench Staff", is_programme_team=True
        )
        TOTP.activate(user, generate_totp_secret())
        self.user_ids.append(user.pk)
        return user

    def _text(self, words: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(words))

    def grow_resources(self, target: int) -> None:
        from django.utils import timezone

        from accounts.models import ServiceArea, Stage, SupportTopic
        from information.models import Resource
        from information.search import refresh_search_vectors

        topics = list(SupportTopic.objects.all())
        stages = list(Stage.objects.all())
        areas = list(ServiceArea.objects.all())
        today = timezone.localdate()
        while self.resources < target:
            count = min(BATCH, target - self.resources)
            start = self.resources
            rows = Resource.objects.bulk_create(
                Resource(
                    title=f"{self.rng.choice(TITLE_STARTS)} {self._text(3)}",
                    slug=f"{self.prefix}-{start + n}",
                    summary=self._text(20),
                    body="\n\n".join(self._text(60) for _ in range(3)),
                    reviewed_on=today - timedelta(days=self.rng.randint(0, 700)),
                    status=Resource.Status.PUBLISHED if (start + n) % 10 else Resource.Status.DRAFT,
                )
                for n in range(count)
            )
            links = [(row.pk, self.rng.sample(topics, 2), self.rng.choice(stages)) for row in rows]
            Resource.topics.through.objects.bulk_create(
                Resource.topics.through(resource_id=pk, supporttopic_id=topic.pk)
                for pk, chosen, _ in links
                for topic in chosen
            )
            Resource.stages.through.objects.bulk_create(
                Resource.stages.through(resource_id=pk, stage_id=stage.pk) for pk, _, stage in links
            )
            Resource.service_areas.through.objects.bulk_create(
                Resource.service_areas.through(resource_id=row.pk, servicearea_id=self.rng.choice(areas).pk)
                for row in rows[::3]
            )
            refresh_search_vectors(row.pk for row in rows)
            self.resources += count

    def grow_enquiries(self, target: int) -> None:
        from django.utils import timezone

        from accounts.models import Region, ServiceArea
        from information.models import Enquiry

        areas = list(ServiceArea.objects.all())
        regions = list(Region.objects.all())
        now = timezone.now()
        statuses = [Enquiry.Status.NEW, Enquiry.Status.IN_PROGRESS, Enquiry.Status.ANSWERED] + [
            Enquiry.Status.CLOSED
        ] * 7
        while self.enquiries < target:
            count = min(BATCH * 2, target - self.enquiries)
            start = self.enquiries
            rows = []
            for n in range(count):
                status = self.rng.choice(statuses)
                created = now - timedelta(hours=self.rng.randint(1, 24 * 300))
                rows.append(
                    Enquiry(
                        reference=f"B{self.prefix[-4:]}-{start + n:07d}",
                        name="Bench enquirer",
                        email=f"{self.prefix}-{start + n}@bench.invalid",
                        organisation="Bench County Council",
                        service_area=self.rng.choice(areas),
                        region=self.rng.choice(regions),
                        question=self._text(40),
                        status=status,
                        created_at=created,
                        respond_by=created + timedelta(days=2),
                        closed_at=created + timedelta(days=5) if status == Enquiry.Status.CLOSED else None,
                        assigned_to_id=self.user_ids[0] if n % 2 else None,
                    )
                )
            Enquiry.objects.bulk_create(rows, batch_size=BATCH)
            self.enquiries += count

    def analyse(self) -> None:
        from accounts.management.commands.seed_demo import refresh_planner_statistics

        refresh_planner_statistics()

    def remove(self) -> None:
        from accounts.models import User
        from information.models import Enquiry, Resource

        Enquiry.objects.filter(reference__startswith=f"B{self.prefix[-4:]}-").delete()
        Resource.objects.filter(slug__startswith=f"{self.prefix}-").delete()
        User.objects.filter(pk__in=self.user_ids).delete()


def _time_page(client: Any, url: str, repeat: int) -> tuple[float, float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the template cache and the connection
    timings, cpu_timings, queries = [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu_timings.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries = len(captured.captured_queries)
    return min(timings), statistics.median(timings), statistics.median(cpu_timings), queries


PAGES = [
    ("search: pensions", "information:resource_list", "?q=pensions", False),
    ("search: business plan, filtered", "information:resource_list", "?q=business+plan&topic=pensions", False),
    ("guidance, no search", "information:resource_list", "", False),
    ("triage queue: open", "information:enquiry_queue", "", True),
    ("triage queue: overdue", "information:enquiry_queue", "?show=overdue", True),
]


def run(*, resources: int, enquiries: int, repeat: int, keep: bool = False, seed: int = 0) -> dict[str, Any]:
    """Seed, render, measure, clean up. Returns the figures (also used by the tiny-size test)."""
    from django.db import connection
    from django.test.utils import override_settings
    from django.urls import reverse

    run_id = uuid.uuid4().hex[:8]
    rows = Seed(f"bench-{run_id}", random.Random(seed))
    sizes = [(max(50, resources // 10), max(50, enquiries // 10)), (resources, enquiries)]
    results: list[PageTiming] = []
    try:
        staff = rows.staff()
        public, staff_client = signed_in_client(staff), signed_in_client(staff)
        # The benchmark's own client is not a browser: it may be served from "localhost" whatever ALLOWED_HOSTS says.
        with override_settings(ALLOWED_HOSTS=["localhost"]):
            for resource_count, enquiry_count in sizes:
                rows.grow_resources(resource_count)
                rows.grow_enquiries(enquiry_count)
                rows.analyse()
                for label, name, query, as_staff in PAGES:
                    client = staff_client if as_staff else public
                    best, median, cpu, count = _time_page(client, reverse(name) + query, repeat)
                    size = f"{enquiry_count:,} enquiries" if as_staff else f"{resource_count:,} resources"
                    results.append(PageTiming(label, size, round(best, 2), round(median, 2), round(cpu, 2), count))
    finally:
        if not keep:
            rows.remove()
    half = len(PAGES)
    ratios = {
        small.page: round(large.median_ms / small.median_ms, 2) if small.median_ms else None
        for small, large in zip(results[:half], results[half:], strict=True)
    }
    same_queries = all(
        small.queries == large.queries for small, large in zip(results[:half], results[half:], strict=True)
    )
    return {
        "database": connection.vendor,
        "resources": resources,
        "enquiries": enquiries,
        "repeat": repeat,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "pages": [asdict(result) for result in results],
        "ratio_large_to_small": ratios,
        "same_queries_at_every_size": same_queries,
    }


def _print_table(figures: dict[str, Any]) -> None:
    print(
        f"bench.information on {figures['database']}: up to {figures['resources']:,} guidance pages and "
        f"{figures['enquiries']:,} enquiries, best/median of {figures['repeat']} "
        f"(load average {figures['load_average_1m']})"
    )
    print(f"{'page':<34} {'rows':<20} {'best ms':>9} {'median ms':>10} {'CPU ms':>8} {'queries':>8}")
    for row in figures["pages"]:
        print(
            f"{row['page']:<34} {row['rows']:<20} {row['best_ms']:>9.1f} {row['median_ms']:>10.1f} "
            f"{row['cpu_median_ms']:>8.1f} {row['queries']:>8}"
        )
    for page, ratio in figures["ratio_large_to_small"].items():
        print(f"{page + ', large / small (median):':<55} {ratio}")
    print(f"same number of queries at every size: {'yes' if figures['same_queries_at_every_size'] else 'NO'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--enquiries", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep", action="store_true", help="leave the seeded rows in the database")
    args = parser.parse_args(argv)
    if args.resources < 50 or args.enquiries < 50:
        parser.error("--resources and --enquiries must be at least 50")
    _setup_django()
    figures = run(resources=args.resources, enquiries=args.enquiries, repeat=args.repeat, keep=args.keep)
    print(json.dumps(figures) if args.json else "", end="\n" if args.json else "")
    if not args.json:
        _print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
