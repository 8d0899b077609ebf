"""The mean-field ODE integrated: classical fourth-order Runge-Kutta with a fixed step.

The right-hand side is bilinear in free molecules and empty sites; every term
moves molecules between populations, so free + bound + taken up equals the
molecules released, to round-off. Two compartments run in plain floats, more
(``shells`` > 1) as numpy arrays. See :mod:`sim.synapse.meanfield`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from sim.params.synapse import ParameterError, Parameters
from sim.params.units import count_to_uM
from sim.synapse.meanfield.compartments import compartments

MAX_RATE_DT = 2.0
"""Refuse a step with (largest rate) * dt above this: RK4 is stable for a
decaying mode only below 2.785, and accurate well below 1."""

OUTPUT_KEYS: tuple[str, ...] = (
    "time_ms",
    "free_cleft",
    "free_outside",
    "free_total",
    "cleft_uM",
    "receptor_occupancy",
    "autoreceptor_occupancy",
    "sert_bound",
    "taken_up",
    "released",
)
"""Arrays returned by :func:`simulate` and :func:`sim.synapse.meanfield.prediction.from_model`."""


def _check_inputs(
    release_times_us: Sequence[float],
    release_counts: Sequence[float],
    t_end_us: float,
    dt_us: float,
    sample_us: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    for name, value in (("t_end_us", t_end_us), ("dt_us", dt_us)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
            raise ParameterError(f"{name} = {value!r} must be a number")
        if not math.isfinite(value):
            raise ParameterError(f"{name} = {value} is not finite")
    if t_end_us < 0:
        raise ParameterError(f"t_end_us = {t_end_us} must be >= 0")
    if dt_us <= 0:
        raise ParameterError(f"dt_us = {dt_us} must be > 0")
    if sample_us is not None and not (math.isfinite(sample_us) and sample_us > 0):
        raise ParameterError(f"sample_us = {sample_us} must be a finite number > 0")
    times = np.asarray(release_times_us, dtype=float).ravel()
    counts = np.asarray(release_counts, dtype=float).ravel()
    if times.shape != counts.shape:
        raise ParameterError(
            f"release_times_us ({times.size}) and release_counts ({counts.size}) differ in length"
        )
    if not (np.isfinite(times).all() and np.isfinite(counts).all()):
        raise ParameterError("release times and counts must be finite")
    if (times < 0).any() or (counts < 0).any():
        raise ParameterError("release times and counts must be >= 0")
    return times, counts


def _fastest_rate(k: dict[str, Any], released: float) -> float:
    """Upper bound (Gershgorin) on the linearised rates of the ODE, 1/us."""
    v, g = k["volume_nm3"], k["conductance_nm3_per_us"]
    exch = np.zeros(len(v))
    exch[:-1] += g
    exch[1:] += g
    sites = k["kon_r"] * k["n_receptor"] * (np.arange(len(v)) == 0)
    sites = sites + k["kon_a"] * k["n_auto"] + k["kon_s"] * k["n_sert"]
    per_compartment = 2.0 * exch / v + sites / v
    kon_max = max(k["kon_r"], k["kon_a"], k["kon_s"])
    return float(
        max(
            per_compartment.max(),
            kon_max * released / v.min()
            + max(k["koff_r"], k["koff_a"])
            + k["koff_s"]
            + k["kcat_s"],
        )
    )


def simulate(
    params: Parameters,
    release_times_us: Sequence[float],
    release_counts: Sequence[float],
    t_end_us: float,
    dt_us: float = 0.05,
    blockade: float | None = None,
    sample_us: float | None = None,
    shells: int = 1,
) -> dict[str, np.ndarray]:
    """Integrate the mean-field model from an empty sheet.

    Args:
        params: the synapse's parameters (geometry, sites, rates).
        release_times_us: times of the releases, us (>= 0).
        release_counts: molecules released at each time.
        t_end_us: end of the integration, us.
        dt_us: fixed Runge-Kutta step, us. Accuracy needs dt well below the
            fastest time, 1/(k_out + k_in) ~ 2.8 us by default (two
            compartments), so 0.5 us is still within ~4e-6 of 0.01 us for long
            windows (30 shells: 0.25 us is within 3e-6 of 0.01 us). CPU cost
            ~5 us per step for two compartments, ~80 us with 30 shells.
        blockade: fraction of SERT blocked; None uses ``params.blockade``.
        sample_us: spacing of the output samples, us (rounded to whole
            steps); None gives every step.
        shells: compartments outside the cleft disc; 1 is the two-compartment
            model, more resolve the radial spread (see :func:`compartments`).

    Returns:
        Arrays over the sample times (see ``OUTPUT_KEYS``): ``time_ms``;
        ``free_cleft``, ``free_outside``, ``free_total``, ``sert_bound``,
        ``taken_up`` (cumulative, carried in by SERT) and ``released``
        (cumulative) in molecules; ``cleft_uM`` (free 5-HT in the cleft disc,
        uM); ``receptor_occupancy`` and ``autoreceptor_occupancy``
        (fractions). The state at a release time is the one just before the
        release, as in the agents' recorder.

    Raises:
        ParameterError: bad inputs, or a step too long for the fastest rate.
    """
    times, counts = _check_inputs(release_times_us, release_counts, t_end_us, dt_us, sample_us)
    k = compartments(params, blockade, shells)
    lam = _fastest_rate(k, float(counts.sum()))
    if lam * dt_us > MAX_RATE_DT:
        raise ParameterError(
            f"dt_us = {dt_us} is too long for the fastest rate {lam:.3g} /us "
            f"(rate*dt must be <= {MAX_RATE_DT}); use dt_us <= {MAX_RATE_DT / lam:.3g}"
        )
    n_steps = int(math.ceil(t_end_us / dt_us - 1e-9))
    every = 1 if sample_us is None else max(1, int(round(sample_us / dt_us)))
    # Each release goes in at the nearest grid time (rounded half down).
    grid_index = np.ceil(times / dt_us - 0.5 - 1e-9).astype(np.int64)
    order = np.argsort(grid_index, kind="stable")
    releases = (grid_index[order].tolist(), counts[order].tolist())
    integrate = _integrate_two if len(k["volume_nm3"]) == 2 else _integrate_shells
    out = integrate(k, releases, n_steps, dt_us, every)

    t_us, free_c, free_o, bound_r, bound_a, bound_s, taken, rel = out
    n_r, n_a = k["n_receptor"], float(k["n_auto"].sum())
    return {
        "time_ms": t_us / 1000.0,
        "free_cleft": free_c,
        "free_outside": free_o,
        "free_total": free_c + free_o,
        "cleft_uM": count_to_uM(1.0, float(k["volume_nm3"][0])) * free_c,
        "receptor_occupancy": bound_r / n_r if n_r > 0 else np.zeros_like(t_us),
        "autoreceptor_occupancy": bound_a / n_a if n_a > 0 else np.zeros_like(t_us),
        "sert_bound": bound_s,
        "taken_up": taken,
        "released": rel,
    }


def _integrate_two(
    k: dict[str, Any],
    releases: tuple[list[int], list[float]],
    n_steps: int,
    h: float,
    every: int,
) -> np.ndarray:
    """RK4 for two compartments in plain floats (about 5 us per step).

    Returns an (8, n_samples) array: time (us), free cleft, free outside,
    bound receptors, bound autoreceptors, bound SERT, taken up, released.
    """
    vc, vo = (float(x) for x in k["volume_nm3"])
    g = float(k["conductance_nm3_per_us"][0])
    kx, kb = g / vc, g / vo
    g_r, g_ac, g_ao = k["kon_r"] / vc, k["kon_a"] / vc, k["kon_a"] / vo
    g_sc, g_so = k["kon_s"] / vc, k["kon_s"] / vo
    n_r = k["n_receptor"]
    n_ac, n_ao = (float(x) for x in k["n_auto"])
    n_sc, n_so = (float(x) for x in k["n_sert"])
    koff_r, koff_a, koff_s, kcat = k["koff_r"], k["koff_a"], k["koff_s"], k["kcat_s"]
    s_leave = koff_s + kcat
    rel_idx, rel_n = releases

    def rhs(y: tuple[float, ...]) -> tuple[float, ...]:
        c, o, r, ac, ao, sc, so, _ = y
        b_r = g_r * c * (n_r - r) - koff_r * r
        b_ac = g_ac * c * (n_ac - ac) - koff_a * ac
        b_ao = g_ao * o * (n_ao - ao) - koff_a * ao
        u_c = g_sc * c * (n_sc - sc)
        u_o = g_so * o * (n_so - so)
        x = kx * c - kb * o
        return (
            -x - b_r - b_ac - u_c + koff_s * sc,
            x - b_ao - u_o + koff_s * so,
            b_r,
            b_ac,
            b_ao,
            u_c - s_leave * sc,
            u_o - s_leave * so,
            kcat * (sc + so),
        )

    def shifted(y: tuple[float, ...], dy: tuple[float, ...], a: float) -> tuple[float, ...]:
        return tuple(yi + a * di for yi, di in zip(y, dy, strict=True))

    out = np.zeros((8, n_steps // every + 1))
    # y = (free cleft, free outside, receptors, autoreceptors in/out, SERT in/out, taken up)
    y = (0.0,) * 8
    released = 0.0
    h2, h6 = 0.5 * h, h / 6.0
    j = next_rel = 0
    for step in range(n_steps + 1):
        if step % every == 0:
            c, o, r, ac, ao, sc, so, up = y
            out[:, j] = (step * h, c, o, r, ac + ao, sc + so, up, released)
            j += 1
        if step == n_steps:
            break
        while next_rel < len(rel_idx) and rel_idx[next_rel] <= step:
            y = (y[0] + rel_n[next_rel], *y[1:])
            released += rel_n[next_rel]
            next_rel += 1
        k1 = rhs(y)
        k2 = rhs(shifted(y, k1, h2))
        k3 = rhs(shifted(y, k2, h2))
        k4 = rhs(shifted(y, k3, h))
        y = tuple(
            yi + h6 * (a + 2.0 * (b + c) + d)
            for yi, a, b, c, d in zip(y, k1, k2, k3, k4, strict=True)
        )
    return out


def _integrate_shells(
    k: dict[str, Any],
    releases: tuple[list[int], list[float]],
    n_steps: int,
    h: float,
    every: int,
) -> np.ndarray:
    """RK4 for any number of compartments, as numpy vectors (same output as ``_integrate_two``).

    State vector: free (m), bound autoreceptors (m), bound SERT (m), bound
    receptors (1), taken up (1), for m compartments.
    """
    v = k["volume_nm3"]
    m = len(v)
    g = k["conductance_nm3_per_us"]
    inv_v = 1.0 / v
    g_a, g_s = k["kon_a"] * inv_v, k["kon_s"] * inv_v
    g_r = k["kon_r"] * inv_v[0]
    n_a, n_s, n_r = k["n_auto"], k["n_sert"], k["n_receptor"]
    koff_r, koff_a, koff_s, kcat = k["koff_r"], k["koff_a"], k["koff_s"], k["kcat_s"]
    s_leave = koff_s + kcat
    rel_idx, rel_n = releases
    fr, ar, sr = slice(0, m), slice(m, 2 * m), slice(2 * m, 3 * m)
    ir, iu = 3 * m, 3 * m + 1

    def rhs(y: np.ndarray) -> np.ndarray:
        c, a, s, r = y[fr], y[ar], y[sr], y[ir]
        dy = np.empty_like(y)
        b_a = g_a * c * (n_a - a) - koff_a * a
        u_s = g_s * c * (n_s - s)
        b_r = g_r * c[0] * (n_r - r) - koff_r * r
        flux = g * np.diff(c * inv_v)  # molecules/us from compartment i+1 into i
        dc = koff_s * s - b_a - u_s
        dc[:-1] += flux
        dc[1:] -= flux
        dc[0] -= b_r
        dy[fr] = dc
        dy[ar] = b_a
        dy[sr] = u_s - s_leave * s
        dy[ir] = b_r
        dy[iu] = kcat * s.sum()
        return dy

    out = np.zeros((8, n_steps // every + 1))
    y = np.zeros(3 * m + 2)
    released = 0.0
    h2, h6 = 0.5 * h, h / 6.0
    j = next_rel = 0
    for step in range(n_steps + 1):
        if step % every == 0:
            free = y[fr]
            out[:, j] = (
                step * h,
                free[0],
                free[1:].sum(),
                y[ir],
                y[ar].sum(),
                y[sr].sum(),
                y[iu],
                released,
            )
            j += 1
        if step == n_steps:
            break
        while next_rel < len(rel_idx) and rel_idx[next_rel] <= step:
            y[0] += rel_n[next_rel]
            released += rel_n[next_rel]
            next_rel += 1
        k1 = rhs(y)
        k2 = rhs(y + h2 * k1)
        k3 = rhs(y + h2 * k2)
        k4 = rhs(y + h * k3)
        y = y + h6 * (k1 + 2.0 * (k2 + k3) + k4)
    return out
