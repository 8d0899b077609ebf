"""The treatment timeline: a slow state over days, and the fast synapse run at each day's state.

The slow state, advanced once per day with exact exponential relaxation:

- SERT occupancy f by the SSRI: f = [I] / ([I] + Ki) while the drug is taken
  (days start_day <= d < stop_day), else 0 (an abrupt stop, no washout).
- Autoreceptor desensitisation D (sensitivity s = 1 - D): on drug D relaxes to
  ``desens_max * min(1, f / 0.8)`` with time constant ``desens_tau_days``;
  0.7 and 3.5 days reproduce science.md's ~40% by day 3 and 60-80% by day 21
  (Le Poul 1995; Blier & de Montigny 1998). Off drug it recovers with
  ``resens_tau_days`` (assumed).
- Postsynaptic receptor density r: chronic SSRIs down-regulate postsynaptic
  receptors (assumed magnitude and speed); r relaxes to 1 - down_max*min(1, f/0.8)
  on drug and back to 1 off drug. This persisting adaptation, with the block
  removed, is what makes signalling fall below baseline after an abrupt stop.
- Firing: somatodendritic 5-HT1A autoreceptors see raphe 5-HT raised by the
  block (x 1/(1-f) at steady state, science.md 4.5). Their activation
  theta = theta0*X / (theta0*X + 1 - theta0) drives firing down as
  max(0, 1 - raphe_gain*s*theta), normalised so that firing is the preset's
  rate at f = 0, s = 1. With the assumed theta0 = 0.25 and gain 1.44, an
  80% block cuts firing to 16% on the first day and 40% on day 1, and it
  recovers (x1.14) by day 21 (science.md 1.8: acute suppression, recovery as
  the autoreceptors desensitise).

A day's measurement (the fast run at the day's state, and what its value
means) is :mod:`sim.course.day`.

Calibration (measured, not fitted to a test): the default preset (receptor
Kd 100 uM, as in ``sim/params.py``) at dt = 20 ns with the default 8 ms day
window, seeds 0-5, citalopram at 80% occupancy from day 0 and a stop on day
28 (engine of commit af18f0b). Bound receptors relative to the drug-free
baseline were 0.33-0.68 on day 0 (firing cut to 16%: one release in the
window, standing for a 12.8 ms interval; bound receptors at the window's end
0-7% of their peak), 0.60-1.45 on day 1 (one release in the window: the
noisiest day), 1.40-1.90 on day 21 and 0.67-0.90 on day 28, the first day
off the drug. Days with several releases in the window vary far less from
day to day than days with one (the common random numbers pair the releases).

So the cost of a day is bounded by the window whatever the firing rate, and
no rate divides by zero. All slow-state constants other than the
desensitisation are assumed, and the program says so. The days are jobs for
:func:`sim.runs.engine.run_jobs` (this process, an embedded Dask cluster, or an
existing one), :func:`run_day` the pure unit of work.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from sim.course.day import (
    DAY_WINDOW_MS,
    RESIDUAL_WARN,
    TIMELINE_DT_NS,
    expected_cost,
    run_day,
)
from sim.params.drugs import sert_occupancy
from sim.params.presets import load_preset
from sim.params.synapse import ParameterError
from sim.runs.engine import Progress, check_scheduler, check_workers, run_jobs, stop_on_sigterm
from sim.runs.headless import build

WINDOW_RANGE_MS = (0.001, 1000.0)
"""Allowed day windows, ms."""

DAY_KEYS = ("blockade", "autoreceptor_sensitivity", "firing_rate_hz", "receptor_count",
            "firing_pattern", "first_spike_ms")  # fmt: skip
"""Parameters the timeline sets for each day (an override of them would be ignored)."""

THERAPEUTIC_OCCUPANCY = 0.8
"""Reference SERT occupancy at therapeutic doses (Meyer et al. 2004)."""


@dataclass(frozen=True)
class SlowParameters:
    """Constants of the slow (days) state. Units: days or fractions."""

    desens_max: float = 0.7
    desens_tau_days: float = 3.5
    resens_tau_days: float = 7.0
    receptor_down_max: float = 0.4
    receptor_down_tau_days: float = 10.0
    receptor_up_tau_days: float = 14.0
    raphe_gain: float = 1.44
    raphe_baseline_activation: float = 0.25


@dataclass(frozen=True)
class DayState:
    """The slow state on one day (taken at the start of the day)."""

    day: int
    on_drug: bool
    occupancy: float
    autoreceptor_sensitivity: float
    receptor_density: float
    firing_factor: float


def firing_factor(occupancy: float, sensitivity: float, slow: SlowParameters) -> float:
    """Firing rate relative to the drug-free, naive rate (somatodendritic 5-HT1A feedback)."""
    theta0 = slow.raphe_baseline_activation
    excess = 1.0 / max(1.0 - occupancy, 1e-6)
    theta = theta0 * excess / (theta0 * excess + 1.0 - theta0)
    drive = max(0.0, 1.0 - slow.raphe_gain * sensitivity * theta)
    return drive / (1.0 - slow.raphe_gain * theta0)


def slow_states(
    days: int,
    occupancy_on_drug: float,
    start_day: int,
    stop_day: int,
    slow: SlowParameters | None = None,
) -> list[DayState]:
    """The slow state for days 0..days-1 (exact daily exponential relaxation)."""
    slow = slow or SlowParameters()
    desens, density = 0.0, 1.0
    out = []
    for day in range(days):
        on = start_day <= day < stop_day
        f = occupancy_on_drug if on else 0.0
        s = 1.0 - desens
        out.append(DayState(day, on, f, s, density, firing_factor(f, s, slow)))
        strength = min(1.0, f / THERAPEUTIC_OCCUPANCY)
        d_target = slow.desens_max * strength if on else 0.0
        tau_d = slow.desens_tau_days if on else slow.resens_tau_days
        desens = d_target + (desens - d_target) * math.exp(-1.0 / tau_d)
        r_target = 1.0 - slow.receptor_down_max * strength if on else 1.0
        tau_r = slow.receptor_down_tau_days if on else slow.receptor_up_tau_days
        density = r_target + (density - r_target) * math.exp(-1.0 / tau_r)
    return out


def baseline_state() -> DayState:
    """The drug-free, naive state (day -1 in the outputs)."""
    return DayState(-1, False, 0.0, 1.0, 1.0, 1.0)


def _check_whole(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ParameterError(f"{name} = {value!r} must be a whole number in [{lo}, {hi}]")
    return value


def check_window(
    window_ms: Any, limits: tuple[float, float] = WINDOW_RANGE_MS, what: str = "ms"
) -> float:
    """Validate a day's window (ms, within ``limits``; ``what`` names the range in the message)."""
    lo, hi = limits
    if (
        isinstance(window_ms, bool)
        or not isinstance(window_ms, (int, float))
        or not math.isfinite(window_ms)
        or not lo <= window_ms <= hi
    ):
        raise ParameterError(f"window_ms = {window_ms!r} must be in [{lo:g}, {hi:g}] {what}")
    return float(window_ms)


