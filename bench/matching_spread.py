"""A full rematch spread over Celery workers against the same rematch in one worker process, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals REDIS_URL=redis://127.0.0.1:6379/4 \\
        python -m bench.matching_spread [--sizes 10000 30000] [--workers 1 2] [--block-size 5000] [--json]

For each size N the benchmark uses the database `<name of DATABASE_URL>_spread_<N>` (created, migrated and seeded
with `seed_demo --size N` the first time), starts the given numbers of workers (`celery -A config worker
--pool=solo`, on a queue of its own) and sends them the nightly rematch (`matching.tasks.rematch_full` with no run:
no assignment), three ways: one process (MATCHING_PARTITION_THRESHOLD=0), then spread in blocks of --block-size over
1 and over 2 workers. Each way is timed twice: nothing changed since the last run (the nightly case), and every
request re-explained and rewritten (ranking digests cleared first). Printed per run: the run's own time (started to
finished, as the run page shows it), the time from sending the task to the run finishing, the CPU time the workers
used, the run's phases and the load average before and after (the machine is shared: compare the CPU times).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis
from celery import Celery

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RUN_TIMEOUT_SECONDS = 900
WORKER = [
    sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
    "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
]  # fmt: skip


def database_url(base: str, size: int) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_spread_{size}"))


def _manage(*arguments: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=PROJECT_ROOT, env=env, check=True)


def prepare_database(base: str, size: int, env: dict[str, str]) -> str:
    """The size's own database, created, migrated and seeded once (seed_demo --if-empty)."""
    url = database_url(base, size)
    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(base)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    seeded_env = {**env, "DATABASE_URL": url}
    _manage("migrate", "--no-input", "-v", "0", env=seeded_env)
    _manage("seed_demo", "--size", str(size), "--if-empty", env=seeded_env)
    return url


def _cpu_seconds(pid: int) -> float:
    """User + system time of a process and its finished children (a solo worker is one process)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


@contextmanager
def workers(count: int, env: dict[str, str], queue: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    processes = [
        subprocess.Popen(
            [*WORKER, "-n", f"bench-{index}@%h", "-Q", queue],
            cwd=PROJECT_ROOT,
            env={**env, "CELERY_QUEUE": queue},
            start_new_session=True,
        )
        for index in range(count)
    ]
    try:
        time.sleep(5)  # start-up (Django, NumPy, OR-Tools) is not part of a run
        yield processes
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)


def one_run(
    url: str, redis_url: str, queue: str, processes: list[subprocess.Popen[bytes]], *, changed: bool
) -> dict[str, Any]:
    with psycopg.connect(url, autocommit=True) as connection:
        if changed:
            connection.execute("UPDATE matching_mentoringrequest SET ranking_digest = ''")
        last = connection.execute("SELECT coalesce(max(id), 0) FROM matching_matchrun").fetchone()[0]
        load_before = os.getloadavg()
        cpu_before = sum(_cpu_seconds(process.pid) for process in processes)
        sender = Celery(broker=redis_url)
        sent = time.perf_counter()
        try:
            sender.send_task("matching.tasks.rematch_full", queue=queue)
        finally:
            sender.close()
        query = (
            "SELECT status, extract(epoch from finished_at - started_at), timings, blocks_total, request_count, "
            "suggestion_count, error FROM matching_matchrun WHERE kind = 'full' AND id > %s ORDER BY id LIMIT 1"
        )
        deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
        while True:
            row = connection.execute(query, [last]).fetchone()
            if row and row[0] in ("succeeded", "failed"):
                break
            if time.monotonic() > deadline:
                raise TimeoutError("the run did not finish")
            time.sleep(0.1)
        until_finished = time.perf_counter() - sent
    status, seconds, timings, blocks, requests, suggestions, error = row
    return {
        "status": status,
        "error": error,
        "requests": requests,
        "blocks": blocks,
        "suggestions": suggestions,
        "run_seconds": round(float(seconds), 2),
        "sent_to_finished_seconds": round(until_finished, 2),
        "worker_cpu_seconds": round(sum(_cpu_seconds(process.pid) for process in processes) - cpu_before, 2),
        "phases": timings,
        "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }


def run(arguments: argparse.Namespace) -> list[dict[str, Any]]:
    base = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not base.startswith("postgres") or not redis_url:
        raise SystemExit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the workers share both.")
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "1"), "CELERY_SKIP_CHECKS": "1", "LOG_LEVEL": "WARNING"}
    results = []
    for size in arguments.sizes:
        url = prepare_database(base, size, env)
        ways = [("one process", 1, 0)] + [(f"spread over {count}", count, 1) for count in arguments.workers]
        for label, count, threshold in ways:
            queue = f"bench-spread-{uuid.uuid4().hex[:8]}"
            worker_env = {
                **env,
                "DATABASE_URL": url,
                "MATCHING_PARTITION_THRESHOLD": str(threshold),
                "MATCHING_PARTITION_BLOCK_SIZE": str(arguments.block_size),
            }
            try:
                with workers(count, worker_env, queue) as processes:
                    # A first run settles the digests and warms the caches, as on every night but the first.
                    one_run(url, redis_url, queue, processes, changed=False)
                    for case, changed in (("nothing changed", False), ("every request re-explained", True)):
                        figures = one_run(url, redis_url, queue, processes, changed=changed)
                        results.append({"size": size, "way": label, "workers": count, "case": case, **figures})
                        if not arguments.json:
                            print_row(results[-1])
            finally:
                client = redis.Redis.from_url(redis_url)
                keys = list(client.scan_iter(match=f"*{queue}*"))
                if keys:
                    client.delete(*keys)
                client.close()
    return results


def print_row(row: dict[str, Any]) -> None:
    phases = ", ".join(f"{name} {seconds:.2f}" for name, seconds in row["phases"].items())
    print(
        f"{row['size']:>6} {row['way']:<14} {row['case']:<27} {row['status']} blocks {row['blocks']}: "
        f"run {row['run_seconds']:.2f} s, sent to finished {row['sent_to_finished_seconds']:.2f} s, "
        f"workers' CPU {row['worker_cpu_seconds']:.2f} s, load {row['load_average'][0]} -> {row['load_average'][1]} "
        f"({phases})",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 30000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="numbers of workers to spread over")
    parser.add_argument("--block-size", type=int, default=5000, help="MATCHING_PARTITION_BLOCK_SIZE")
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args(argv)
    results = run(arguments)
    if arguments.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
