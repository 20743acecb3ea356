"""`manage.py rematch [--full [--nightly]] [--request ID] [--mentor ID] [--json]`: compute suggestions now, in this
process.

--full       re-rank every open request; the benchmark times this end to end
--nightly    with --full: exactly what the nightly run does (recorded as the schedule's; no optimal assignment)
--request    re-rank one request
--mentor     re-rank the requests one mentor could enter or must leave
(no option)  rank the open requests that have never been ranked, one at a time

Prints the run's counts and the seconds spent in each phase (load, score, explain, assign, persist).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from matching import loading, services
from matching.models import MatchRun, MentoringRequest


class Command(BaseCommand):
    help = "Compute mentor suggestions now and print counts and per-phase timings."
    # No system checks: they import every URLconf and view (about a second of a nightly run that needs none of
    # them); `manage.py check` and the deploy run them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--full", action="store_true", help="Re-rank every open request.")
        group.add_argument("--request", type=int, metavar="ID", help="Re-rank one request.")
        group.add_argument("--mentor", type=int, metavar="ID", help="Re-rank the requests one mentor affects.")
        parser.add_argument(
            "--nightly",
            action="store_true",
            help="With --full: run it as the nightly schedule does (recorded as such; no optimal assignment).",
        )
        parser.add_argument("--json", action="store_true", help="Print the runs as JSON.")

    def handle(self, *args: Any, full: bool, request: int | None, mentor: int | None, **options: Any) -> None:
        source = MatchRun.Source.BEAT if options["nightly"] else MatchRun.Source.COMMAND
        runs: list[MatchRun] = []
        if full:
            # One computation, then the process exits: nothing to keep the mentor table for.
            with loading.mentor_table_not_kept():
                runs.append(services.rematch_full(source=source))
        elif request is not None:
            run = services.suggestions_refresh_for_request(request_id=request, source=source)
            if run is None:
                raise CommandError(f"Request {request} does not exist or is not open.")
            runs.append(run)
        elif mentor is not None:
            runs.append(services.suggestions_refresh_for_mentor(profile_id=mentor, source=source))
        else:
            unranked = MentoringRequest.objects.filter(
                status__in=MentoringRequest.MATCHABLE_STATUSES, first_ranked_at__isnull=True
            ).values_list("id", flat=True)
            for request_id in list(unranked):
                refreshed = services.suggestions_refresh_for_request(request_id=request_id, source=source)
                if refreshed is not None:
                    runs.append(refreshed)
        if options["json"]:
            self.stdout.write(json.dumps([_summary(run) for run in runs], indent=2))
        else:
            if not runs:
                self.stdout.write("Nothing to rank: every open request already has suggestions.")
            for run in runs:
                self._print(run)
        if any(run.status == MatchRun.Status.FAILED for run in runs):
            raise CommandError("A run failed: " + "; ".join(run.error for run in runs if run.error))

    def _print(self, run: MatchRun) -> None:
        summary = _summary(run)
        style = self.style.SUCCESS if run.status == MatchRun.Status.SUCCEEDED else self.style.ERROR
        self.stdout.write(style(f"Run {run.pk} ({run.get_kind_display()}): {run.get_status_display()}"))
        self.stdout.write(
            f"  requests {run.request_count}, mentors {run.mentor_count}, suggestions {run.suggestion_count}"
            + (f", assignable at once {run.assigned_count}" if run.assigned_count is not None else "")
        )
        phases = ", ".join(f"{name} {seconds:.3f}s" for name, seconds in summary["timings"].items())
        self.stdout.write(f"  {phases}; total {summary['total_seconds']:.3f}s")


def _summary(run: MatchRun) -> dict[str, Any]:
    timings = {name: run.timings[name] for name in MatchRun.PHASES if name in run.timings}
    return {
        "run": run.pk,
        "kind": run.kind,
        "status": run.status,
        "requests": run.request_count,
        "mentors": run.mentor_count,
        "suggestions": run.suggestion_count,
        "assigned": run.assigned_count,
        "timings": timings,
        "total_seconds": round(sum(timings.values()), 4),
        "wall_seconds": run.duration_seconds,
        "error": run.error,
    }
