"""The treatment timeline told in nanomolar: each day's slow state run on the tissue model.

``python main.py timeline --preset tissue`` takes the slow state over days
of the synapse timeline (:func:`sim.course.timeline.slow_states`: SERT occupancy by
the drug, autoreceptor desensitisation, raphe firing through the
somatodendritic 5-HT1A feedback) and runs each day on the tissue
(:func:`sim.tissue.day.run_tissue_day`) instead of the synapse:

- the day's blockade is the drug's SERT occupancy (the competitive SSRI of
  :mod:`sim.tissue.model`);
- its firing rate is the preset's tonic rate times the day's firing factor;
- its autoreceptor desensitisation acts where the timeline puts it, on the
  somatodendritic 5-HT1A receptors that set the raphe's firing (Le Poul et
  al. 1995); the tissue's terminal 5-HT1B feedback stays naive (assumed: its
  desensitisation is slower, smaller and region dependent, Blier & de
  Montigny 1994; applying the 5-HT1A figures to it would put the ambient
  level above 1 uM by day 7, far beyond any microdialysis figure);
- the postsynaptic receptor density has no counterpart in the tissue (it has
  no receptors of its own); the ``signal`` column multiplies it with the
  ambient level relative to baseline (receptors far below saturation,
  assumed). Its density is the synapse course's, with the same constants
  (:class:`sim.course.slow.SlowParameters`: the hypothesised postsynaptic
  down-regulation, magnitude and speed assumed; ``receptor_down`` 0 leaves
  it out), so that after an abrupt stop this signal falls below baseline
  while the ambient level itself does not.

The tissue is a terminal field (hippocampus-like): an acute therapeutic
occupancy cuts raphe firing to ~54% (the closed 5-HT1A loop of
:mod:`sim.course.slow`, calibrated to the raphe's 270%) and the terminal
5-HT1B feedback acts on top, so the ambient level rises less than the
raphe's: a blunted rise (Bel & Artigas 1992: 191% in hippocampus).

Each day runs ``duration_ms`` of tissue time (default 10 s, at 5 ms steps:
the tests find the steady state within 2% of the mean field at 5-10 ms, and
it costs 40% of the preset's 2 ms) from that day's
mean-field steady state with the same seed (common random numbers), and
reports the mean ambient level over the last third (:func:`sim.tissue.summary.ambient_window`)
and its ratio to the drug-free baseline day. Days are jobs for
:func:`sim.runs.engine.run_jobs`, so they run on local workers or a Dask cluster
and the rows do not depend on where they ran.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from sim.course.checks import check_course, check_window, slow_for
from sim.course.dosing import NOT_ADVICE
from sim.course.report import (
    COURSE_COLUMNS,
    course_title,
    dose_text,
    rows_csv,
    run_days,
    slow_parameters_dict,
    write_course_files,
)
from sim.course.slow import baseline_state
from sim.params.presets import load_preset
from sim.params.synapse import ParameterError
from sim.runs.engine import check_scheduler, check_workers, run_jobs
from sim.runs.progress import Progress
from sim.tissue.day import DAY_KEYS, run_tissue_day
from sim.tissue.theory import steady_state_nM

DAY_DURATION_MS = 10_000.0
"""Tissue time per day, ms (the mean is over the last third: 3.3 s)."""

TIMELINE_DT_MS = 5.0
"""Tissue step on a timeline day, ms (``--set dt_ms=...`` overrides it)."""

DURATION_RANGE_MS = (300.0, 600_000.0)
"""Allowed tissue time per day, ms."""

TERMINAL_SENSITIVITY = 1.0
"""Terminal 5-HT1B sensitivity on every day (naive; see the module doc)."""

MAX_DAY_NM = 1_000.0
"""Highest mean-field level a day may reach, nM: ~10^6 molecules in the default cube,
about 15 s of wall time per tissue second; beyond it the course is refused up front."""

TISSUE_TIMELINE_COLUMNS = (
    *COURSE_COLUMNS,
    "terminal_sensitivity",
    "receptor_density",
    "firing_rate_hz",
    "duration_ms",
    "ambient_nM",
    "ambient_nM_sd",
    "ambient_nM_se",
    "ambient_rel",
    "ambient_rel_se",
    "steady_state_nM_meanfield",
    "autoreceptor_occupancy_mean",
    "vesicles_per_ap_mean",
)
"""CSV columns (days, mg/day, fractions, ratios, nM, Hz, ms, nM, fraction, vesicles per AP).

