"""A multi-host rehearsal (issue 19): two web hosts, two workers, one beat and shared storage, all real processes on
this machine.

Two gunicorn instances on different ports (the production configuration, config/gunicorn_conf.py) serve the same
PostgreSQL test database and Redis, with media in the S3 emulator's bucket (tests/s3_emulator.py), two Celery workers
on a queue of the test's own and one beat holding the scheduler's lock in Redis (it sends the recovery of stale match
runs every two seconds, tests/beat_process.py). The test plays the load balancer:

1. a photo uploaded through host A is served by host B;
2. a few hundred message writes from a thread pool go to both hosts; host A gets SIGTERM (a rolling restart) part
   of the way through. A request that A refuses is sent to B, as a load balancer retries a refused connection.
   Every write answered "done" is in the database exactly once (a request A had accepted but dropped would be
   written twice, by A and by the retry on B), A exits cleanly within its graceful timeout, the requests A was
   serving when it was told to stop finish, and the workers pick up the work the writes queued;
3. a full rematch spread over the two workers (matching/services/partitions.py: 12 requests in blocks of 3, each
   block's scoring slowed by a second so that both workers take part) stores exactly what one process stores.

Bounded: 240 requests, 8 threads, about a minute in all on the 2-core review machine (`make test` runs it).
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from accounts.models import User
from matching.models import MatchRun, MatchRunBlock, MentoringRequest, Suggestion
from matching.services import rematch_full
from messaging.models import Message
from notifications.models import Notice
from outbox.models import PendingTask
from tests.ambassadors.factories import CohortFactory, make_ambassador
from tests.ambassadors.test_profiles import _image_bytes, _profile_data
from tests.conftest import skip_or_fail
from tests.factories import MentorProfileFactory
from tests.matching.factories import MentoringRequestFactory
from tests.redis_worker import redis_answers, worker_redis_url
from tests.s3_emulator import S3Media, free_port, make_bucket

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MATCHABLE = MentoringRequest.MATCHABLE_STATUSES
WRITES = 240
THREADS = 8
STOP_AFTER = WRITES // 3
GRACEFUL_TIMEOUT = 20
START_TIMEOUT = 60.0
SPREAD_REQUESTS = 12
BLOCK_SIZE = 3
SLOW_SCORE_SECONDS = 1.0


@dataclass
class Host:
    name: str
    port: int
    process: subprocess.Popen[bytes]


@dataclass
class Outcome:
    index: int
    host: str
    status: int | None = None
    error: str = ""
    started: float = 0.0
    ended: float = 0.0
    retried_on: str = ""
    final_status: int | None = None


def call(port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> tuple:  # type: ignore[type-arg]
    """One request on a new connection (no keep-alive: a load balancer's retry rules are about connections)."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        client.request(method, path, body=body, headers={"Host": "127.0.0.1", "Connection": "close", **(headers or {})})
        response = client.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        client.close()


def answers(port: int, path: str = "/healthz/ready") -> bool:
    try:
        return call(port, "GET", path)[0] == 200
    except OSError:
        return False


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout} s"
        time.sleep(0.1)


@pytest.fixture
def environment(s3_endpoint: str) -> Iterator[tuple[dict[str, str], S3Media, str]]:
    if connection.vendor != "postgresql":
        skip_or_fail("the rehearsal's hosts share the test database: it needs PostgreSQL")
    url = worker_redis_url()
    if not redis_answers(url):
        skip_or_fail(f"Redis does not answer at {url}")
    database = connection.settings_dict
    queue = f"tests-rehearsal-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    media = make_bucket(s3_endpoint)
    env = {
        **os.environ,
        **media.environment(),
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
            f"{database['NAME']}"
        ),
        "REDIS_URL": url,
        "CELERY_QUEUE": queue,
        "TESTING": "1",
        "DEBUG": "0",
        "CELERY_SKIP_CHECKS": "1",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "GUNICORN_GRACEFUL_TIMEOUT": str(GRACEFUL_TIMEOUT),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        # Workers (tests/worker_process.py: the project's app on this queue) spread a full rematch over themselves.
        "TEST_WORKER_QUEUE": queue,
        "TEST_WORKER_SLOW_SCORE_SECONDS": str(SLOW_SCORE_SECONDS),
        "MATCHING_PARTITION_THRESHOLD": "1",
        "MATCHING_PARTITION_BLOCK_SIZE": str(BLOCK_SIZE),
        # One beat (tests/beat_process.py) sends the recovery of stale match runs to the workers.
        "TEST_BEAT_QUEUE": queue,
        "TEST_BEAT_PERIOD": "2",
        "TEST_BEAT_TASK": "matching.tasks.recover_stale_runs",
        "BEAT_KEY_PREFIX": f"{queue}-redbeat:",
        "BEAT_MAX_LOOP_INTERVAL": "1",
        "BEAT_LOCK_SECONDS": "10",
    }
    yield env, media, queue
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"*{queue}*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


