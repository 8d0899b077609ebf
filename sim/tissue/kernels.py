"""The tissue kernel: release, free diffusion, Michaelis-Menten uptake and autoreceptors.

One call of :func:`advance` runs up to ``n_steps`` whole steps of length
``dt`` over the free 5-HT of a periodic cube, in this order within each step
(``grid`` holds the molecules per voxel at the start of the step):

1. every voxel's uptake probability for this step, p = 1 - exp(-k*dt) with the
   Michaelis-Menten rate per molecule k = Vmax / (Km_app + C) (Km_app = Km/(1 - f)
   with the competitive SSRI at blockade f; inf at f = 1), C the
   concentration of the *other* molecules in the voxel (a lone molecule is
   taken up at Vmax/Km, the infinite-dilution rate; counting itself would
   add 1 nM per 2 um voxel);
2. every varicosity's autoreceptor occupancy relaxes exactly towards
   C/(C + Kd) at rate kon*(C + Kd) (C of its voxel), and its per-vesicle
   release probability follows: p_max * (1 - inhibition * occupancy), or the
   held occupancy ``theta_hold`` when feedback is off;
3. every fibre advances its firing phase by rate*dt; a phase passing 1 is an
   action potential that invades all the fibre's varicosities, and each of a
   varicosity's docked vesicles fuses with its release probability, adding its
   molecules at the varicosity;
4. every free molecule (the new ones too) is first tested for uptake with its
   start voxel's probability (removed by swapping the tail row into the hole;
   that row has not moved yet this step), then moves by a normal step of
   variance 2*D*dt per axis (exact: the medium has no walls) and is wrapped
   into the periodic cube and counted into the next grid.

Uptake uses the fourth 16-bit quarter of the word whose other three quarters
give the step: with q = p * 65536, a quarter below floor(q) is uptake, above it
survival, and equal to it uptake with probability q - floor(q) from a fresh
uniform, so the probability is exactly p with one 64-bit word per molecule-step.

Before each step the kernel checks that the arrays can hold every molecule the
firing fibres could release; if not it returns early (nothing of that step
done, no random number drawn) and the caller grows the arrays and calls again.
So the numbers depend only on the state and the stream, never on how steps are
grouped into calls. Invariant: alive + taken up = initial + injected + released.
"""

from __future__ import annotations

import numpy as np
from numba import uint64

from sim.common.jit import njit
from sim.common.rng import step_state, word_to_uniform

COUNTER_NAMES = ("released", "taken_up", "action_potentials", "vesicles_released")
"""Cumulative counters the kernel advances, in the order of its ``counts`` array."""

_RELEASED, _TAKEN, _APS, _VESICLES = 0, 1, 2, 3
_MASK16 = uint64(0xFFFF)
_Q16 = 65536.0


@njit(cache=True, inline="always")
def _cell(v, inv_cell, n_side):
    # v is in [0, side): only rounding can give n_side
    return min(np.int64(v * inv_cell), n_side - 1)


@njit(cache=True)
def _wrap(v, side):
    v = v - side * np.floor(v / side)
    if v >= side or v < 0.0:
        v = side * 0.0
    return v


@njit(cache=True)
def voxel_index(xyz, first, n, n_side, inv_cell, vox, grid):
    """Give molecules ``first``..``n``-1 their voxel in ``vox`` and count them into ``grid``."""
    for i in range(first, n):
        ix = _cell(xyz[0, i], inv_cell, n_side)
        iy = _cell(xyz[1, i], inv_cell, n_side)
        iz = _cell(xyz[2, i], inv_cell, n_side)
        v = (ix * n_side + iy) * n_side + iz
        vox[i] = v
        grid[v] += 1


