"""`manage.py seed_demo [--size N] [--seed S] [--if-empty]`: realistic, deterministic, idempotent demo data.

The accounts app seeds people first (programme staff, the demo logins, N mutuals with members and N mentors), then
every OTHER installed app may add its own demo data, in INSTALLED_APPS order, through this contract:

    # <app>/demo.py
    def seed(*, rng: random.Random, size: int, stdout: OutputWrapper) -> None: ...

- `rng` is a random.Random seeded from `--seed` and the app's label, so each app's data is deterministic and does
  not change when another app draws more or fewer numbers.
- `size` is the `--size` given (the number of mutuals and of mentors); scale the app's rows from it.
- `stdout` is the command's output: write one line saying what was created.
- The function must be idempotent: a second run creates nothing new (use stable keys and existence checks, as
  accounts/demo/ does with its `member.00042@demo.mutuals.example` emails). It finds the demo people through
  `accounts.demo` (DEMO_DOMAIN, STAFF_EMAIL, MUTUAL_EMAIL, MENTOR_EMAIL, AMBASSADOR_EMAIL, member_email(i),
  mentor_email(i)) and should write in bulk (bulk_create) so that `--size 10000` stays fast.

Everything runs in one transaction: a failure anywhere leaves the database as it was, so `--if-empty` (used by
`make run`) tries again next time instead of leaving half a demo behind.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from accounts import demo
from accounts.models import User


class Command(BaseCommand):
    help = "Create demo data: programme staff, mutuals, mentors and whatever other apps add. Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", type=int, default=60, help="Number of mutuals and of mentors (default 60).")
        parser.add_argument("--seed", type=int, default=2012, help="Random seed: the same seed gives the same data.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already has users (for `make run`)."
        )

    def handle(self, *args: Any, size: int, seed: int, if_empty: bool, **options: Any) -> None:
        if size < 1:
            raise CommandError("--size must be at least 1")
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users: no demo data added.")
        else:
            with transaction.atomic():
                counts = demo.seed_people(rng_seed=seed, size=size)
                created = ", ".join(f"{count} {kind}" for kind, count in counts.items() if count)
                self.stdout.write(f"accounts: created {created or 'nothing new'}.")
                refresh_planner_statistics()
                for label, seed_function in other_app_seeders():
                    seed_function(rng=random.Random(f"{seed}:{label}"), size=size, stdout=self.stdout)
                refresh_planner_statistics()
        self.print_logins()

    def print_logins(self) -> None:
        present = set(
            User.objects.filter(email__in=[login.email for login in demo.DEMO_LOGINS]).values_list("email", flat=True)
        )
        logins = [login for login in demo.DEMO_LOGINS if login.email in present]
        if not logins:
            return
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):"))
        for login in logins:
            self.stdout.write(f"  {login.email:<40} {login.role}")
        self.stdout.write(
            "Programme staff must set up two-factor authentication (an authenticator app) at their first sign-in."
        )


def refresh_planner_statistics() -> None:
    """On PostgreSQL, ANALYZE the tables just filled (it counts this transaction's own rows). Without it the
    queries that follow, in later seeders and in the tasks run when the seed commits, are planned as if the tables
    were empty: at 100,000 mutuals one mentor's refresh ran for over eight minutes instead of four seconds."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def other_app_seeders() -> list[tuple[str, Any]]:
    """(app label, seed function) for every installed app other than accounts that has a `demo.seed`."""
    seeders = []
    for config in apps.get_app_configs():
        if config.name == "accounts" or importlib.util.find_spec(f"{config.name}.demo") is None:
            continue
        module = importlib.import_module(f"{config.name}.demo")
        seed_function = getattr(module, "seed", None)
        if not callable(seed_function):
            raise CommandError(f"{config.name}/demo.py must define seed(*, rng, size, stdout)")
        seeders.append((config.label, seed_function))
    return seeders
