"""The mean-field course: each day's receptor signal from the mean-field ODE, in milliseconds.

A day's agent-based value (:func:`sim.course.day.run_day`) costs seconds of
CPU; this one costs about a millisecond, so the window can draw the whole
course as a curve the moment a course starts or a week passes, and the
agent-based days fill in as points when they arrive.

Per day: the day's parameters (:func:`sim.course.day.day_overrides`: SERT
blocked, firing rate, receptor count), the day's regular train within the
window (:func:`sim.course.day.day_plan`, the same run and period as the
agents), every action potential releasing its expected molecules
(``docked_vesicles * release_probability * initial_vesicle_fill *
molecules_per_vesicle``), and the two-compartment mean-field ODE of
:mod:`sim.synapse.meanfield` (same compartments, sites and rates,
:func:`sim.synapse.meanfield.compartments`) integrated by the same classical
fourth-order Runge-Kutta in a numba kernel. The signal is the day's mean
bound receptors over the drug-free, naive synapse's.

What it leaves out, so it is a guide to the shape, not the agents' numbers:
vesicle depletion and refilling, the terminal autoreceptors' inhibition of
release (so autoreceptor sensitivity acts only through the raphe firing of
the slow state), and the radial spread that keeps the agents' cleft peak
higher (two compartments; module doc of :mod:`sim.synapse.meanfield`). With
its lower cleft peak the receptors are further from saturation, so the
curve rises more with the block than the agents do; it moves the same way
(tests/sim/course/test_curve.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numba import njit

from sim.course.day import DAY_WINDOW_MS, SlowDay, day_overrides, day_plan
from sim.course.slow import baseline_state
from sim.params.synapse import Parameters
from sim.synapse.meanfield import MAX_RATE_DT
from sim.synapse.meanfield.compartments import compartments
from sim.synapse.meanfield.ode import _fastest_rate

CURVE_DT_US = 0.25
"""Runge-Kutta step of the curve, us (below the stability bound of the default preset at
80% block, 0.38 us; within 1e-4 of 0.05 us on a day's mean occupancy)."""


@njit(cache=True)
def _bound_integral(consts, rel_steps, rel_n, n_steps, h):  # pragma: no cover - numba kernel
    """Integral of bound receptors over ``n_steps`` RK4 steps of ``h`` us (receptor-us).

    A kernel (one tight loop over steps: no vectorised form); ``consts`` holds
    kx, kb, g_r, g_ac, g_ao, g_sc, g_so, n_r, n_ac, n_ao, n_sc, n_so,
    koff_r, koff_a, koff_s, kcat in that order (:func:`_constants`).
    """
    kx, kb, g_r, g_ac, g_ao, g_sc, g_so = consts[0:7]
    n_r, n_ac, n_ao, n_sc, n_so = consts[7:12]
    koff_r, koff_a, koff_s, kcat = consts[12:16]
    y = np.zeros(7)
    k = np.zeros((4, 7))
    tmp = np.zeros(7)
    total = 0.0
    nxt = 0
    for step in range(n_steps):
        while nxt < len(rel_steps) and rel_steps[nxt] <= step:
            y[0] += rel_n[nxt]
            nxt += 1
        total += 0.5 * h * y[2]
        for stage in range(4):
            if stage == 0:
                for i in range(7):
                    tmp[i] = y[i]
            else:
                a = h if stage == 3 else 0.5 * h
                for i in range(7):
                    tmp[i] = y[i] + a * k[stage - 1, i]
            c, o, r, ac, ao, sc, so = tmp[0], tmp[1], tmp[2], tmp[3], tmp[4], tmp[5], tmp[6]
            b_r = g_r * c * (n_r - r) - koff_r * r
            b_ac = g_ac * c * (n_ac - ac) - koff_a * ac
            b_ao = g_ao * o * (n_ao - ao) - koff_a * ao
            u_c = g_sc * c * (n_sc - sc)
            u_o = g_so * o * (n_so - so)
            x = kx * c - kb * o
            k[stage, 0] = -x - b_r - b_ac - u_c + koff_s * sc
            k[stage, 1] = x - b_ao - u_o + koff_s * so
            k[stage, 2] = b_r
            k[stage, 3] = b_ac
            k[stage, 4] = b_ao
            k[stage, 5] = u_c - (koff_s + kcat) * sc
            k[stage, 6] = u_o - (koff_s + kcat) * so
        for i in range(7):
            y[i] += h / 6.0 * (k[0, i] + 2.0 * (k[1, i] + k[2, i]) + k[3, i])
        total += 0.5 * h * y[2]
    return total


def _constants(params: Parameters) -> np.ndarray:
    """The two-compartment ODE's constants in the kernel's order (per us, per molecule)."""
    k = compartments(params, None, 1)
    vc, vo = (float(v) for v in k["volume_nm3"])
    g = float(k["conductance_nm3_per_us"][0])
    n_ac, n_ao = (float(v) for v in k["n_auto"])
    n_sc, n_so = (float(v) for v in k["n_sert"])
    return np.array(
        [g / vc, g / vo, k["kon_r"] / vc, k["kon_a"] / vc, k["kon_a"] / vo,
         k["kon_s"] / vc, k["kon_s"] / vo, k["n_receptor"], n_ac, n_ao, n_sc, n_so,
         k["koff_r"], k["koff_a"], k["koff_s"], k["kcat_s"]],
        dtype=float,
    )  # fmt: skip


def day_bound(base: Parameters, state: SlowDay, window_ms: float = DAY_WINDOW_MS) -> float:
    """Mean bound receptors over one firing period of ``state``'s day, mean field (receptors).

    The day's run and period are the agents' (:func:`sim.course.day.day_plan`).
    """
    params = base.with_overrides(**day_overrides(base, state))
    plan = day_plan(params.firing_rate_hz, window_ms, tonic=base.firing_rate_hz > 0)
    per_release = (
        base.docked_vesicles
        * base.release_probability
        * base.initial_vesicle_fill
        * base.molecules_per_vesicle
    )
    if plan.first_spike_ms < 0:
        times_us = np.zeros(0)
    elif base.firing_rate_hz > 0:
        isi_us = 1.0e6 / params.firing_rate_hz
        times_us = np.arange(0.0, plan.run_ms * 1000.0 - 1e-6, isi_us)
    else:
        times_us = np.zeros(1)
    n_steps = int(math.ceil(plan.run_ms * 1000.0 / CURVE_DT_US - 1e-9))
    k = compartments(params, None, 1)
    lam = _fastest_rate(k, per_release * max(1, len(times_us)))
    h = min(CURVE_DT_US, 0.9 * MAX_RATE_DT / lam)
    n_steps = int(math.ceil(plan.run_ms * 1000.0 / h - 1e-9))
    steps = np.ceil(times_us / h - 0.5 - 1e-9).astype(np.int64)
    counts = np.full(len(steps), per_release)
    total = _bound_integral(_constants(params), steps, counts, n_steps, h)
    return float(total) / (plan.period_ms * 1000.0)


def course_signal(
    base: Parameters, states: Sequence[SlowDay], window_ms: float = DAY_WINDOW_MS
) -> list[float]:
    """Each day's mean-field receptor signal: mean bound receptors over the naive, drug-free day's.

    ``base`` is the drug-free, naive synapse (the timeline's base, at its
    time step); NaN for every day when the baseline binds nothing.
    """
    ref = day_bound(base, baseline_state(), window_ms)
    if not ref > 0:
        return [math.nan] * len(states)
    return [day_bound(base, st, window_ms) / ref for st in states]
