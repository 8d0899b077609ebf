"""What a treatment course prints and writes: the table, CSV, JSON and plot of its days.

:func:`cli_timeline` is the body of ``python main.py timeline`` on a synapse
preset; the row formats and file writers here are shared with the tissue's
course (:mod:`sim.course.tissue_timeline`). Every output that shows doses
says that it teaches a mechanism and is not dosing advice
(:data:`sim.course.dosing.NOT_ADVICE`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from sim.course.dosing import NOT_ADVICE
from sim.course.slow import SlowParameters
from sim.course.timeline import RESIDUAL_WARN, Course, run_course
from sim.params.presets import load_preset
from sim.runs.engine import check_scheduler, check_workers
from sim.runs.progress import Progress, stop_on_sigterm

COURSE_COLUMNS = (
    "day",
    "dose_mg",
    "occupancy",
    "signal",
    "signal_se",
    "phase",
    "drug",
    "dose_nM",
    "raphe_5ht_rel",
    "autoreceptor_sensitivity",
)
"""The columns both scales' course files begin with: the day, the prescription, the signal, the
slow state (days, mg/day, fraction, ratio, ratio, text, text, nM, ratio, fraction)."""

TIMELINE_COLUMNS = (
    *COURSE_COLUMNS,
    "receptor_density",
    "firing_rate_hz",
    "window_ms",
    "period_ms",
    "action_potentials",
    "mean_cleft_uM",
    "receptor_occupancy_mean",
    "receptor_occupancy_se",
    "receptors_bound_mean",
    "released",
    "residual",
)
"""CSV columns (units: days, mg/day, fractions, ratios, nM, Hz, ms, uM, receptors, molecules).

``dose_mg`` is empty for a course given in nM (and ``dose_nM`` for one in mg);
``signal`` is bound receptors over the baseline day's, ``signal_se`` its SE
from the days' whole interspike intervals (empty when fewer than 2 fit)."""


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
    """Panels over days: signal (± SE), occupancy and adaptation, and the dose in mg if any (PNG).

    The figure carries the note that it teaches a mechanism, not dosing advice.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.runs.outputs import write_via

    pick = [r for r in rows if r["day"] >= 0]
    days = np.array([r["day"] for r in pick])
    doses = [r.get("dose_mg") for r in pick]
    n = 3 if any(d is not None for d in doses) else 2
    fig, axes = plt.subplots(n, 1, figsize=(8, 2.6 * n + 0.6), sharex=True)
    a, b = axes[0], axes[1]
    se = [0.0 if math.isnan(r.get("signal_se", math.nan)) else r["signal_se"] for r in pick]
    a.errorbar(days, [r["signal"] for r in pick], yerr=se, fmt="o-", color="#0072B2", ms=4,
               capsize=2, label="receptor signal (± SE)")  # fmt: skip
    a.axhline(1.0, color="0.4", ls="--", lw=1, label="drug-free baseline")
    a.set_ylabel("bound receptors\n(relative to baseline)")
    a.legend(loc="best", fontsize=8)
    a.set_title(title)
    b.plot(days, [r["occupancy"] for r in pick], "s-", color="#D55E00", label="SERT occupancy")
    b.plot(days, [r["autoreceptor_sensitivity"] for r in pick], "^-", color="#009E73",
           label="autoreceptor sensitivity")  # fmt: skip
    b.plot(days, [r["receptor_density"] for r in pick], "v-", color="#CC79A7",
           label="postsynaptic receptor density")  # fmt: skip
    b.set_ylabel("fraction")
    b.set_ylim(-0.05, 1.05)
    b.legend(loc="best", fontsize=8)
    if n == 3:
        c = axes[2]
        c.step(days, [d or 0.0 for d in doses], where="post", color="0.2", label="daily dose")
        c.set_ylabel("dose (mg/day)")
        c.legend(loc="best", fontsize=8)
    axes[-1].set_xlabel("day of treatment")
    fig.text(0.5, 0.005, NOT_ADVICE, ha="center", va="bottom", fontsize=8, color="0.3")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    try:
        write_via(Path(path), lambda partial: fig.savefig(partial, format="png", dpi=100))
    finally:
        plt.close(fig)


def slow_parameters_dict(slow: SlowParameters | None = None) -> dict[str, float]:
    """The slow-state constants (None: the synapse course's, :class:`SlowParameters`), for JSON."""
    return asdict(slow or SlowParameters())


def _days_text(days: list[int]) -> str:
    shown = ", ".join(str(d) for d in days[:8])
    return shown + (f" and {len(days) - 8} more" if len(days) > 8 else "")


def dose_text(dose_mg: float | None) -> str:
    """A day's dose for the printed table: mg with 3 significant digits, '-' for a course in nM."""
    return "-" if dose_mg is None else format(dose_mg, ".3g")


def course_title(drug: str, dose_nM: float, dose_mg: float | None, taper: str,
                 start_day: int, stop_day: int) -> str:  # fmt: skip
    """One line naming the course, for plots: drug, dose, taper and days."""
    if dose_mg is None:
        return f"{drug} {dose_nM:g} nM, days {start_day}-{stop_day}"
    return f"{drug} {dose_mg:g} mg/day, days {start_day}-{stop_day}, taper {taper}"


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
    print(NOT_ADVICE)
    print(
        f"{'day':>4} {'phase':>9} {'dose mg':>7} {'SERT occ':>8} {'auto sens':>9} "
        f"{'firing Hz':>9} {'raphe x':>7} {'APs':>4} {'cleft uM':>9} {'rec occ':>7} "
        f"{'signal':>7} {'se':>6}"
    )
    for r in rows:
        print(
            f"{r['day']:>4} {r['phase']:>9} {dose_text(r['dose_mg']):>7} {r['occupancy']:8.2f} "
            f"{r['autoreceptor_sensitivity']:9.2f} {r['firing_rate_hz']:9.0f} "
            f"{r['raphe_5ht_rel']:7.2f} {r['action_potentials']:>4} {r['mean_cleft_uM']:9.2f} "
            f"{r['receptor_occupancy_mean']:7.3f} {r['signal']:7.3f} {r['signal_se']:6.3f}"
        )
    doc = {
        "drug": course.drug,
        "dose_nM": course.dose_nM if course.dose_mg is None else None,
        "dose_mg": course.dose_mg,
        "taper": course.taper if course.dose_mg is not None else None,
        "start_day": course.start_day,
        "stop_day": course.stop_day,
        "seed": course.seed,
        "preset": course.preset,
        "window_ms": course.window_ms,
        "slow_parameters": slow_parameters_dict(course.slow),
        "note": NOT_ADVICE,
    }
    title = course_title(course.drug, course.dose_nM, course.dose_mg, course.taper,
                         course.start_day, course.stop_day)  # fmt: skip
    write_course_files(
        paths, rows, timeline_csv(rows), doc, lambda path: plot_timeline(rows, path, title)
    )
    return 0
