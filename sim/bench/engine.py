"""Benchmark of the real workload: the step at 1k-100k molecules near the synapse, headless speed.

A printed figure, never a timed test (machines are shared and noisy).

The workload is what a lecture shows: the ``default`` preset with firing off
and ``n`` free molecules injected uniformly within ``LECTURE_RADIUS_NM`` of
the synapse axis over the whole cleft height, where the receptors, the
autoreceptors and the SERT ring are, so capture and unbinding really happen
(a spread over the whole sheet would hide them: almost nothing reacts there).

Every figure goes through the public API (``Synapse.run_steps``,
``Synapse.step``, ``Synapse.run``) and excludes numba compilation (a small
model is stepped first) and a ``WARMUP_STEPS`` warm-up of each measured
model. ns per molecule-step divides the wall time by the steps times the
mean free count at the window's ends (the free count falls by <= 10% over a
window, so this is within 0.5% of the exact sum).

The peer comparison (``--peer smoldyn``) runs the same molecules in Smoldyn
(:mod:`sim.bench.peer_compare`, :mod:`sim.bench.peer`); the capture-accuracy
figures (``--capture``) are in :mod:`sim.bench.capture`; the lines of
``main.py bench`` are put together in :mod:`sim.bench.command`.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from sim.params.presets import load_preset
from sim.params.synapse import Parameters
from sim.runs.headless import build
from sim.synapse.model import Synapse

LECTURE_RADIUS_NM = 150.0
"""Molecules are placed uniformly within this distance of the synapse axis."""
SIZES = (1_000, 10_000, 100_000)
"""Free-molecule counts measured by default."""
STEPS = 1000
"""Steps per timed ``run_steps`` call (10 us at the default 10 ns step)."""
REPEATS = 3
"""Timed windows per size, each on a fresh model with the same molecules (same work)."""
SINGLE_STEPS = 200
"""``step()`` calls timed one at a time per size."""
WARMUP_STEPS = 100
"""Steps run on each model before its timed window (excluded)."""
HEADLESS_MS = 3.0
"""Simulated time of the timed headless run, ms."""
HEADLESS_WARMUP_MS = 0.5
"""Simulated time run before it (excluded), ms."""
SEED = 0

LECTURE_OVERRIDES = {"first_spike_ms": -1.0, "firing_rate_hz": 0.0}
"""The default preset with firing off: only the injected molecules are free."""


def lecture_params() -> Parameters:
    """The default preset with firing off."""
    return load_preset("default", LECTURE_OVERRIDES).params


def lecture_positions(params: Parameters, n_free: int, seed: int = SEED) -> np.ndarray:
    """(3, n_free) positions in nm, uniform within ``LECTURE_RADIUS_NM`` of the axis, 0 <= z <= W."""
    rng = np.random.default_rng(seed)
    r = LECTURE_RADIUS_NM * np.sqrt(rng.uniform(size=n_free))
    a = rng.uniform(0.0, 2.0 * np.pi, n_free)
    z = rng.uniform(0.0, params.cleft_width_nm, n_free)
    return np.stack([r * np.cos(a), r * np.sin(a), z])


def lecture_model(n_free: int, seed: int = SEED) -> Synapse:
    """Default-preset synapse, firing off, with ``n_free`` molecules near the synapse."""
    params = lecture_params()
    model = Synapse(params, seed=seed)
    x, y, z = lecture_positions(params, n_free, seed)
    model.inject(n_free, x, y, z)
    return model


@dataclass(frozen=True)
class StepFigure:
    """Step cost at one free-molecule count (medians over the repeats).

    Attributes:
        n_free: molecules injected.
        steps: steps per timed ``run_steps`` call.
        us_per_step: wall time per full step, us.
        us_range: (fastest, slowest) repeat, us per step.
        ns_per_molecule_step: wall time per free molecule per step, ns.
        single_us_per_step: the same work through ``step()`` one call at a time, us.
        single_ns_per_molecule_step: likewise per free molecule, ns.
        free_start, free_end: free molecules at the timed window's ends.
    """

    n_free: int
    steps: int
    us_per_step: float
    us_range: tuple[float, float]
    ns_per_molecule_step: float
    single_us_per_step: float
    single_ns_per_molecule_step: float
    free_start: int
    free_end: int


def warm_up_compiled_code() -> float:
    """Run every compiled path once on a small model; returns the wall time, s (excluded)."""
    t0 = time.perf_counter()
    model = lecture_model(200)
    model.run_steps(WARMUP_STEPS)
    model.step()
    _, fired = build("default", SEED)
    fired.run(0.01)
    return time.perf_counter() - t0


def measure_steps(
    n_free: int,
    steps: int = STEPS,
    repeats: int = REPEATS,
    single_steps: int = SINGLE_STEPS,
    seed: int = SEED,
) -> StepFigure:
    """Time ``run_steps(steps)`` on ``repeats`` fresh lecture models, then ``step()`` calls."""
    per_step, per_mol, ends = [], [], []
    for _ in range(repeats):
        model = lecture_model(n_free, seed)
        model.run_steps(WARMUP_STEPS)
        n0 = model.free.n
        t0 = time.perf_counter()
        model.run_steps(steps)
        wall = time.perf_counter() - t0
        n1 = model.free.n
        per_step.append(wall * 1e6 / steps)
        per_mol.append(wall * 1e9 / (steps * 0.5 * (n0 + n1)))
        ends.append((n0, n1))
    model = lecture_model(n_free, seed)
    model.run_steps(WARMUP_STEPS)
    molecule_steps = 0
    t0 = time.perf_counter()
    for _ in range(single_steps):
        molecule_steps += model.free.n
        model.step()
    wall = time.perf_counter() - t0
    return StepFigure(
        n_free=n_free,
        steps=steps,
        us_per_step=statistics.median(per_step),
        us_range=(min(per_step), max(per_step)),
        ns_per_molecule_step=statistics.median(per_mol),
        single_us_per_step=wall * 1e6 / single_steps,
        single_ns_per_molecule_step=wall * 1e9 / max(molecule_steps, 1),
        free_start=ends[0][0],
        free_end=ends[0][1],
    )


def step_line(fig: StepFigure) -> str:
    """One printed line for a :class:`StepFigure`."""
    lo, hi = fig.us_range
    return (
        f"step {fig.n_free:>8,} free near the synapse: {fig.us_per_step:8.1f} us per step, "
        f"{fig.ns_per_molecule_step:5.1f} ns per molecule-step "
        f"(run_steps({fig.steps}), median of {REPEATS}, {lo:.1f}-{hi:.1f} us); "
        f"step() one at a time: {fig.single_us_per_step:.1f} us per step, "
        f"{fig.single_ns_per_molecule_step:.1f} ns per molecule-step; "
        f"free {fig.free_start:,} -> {fig.free_end:,} over the window"
    )


def measure_headless(
    duration_ms: float = HEADLESS_MS, warmup_ms: float = HEADLESS_WARMUP_MS, seed: int = SEED
) -> dict[str, float]:
    """Simulated us per wall second of the default preset (as ``--headless`` builds it).

    Returns ``us_per_s``, ``wall_s``, ``mean_free`` (free molecules averaged
    over the timed window's ends) and ``released`` (molecules released in it).
    """
    _, model = build("default", seed)
    model.run(warmup_ms)
    n0, released0 = model.free.n, model.counters["released"]
    t0 = time.perf_counter()
    model.run(duration_ms)
    wall = time.perf_counter() - t0
    return {
        "us_per_s": duration_ms * 1000.0 / wall,
        "wall_s": wall,
        "mean_free": 0.5 * (n0 + model.free.n),
        "released": float(model.counters["released"] - released0),
    }


def headless_line(fig: dict[str, float], duration_ms: float, warmup_ms: float) -> str:
    """One printed line for :func:`measure_headless`."""
    return (
        f"headless default preset, seed {SEED}: {fig['us_per_s']:,.0f} us simulated per wall "
        f"second ({duration_ms:g} ms in {fig['wall_s']:.2f} s after a {warmup_ms:g} ms warm-up; "
        f"{fig['released']:,.0f} molecules released in it, ~{fig['mean_free']:,.0f} free)"
    )


def sim_bench(
    sizes: tuple[int, ...] = SIZES,
    steps: int = STEPS,
    headless_ms: float = HEADLESS_MS,
    figures: dict[int, StepFigure] | None = None,
    single_steps: int = SINGLE_STEPS,
) -> Iterator[str]:
    """Lines of the step and headless figures, yielded as each is measured.

    ``figures``, if given, receives the :class:`StepFigure` of each size (for
    the peer comparison).
    """
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    compile_s = warm_up_compiled_code()
    yield (
        f"bench: compilation/cache load ({compile_s:.1f} s) and a {WARMUP_STEPS}-step warm-up "
        f"of every model excluded; load average {load:.2f} on {os.cpu_count()} cores at start"
    )
    for n in sizes:
        fig = measure_steps(n, steps, single_steps=single_steps)
        if figures is not None:
            figures[n] = fig
        yield step_line(fig)
    warm = min(HEADLESS_WARMUP_MS, headless_ms / 5.0)
    yield headless_line(measure_headless(headless_ms, warm), headless_ms, warm)