GUNICORN = [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn_conf.py", "config.wsgi:application"]
WORKER = [
    sys.executable, "-m", "celery", "-A", "tests.worker_process", "worker", "--pool=solo",
    "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
]  # fmt: skip
BEAT = [sys.executable, "-m", "celery", "-A", "tests.beat_process", "beat", "--loglevel=WARNING"]


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A host's process, its output in `log` (the test's temporary folder) rather than in the test's."""
    with log.open("wb") as output:
        child = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield child
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=30)


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)  # a session row in the shared database, as signing in on any host writes
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def csrf_cookie(port: int, path: str, cookie: str) -> str:
    status, headers, _ = call(port, "GET", path, headers={"Cookie": cookie})
    assert status == 200
    jar: SimpleCookie = SimpleCookie()
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    return jar[settings.CSRF_COOKIE_NAME].value


def post_form(port: int, path: str, cookie: str, token: str, body: bytes, content_type: str) -> int:
    headers = {
        "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={token}",
        "Content-Type": content_type,
        "X-CSRFToken": token,
    }
    return call(port, "POST", path, body=body, headers=headers)[0]


def stored_suggestions() -> list[tuple[object, ...]]:
    return list(
        Suggestion.objects.order_by("request_id", "mentor_id").values_list(
            "request_id", "mentor_id", "state", "rank", "score", "components", "reasons"
        )
    )


def rematch_over_the_workers(
    env: dict[str, str], queue: str, staff: User
) -> tuple[MatchRun, list[tuple[object, ...]], set[str]]:
    """Open requests enough for four blocks and a few more mentors; a full rematch queued by staff, its task sent to
    the workers' queue (this process runs tasks in-process), and what it stored once it finished."""
    for _ in range(SPREAD_REQUESTS - MentoringRequest.objects.filter(status__in=MATCHABLE).count()):
        MentoringRequestFactory()
    for _ in range(4):
        MentorProfileFactory()
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.FULL, source=MatchRun.Source.USER, started_by=staff, status=MatchRun.Status.QUEUED
    )
    sender = Celery(broker=env["REDIS_URL"])
    try:
        sender.send_task("matching.tasks.rematch_full", args=[run.pk], queue=queue)
    finally:
        sender.close()
    wait_for(lambda: MatchRun.objects.get(pk=run.pk).is_finished, 45, "the spread rematch finished")
    run.refresh_from_db()
    scored_by = set(MatchRunBlock.objects.filter(run=run).values_list("scored_by", flat=True))
    return run, stored_suggestions(), scored_by


