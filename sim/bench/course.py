"""``main.py bench --course``: the wall time of a whole treatment course, alone and beside a busy core.

The workload is the real one: ``main.py timeline``'s course runner
(:func:`sim.course.timeline.run_course`, two local worker processes) on an
84-day citalopram course at 80% SERT occupancy from day 0, stopped on day 42,
with a value for every day and the baseline. It is timed twice from a cold
start of the runner (the workers' start is part of the wait): once as it is,
once while one other CPU-bound process (a Python busy loop this bench starts
and stops) holds a core. The machine's load average before and after each
run is printed beside the figures: on a shared machine they are only as
quiet as the machine was (the CPU-s, which other work inflates far less,
are printed too).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator

COURSE = {"days": 84, "drug": "citalopram", "dose_nM": 4.8, "start_day": 0, "stop_day": 42}
"""The benchmarked course: 80% occupancy (4.8 nM, Ki 1.2 nM), days 0-41 on drug, 42-83 off."""
QUICK_DAYS = 3
"""Days of a ``--quick`` smoke run (drug days 0-1, day 2 off it)."""
QUICK_WINDOW_MS = 0.5
"""Simulated time of a ``--quick`` run's day, ms (the real day is ``DAY_WINDOW_MS``): the smoke
run checks that the bench runs and prints, not the figures."""
WORKERS = 2
BUSY_LOOP = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    for _ in range(10**6): pass"
"""The other CPU-bound process: a pure-Python loop that stops when its parent is gone."""


@contextlib.contextmanager
def busy_core() -> Iterator[None]:
    """One other CPU-bound process (a Python busy loop) while the block runs; stopped after.

    The loop also ends when this process is gone (it checks its parent between
    bursts of ~20 ms), so a bench that is killed leaves no busy core behind.
    """
    proc = subprocess.Popen([sys.executable, "-c", BUSY_LOOP])
    try:
        yield
    finally:
        proc.kill()
        proc.wait()


def time_course(
    days: int, stop_day: int, seed: int = 0, window_ms: float | None = None
) -> tuple[float, float, int]:
    """Run the course; return (wall s, CPU s of this process and its finished children, rows).

    ``window_ms`` None is the real day (``DAY_WINDOW_MS``).
    """
    from sim.course.timeline import DAY_WINDOW_MS, Course, run_course

    window = DAY_WINDOW_MS if window_ms is None else window_ms
    course = Course(**{**COURSE, "days": days, "stop_day": stop_day}, seed=seed, window_ms=window)
    cpu0 = _cpu_s()
    t0 = time.perf_counter()
    rows = run_course(course, workers=WORKERS)
    wall = time.perf_counter() - t0
    if any(r["receptors_bound_mean"] != r["receptors_bound_mean"] for r in rows):
        raise RuntimeError("a course day has no value")
    return wall, _cpu_s() - cpu0, len(rows)


def _cpu_s() -> float:
    self_, children = os.times()[:2], os.times()[2:4]
    return sum(self_) + sum(children)


def course_lines(quick: bool = False) -> Iterator[str]:
    """Yield the course figures: alone on the cores, then beside one busy process."""
    days = QUICK_DAYS if quick else COURSE["days"]
    stop = 2 if quick else COURSE["stop_day"]
    window = QUICK_WINDOW_MS if quick else None
    what = f"{days}-day course (drug days 0-{stop - 1}, {WORKERS} workers, a value every day)"
    if quick:
        what += f" [--quick: {QUICK_WINDOW_MS} ms days, not the real workload]"
    for label, context in (("alone", contextlib.nullcontext()), ("+1 busy", busy_core())):
        load = _load()
        with context:
            wall, cpu, rows = time_course(days, stop, window_ms=window)
        yield (
            f"course  {what}, {label:>7}: {wall:6.1f} s wall, {cpu:6.1f} CPU-s "
            f"({rows} rows; load average {load:.1f} before, {_load():.1f} after)"
        )


def _load() -> float:
    """The 1-minute load average (NaN where the system gives none): other work on the machine."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