@njit(cache=True)
def advance(
    n_steps, xyz, vox, n, grid, grid_next, n_side, inv_cell, side, table, rng,
    thr_int, thr_frac, vmax_eff, km_uM, uM_per_count, dt_s,
    fib_phase, dphase, fib_first, fib_count,
    var_xyz, var_vox, theta, theta_hold, kd_uM, kon, feedback, p_max, inhibition,
    p_now, n_docked, n_per_vesicle, counts,
):  # fmt: skip
    """Advance up to ``n_steps`` steps (see the module doc).

    One compiled loop on purpose, so longer than 80 lines: release, diffusion, the voxel
    counts and uptake share the molecules' arrays and the random stream held in local
    variables within a step; helpers would pass some thirty arrays per call in the hot loop.

    Returns (n, steps done, molecules the arrays must hold to go on): the
    third value exceeds the capacity only when the kernel stopped early.

    Units: positions um in [0, side); concentrations uM; ``vmax_eff`` uM/s;
    ``km_uM`` the apparent Km (may be inf: no uptake);
    ``kon`` 1/(uM s); ``dt_s`` s; ``dphase`` action potentials per step.
    ``xyz`` is float32 (3 x capacity), ``vox`` each molecule's voxel (int32, kept
    with the position); ``grid``/``grid_next`` int64 voxel counts.
    """
    cap = xyz.shape[1]
    n_vox = grid.shape[0]
    n_var = var_vox.shape[0]
    n_fib = fib_phase.shape[0]
    burst = n_docked * n_per_vesicle
    s0, s1, s2, s3 = rng[0], rng[1], rng[2], rng[3]  # the stream in registers
    for s in range(n_steps):
        need = n
        for j in range(n_fib):
            if fib_phase[j] + dphase >= 1.0:
                need += fib_count[j] * burst
        if need > cap:
            rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3
            return n, s, need
        # 1. uptake probability per voxel for this step
        for v in range(n_vox):
            c = max(grid[v] - 1, 0) * uM_per_count  # the other molecules of the voxel
            q = -np.expm1(-vmax_eff / (km_uM + c) * dt_s) * _Q16
            j16 = np.floor(q)
            thr_int[v] = np.int64(j16)
            thr_frac[v] = q - j16
        # 2. autoreceptors
        for a in range(n_var):
            c = grid[var_vox[a]] * uM_per_count
            t_eq = c / (c + kd_uM)
            theta[a] = t_eq + (theta[a] - t_eq) * np.exp(-kon * (c + kd_uM) * dt_s)
            held = theta[a] if feedback else theta_hold
            p_now[a] = p_max * (1.0 - inhibition * held)
        # 3. firing and release
        for j in range(n_fib):
            ph = fib_phase[j] + dphase
            if ph < 1.0:
                fib_phase[j] = ph
                continue
            fib_phase[j] = ph - np.floor(ph)
            counts[_APS] += 1
            for a in range(fib_first[j], fib_first[j] + fib_count[j]):
                fused = 0
                for _ in range(n_docked):
                    r, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
                    if word_to_uniform(r) < p_now[a]:
                        fused += 1
                if fused == 0:
                    continue
                k = fused * n_per_vesicle
                for m in range(n, n + k):
                    xyz[0, m] = var_xyz[0, a]
                    xyz[1, m] = var_xyz[1, a]
                    xyz[2, m] = var_xyz[2, a]
                    vox[m] = var_vox[a]
                n += k
                counts[_VESICLES] += fused
                counts[_RELEASED] += k
        # 4. uptake, then the free step
        i = 0
        while i < n:
            bits, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
            quarter = np.int64(bits >> uint64(48))
            v = vox[i]
            t = thr_int[v]
            if quarter <= t:
                taken = quarter < t
                if not taken:
                    r, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
                    taken = word_to_uniform(r) < thr_frac[v]
                if taken:
                    counts[_TAKEN] += 1
                    n -= 1
                    xyz[0, i] = xyz[0, n]
                    xyz[1, i] = xyz[1, n]
                    xyz[2, i] = xyz[2, n]
                    vox[i] = vox[n]
                    continue
            x = xyz[0, i] + table[np.int64(bits & _MASK16)]
            y = xyz[1, i] + table[np.int64((bits >> uint64(16)) & _MASK16)]
            z = xyz[2, i] + table[np.int64((bits >> uint64(32)) & _MASK16)]
            if x < 0.0 or x >= side:
                x = _wrap(x, side)
            if y < 0.0 or y >= side:
                y = _wrap(y, side)
            if z < 0.0 or z >= side:
                z = _wrap(z, side)
            xyz[0, i] = x
            xyz[1, i] = y
            xyz[2, i] = z
            v = (_cell(x, inv_cell, n_side) * n_side + _cell(y, inv_cell, n_side)) * n_side
            v += _cell(z, inv_cell, n_side)
            vox[i] = v
            grid_next[v] += 1
            i += 1
        for v in range(n_vox):
            grid[v] = grid_next[v]
            grid_next[v] = 0
    rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3
    return n, n_steps, n
