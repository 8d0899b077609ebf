"""One day of a treatment course: the fast synapse run at a day's slow state.

A day's measurement is defined in simulated time. Each day the fast model
(``sim.Synapse``) runs at that day's blockade, autoreceptor sensitivity,
firing rate and receptor count for at most ``window_ms`` of simulated time
(``DAY_WINDOW_MS`` = 8 ms by default, 4 interspike intervals of the default
preset's drug-free 500 Hz), with a regular spike train from t = 0, always
with the same seed (common random numbers), so day-to-day differences come
from the state, not from the dice. What is reported is the mean over one
firing period in that train (:func:`day_plan`):

- when interspike intervals fit in the window, the run covers the whole
  intervals that fit (k = floor(window / ISI) of them) and the mean is over
  them: exact for the regular train, whatever the rate;
- when one interval is longer than the window (firing below 1/window, e.g.
  80 Hz on the first day at 80% occupancy), the run is the window with the
  one release at t = 0, and its integral is divided by the whole interval:
  this assumes the release has been cleared by the end of the window (true
  when the window is several clearance time constants long); the row's
  ``residual`` (bound receptors at the window's end over their peak) says
  how far that holds, and ``main.py timeline`` warns above 5%;
- when firing is zero (the autoreceptor feedback silences the raphe, e.g.
  paroxetine at 10 nM on day 0), there is no action potential: the run is the
  window without one and the signal is 0;
- a preset without tonic firing (``firing_rate_hz = 0``, e.g.
  ``single-release``) has no rate for the feedback to scale: every day gets
  the one action potential at t = 0 and the mean is over the window (the
  firing feedback does not apply; the command says so).

What a day costs, and why it is run this way (measured on the 2-core
machine under a load average of 12-20, CPU-s per day with the default 8 ms
window): at the step of before (20 ns, the terminal and the recorder every
1 us) 2.9-3.8 for a drug-free day and 7-8.4 for a drug day of four releases
at 80% block; at 80 ns (the terminal and the recorder every 8 us) 0.75 and 2.0,
and 0.56-0.64 and 0.9-1.6 once the kernel's pass over membrane crossings
was made cheaper; at :data:`TIMELINE_DT_NS` 160 ns (capture corrected for
the slab) 0.42-0.46 and ~1.0 on an idle machine (0.64x the CPU of the 80 ns
days over the 42-day reference course), and 11% less again with the
terminal every 16 us (:data:`DAY_SLOW_INTERVAL_US`). Where it goes, profiled on a drug
day at 160 ns (cProfile): the kernel's molecule-steps are ~82% (~2,800 free
molecules on average over the window), and ~55% of a drug-free day (~670);
the rest is the Python between its calls (terminal, recorder and
bookkeeping every 8 us, ~0.15-0.2 s a day); the day's own set-up is under
10 ms, and nothing runs before the measured window (it starts from
an empty cleft, which is the definition). The mean bound receptors, sampled every 8 us, are within
0.3% of the same run sampled every 1 us; the mean cleft concentration
(``mean_cleft_uM``) is not: the peak after each release lasts a few us, and
at 8 us it reads up to 15% below the 1 us sampling on drug-free days (on
drug days, where 5-HT lingers, within 2%). The first day-run of a worker
loads the numba kernels (~0.5 s); the course runner's workers are forked
from a process that loaded them (:mod:`sim.course.day_pool`).

The slow state itself (what a day's state is) belongs to the course
(:mod:`sim.course.timeline`); this module only reads the fields of
:class:`SlowDay`. :func:`run_day` is the pure unit of work the course runner
and the window's chart send to their workers.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from sim.params.presets import load_preset
from sim.params.synapse import Parameters, spec
from sim.synapse.memory import check_memory
from sim.synapse.model import Synapse

TIMELINE_DT_NS = 160.0
"""Step of the daily fast runs unless overridden, ns: 13.1 nm per axis (66% of the
cleft; the model refuses 70%). Between the two reflecting membranes the folded
Gaussian step is exact at any step (science.md 3); capture needs a correction.
Both capture rules (:mod:`sim.synapse.sites`: Andrews' for SERT, first-order
for the reversible receptors) count the crossings of a half-space, and the
cleft is a slab without molecules beyond its far wall: with the profile flat a
wall is crossed e^(-u^2/2) - u*sqrt(2 pi)*Phi(-u) (u = W/sigma) less often,
1.4% at 80 ns and 7.0% here, so both probabilities are raised by that much
(:func:`sim.synapse.capture.in_slab`). Measured with the slab of ``main.py
bench --capture`` (one reactive wall, 200,000 molecules, SE 0.25-0.3%) at the
day's reactivities, 3.32 nm/us (SERT) and 0.83 (receptors): before the
correction 2.0% and 0.4% slow at 80 ns, 8.2% and 6.7% slow here (14.7% and
11.9% at 240 ns); after it -0.5% and +0.2% at 80 ns, -1.3% and +1.0% here
(``tests/sim/synapse/test_validation.py`` holds 2%). Over the 42-day reference
course (6 seeds x 43 days) a day's bound receptors were 1.009 +- 0.010 of
the 20 ns reference as a day is run now (drug days 1.014 +- 0.014, off the
drug 0.999 +- 0.013), 1.008 +- 0.010 at 80 ns uncorrected; ``tests/sim/course/test_day_agreement.py`` checks the course
against the same days at 20 ns (the step before the 80 ns one, 4x its cost)."""


DAY_SLOW_INTERVAL_US = 16.0
"""The terminal's interval in a day's run, us (the model's default is 1 us). A day reads
only means over whole interspike intervals (>= 1.4 ms); spikes fall on their own steps
whatever the interval, and the terminal's probabilities are exact per interval (docking
5.2%, cytosol 4% per 16 us; the autoreceptor signal's time constant is 0.5 ms): 16x fewer
Python calls than at 1 us. From 8 us to 16 us a day's CPU fell 10-11% (197 against 219
CPU-s over the 42-day reference course, 6 seeds), its values 1.009 +- 0.010 of the
reference against 1.010 +- 0.010."""

DAY_SAMPLE_INTERVAL_US = 8.0
"""The recorder's sample interval in a day's run, us. Sampled every 8 us a day's mean bound
receptors are within 0.3% of the same run sampled every 1 us; every 16 us they read up to
0.9% low (the first microseconds after each spike fall between samples at the same phase),
for 4% of the day's CPU."""