def test_two_web_hosts_two_workers_a_beat_and_shared_storage_survive_a_rolling_restart(  # type: ignore[no-untyped-def]
    environment, member: User, mentor: User, ambassador: User, staff: User, relationship, tmp_path: Path
) -> None:
    env, media, queue = environment
    started = time.monotonic()
    make_ambassador(ambassador, cohort=CohortFactory())
    port_a, port_b = free_port(), free_port()
    with ExitStack() as stack:
        hosts = []
        for name, port in (("A", port_a), ("B", port_b)):
            host_env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
            hosts.append(
                Host(name, port, stack.enter_context(process(GUNICORN, host_env, tmp_path / f"web-{name}.log")))
            )
        host_a = hosts[0]
        for name in ("worker-1", "worker-2"):
            stack.enter_context(process([*WORKER, "-n", f"{name}@%h"], env, tmp_path / f"{name}.log"))
        beat = stack.enter_context(process(BEAT, env, tmp_path / "beat.log"))
        for host in hosts:
            wait_for(lambda host=host: answers(host.port), START_TIMEOUT, f"host {host.name} ready (logs: {tmp_path})")

        # 1. A photo uploaded through A is served by B (both read the bucket).
        edit = reverse("ambassadors:profile_edit")
        cookie = session_cookie(ambassador)
        token = csrf_cookie(port_a, edit, cookie)
        upload = SimpleUploadedFile("me.png", _image_bytes("PNG"), content_type="image/png")
        form = encode_multipart(BOUNDARY, {**_profile_data(photo=upload), "csrfmiddlewaretoken": token})
        assert post_form(port_a, edit, cookie, token, form, MULTIPART_CONTENT) == 302
        ambassador.ambassador.refresh_from_db()
        name = ambassador.ambassador.photo.name
        assert media.keys() == [name]
        status, _headers, served = call(port_b, "GET", reverse("ambassadors:photo", args=[ambassador.ambassador.pk]))
        assert status == 200
        assert served == media.client().get_object(Bucket=media.bucket, Key=name)["Body"].read()

        # 2. Writes to both hosts; A is stopped part of the way through.
        conversation = reverse("messaging:conversation", args=[relationship.pk])
        cookie = session_cookie(member)
        token = csrf_cookie(port_b, conversation, cookie)
        tag = uuid.uuid4().hex[:8]
        completed = threading.Semaphore(0)
        outcomes = [Outcome(index, "A" if index % 2 == 0 else "B") for index in range(WRITES)]
        stop = {"at": 0.0}

        def write(outcome: Outcome) -> None:
            body = f"body=rehearsal+{tag}+{outcome.index}&csrfmiddlewaretoken={token}".encode()
            content_type = "application/x-www-form-urlencoded"
            port = port_a if outcome.host == "A" else port_b
            outcome.started = time.monotonic()
            try:
                outcome.status = outcome.final_status = post_form(port, conversation, cookie, token, body, content_type)
            except OSError as error:  # refused, or reset before an answer: the load balancer tries the other host
                outcome.error = type(error).__name__
                outcome.retried_on = "B"
                outcome.final_status = post_form(port_b, conversation, cookie, token, body, content_type)
            outcome.ended = time.monotonic()
            completed.release()

        def stop_a_part_of_the_way_through() -> None:
            for _ in range(STOP_AFTER):
                completed.acquire()
            stop["at"] = time.monotonic()
            host_a.process.send_signal(signal.SIGTERM)
            host_a.process.wait(timeout=GRACEFUL_TIMEOUT + 10)
            stop["exited"] = time.monotonic()

        stopper = threading.Thread(target=stop_a_part_of_the_way_through)
        stopper.start()
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(write, outcomes))
        stopper.join(timeout=60)
        assert host_a.process.wait(timeout=GRACEFUL_TIMEOUT + 10) == 0, "host A did not stop cleanly"
        stopped_in = stop["exited"] - stop["at"]

        # Every write was done, once: none lost, none half-done on A and then done again on B.
        assert [outcome.final_status for outcome in outcomes] == [302] * WRITES
        bodies = list(Message.objects.filter(body__startswith=f"rehearsal {tag} ").values_list("body", flat=True))
        assert sorted(bodies) == sorted(f"rehearsal {tag} {index}" for index in range(WRITES))
        # A was really serving when it was told to stop, and what it was serving finished.
        to_a = [outcome for outcome in outcomes if outcome.host == "A"]
        assert any(outcome.status == 302 and outcome.ended < stop["at"] for outcome in to_a)
        in_flight = [outcome for outcome in to_a if outcome.started < stop["at"] < outcome.ended]
        assert any(outcome.status == 302 for outcome in in_flight), "nothing A was serving at SIGTERM finished"
        refused = [outcome for outcome in to_a if outcome.retried_on]
        assert refused, "A still took requests after it was told to stop"
        assert all(outcome.ended > stop["at"] for outcome in refused), "A refused requests before it was stopped"
        # B carried on alone, and the worker picked up the work the writes queued (the outbox is empty, the mentor
        # has a notice of the unread messages).
        assert answers(port_b)
        wait_for(lambda: not PendingTask.objects.exists(), 30, "the outbox emptied")
        wait_for(lambda: Notice.objects.filter(user=mentor).exists(), 30, "the worker told the mentor")

        # 3. A full rematch spread over the two workers stores what one process stores.
        spread_run, spread_rows, scored_by = rematch_over_the_workers(env, queue, staff)
        assert (spread_run.status, spread_run.error) == (MatchRun.Status.SUCCEEDED, "")
        assert (spread_run.blocks_total, spread_run.blocks_done) == (SPREAD_REQUESTS // BLOCK_SIZE,) * 2
        assert len(scored_by) == 2, f"both workers score blocks: {scored_by}"
        Suggestion.objects.all().delete()
        MentoringRequest.objects.update(ranking_digest="", first_ranked_at=None)
        single = rematch_full()
        assert (single.suggestion_count, single.assigned_count) == (
            spread_run.suggestion_count,
            spread_run.assigned_count,
        )
        assert stored_suggestions() == spread_rows
        # One beat ran all along, holding the scheduler's lock.
        assert beat.poll() is None
        assert any(redis.Redis.from_url(env["REDIS_URL"]).scan_iter(match=f"{env['BEAT_KEY_PREFIX']}*lock"))

    print(  # the figures for the report (pytest -s shows them)
        f"\nrehearsal: {WRITES} writes over {THREADS} threads; "
        f"SIGTERM to A after {STOP_AFTER}, A exited in {stopped_in:.1f} s; "
        f"{sum(o.status == 302 for o in in_flight)} of {len(in_flight)} in flight on A finished; "
        f"{len(refused)} refused by A went to B; "
        f"spread rematch of {SPREAD_REQUESTS} requests over 2 workers in {spread_run.duration_seconds:.1f} s; "
        f"{time.monotonic() - started:.1f} s in all"
    )
    assert time.monotonic() - started < 120
