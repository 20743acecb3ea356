"""Publishing a batch proposal, as the worker does it, against the configured database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench REDIS_URL=redis://127.0.0.1:6379/9 DEBUG=1 \\
        .venv/bin/python -m bench.publish [--commit] [--json]

Run it on a seeded database (`manage.py seed_demo --size 10000`). It computes a batch proposal over every open
request (`services.batch_propose`, timed), then publishes it through `services.batch_publish` with a queued run, as
the task `matching.tasks.batch_publish` does, and prints the pairs, introductions written, wall-clock and CPU
seconds per phase, the number of SQL queries, and the load average. Without `--commit` the publication is rolled
back at the end (the database can be measured again; the commit and the after-commit hand-over to the broker are
then not timed); with `--commit` it is committed and the hand-over is timed too. Set REDIS_URL to a broker, as in
production: without one, Celery runs the after-commit tasks (emails, the rematch) in this process.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any


class _Rollback(Exception):
    pass


def measure(commit: bool) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from matching import services
    from matching.models import BatchProposal, MatchRun

    staff = User.objects.filter(is_programme_team=True).order_by("pk").first()
    if staff is None:
        return {"error": "No programme team member: seed the database first (manage.py seed_demo --size N)."}
    started = time.perf_counter()
    proposal = services.batch_propose(user=staff)
    propose_seconds = time.perf_counter() - started
    pairs = proposal.pairs.count()
    result: dict[str, Any] = {
        "load_average_1min": round(os.getloadavg()[0], 2),
        "open_requests": proposal.request_count,
        "pairs": pairs,
        "propose_seconds": round(propose_seconds, 2),
        "committed": commit,
    }
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.PUBLISH, source=MatchRun.Source.COMMAND, started_by=staff, status=MatchRun.Status.RUNNING
    )
    BatchProposal.objects.filter(pk=proposal.pk).update(publish_run=run)
    proposal.refresh_from_db()
    if not commit:
        # Rolled back, the run row is written in this process's open transaction: the lease's heartbeat thread
        # (its own connection) would wait on that row until the end. A real worker commits the row first.
        from contextlib import nullcontext

        from matching import leases

        leases.heartbeat = lambda run_id: nullcontext()  # type: ignore[assignment]
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    try:
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            services.batch_publish(proposal=proposal, user=staff, run=run)
            publish_wall = time.perf_counter() - wall_start
            run.refresh_from_db()
            if not commit:
                raise _Rollback
    except _Rollback:
        pass
    result["publish_seconds"] = round(publish_wall, 2)
    result["publish_seconds_with_commit"] = round(time.perf_counter() - wall_start, 2)
    result["publish_cpu_seconds"] = round(time.process_time() - cpu_start, 2)
    result["queries"] = len(queries)
    result["introductions"] = run.suggestion_count
    result["phases"] = run.timings
    result["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    if not commit:
        BatchProposal.objects.filter(pk=proposal.pk).delete()
        MatchRun.objects.filter(pk=run.pk).delete()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.publish", description=__doc__.split("\n\n")[0])
    parser.add_argument("--commit", action="store_true", help="commit the publication (default: roll it back)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args(argv)
    report = measure(arguments.commit)
    if arguments.json or "error" in report:
        print(json.dumps(report))
        return 1 if "error" in report else 0
    print(
        f"Batch publication: {report['pairs']:,} pairs over {report['open_requests']:,} open requests, "
        f"load average {report['load_average_1min']} (after: {report['load_average_1min_after']})"
    )
    print(f"  batch proposal computed in {report['propose_seconds']} s")
    print(
        f"  published {report['introductions']:,} introductions in {report['publish_seconds']} s "
        f"({report['publish_cpu_seconds']} s CPU; {report['publish_seconds_with_commit']} s with the commit"
        f"{'' if report['committed'] else ' rolled back'}), {report['queries']:,} SQL queries"
    )
    print(f"  phases: {json.dumps(report['phases'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
