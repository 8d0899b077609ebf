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

Calibration (measured, not fitted to a test): running the default preset
(receptor Kd 300 uM) for 4 interspike intervals at dt = 20 ns, 6 seeds, 80%
occupancy from day 0 and a stop on day 28, bound receptors relative to the
drug-free baseline were 1.14-1.42 on day 1, 1.51-1.84 on day 21 (day 21 /
day 1 = 1.24-1.41) and 0.82-0.90 on day 28, the first day off the drug.

Each day the fast model (``sim.Synapse``) runs for ``window_ms`` at that day's
blockade, autoreceptor sensitivity, firing rate and receptor count, always
with the same seed (common random numbers), so day-to-day differences come
from the state, not from the dice. All slow-state constants other than the
desensitisation are assumed, and the program says so.
"""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from .headless import run_headless, summary
from .params import ParameterError, Parameters
from .pharmacology import sert_occupancy
from .presets import load_preset

TIMELINE_DT_NS = 20.0
"""Step of the daily fast runs unless overridden: 4.6 nm per axis (23% of the
cleft), half the cost of the default 10 ns; the calibration used it."""

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


def day_overrides(base: Parameters, state: DayState) -> dict[str, Any]:
    """Parameter overrides that put the fast model into ``state`` (shared with the window)."""
    return {
        "blockade": state.occupancy,
        "autoreceptor_sensitivity": state.autoreceptor_sensitivity,
        "firing_rate_hz": base.firing_rate_hz * state.firing_factor,
        "receptor_count": int(round(base.receptor_count * state.receptor_density)),
    }


def run_day(job: dict[str, Any]) -> dict[str, Any]:
    """Run the fast model at one day's state: a pure function of the job (picklable)."""
    state: DayState = job["state"]
    base = load_preset(job["preset"], job["overrides"]).params
    overrides = {**job["overrides"], **day_overrides(base, state)}
    overrides["firing_pattern"] = "regular"
    overrides["first_spike_ms"] = 0.0
    window_ms = job["isis"] * 1000.0 / overrides["firing_rate_hz"]
    preset, model = run_headless(job["preset"], window_ms, job["seed"], None, overrides)
    s = summary(preset, model)
    bound = s["receptor_occupancy_mean"] * overrides["receptor_count"]
    return {
        "day": state.day,
        "phase": "baseline" if state.day < 0 else ("on drug" if state.on_drug else "off drug"),
        "occupancy": state.occupancy,
        "autoreceptor_sensitivity": state.autoreceptor_sensitivity,
        "receptor_density": state.receptor_density,
        "firing_rate_hz": overrides["firing_rate_hz"],
        "mean_cleft_uM": s["mean_cleft_uM"],
        "receptor_occupancy_mean": s["receptor_occupancy_mean"],
        "receptors_bound_mean": bound,
        "released": s["released"],
    }


def run_timeline(
    days: int,
    drug: str,
    dose_nM: float,
    start_day: int,
    stop_day: int,
    seed: int = 0,
    preset: str = "default",
    overrides: dict | None = None,
    isis: int = 3,
    workers: int = 2,
    only_days: list[int] | None = None,
    progress=None,
) -> list[dict[str, Any]]:
    """Baseline plus one row per day; ``signal`` is bound receptors relative to baseline.

    Raises:
        ParameterError: for bad days, dose, drug or window.
    """
    if not 1 <= days <= 3650:
        raise ParameterError(f"days = {days} is out of range [1, 3650]")
    if not 0 <= start_day <= stop_day:
        raise ParameterError(
            f"start_day = {start_day} and stop_day = {stop_day} need 0 <= start <= stop"
        )
    if not 1 <= isis <= 1000:
        raise ParameterError(f"isis = {isis} is out of range [1, 1000] interspike intervals")
    f = sert_occupancy(drug, dose_nM)
    overrides = {"dt_ns": TIMELINE_DT_NS, **(overrides or {})}
    load_preset(preset, overrides)  # validate before starting workers
    states = [baseline_state(), *slow_states(days, f, start_day, stop_day)]
    if only_days is not None:
        states = [s for s in states if s.day < 0 or s.day in set(only_days)]
    jobs = [
        {"state": st, "preset": preset, "overrides": overrides, "seed": seed, "isis": isis}
        for st in states
    ]
    rows: list[dict[str, Any]] = []
    if workers <= 1:
        for i, job in enumerate(jobs):
            rows.append(run_day(job))
            if progress:
                progress(i + 1, len(jobs))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for i, row in enumerate(pool.map(run_day, jobs)):
                rows.append(row)
                if progress:
                    progress(i + 1, len(jobs))
    base = rows[0]["receptors_bound_mean"]
    for row in rows:
        row["signal"] = row["receptors_bound_mean"] / base if base > 0 else float("nan")
        row["drug"] = drug
        row["dose_nM"] = dose_nM
    return rows


TIMELINE_COLUMNS = (
    "day",
    "phase",
    "drug",
    "dose_nM",
    "occupancy",
    "autoreceptor_sensitivity",
    "receptor_density",
    "firing_rate_hz",
    "mean_cleft_uM",
    "receptor_occupancy_mean",
    "receptors_bound_mean",
    "signal",
    "released",
)


def timeline_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV text with ``TIMELINE_COLUMNS``."""
    lines = [",".join(TIMELINE_COLUMNS)]
    for row in rows:
        cells = []
        for col in TIMELINE_COLUMNS:
            v = row[col]
            cells.append(format(v, ".10g") if isinstance(v, float) else str(v))
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def plot_timeline(rows: list[dict[str, Any]], path: str, title: str) -> None:
    """Two panels over days: receptor signal vs baseline; occupancy and sensitivity."""
    import os
    import tempfile

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = np.array([r["day"] for r in rows if r["day"] >= 0])
    pick = [r for r in rows if r["day"] >= 0]
    fig, (a, b) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    a.plot(days, [r["signal"] for r in pick], "o-", color="#0072B2", label="receptor signal")
    a.axhline(1.0, color="0.4", ls="--", lw=1, label="drug-free baseline")
    a.set_ylabel("bound receptors\n(relative to baseline)")
    a.legend(loc="best")
    a.set_title(title)
    b.plot(days, [r["occupancy"] for r in pick], "s-", color="#D55E00", label="SERT occupancy")
    b.plot(
        days,
        [r["autoreceptor_sensitivity"] for r in pick],
        "^-",
        color="#009E73",
        label="autoreceptor sensitivity",
    )
    b.plot(
        days,
        [r["receptor_density"] for r in pick],
        "v-",
        color="#CC79A7",
        label="postsynaptic receptor density",
    )
    b.set_ylabel("fraction")
    b.set_xlabel("day of treatment")
    b.set_ylim(-0.05, 1.05)
    b.legend(loc="best", fontsize=8)
    fig.tight_layout()
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".png")
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=100)
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.unlink(tmp)


def slow_parameters_dict() -> dict[str, float]:
    """The slow-state constants, for JSON output."""
    return asdict(SlowParameters())
