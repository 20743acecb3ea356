"""Benchmark of the conversation pages at volume, in the configured database.

    python -m bench.messaging [--messages 10000] [--relationships 200] [--repeat 5] [--json] [--keep]

Seeds one mentor with `--relationships` relationships (each with a mutual, a member and a couple of messages) and
one conversation of `--messages` messages, plus a small baseline (a mentor with two relationships, a ten-message
conversation). Then renders the pages through the Django test client against the real database and prints, for
each page, the best and median time and the number of queries, and the ratio of the large page to its small
baseline (close to 1 means the page does not slow down with the rows). The seeded rows are deleted at the end
unless `--keep` is given; all of them are named with a per-run prefix, so other data is never touched.

Point DATABASE_URL at PostgreSQL for figures that mean something (SQLite is the quick-start default):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench DEBUG=1 .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench DEBUG=1 .venv/bin/python -m bench.messaging
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

# Baselines fill a whole page too (50 messages, 20 relationships), so a ratio compares the same amount of HTML.
SMALL_MESSAGES = 60
SMALL_RELATIONSHIPS = 20


@dataclass(frozen=True)
class PageTiming:
    page: str
    rows: str
    best_ms: float
    median_ms: float
    cpu_median_ms: float  # this process's CPU time: rendering and the driver, not the database server's work
    queries: int


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # The development settings are enough for a benchmark run by hand; DEBUG also allows the local hosts.
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


class Seed:
    """The benchmark's own rows, all tagged with one prefix so they can be removed afterwards."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.user_ids: list[int] = []
        self.mutual_ids: list[int] = []

    def user(self, name: str, **extra: Any) -> Any:
        from accounts.models import User

        user = User.objects.create(email=f"{self.prefix}-{name}@bench.invalid", full_name=f"Bench {name}", **extra)
        self.user_ids.append(user.pk)
        return user

    def mentor(self, name: str) -> Any:
        from accounts.models import MentorProfile, Region

        return MentorProfile.objects.create(
            user=self.user(name),
            headline="Benchmark mentor",
            bio="Seeded by bench.messaging",
            region=Region.objects.order_by("order")[0],
            capacity=5,
            status=MentorProfile.Status.APPROVED,
        )

    def relationships(self, mentor: Any, count: int, tag: str) -> list[Any]:
        """`count` relationships for `mentor`, each with its own mutual (one member) and two messages."""
        from accounts.models import Membership, Mutual, Region, Stage
        from messaging.models import Message, Relationship

        region = Region.objects.order_by("order").first()
        stage = Stage.objects.order_by("order").first()
        mutuals = Mutual.objects.bulk_create(
            Mutual(name=f"{self.prefix} {tag} mutual {n}", slug=f"{self.prefix}-{tag}-{n}", region=region, stage=stage)
            for n in range(count)
        )
        self.mutual_ids += [mutual.pk for mutual in mutuals]
        member = self.user(f"{tag}-member")
        Membership.objects.bulk_create(Membership(mutual=mutual, user=member) for mutual in mutuals)
        relationships = Relationship.objects.bulk_create(
            Relationship(mentor=mentor, mutual=mutual) for mutual in mutuals
        )
        for relationship in relationships:
            Message.objects.create(relationship=relationship, author=mentor.user, body="Hello from the mentor")
            last = Message.objects.create(relationship=relationship, author=member, body="A reply from the mutual")
            Relationship.objects.filter(pk=relationship.pk).update(last_message=last)
        return relationships

    def messages(self, relationship: Any, count: int) -> None:
        from messaging.models import Message

        member_id = relationship.mutual.memberships.values_list("user_id", flat=True).first()
        Message.objects.bulk_create(
            (
                Message(
                    relationship=relationship,
                    author_id=relationship.mentor.user_id if n % 2 else member_id,
                    body=f"Message {n}: shall we go through the business plan on Tuesday? https://example.org/{n}",
                )
                for n in range(count)
            ),
            batch_size=2000,
        )

    def remove(self) -> None:
        from accounts.models import Mutual, User
        from messaging.models import Relationship

        Relationship.objects.filter(mutual_id__in=self.mutual_ids).delete()
        Mutual.objects.filter(pk__in=self.mutual_ids).delete()
        User.objects.filter(pk__in=self.user_ids).delete()


