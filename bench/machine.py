"""How much of the machine a benchmark actually had, and how fast its cores were.

The load average says what is queued, not what a shared virtual machine's host lets us run, nor how fast. Two
figures go next to every wall-clock figure the benchmarks print:

- `cores_available()` spins one process per CPU for a moment and reports how many cores' worth of CPU time they got
  together (2.0 on a free 2-core machine; 1.2 was seen here while the host was busy, with the load average under 1).
  Parallel phases cannot be faster than this allows.
- `reference_ms()` times one fixed piece of single-threaded Python work (dictionary, string and list operations, the
  kind a Django page and the engine's Python parts do), best of a few tries. The same code gave figures up to two
  times apart on this project's machines from one day to the next, with every core free; a figure measured at a
  reference of 80 ms is not comparable with one measured at 160 ms without scaling.
"""

from __future__ import annotations

import multiprocessing
import os
import time


def _spin(seconds: float, results: multiprocessing.SimpleQueue) -> None:  # type: ignore[type-arg]
    started_cpu, deadline = time.process_time(), time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        pass
    results.put(time.process_time() - started_cpu)


def cores_available(seconds: float = 0.5) -> float:
    """Cores' worth of CPU time that one spinning process per CPU got over `seconds` of wall time."""
    count = os.cpu_count() or 1
    context = multiprocessing.get_context("fork")
    results = context.SimpleQueue()
    processes = [context.Process(target=_spin, args=(seconds, results)) for _ in range(count)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    return round(sum(results.get() for _ in processes) / seconds, 2)


def _reference_work(size: int) -> int:
    table: dict[str, int] = {}
    rows = []
    for number in range(size):
        key = f"k{number % 997}"
        table[key] = table.get(key, 0) + number
        rows.append((number % 89, key))
    rows.sort()
    return len(table) + len(rows)


def reference_ms(tries: int = 5, size: int = 100_000) -> float:
    """Wall milliseconds of a fixed single-threaded Python workload, best of `tries` (lower is a faster core)."""
    best = float("inf")
    for _ in range(max(1, tries)):
        started = time.perf_counter()
        _reference_work(size)
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def describe() -> dict[str, float]:
    """Both figures and the load average, for a benchmark's report."""
    return {
        "cores_available": cores_available(),
        "reference_ms": reference_ms(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    print(
        f"{cores_available(1.0)} of {os.cpu_count()} cores available, single-core reference {reference_ms()} ms "
        f"(bench.machine; lower is faster), load average {os.getloadavg()[0]:.2f}"
    )
