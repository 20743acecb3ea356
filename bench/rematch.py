"""A full rematch as new processes on the configured database, the way the nightly schedule and staff run it.

    python -m bench.rematch [--repeat 3] [--json]

Seed first (`manage.py seed_demo --size 10000`, or 30000, 100000) and point DATABASE_URL at PostgreSQL. Runs, each
`--repeat` times, in a new process: `manage.py rematch --full --nightly` (what the schedule does; the first may
compute, the later ones find nothing changed), then `manage.py rematch --full` (with the optimal assignment, always
computed). Prints for each the wall-clock time of the whole process, its CPU time (user + system), its peak memory
(max RSS), the run's own phases, and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.machine import cores_available, reference_ms

BASE_DIR = Path(__file__).resolve().parent.parent

CASES = [
    ("nightly (--full --nightly)", ["--full", "--nightly"]),
    ("full with the assignment (--full)", ["--full"]),
]


def _environment() -> dict[str, str]:
    env = os.environ.copy()
    if "DEBUG" not in env and "SECRET_KEY" not in env:
        env["DEBUG"] = "1"  # manage.py refuses the development secret key otherwise
    return env


def _one(arguments: list[str], env: dict[str, str]) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    cores, reference = cores_available(), reference_ms()
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "rematch", *arguments, "--json"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        stdout = process.stdout.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(process.pid, 0)  # this process's own CPU time and peak memory
        errors.seek(0)
        stderr = errors.read()
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"rematch {' '.join(arguments)} failed:\n{stderr[-2000:]}")
    run = json.loads(stdout)[0]
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "max_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "phases": run["timings"],
        "requests": run["requests"],
        "mentors": run["mentors"],
        "suggestions": run["suggestions"],
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "cores_available": cores,
        "reference_ms": reference,
    }


def run(repeat: int) -> dict[str, Any]:
    env = _environment()
    results = []
    for label, arguments in CASES:
        for attempt in range(1, repeat + 1):
            results.append({"case": label, "attempt": attempt, **_one(arguments, env)})
    return {"database": env.get("DATABASE_URL", "sqlite (default)").split(":", 1)[0], "runs": results}


def _print(figures: dict[str, Any]) -> None:
    print(f"bench.rematch on {figures['database']}: each run a new process (wall, CPU = user + system, max RSS)")
    print(
        f"{'case':<36} {'#':>2} {'requests':>9} {'wall s':>7} {'CPU s':>6} {'RSS MB':>7}  "
        "phases (s)   load   cores   reference ms"
    )
    for row in figures["runs"]:
        phases = " ".join(f"{name} {seconds:.2f}" for name, seconds in row["phases"].items())
        load = "->".join(str(value) for value in row["load_average_1m"])
        print(
            f"{row['case']:<36} {row['attempt']:>2} {row['requests']:>9,} {row['wall_seconds']:>7.2f} "
            f"{row['cpu_seconds']:>6.2f} {row['max_rss_mb']:>7.1f}  {phases}   {load}   "
            f"{row['cores_available']}   {row['reference_ms']}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    arguments = parser.parse_args(argv)
    figures = run(max(1, arguments.repeat))
    if arguments.json:
        print(json.dumps(figures, indent=2))
    else:
        _print(figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
