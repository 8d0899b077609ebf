"""The treatment timeline: a slow state over days, and the fast synapse run at each day's state.

The slow state over days (SERT occupancy, autoreceptor desensitisation,
postsynaptic receptor density, raphe firing through the closed 5-HT1A loop)
is :mod:`sim.course.slow`. A course names its drug either by a free
concentration (``dose_nM``: occupancy [I]/([I] + Ki) on days
start_day..stop_day-1, an abrupt stop without washout) or as prescribed
(``dose_mg`` with a taper: :mod:`sim.course.dosing`, daily doses,
pharmacokinetics and occupancy per day).

A day's measurement (the fast run at the day's state, and what its value
means) is :mod:`sim.course.day`.

Measured (not fitted to a test): the default preset (receptor Kd 100 uM)
at dt = 160 ns with the default 8 ms day window (the terminal every 16 us),
seeds 0-5, citalopram at 80% occupancy from day 0 and a stop on day 28;
bound receptors relative to the drug-free baseline, mean +- SE over seeds:
day 0 1.65 +- 0.13 (firing cut to 54%, raphe 5-HT 2.7x: a blunted rise),
day 7 2.28 +- 0.10, day 14 2.20 +- 0.10, day 21 2.10 +- 0.09, day 27 2.01
+- 0.09; day 28, the first day off the drug, 1.07 +- 0.06, day 29 0.95 +-
0.04, day 31 0.90 +- 0.03, day 35 0.87 +- 0.03, day 42 0.88 +- 0.02, day 49
0.90 +- 0.03. Day 21 against day 0, paired by seed (common random
numbers): +0.46 +- 0.09. (At 80 ns, before the capture rules were corrected
for the slab, the same seeds gave 1.63, 2.28, 2.20, 2.15, 2.01, 1.05, 0.97,
0.93, 0.88, 0.89 and 0.94, all within 2 SE.) The weeks raise the signal because
firing recovers (to 111% by day 21) as the autoreceptors desensitise; the
hypothesised postsynaptic down-regulation (assumed, :mod:`sim.course.slow`)
trims the rise after the first week (81% of the receptors by day 21). After
the stop the block is gone, the autoreceptors recover within days and the
receptors over weeks, so the signal falls below baseline for weeks. With
``receptor_down=0`` (the measured adaptations only) the same seeds give day
21 2.60 +- 0.09 (paired +0.95 +- 0.10), day 28 1.35 +- 0.06, day 35 1.06
+- 0.03, day 42 1.00 +- 0.03 and day 49 0.99 +- 0.02: no fall below
baseline.
Each row's ``signal_se`` is the SE from the day's own whole interspike
intervals (empty when fewer than 2 fit).

All slow-state constants other than the desensitisation and the 5-HT1A
gain's calibration are assumed, and the program says so. The days are jobs for
:func:`sim.runs.engine.run_jobs` (this process, an embedded Dask cluster, or an
existing one), :func:`run_day` the pure unit of work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from sim.course.checks import (  # noqa: F401  (re-exported)
    WINDOW_RANGE_MS,
    check_course,
    check_window,
    slow_for,
)
from sim.course.day import (  # noqa: F401  (re-exported: a day's fast run)
    DAY_WINDOW_MS,
    MAX_FIRING_HZ,
    RESIDUAL_WARN,
    TIMELINE_DT_NS,
    DayPlan,
    coarse_step_accepted,
    day_overrides,
    day_plan,
    expected_cost,
    run_day,
)
from sim.course.day_pool import run_local
from sim.course.slow import (  # noqa: F401  (re-exported: the course's slow state)
    THERAPEUTIC_OCCUPANCY,
    DayState,
    SlowParameters,
    baseline_state,
    firing_factor,
    slow_states,
    states_of,
)
from sim.runs.engine import run_jobs
from sim.runs.headless import build
from sim.runs.progress import Progress

DAY_KEYS = ("blockade", "autoreceptor_sensitivity", "firing_rate_hz", "receptor_count",
            "firing_pattern", "first_spike_ms", "sample_interval_us")  # fmt: skip
"""Parameters the timeline sets for each day (an override of them would be ignored)."""


@dataclass(frozen=True)
class Course:
    """One treatment course: what is taken and when, and how each day is measured.

    Attributes:
        days: days to simulate, in [1, 3650] (day 0 to days - 1; the baseline comes first).
        drug: an SSRI of the Ki table (:mod:`sim.params.drugs`).
        dose_nM: free drug concentration, nM (occupancy C / (C + Ki)).
        start_day: first day on the drug (0 <= start_day <= stop_day).
        stop_day: first day off it (an abrupt stop).
        seed: random seed of every day's run (the same for all: common random numbers).
        preset: the drug-free base, a preset name or .toml path.
        overrides: parameter overrides of the base (not the ``DAY_KEYS``, which the days set).
        window_ms: simulated time budget of one day's run, ms (``WINDOW_RANGE_MS``).
        only_days: run only these days (and the baseline); None runs them all.
        dose_mg: the daily dose as prescribed, mg (None: ``dose_nM`` is the course).
        taper: with ``dose_mg``: abrupt, linear:WEEKS or hyperbolic:WEEKS, ending on the stop day.
        receptor_down: postsynaptic down-regulation at full effect, a fraction (None: the
            default of :class:`sim.course.slow.SlowParameters`, a hypothesis; 0: none).
    """

    days: int
    drug: str
    dose_nM: float
    start_day: int
    stop_day: int
    seed: int = 0
    preset: str = "default"
    overrides: dict | None = None
    window_ms: float = DAY_WINDOW_MS
    only_days: list[int] | None = field(default=None, kw_only=True)
    dose_mg: float | None = field(default=None, kw_only=True)
    taper: str = field(default="abrupt", kw_only=True)
    receptor_down: float | None = field(default=None, kw_only=True)

    @property
    def slow(self) -> SlowParameters:
        """The slow state's constants of this course (raises ParameterError on a bad value)."""
        return slow_for(self.receptor_down)

    def jobs(self) -> list[dict[str, Any]]:
        """Validate the course and return its day jobs (the baseline first) for :func:`run_day`.

        Everything is checked here, before any worker starts: days in [1, 3650],
        0 <= start_day <= stop_day, the seed, the window, the drug and dose
        (Ki table), the preset and overrides, and the baseline's model (built,
        not run; a refused time step fails here).

        Raises:
            ParameterError: one-line message for any bad input.
        """
        overrides = {"dt_ns": TIMELINE_DT_NS, **(self.overrides or {})}
        days = check_course(self.days, self.start_day, self.stop_day, self.seed, self.drug,
                            self.dose_nM, overrides, DAY_KEYS, self.dose_mg, self.taper,
                            self.slow)  # fmt: skip
        window_ms = check_window(self.window_ms)
        with coarse_step_accepted():  # bad preset, overrides or step: fail now
            build(self.preset, self.seed, None, overrides)
        states = [baseline_state(), *days]
        if self.only_days is not None:
            wanted = set(self.only_days)
            states = [s for s in states if s.day < 0 or s.day in wanted]
        return [
            {
                "state": st,
                "preset": self.preset,
                "overrides": overrides,
                "seed": self.seed,
                "window_ms": window_ms,
            }
            for st in states
        ]


