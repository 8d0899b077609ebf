"""Benchmark of the simulation step: nanoseconds per free-molecule step.

A printed figure, never a timed test (CI machines are shared and noisy).
"""

from __future__ import annotations

import time

import numpy as np

from .model import Synapse
from .presets import load_preset


def populated_model(n_free: int, seed: int = 0) -> Synapse:
    """Default-preset synapse with no firing and ``n_free`` molecules spread over the sheet."""
    preset = load_preset("default", {"first_spike_ms": -1.0, "firing_rate_hz": 0.0})
    model = Synapse(preset.params, seed=seed)
    rng = np.random.default_rng(seed)
    n_points = 200
    r = model.params.outer_radius_nm * np.sqrt(rng.uniform(size=n_points))
    a = rng.uniform(0, 2 * np.pi, n_points)
    z = rng.uniform(0.5, model.width_nm - 0.5, n_points)
    counts = np.full(n_points, n_free // n_points)
    counts[: n_free % n_points] += 1
    for i in range(n_points):
        model.inject(int(counts[i]), r[i] * np.cos(a[i]), r[i] * np.sin(a[i]), z[i])
    return model


def step_cost_ns(n_free: int, steps: int = 300, repeats: int = 5) -> tuple[float, float]:
    """Median ns per molecule-step over ``repeats`` timings; also the per-step ms."""
    model = populated_model(n_free)
    for _ in range(30):
        model.step()
    per_mol, per_step = [], []
    for _ in range(repeats):
        molecule_steps = 0
        t0 = time.perf_counter()
        for _ in range(steps):
            molecule_steps += model.free.n
            model.step()
        dt = time.perf_counter() - t0
        per_mol.append(dt * 1e9 / molecule_steps)
        per_step.append(dt * 1e3 / steps)
    return float(np.median(per_mol)), float(np.median(per_step))


def sim_bench(sizes: tuple[int, ...] = (10_000, 100_000)) -> list[str]:
    """Lines reporting the step cost at each number of free molecules."""
    lines = []
    for n in sizes:
        ns, ms = step_cost_ns(n)
        lines.append(
            f"sim step: {n:>7,d} free molecules: {ns:6.1f} ns per molecule-step "
            f"({ms:.3f} ms per step)"
        )
    return lines