DAY_WINDOW_MS = 8.0
"""Default simulated time budget of one day's run, ms (4 drug-free interspike
intervals of the default preset; about 5 clearance time constants at 80% block)."""

RESIDUAL_WARN = 0.05
"""Bound receptors left at the window's end, over their peak, above which the
command warns that one release outlasted the window."""

MAX_FIRING_HZ = float(spec("firing_rate_hz")["hi"])
"""Highest firing rate a day may have (the parameter's declared range), Hz."""


@contextlib.contextmanager
def coarse_step_accepted() -> Iterator[None]:
    """Build a day's model without the model's step-length note.

    :data:`TIMELINE_DT_NS` is past the note's 25% of the cleft on purpose (the
    agreement test checks the day's values); every other warning still shows.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Cleft: step length")
        yield


class SlowDay(Protocol):
    """The fields of a day's slow state that its fast run reads (taken at the start of the day)."""

    day: int
    on_drug: bool
    occupancy: float
    autoreceptor_sensitivity: float
    receptor_density: float
    firing_factor: float


def day_overrides(base: Parameters, state: SlowDay) -> dict[str, Any]:
    """Parameter overrides that put the fast model into ``state`` (shared with the window).

    The firing rate is the base rate times the day's firing factor (up to
    x1.56 off drug with desensitised autoreceptors), capped at the
    parameter's declared maximum so that any preset gives valid parameters.
    """
    return {
        "blockade": state.occupancy,
        "autoreceptor_sensitivity": state.autoreceptor_sensitivity,
        "firing_rate_hz": min(MAX_FIRING_HZ, base.firing_rate_hz * state.firing_factor),
        "receptor_count": int(round(base.receptor_count * state.receptor_density)),
    }


@dataclass(frozen=True)
class DayPlan:
    """How one day's fast run covers its firing period (see the module docstring).

    Attributes:
        run_ms: simulated time to run, ms (never more than the window).
        period_ms: the time the run's integral stands for, ms (the means are over it).
        first_spike_ms: first action potential, ms (-1: none).
    """

    run_ms: float
    period_ms: float
    first_spike_ms: float


def day_plan(rate_hz: float, window_ms: float, tonic: bool = True) -> DayPlan:
    """The run of a day firing regularly at ``rate_hz`` within ``window_ms`` of simulated time.

    Args:
        rate_hz: the day's firing rate, Hz (>= 0).
        window_ms: the simulated time budget, ms (> 0).
        tonic: the preset fires tonically; False (a preset with rate 0, such as
            ``single-release``) gives every day one action potential at t = 0.

    Returns:
        Whole interspike intervals when at least one fits in the window; else
        the window with one release standing for the whole interval; for rate
        0 the window without an action potential (or with the preset's single
        release when not ``tonic``).
    """
    if not tonic:
        return DayPlan(window_ms, window_ms, 0.0)
    if rate_hz <= 0:
        return DayPlan(window_ms, window_ms, -1.0)
    isi_ms = 1000.0 / rate_hz
    whole = math.floor(window_ms / isi_ms + 1e-9)
    if whole >= 1:  # the 1e-9 absorbs rounding; the run never exceeds the window
        run = min(whole * isi_ms, window_ms)
        return DayPlan(run, run, 0.0)
    return DayPlan(window_ms, isi_ms, 0.0)