def check_course(days: Any, start_day: Any, stop_day: Any, seed: Any, drug: str, dose_nM: Any,
                 overrides: dict[str, Any], day_keys: tuple[str, ...]) -> float:  # fmt: skip
    """Check a course's days, seed, drug, dose and overrides; return the SERT occupancy on drug.

    Raises:
        ParameterError: one line: days in [1, 3650], 0 <= start_day <= stop_day,
            a whole seed, a drug and dose of the Ki table, no override of ``day_keys``.
    """
    _check_whole("days", days, 1, 3650)
    _check_whole("start_day", start_day, 0, 3650)
    _check_whole("stop_day", stop_day, 0, 3650)
    if not start_day <= stop_day:
        raise ParameterError(
            f"start_day = {start_day} and stop_day = {stop_day} need 0 <= start <= stop"
        )
    _check_whole("seed", seed, 0, 2**63 - 1)
    f = sert_occupancy(drug, dose_nM)
    for key in day_keys:
        if key in overrides:
            raise ParameterError(
                f"--set {key}=... conflicts with the timeline, which sets it per day"
            )
    return f


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
        f = check_course(self.days, self.start_day, self.stop_day, self.seed, self.drug,
                         self.dose_nM, overrides, DAY_KEYS)  # fmt: skip
        window_ms = check_window(self.window_ms)
        build(self.preset, self.seed, None, overrides)  # bad preset, overrides or step: fail now
        states = [baseline_state(), *slow_states(self.days, f, self.start_day, self.stop_day)]
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

    The days run through :func:`sim.runs.engine.run_jobs` (``workers`` local
    processes, 1 = this process, or the cluster at ``scheduler``); the rows
    do not depend on where they ran.

    Raises:
        ParameterError: for bad days, dose, drug, window, preset or overrides
            (see :meth:`Course.jobs`).
    """
    jobs = course.jobs()
    jobs.sort(key=expected_cost, reverse=True)  # the longest days first: no long day last
    if progress is not None:
        progress.start(0)
    rows: list[dict[str, Any]] = []
    for _, row in run_jobs(run_day, jobs, workers=workers, scheduler=scheduler):
        rows.append(row)
        if progress is not None:
            progress.update()
    rows.sort(key=lambda r: r["day"])
    base = rows[0]["receptors_bound_mean"]
    for row in rows:
        row["signal"] = row["receptors_bound_mean"] / base if base > 0 else math.nan
        row["drug"] = course.drug
        row["dose_nM"] = course.dose_nM
    return rows


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


TIMELINE_COLUMNS = (
    "day",
    "phase",
    "drug",
    "dose_nM",
    "occupancy",
    "autoreceptor_sensitivity",
    "receptor_density",
    "firing_rate_hz",
    "window_ms",
    "period_ms",
    "action_potentials",
    "mean_cleft_uM",
    "receptor_occupancy_mean",
    "receptors_bound_mean",
    "signal",
    "released",
    "residual",
)
"""CSV columns (units: days, nM, fractions, Hz, ms, uM, receptors, molecules)."""


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return "" if math.isnan(v) else format(v, ".10g")
    return str(v)


def rows_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    """Rows as CSV text with ``columns`` (NaN and None, e.g. a signal without baseline, empty)."""
    lines = [",".join(columns)]
    lines += [",".join(_text(row[col]) for col in columns) for row in rows]
    return "\n".join(lines) + "\n"


def timeline_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV text with ``TIMELINE_COLUMNS``."""
    return rows_csv(rows, TIMELINE_COLUMNS)