``signal`` is receptor density x ambient level over the baseline day's
(:func:`add_signal`); ``raphe_5ht_rel`` the slow state's raphe level;
``autoreceptor_sensitivity`` is the somatodendritic 5-HT1A one (it sets the
firing); ``terminal_sensitivity`` the tissue's 5-HT1B one."""


def _phase(state) -> str:
    """As the synapse timeline: baseline, on drug or off drug."""
    if state.day < 0:
        return "baseline"
    return "on drug" if state.on_drug else "off drug"


def tissue_timeline_jobs(
    days: int,
    drug: str,
    dose_nM: float,
    start_day: int,
    stop_day: int,
    seed: int = 0,
    preset: str = "tissue",
    overrides: dict | None = None,
    duration_ms: float = DAY_DURATION_MS,
    dose_mg: float | None = None,
    taper: str = "abrupt",
    receptor_down: float | None = None,
) -> list[dict[str, Any]]:
    """Validate a course on the tissue and return its day jobs (the baseline first).

    The drug is a free concentration ``dose_nM`` or, when ``dose_mg`` is not
    None, a daily dose with a ``taper`` (:func:`sim.course.timeline.check_course`);
    ``receptor_down`` is the slow state's postsynaptic down-regulation
    (:func:`sim.course.checks.slow_for`).

    Everything is checked before any run: the day numbers, the drug and dose,
    the seed, the duration, the preset (a tissue preset) and overrides (none
    of the day's own keys), and every day's mean-field level (at most
    ``MAX_DAY_NM``).

    Raises:
        ParameterError: one-line message for any bad input.
    """
    if load_preset(preset).model != "tissue":
        raise ParameterError(f"preset {preset!r} is not a tissue preset")
    overrides = {"dt_ms": TIMELINE_DT_MS, **(overrides or {})}
    states = check_course(days, start_day, stop_day, seed, drug, dose_nM, overrides, DAY_KEYS,
                          dose_mg, taper, slow_for(receptor_down))  # fmt: skip
    duration_ms = check_window(duration_ms, DURATION_RANGE_MS, "ms of tissue time per day")
    base = load_preset(preset, overrides)
    jobs = []
    for st in (baseline_state(), *states):
        day = {
            "blockade": st.occupancy,
            "firing_rate_hz": base.params.firing_rate_hz * st.firing_factor,
            "autoreceptor_sensitivity": TERMINAL_SENSITIVITY,
        }
        level = steady_state_nM(base.params.with_overrides(**day))
        if level > MAX_DAY_NM:
            raise ParameterError(
                f"day {max(st.day, 0)}: {drug} at {st.occupancy:.1%} of SERT "
                f"puts the tissue at {level:,.0f} nM (limit {MAX_DAY_NM:,.0f} nM, ~10^6 "
                "molecules per day); lower the dose or --set cube_um"
            )
        jobs.append({**day, "seed": seed, "duration_ms": duration_ms, "preset": preset,
                     "overrides": overrides, "state": st, "meanfield_nM": level})  # fmt: skip
    return jobs


def meanfield_signal(jobs: list[dict[str, Any]]) -> list[tuple[int, float]]:
    """(day, signal) of each day job from the mean field, without running the days.

    The signal as :func:`add_signal` defines it, with each day's mean-field
    steady state in place of the measured level (the first job is the
    baseline). Cheap: for comparing courses over months.
    """
    base = jobs[0]["meanfield_nM"]
    return [(j["state"].day, j["state"].receptor_density * j["meanfield_nM"] / base) for j in jobs]


