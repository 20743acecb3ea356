"""How much of the machine a benchmark actually had: the load average says what is queued, not what a shared
virtual machine's host lets us run. `cores_available()` spins one process per CPU for a moment and reports how many
cores' worth of CPU time they got together (2.0 on a free 2-core machine; 1.2 was seen here while the host was busy,
with the load average under 1). Parallel phases cannot be faster than this allows, so the benchmarks print it next
to their wall-clock figures."""

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


if __name__ == "__main__":
    print(f"{cores_available(1.0)} of {os.cpu_count()} cores available (load average {os.getloadavg()[0]:.2f})")