def _time_page(client: Any, url: str, repeat: int) -> tuple[float, float, float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the template cache and the connection
    timings = []
    cpu_timings = []
    queries = 0
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


def run(*, messages: int, relationships: int, repeat: int, keep: bool = False) -> dict[str, Any]:
    """Seed, render, measure, clean up. Returns the figures (also used by the tiny-size test)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.urls import reverse

    from accounts.management.commands.seed_demo import refresh_planner_statistics
    from bench.signin import signed_in_client

    seed = Seed(f"bench-{uuid.uuid4().hex[:8]}")
    try:
        big_mentor = seed.mentor("big-mentor")
        small_mentor = seed.mentor("small-mentor")
        big = seed.relationships(big_mentor, relationships, "big")
        small = seed.relationships(small_mentor, SMALL_RELATIONSHIPS, "small")
        seed.messages(big[0], messages)
        seed.messages(small[0], SMALL_MESSAGES)
        staff = seed.user("staff", is_programme_team=True)
        # Planned with statistics, as a running database is: without them the header's question alone took 24 ms
        # of PostgreSQL a page on freshly seeded tables (1 ms after ANALYZE).
        refresh_planner_statistics()
        TOTP.activate(staff, generate_totp_secret())

        big_client, small_client, staff_client = (
            signed_in_client(big_mentor.user),
            signed_in_client(small_mentor.user),
            signed_in_client(staff),
        )
        from messaging.models import Message

        oldest_page_marker = Message.objects.filter(relationship=big[0]).order_by("id").values_list("id", flat=True)[40]
        pages = [
            ("inbox", f"{relationships} relationships", big_client, reverse("messaging:inbox")),
            ("inbox", f"{SMALL_RELATIONSHIPS} relationships", small_client, reverse("messaging:inbox")),
            (
                "conversation, newest page",
                f"{messages + 2} messages",
                big_client,
                reverse("messaging:conversation", kwargs={"pk": big[0].pk}),
            ),
            (
                "conversation, newest page",
                f"{SMALL_MESSAGES + 2} messages",
                small_client,
                reverse("messaging:conversation", kwargs={"pk": small[0].pk}),
            ),
            (
                "conversation, oldest page",
                f"{messages + 2} messages",
                big_client,
                reverse("messaging:conversation", kwargs={"pk": big[0].pk}) + f"?before={oldest_page_marker}",
            ),
            (
                "relationship page",
                f"{messages + 2} messages",
                big_client,
                reverse("messaging:relationship_detail", kwargs={"pk": big[0].pk}),
            ),
            (
                "staff relationship list",
                "all relationships",
                staff_client,
                reverse("messaging:staff_relationship_list"),
            ),
        ]
        results = []
        for page, rows, client, url in pages:
            best, median, cpu, queries = _time_page(client, url, repeat)
            results.append(
                PageTiming(
                    page=page,
                    rows=rows,
                    best_ms=round(best, 2),
                    median_ms=round(median, 2),
                    cpu_median_ms=round(cpu, 2),
                    queries=queries,
                )
            )
        by_key = {(r.page, r.rows): r for r in results}
        inbox_ratio = (
            by_key[("inbox", f"{relationships} relationships")].median_ms
            / by_key[("inbox", f"{SMALL_RELATIONSHIPS} relationships")].median_ms
        )
        conversation_ratio = (
            by_key[("conversation, newest page", f"{messages + 2} messages")].median_ms
            / by_key[("conversation, newest page", f"{SMALL_MESSAGES + 2} messages")].median_ms
        )
        from django.db import connection

        return {
            "database": connection.vendor,
            "messages": messages,
            "relationships": relationships,
            "repeat": repeat,
            "load_average_1m": round(os.getloadavg()[0], 2),
            "pages": [asdict(r) for r in results],
            "ratio_inbox_large_to_small": round(inbox_ratio, 2),
            "ratio_conversation_large_to_small": round(conversation_ratio, 2),
        }
    finally:
        if not keep:
            seed.remove()


def _print_table(figures: dict[str, Any]) -> None:
    print(
        f"bench.messaging on {figures['database']}: {figures['messages']:,} messages in one conversation, "
        f"{figures['relationships']} relationships in one inbox, best/median of {figures['repeat']} "
        f"(load average {figures['load_average_1m']})"
    )
    print(f"{'page':<28} {'rows':<22} {'best ms':>9} {'median ms':>10} {'CPU ms':>8} {'queries':>8}")
    for row in figures["pages"]:
        print(
            f"{row['page']:<28} {row['rows']:<22} {row['best_ms']:>9.1f} {row['median_ms']:>10.1f} "
            f"{row['cpu_median_ms']:>8.1f} {row['queries']:>8}"
        )
    print(f"inbox, large / small (median):        {figures['ratio_inbox_large_to_small']:.2f}")
    print(f"conversation, large / small (median): {figures['ratio_conversation_large_to_small']:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--relationships", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep", action="store_true", help="leave the seeded rows in the database")
    args = parser.parse_args(argv)
    if args.messages < 60 or args.relationships < 1:
        parser.error("--messages must be at least 60 and --relationships at least 1")
    _setup_django()
    figures = run(messages=args.messages, relationships=args.relationships, repeat=args.repeat, keep=args.keep)
    if args.json:
        print(json.dumps(figures))
    else:
        _print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