def run_days(run: Callable[[Progress], list], n_days: int, stream: TextIO) -> list:
    """``run(progress)`` under a day progress bar; on Ctrl-C or SIGTERM say what was lost."""
    progress = Progress(n_days, label="timeline", unit="day", stream=stream)
    try:
        with stop_on_sigterm():
            return run(progress)
    except KeyboardInterrupt:
        progress.close()
        stream.write(f"timeline: stopped after {progress.done} of {n_days} days; no file written\n")
        raise
    finally:
        progress.close()


def write_course_files(
    paths: dict[str, Path],
    rows: list[dict[str, Any]],
    csv_text: str,
    doc: dict[str, Any],
    plot: Callable[[Path], None],
) -> None:
    """Write the checked ``--csv``, ``--json`` (``doc`` plus the rows) and ``--plot`` files.

    Each file is whole or absent (:func:`sim.runs.outputs.atomic_output`); NaN is
    written as JSON null.
    """
    import json

    from sim.runs.outputs import atomic_output

    if "--csv" in paths:
        with atomic_output(paths["--csv"], "w", newline="") as fh:
            fh.write(csv_text)
    if "--json" in paths:
        clean = [{k: (None if isinstance(v, float) and math.isnan(v) else v)
                  for k, v in r.items()} for r in rows]  # fmt: skip
        with atomic_output(paths["--json"], "w") as fh:
            fh.write(json.dumps({**doc, "rows": clean}, indent=2) + "\n")
    if "--plot" in paths:
        plot(paths["--plot"])