def _run_job(job: dict[str, Any]) -> dict[str, Any]:
    """One day (picklable): :func:`run_tissue_day` on the job without its slow state."""
    return run_tissue_day({k: v for k, v in job.items() if k not in ("state", "meanfield_nM")})


def run_tissue_timeline(
    jobs: list[dict[str, Any]],
    drug: str,
    dose_nM: float,
    workers: int = 2,
    scheduler: str | None = None,
    progress: Progress | None = None,
    dose_mg: float | None = None,
) -> list[dict[str, Any]]:
    """Run the day jobs; one row per day sorted by day, ``ambient_rel`` over the baseline day."""
    rows: list[dict[str, Any]] = [{} for _ in jobs]
    if progress is not None:
        progress.start(0)
    for i, result in run_jobs(_run_job, jobs, workers=workers, scheduler=scheduler):
        st = jobs[i]["state"]
        rows[i] = {
            **result,
            "day": st.day,
            "phase": _phase(st),
            "drug": drug,
            "dose_nM": dose_nM,
            "occupancy": st.occupancy,
            "autoreceptor_sensitivity": st.autoreceptor_sensitivity,
            "terminal_sensitivity": TERMINAL_SENSITIVITY,
            "receptor_density": st.receptor_density,
            "duration_ms": jobs[i]["duration_ms"],
            "dose_mg": st.dose_mg,
            "raphe_5ht_rel": st.raphe_5ht_rel,
        }
        if progress is not None:
            progress.update()
    rows.sort(key=lambda r: r["day"])
    base = rows[0]
    for row in rows:
        add_signal(row, base)
        if dose_mg is not None:
            row["dose_nM"] = None
    return rows


def add_signal(row: dict[str, Any], base: dict[str, Any]) -> None:
    """``ambient_rel`` (over the baseline day) and ``signal`` = receptor density x ambient_rel.

    The tissue has no receptors of its own: ``signal`` is what postsynaptic
    receptors working far below saturation would report (their activation
    proportional to the level, their number the slow state's density;
    assumed). SEs from each day's autocorrelation-corrected SE of the mean.
    """
    b, c = base["ambient_nM"], row["ambient_nM"]
    row["ambient_rel"] = c / b if b > 0 else math.nan
    rel = math.hypot(row["ambient_nM_se"] / c, base["ambient_nM_se"] / b) if row is not base else 0
    row["ambient_rel_se"] = row["ambient_rel"] * rel
    row["signal"] = row["receptor_density"] * row["ambient_rel"]
    row["signal_se"] = row["receptor_density"] * row["ambient_rel_se"]


