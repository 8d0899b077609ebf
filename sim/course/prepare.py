"""The days a lecture shows, computed ahead into the day cache (``main.py prepare``).

A lecture's course chart (the window's K W W W on a scenario preset, and the
tour's two course steps) shows agent-based days that cost seconds of CPU
each. Computed the night before into the day cache
(:mod:`sim.course.day_cache`), with the job the window runs
(:func:`sim.course.day_cache.day_job`), they are there at once on the day.

The lists below are the window's: a course started with K on day 0 at 80% of
SERT (the default dose) asks for day 0, the days it computes ahead (1, 7,
14, 21, 28) and, with W W W, days 7, 14 and 21; the tour's course steps ask
for their own days (tests/render/lecture/test_prepare.py checks both lists
against the window's).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from sim.course.day import DAY_WINDOW_MS, expected_cost, run_day
from sim.course.day_cache import DayCache, cache_file, day_job
from sim.course.slow import THERAPEUTIC_OCCUPANCY, DayState, baseline_state, slow_states
from sim.params.presets import load_preset
from sim.runs.engine import run_jobs

TIMELINE_BASES = (
    "healthy",
    "fast-sert",
    "tryptophan-depletion",
    "default",
    "single-release",
    "physiological",
)
"""The drug-free presets a course starts from on the scenario keys 1-9 (3-5 start from healthy)."""

KEY_DAYS = (0, 1, 7, 14, 21, 28)
"""Days of a course started with K on day 0: today, the days computed ahead, W W W."""

TOUR_COURSES: tuple[tuple[str, float, int, int | None, tuple[int, ...]], ...] = (
    ("healthy", 0.8, 0, None, (1, 7, 14, 21)),
    ("healthy", 0.8, 0, 28, (1, 7, 14, 21, 27, 29, 35, 42)),
)
"""The tour's course steps: preset, SERT occupancy, start day, stop day (None: never), days."""

NEVER = 10**9
"""A stop day that never comes."""


def _course_states(occupancy: float, start: int, stop: int | None, days: Iterable[int]):
    wanted = sorted(set(days))
    states = slow_states(wanted[-1] + 1, occupancy, start, NEVER if stop is None else stop)
    return [states[d] for d in wanted]


def lecture_courses(
    presets: Iterable[str], tour: bool, days_below: int | None = None
) -> list[tuple[str, list[DayState]]]:
    """(preset, day states) of every course to prepare, the baseline first in each.

    ``days_below`` keeps only the days before it (a short preparation).
    """
    courses = [(p, _course_states(THERAPEUTIC_OCCUPANCY, 0, None, KEY_DAYS)) for p in presets]
    if tour:
        courses += [(p, _course_states(o, a, b, d)) for p, o, a, b, d in TOUR_COURSES]
    return [
        (p, [baseline_state(), *(s for s in states if days_below is None or s.day < days_below)])
        for p, states in courses
    ]


def lecture_jobs(courses: list[tuple[str, list[DayState]]], seed: int) -> list[dict[str, Any]]:
    """The window's day jobs of ``courses`` (:func:`sim.course.day_cache.day_job`), once each."""
    jobs: dict[str, dict[str, Any]] = {}
    cache = DayCache(None)
    for name, states in courses:
        base = load_preset(name).params.with_overrides(blockade=0.0, autoreceptor_sensitivity=1.0)
        for st in states:
            job = day_job(base, seed, st, DAY_WINDOW_MS)
            jobs.setdefault(cache.key(job), job)
    return list(jobs.values())


def prepare(jobs: list[dict[str, Any]], workers: int = 2) -> tuple[int, int, float]:
    """Compute the jobs not yet in the day cache and keep them there.

    Returns:
        (days computed, days already cached, wall-clock seconds).
    """
    t0 = time.perf_counter()
    cache = DayCache(cache_file())
    todo = [job for job in jobs if cache.get(job) is None]
    todo.sort(key=expected_cost, reverse=True)  # the longest days first: no long day last
    for i, row in run_jobs(run_day, todo, workers=workers):
        cache.put(todo[i], float(row["receptors_bound_mean"]))
    return len(todo), len(jobs) - len(todo), time.perf_counter() - t0
