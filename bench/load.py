"""Load on the real web server: gunicorn as shipped, signed-in people browsing, throughput and latency per page.

    python -m bench.load [--workers N] [--threads T] [--rate 120] [--duration 30] [--people 50] [--json]
    python -m bench.load --in-process [--repeat 3] [--people 50] [--json]

What it does, on this machine only (loopback; nothing leaves it):
1. makes sure the database has the demo data (`seed_demo --if-empty`) and collects the static files;
2. starts gunicorn with config/gunicorn_conf.py, production-like settings (DEBUG off) and the requested workers
   and threads, on a free port of 127.0.0.1;
3. signs in `--people` demo people (mutual members, mentors, programme staff, with the sessions allauth makes,
   second factor included for staff) by writing their sessions directly;
4. sends requests at `--rate` a second for `--duration` seconds (an open loop: a slow server is not given a rest),
   each a page a person of that kind would open: the dashboard, the mentor directory, a request, the conversations,
   the notices, the programme dashboard;
5. prints the throughput it got, and p50/p95/p99 and errors per page and overall, with the load average.

The bounds are fixed (a few hundred sending threads at most, a duration cap of 5 minutes). Point DATABASE_URL at
PostgreSQL (and REDIS_URL at Redis for the cache) for figures that mean anything.

`--in-process` measures what each page costs instead of how the server copes: the same people and pages, each
requested through `django.test.Client` in this process (same settings, no gunicorn, no network), after two warming
rounds, `--repeat` times. It prints the CPU time (process_time, so another program's load does not count) and the
queries per page, and the mean over the mix, with the load average. The server's throughput is roughly its cores
divided by that mean.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import describe, reference_ms

BASE_DIR = Path(__file__).resolve().parent.parent
MAX_DURATION = 300
MAX_SENDERS = 256
MAX_REPEAT = 20


@dataclass
class PageStats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)

        def quantile(q: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1) if ordered else 0.0

        return {
            "requests": len(ordered),
            "errors": self.errors,
            "p50_ms": quantile(0.50),
            "p95_ms": quantile(0.95),
            "p99_ms": quantile(0.99),
            "mean_ms": round(statistics.fmean(ordered), 1) if ordered else 0.0,
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(port: int, workers: int, threads: int) -> dict[str, str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS proxy in front here.
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "TESTING": "0",
    }
    environment.pop("PYTEST_CURRENT_TEST", None)
    return environment


def _prepare(environment: dict[str, str]) -> None:
    python = sys.executable
    for command in (
        [python, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        [python, "manage.py", "seed_demo", "--if-empty"],
        [python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
    ):
        subprocess.run(command, cwd=BASE_DIR, env=environment, check=True, stdout=subprocess.DEVNULL)


@dataclass(frozen=True)
class Visit:
    page: str
    path: str
    cookie: str


def _sessions_and_visits(people: int, environment: dict[str, str]) -> list[Visit]:
    """Sign people in by writing their sessions, and list the pages each would open."""
    os.environ.update({key: environment[key] for key in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY")})
    os.environ["ALLOWED_HOSTS"] = environment["ALLOWED_HOSTS"]
    import django

    django.setup()
    from allauth.mfa.utils import is_mfa_enabled
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from accounts.models import User
    from bench.signin import authentication_records
    from matching.models import MentoringRequest
    from messaging.models import Relationship

    def cookie_for(user: User) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.update(authentication_records(user))
        session.create()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    visits: list[Visit] = []
    members = list(User.objects.filter(memberships__isnull=False).distinct().order_by("pk")[: people // 2])
    mentors = list(User.objects.filter(mentor_profile__status="approved").order_by("pk")[: people // 3])
    # Programme staff must have passed a second factor: a staff account of the benchmark's own, with an authenticator.
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    bench_staff, created = User.objects.get_or_create(
        email="load.bench.staff@bench.invalid", defaults={"full_name": "Load Bench Staff", "is_programme_team": True}
    )
    if created or not is_mfa_enabled(bench_staff):
        TOTP.activate(bench_staff, generate_totp_secret())
    staff = [bench_staff]
    for member in members:
        cookie = cookie_for(member)
        visits += [
            Visit("dashboard", reverse("accounts:dashboard"), cookie),
            Visit("mentor directory", reverse("accounts:mentor_directory"), cookie),
            Visit("notices", reverse("accounts:notice_list"), cookie),
        ]
        request = MentoringRequest.objects.filter(mutual__memberships__user=member).order_by("pk").first()
        if request is not None:
            visits.append(Visit("request", reverse("matching:request_detail", kwargs={"pk": request.pk}), cookie))
    for mentor in mentors:
        cookie = cookie_for(mentor)
        visits += [
            Visit("dashboard", reverse("accounts:dashboard"), cookie),
            Visit("conversations", reverse("messaging:inbox"), cookie),
        ]
        relationship = Relationship.objects.filter(mentor__user=mentor).order_by("pk").first()
        if relationship is not None:
            path = reverse("messaging:conversation", kwargs={"pk": relationship.pk})
            visits.append(Visit("conversation", path, cookie))
    for person in staff:
        cookie = cookie_for(person)
        visits += [
            Visit("programme dashboard", reverse("programme:dashboard"), cookie),
            Visit("mentor directory", reverse("accounts:mentor_directory"), cookie),
        ]
    if not visits:
        raise SystemExit("No demo people found: run `manage.py seed_demo` first.")
    return visits


def _wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("gunicorn exited while starting")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def _drive(
    port: int, visits: list[Visit], rate: float, duration: float, seed: int
) -> tuple[dict[str, PageStats], float]:
    """Open-loop load: a request is due every 1/rate seconds whether or not earlier ones have finished."""
    rng = random.Random(seed)
    due: queue.Queue[tuple[float, Visit] | None] = queue.Queue()
    stats: dict[str, PageStats] = {}
    lock = threading.Lock()
    local = threading.local()

    def connection() -> http.client.HTTPConnection:
        if getattr(local, "connection", None) is None:
            local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        return local.connection  # type: ignore[no-any-return]

    def sender() -> None:
        while (item := due.get()) is not None:
            scheduled, visit = item
            ok = False
            try:
                client = connection()
                client.request("GET", visit.path, headers={"Cookie": visit.cookie, "Host": "127.0.0.1"})
                response = client.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                local.connection = None
            # Latency from when the request was due: queueing in the client counts, as it would for a person.
            elapsed_ms = (time.perf_counter() - scheduled) * 1000
            with lock:
                page = stats.setdefault(visit.page, PageStats())
                if ok:
                    page.latencies_ms.append(elapsed_ms)
                else:
                    page.errors += 1

    senders = [threading.Thread(target=sender, daemon=True) for _ in range(min(MAX_SENDERS, int(rate) + 16))]
    for thread in senders:
        thread.start()
    started = time.perf_counter()
    count = int(rate * duration)
    for number in range(count):
        at = started + number / rate
        pause = at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        due.put((at, rng.choice(visits)))
    for _ in senders:
        due.put(None)
    for thread in senders:
        thread.join(timeout=60)
    return stats, time.perf_counter() - started


def run(*, workers: int, threads: int, rate: float, duration: float, people: int, seed: int = 7) -> dict[str, Any]:
    duration = min(duration, MAX_DURATION)
    port = _free_port()
    environment = _environment(port, workers, threads)
    _prepare(environment)
    visits = _sessions_and_visits(people, environment)
    machine = describe()  # cores available and the single-core reference, before the server starts
    command = [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn_conf.py", "config.wsgi:application"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=environment, start_new_session=True)
    try:
        _wait_until_up(port, process)
        # Warm every worker's caches (templates, the first queries) before measuring.
        _drive(port, visits, rate=min(rate, 30), duration=2, seed=seed + 1)
        load_before = os.getloadavg()
        stats, elapsed = _drive(port, visits, rate, duration, seed)
        load_after = os.getloadavg()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    everything = PageStats(
        latencies_ms=[ms for page in stats.values() for ms in page.latencies_ms],
        errors=sum(page.errors for page in stats.values()),
    )
    total = everything.summary()
    return {
        "workers": workers,
        "threads": threads,
        "target_rate": rate,
        "achieved_rate": round(total["requests"] / elapsed, 1),
        "duration_s": round(elapsed, 1),
        "people": people,
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "cpu_count": os.cpu_count(),
        **machine,
        "overall": total,
        "pages": {name: page.summary() for name, page in sorted(stats.items())},
    }


def run_in_process(*, people: int, repeat: int) -> dict[str, Any]:
    """Each visit's CPU time and queries through django.test.Client, after two warming rounds."""
    repeat = max(1, min(repeat, MAX_REPEAT))
    environment = _environment(_free_port(), 1, 1)
    _prepare(environment)
    # The settings gunicorn would be given (DEBUG off, plain HTTP on loopback), here read by this process's Django.
    os.environ.update(environment)
    visits = _sessions_and_visits(people, environment)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")

    def visit(page: Visit) -> None:
        response = client.get(page.path, HTTP_COOKIE=page.cookie)
        if response.status_code != 200:
            raise SystemExit(f"{page.page} ({page.path}) answered {response.status_code}")

    for _round in range(2):  # fills the template, URL, taxonomy and prepared-query caches as a running server has
        for page in visits:
            visit(page)
    cpu_ms: dict[str, list[float]] = {}
    queries: dict[str, list[int]] = {}
    reference = reference_ms()
    load_before = os.getloadavg()
    for _round in range(repeat):
        for page in visits:
            with CaptureQueriesContext(connection) as captured:
                started = time.process_time()
                visit(page)
                cpu_ms.setdefault(page.page, []).append((time.process_time() - started) * 1000)
            queries.setdefault(page.page, []).append(len(captured))
    load_after = os.getloadavg()
    everything = [ms for values in cpu_ms.values() for ms in values]
    return {
        "mode": "in-process",
        "people": people,
        "repeat": repeat,
        "requests": len(everything),
        "load_average_before": [round(value, 2) for value in load_before],
        "load_average_after": [round(value, 2) for value in load_after],
        "cpu_count": os.cpu_count(),
        "reference_ms": reference,
        "mean_cpu_ms": round(statistics.fmean(everything), 2),
        "pages": {
            name: {
                "requests": len(values),
                "cpu_ms": round(statistics.fmean(values), 2),
                "queries": round(statistics.fmean(queries[name]), 1),
            }
            for name, values in sorted(cpu_ms.items())
        },
    }