def tissue_timeline_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV text with ``TISSUE_TIMELINE_COLUMNS``."""
    return rows_csv(rows, TISSUE_TIMELINE_COLUMNS)


def plot_tissue_timeline(rows: list[dict[str, Any]], path: str | Path, title: str) -> None:
    """Two panels over days: ambient 5-HT in nM with the measured band; the slow state (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.params.tissue import AMBIENT_RANGE_NM
    from sim.runs.outputs import write_via

    pick = [r for r in rows if r["day"] >= 0]
    days = np.array([r["day"] for r in pick])
    fig, (a, b) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    lo, hi = AMBIENT_RANGE_NM
    a.axhspan(lo, hi, color="0.85", label=f"measured drug-free range {lo:g}-{hi:g} nM")
    a.errorbar(days, [r["ambient_nM"] for r in pick], yerr=[r["ambient_nM_sd"] for r in pick],
               fmt="o-", color="#0072B2", ms=4, capsize=2,
               label="ambient 5-HT (mean ± sd over the day's last third)")  # fmt: skip
    a.set_ylabel("extracellular 5-HT (nM)")
    a.legend(loc="center right", fontsize=8)  # off the points: the course sits at left and low
    a.set_title(title)
    b.plot(days, [r["occupancy"] for r in pick], "s-", color="#D55E00", label="SERT occupancy")
    b.plot(days, [r["autoreceptor_sensitivity"] for r in pick], "^-", color="#009E73",
           label="5-HT1A autoreceptor sensitivity (raphe)")  # fmt: skip
    base_rate = rows[0]["firing_rate_hz"]
    b.plot(days, [r["firing_rate_hz"] / base_rate for r in pick], "v-", color="#CC79A7",
           label="raphe firing (relative)")  # fmt: skip
    b.set_ylabel("fraction")
    b.set_xlabel("day of treatment")
    b.legend(loc="best", fontsize=8)
    fig.tight_layout()
    try:
        write_via(Path(path), lambda partial: fig.savefig(partial, format="png", dpi=100))
    finally:
        plt.close(fig)


def cli_tissue_timeline(
    *,
    days: int,
    drug: str,
    dose_nM: float,
    start_day: int,
    stop_day: int,
    seed: int,
    preset: str,
    overrides: dict[str, Any],
    duration_ms: float | None,
    workers: int | None,
    dose_mg: float | None = None,
    taper: str = "abrupt",
    receptor_down: float | None = None,
    scheduler: str | None,
    csv_path: str | None,
    json_path: str | None,
    plot_path: str | None,
    stream=None,
) -> int:
    """Body of ``python main.py timeline --preset tissue``: validate, run, print, write files."""
    from sim.runs.outputs import check_outputs

    stream = sys.stderr if stream is None else stream
    scheduler = check_scheduler(scheduler)
    n_workers = check_workers(workers, scheduler)
    paths = check_outputs({"--csv": csv_path, "--json": json_path, "--plot": plot_path})
    duration_ms = DAY_DURATION_MS if duration_ms is None else duration_ms
    jobs = tissue_timeline_jobs(
        days, drug, dose_nM, start_day, stop_day, seed, preset, overrides, duration_ms,
        dose_mg, taper, receptor_down,
    )  # fmt: skip
    rows = run_days(
        lambda progress: run_tissue_timeline(
            jobs, drug, dose_nM, n_workers, scheduler, progress, dose_mg
        ),
        len(jobs),
        stream,
    )
    print(NOT_ADVICE)
    print(
        f"{'day':>4} {'phase':>9} {'dose mg':>7} {'SERT occ':>8} {'auto sens':>9} "
        f"{'firing Hz':>9} {'raphe x':>7} {'ambient nM':>10} {'se':>4} {'x base':>6} "
        f"{'signal':>6} {'se':>5}"
    )
    for r in rows:
        print(
            f"{r['day']:>4} {r['phase']:>9} {dose_text(r['dose_mg']):>7} {r['occupancy']:8.2f} "
            f"{r['autoreceptor_sensitivity']:9.2f} {r['firing_rate_hz']:9.2f} "
            f"{r['raphe_5ht_rel']:7.2f} {r['ambient_nM']:10.1f} {r['ambient_nM_se']:4.1f} "
            f"{r['ambient_rel']:6.2f} {r['signal']:6.2f} {r['signal_se']:5.2f}"
        )
    doc = {
        "model": "tissue",
        "drug": drug,
        "dose_nM": None if dose_mg is not None else dose_nM,
        "dose_mg": dose_mg,
        "taper": taper if dose_mg is not None else None,
        "start_day": start_day,
        "stop_day": stop_day,
        "seed": seed,
        "preset": preset,
        "duration_ms": duration_ms,
        "slow_parameters": slow_parameters_dict(slow_for(receptor_down)),
        "note": NOT_ADVICE,
    }
    title = "tissue: " + course_title(drug, dose_nM, dose_mg, taper, start_day, stop_day)
    write_course_files(
        paths, rows, tissue_timeline_csv(rows), doc,
        lambda path: plot_tissue_timeline(rows, path, title),
    )  # fmt: skip
    return 0
