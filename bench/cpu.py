"""CPU time for benchmarks on shared cores, where wall time measures the neighbours as much as
the code: this process's (`time.process_time`, all its threads) and the database backend's that
serves its connection, read from Linux's /proc/<pid>/schedstat (nanoseconds on a CPU and
nanoseconds waiting for one). The backend's is only readable when the database runs on this
host; `BackendCpu.seconds` is then None.

Import after `django.setup()`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import connection


class BackendCpu:
    """Seconds the backend serving this process's database connection has spent on a CPU, and
    waiting for one."""

    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.path = Path(f"/proc/{cursor.fetchone()[0]}/schedstat")

    def seconds(self) -> tuple[float, float] | None:
        try:
            on_cpu, waiting = self.path.read_text().split()[:2]
        except (OSError, ValueError):
            return None
        return int(on_cpu) / 1e9, int(waiting) / 1e9


class CpuClock:
    """Milliseconds of wall time, of this process's CPU and of the backend's CPU since the last
    `lap()` (the backend's None when it cannot be read)."""

    def __init__(self) -> None:
        self.backend = BackendCpu()
        self._last = self._now()

    def _now(self) -> tuple[float, float, float | None]:
        backend = self.backend.seconds()
        return time.perf_counter(), time.process_time(), None if backend is None else backend[0]

    def lap(self) -> tuple[float, float, float | None]:
        now = self._now()
        wall, process, backend = (1000 * (now[0] - self._last[0]), 1000 * (now[1] - self._last[1]), None)
        if now[2] is not None and self._last[2] is not None:
            backend = 1000 * (now[2] - self._last[2])
        self._last = now
        return wall, process, backend


def percentile(values: list[float], share: float) -> float:
    """The value at `share` (0.5: median) of the sorted values, nearest rank; 0 for none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def load_average() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg()) + f" (1, 5, 15 min; {os.cpu_count()} CPUs)"