def plot_timeline(rows: list[dict[str, Any]], path: str | Path, title: str) -> None:
    """Two panels over days: receptor signal vs baseline; occupancy and sensitivity (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.runs.outputs import write_via

    pick = [r for r in rows if r["day"] >= 0]
    days = np.array([r["day"] for r in pick])
    fig, (a, b) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    a.plot(days, [r["signal"] for r in pick], "o-", color="#0072B2", label="receptor signal")
    a.axhline(1.0, color="0.4", ls="--", lw=1, label="drug-free baseline")
    a.set_ylabel("bound receptors\n(relative to baseline)")
    a.legend(loc="best")
    a.set_title(title)
    b.plot(days, [r["occupancy"] for r in pick], "s-", color="#D55E00", label="SERT occupancy")
    b.plot(days, [r["autoreceptor_sensitivity"] for r in pick], "^-", color="#009E73",
           label="autoreceptor sensitivity")  # fmt: skip
    b.plot(days, [r["receptor_density"] for r in pick], "v-", color="#CC79A7",
           label="postsynaptic receptor density")  # fmt: skip
    b.set_ylabel("fraction")
    b.set_xlabel("day of treatment")
    b.set_ylim(-0.05, 1.05)
    b.legend(loc="best", fontsize=8)
    fig.tight_layout()
    try:
        write_via(Path(path), lambda partial: fig.savefig(partial, format="png", dpi=100))
    finally:
        plt.close(fig)


def slow_parameters_dict() -> dict[str, float]:
    """The slow-state constants, for JSON output."""
    return asdict(SlowParameters())


def _days_text(days: list[int]) -> str:
    shown = ", ".join(str(d) for d in days[:8])
    return shown + (f" and {len(days) - 8} more" if len(days) > 8 else "")


def cli_timeline(
    *,
    workers: int | None,
    scheduler: str | None,
    csv_path: str | None,
    json_path: str | None,
    plot_path: str | None,
    stream=None,
    **settings: Any,
) -> int:
    """Body of ``python main.py timeline``: validate, run the days, print a table, write files.

    ``settings`` are the :class:`Course` (days, drug, dose_nM, start_day,
    stop_day, seed, preset, overrides, window_ms). Outputs are checked before
    any run and written by the output rule (whole files or nothing). Notes (a
    preset without tonic firing; days whose release outlasted the window) go
    to ``stream`` (stderr).

    Raises:
        ParameterError: any bad input, one line.
    """
    from sim.runs.outputs import check_outputs

    stream = sys.stderr if stream is None else stream
    course = Course(**settings)
    scheduler = check_scheduler(scheduler)
    n_workers = check_workers(workers, scheduler)
    paths = check_outputs({"--csv": csv_path, "--json": json_path, "--plot": plot_path})
    jobs = course.jobs()  # validates everything before the cluster starts
    if load_preset(course.preset, jobs[0]["overrides"]).params.firing_rate_hz <= 0:
        stream.write(
            f"timeline: preset '{course.preset}' has no tonic firing: each day measures one "
            "release at t = 0 (the raphe firing feedback does not apply)\n"
        )
    rows = run_days(
        lambda progress: run_course(course, n_workers, scheduler, progress), len(jobs), stream
    )
    late = [r["day"] for r in rows if r["residual"] > RESIDUAL_WARN]
    if late:
        worst = max(r["residual"] for r in rows)
        stream.write(
            f"timeline: note: on day(s) {_days_text(late)} the release was not cleared by the end "
            f"of the {course.window_ms:g} ms window (bound receptors at up to {worst:.0%} of their peak); "
            "those days' signal is underestimated: use a longer --window-ms\n"
        )
    print(
        f"{'day':>4} {'phase':>9} {'SERT occ':>8} {'auto sens':>9} {'firing Hz':>9} "
        f"{'APs':>4} {'cleft uM':>9} {'rec occ':>7} {'signal':>7}"
    )
    for r in rows:
        print(
            f"{r['day']:>4} {r['phase']:>9} {r['occupancy']:8.2f} "
            f"{r['autoreceptor_sensitivity']:9.2f} {r['firing_rate_hz']:9.0f} "
            f"{r['action_potentials']:>4} {r['mean_cleft_uM']:9.2f} "
            f"{r['receptor_occupancy_mean']:7.3f} {r['signal']:7.3f}"
        )
    doc = {
        "drug": course.drug,
        "dose_nM": course.dose_nM,
        "start_day": course.start_day,
        "stop_day": course.stop_day,
        "seed": course.seed,
        "preset": course.preset,
        "window_ms": course.window_ms,
        "slow_parameters": slow_parameters_dict(),
    }
    title = f"{course.drug} {course.dose_nM:g} nM, days {course.start_day}-{course.stop_day}"
    write_course_files(
        paths, rows, timeline_csv(rows), doc, lambda path: plot_timeline(rows, path, title)
    )
    return 0