def run_day(job: dict[str, Any]) -> dict[str, Any]:
    """Run the fast model at one day's state: a pure function of the job (picklable).

    Args:
        job: ``state`` (:class:`DayState`), ``preset`` (name or .toml path),
            ``overrides`` (drug-free base overrides), ``seed`` and
            ``window_ms`` (simulated time budget of the day, ms); optional
            ``slow_interval_us`` (the terminal's, :data:`DAY_SLOW_INTERVAL_US`; the
            sample interval is the shorter of it and :data:`DAY_SAMPLE_INTERVAL_US`,
            whatever the overrides say). A job from
            an older caller may give ``isis`` instead: that many interspike
            intervals of the *drug-free* rate, i.e. the same window for every
            day (``DAY_WINDOW_MS`` if the base does not fire).

    Returns:
        The day's row: the slow state, ``firing_rate_hz``, ``window_ms`` (the
        simulated time run, ms), ``period_ms`` (what the means are over, ms),
        ``action_potentials``, per-period means ``mean_cleft_uM`` (uM),
        ``receptor_occupancy_mean`` (fraction) with its SE
        ``receptor_occupancy_se`` (from the whole intervals; NaN when fewer
        than 2), ``receptors_bound_mean`` (receptors), the state's ``dose_mg``
        and ``raphe_5ht_rel`` when it has them, ``released`` (molecules) and ``residual`` (bound
        receptors at the window's end over their peak, when one release
        stands for a longer interval; else 0).
    """
    state: SlowDay = job["state"]
    base = load_preset(job["preset"], job["overrides"]).params
    if "window_ms" in job:
        window_ms = float(job["window_ms"])
    elif base.firing_rate_hz > 0:
        window_ms = job["isis"] * 1000.0 / base.firing_rate_hz
    else:
        window_ms = DAY_WINDOW_MS
    slow_us = float(job.get("slow_interval_us", DAY_SLOW_INTERVAL_US))
    sample_us = min(slow_us, DAY_SAMPLE_INTERVAL_US)
    overrides = {**job["overrides"], **day_overrides(base, state), "sample_interval_us": sample_us}
    plan = day_plan(overrides["firing_rate_hz"], window_ms, tonic=base.firing_rate_hz > 0)
    overrides["firing_pattern"] = "regular"
    overrides["first_spike_ms"] = plan.first_spike_ms
    params = load_preset(job["preset"], overrides).params
    check_memory(params)
    with coarse_step_accepted():
        model = Synapse(params, seed=job["seed"], slow_interval_us=slow_us)
    model.run(plan.run_ms)
    rec = model.recorder  # the means the summary gives, without its clearance fit
    occ = rec.column("receptor_occupancy")
    per_period = plan.run_ms / plan.period_ms
    occupancy = float(np.mean(occ)) * per_period
    occupancy_se = _interval_se(occ, model.counters["action_potentials"], plan)
    residual = 0.0
    if plan.period_ms > plan.run_ms:
        peak = float(np.max(occ)) if len(occ) else 0.0
        residual = float(occ[-1]) / peak if peak > 0 else 0.0
    return {
        "day": state.day,
        "phase": "baseline" if state.day < 0 else ("on drug" if state.on_drug else "off drug"),
        "occupancy": state.occupancy,
        "autoreceptor_sensitivity": state.autoreceptor_sensitivity,
        "receptor_density": state.receptor_density,
        "firing_rate_hz": overrides["firing_rate_hz"],
        "window_ms": plan.run_ms,
        "period_ms": plan.period_ms,
        "action_potentials": model.counters["action_potentials"],
        "mean_cleft_uM": float(np.mean(rec.column("cleft_uM"))) * per_period,
        "receptor_occupancy_mean": occupancy,
        "receptor_occupancy_se": occupancy_se,
        "receptors_bound_mean": occupancy * overrides["receptor_count"],
        "dose_mg": getattr(state, "dose_mg", None),
        "raphe_5ht_rel": getattr(state, "raphe_5ht_rel", math.nan),
        "released": model.counters["released"],
        "residual": residual,
    }


def _interval_se(occ: np.ndarray, action_potentials: int, plan: DayPlan) -> float:
    """SE of the day's mean receptor occupancy from its whole interspike intervals.

    The run covers k whole intervals of a regular train (k = action
    potentials): the mean over each is one sample, and the SE is their sd
    over sqrt(k) (intervals nearly independent once each release has been
    cleared within its interval). NaN when fewer than 2 intervals fit.
    """
    k = int(action_potentials)
    if plan.period_ms != plan.run_ms or k < 2 or len(occ) < k:
        return math.nan
    means = np.array([c.mean() for c in np.array_split(occ, k)])
    return float(np.std(means, ddof=1) / math.sqrt(k))


def expected_cost(job: dict[str, Any]) -> float:
    """Relative cost of a day's run: simulated time, times the free 5-HT a block keeps around."""
    base = load_preset(job["preset"], job["overrides"]).params
    state: SlowDay = job["state"]
    rate = day_overrides(base, state)["firing_rate_hz"]
    plan = day_plan(rate, job["window_ms"], tonic=base.firing_rate_hz > 0)
    return plan.run_ms * (1.0 + rate / 500.0) / max(0.05, 1.0 - state.occupancy)