def _print_in_process(result: dict[str, Any]) -> None:
    print(
        f"in-process, {result['people']} people, {result['requests']} requests ({result['repeat']} rounds): "
        f"mean {result['mean_cpu_ms']} ms of CPU a page over the mix "
        f"(load average {result['load_average_before'][0]} -> {result['load_average_after'][0]}, "
        f"{result['cpu_count']} CPUs, single-core reference {result['reference_ms']} ms)"
    )
    print(f"{'page':<22}{'requests':>9}{'CPU ms':>9}{'queries':>9}")
    for name, page in result["pages"].items():
        print(f"{name:<22}{page['requests']:>9}{page['cpu_ms']:>9.1f}{page['queries']:>9}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=max(2, 2 * (os.cpu_count() or 1)))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rate", type=float, default=120.0, help="requests a second")
    parser.add_argument("--duration", type=float, default=30.0, help=f"seconds (at most {MAX_DURATION})")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--in-process", action="store_true", help="CPU ms and queries per page through django.test.Client"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help=f"measured rounds with --in-process (at most {MAX_REPEAT})"
    )
    options = parser.parse_args(argv)
    if options.in_process:
        in_process = run_in_process(people=options.people, repeat=options.repeat)
        if options.json:
            print(json.dumps(in_process, indent=2))
        else:
            _print_in_process(in_process)
        return
    result = run(
        workers=options.workers,
        threads=options.threads,
        rate=options.rate,
        duration=options.duration,
        people=options.people,
    )
    if options.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"gunicorn {result['workers']} workers x {result['threads']} threads, {result['people']} people, "
        f"{result['target_rate']:g} requests/s asked, {result['achieved_rate']} served over {result['duration_s']} s "
        f"(load average {result['load_average_before'][0]} -> {result['load_average_after'][0]}, "
        f"{result['cpu_count']} CPUs, {result['cores_available']} cores available, "
        f"single-core reference {result['reference_ms']} ms)"
    )
    print(f"{'page':<22}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, page in [*result["pages"].items(), ("all", result["overall"])]:
        print(
            f"{name:<22}{page['requests']:>9}{page['errors']:>7}{page['p50_ms']:>9}{page['p95_ms']:>9}"
            f"{page['p99_ms']:>9}"
        )


if __name__ == "__main__":
    main()