def timeline_jobs(*course: Any, **settings: Any) -> list[dict[str, Any]]:
    """The day jobs of ``Course(*course, **settings)`` (:meth:`Course.jobs`), validated.

    Raises:
        ParameterError: one-line message for any bad input.
    """
    return Course(*course, **settings).jobs()


def run_course(
    course: Course,
    workers: int = 2,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Baseline plus one row per day, sorted by day; ``signal`` is bound receptors over baseline.

    The days run on ``workers`` forked local processes
    (:func:`sim.course.day_pool.run_local`), or through
    :func:`sim.runs.engine.run_jobs` in this process (1) or on the cluster at
    ``scheduler``; the rows do not depend on where they ran.

    Raises:
        ParameterError: for bad days, dose, drug, window, preset or overrides
            (see :meth:`Course.jobs`).
    """
    jobs = course.jobs()
    jobs.sort(key=expected_cost, reverse=True)  # the longest days first: no long day last
    if progress is not None:
        progress.start(0)
    rows: list[dict[str, Any]] = []
    if scheduler is None and workers > 1:
        results = run_local(run_day, jobs, workers)
    else:
        results = run_jobs(run_day, jobs, workers=workers, scheduler=scheduler)
    for _, row in results:
        rows.append(row)
        if progress is not None:
            progress.update()
    rows.sort(key=lambda r: r["day"])
    base = rows[0]["receptors_bound_mean"]
    for row in rows:
        row["signal"] = row["receptors_bound_mean"] / base if base > 0 else math.nan
        row["signal_se"] = _ratio_se(row, rows[0])
        row["drug"] = course.drug
        row["dose_nM"] = course.dose_nM if course.dose_mg is None else None
    return rows


def _ratio_se(row: dict[str, Any], base: dict[str, Any]) -> float:
    """SE of the signal (bound receptors over the baseline's), from both days' SEs."""
    if row is base:
        return 0.0
    rel = [r["receptor_occupancy_se"] / r["receptor_occupancy_mean"]
           if r["receptor_occupancy_mean"] > 0 else math.nan for r in (row, base)]  # fmt: skip
    return row["signal"] * math.hypot(*rel)


def run_timeline(
    *course: Any,
    workers: int = 2,
    scheduler: str | None = None,
    progress: Progress | None = None,
    **settings: Any,
) -> list[dict[str, Any]]:
    """:func:`run_course` of ``Course(*course, **settings)`` (days, drug, dose_nM, ...).

    Raises:
        ParameterError: for bad days, dose, drug, window, preset or overrides.
    """
    return run_course(Course(*course, **settings), workers, scheduler, progress)
