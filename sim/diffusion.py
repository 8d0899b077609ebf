"""The diffusion kernel: Brownian steps, membranes, the outer edge and capture.

One call of :func:`advance` runs ``n_steps`` whole steps over the free
molecules, in this order within each step:

1. every free molecule moves by a normal step of variance 2*D*dt per axis
   (table deviates from the model's own xoshiro stream, :mod:`sim.rng`);
2. a step that ends beyond a membrane (z < 0 presynaptic, z > W
   postsynaptic) is mirrored back; a step longer than the cleft could cross
   both, and is then clipped to the far membrane (the step check warns);
3. beyond the outer radius it is mirrored back radially (``reflecting``) or
   counted lost (``absorbing``);
4. a molecule that crossed a membrane inside the tile of a free, unblocked
   site is captured with the site's per-crossing probability (Andrews 2009,
   :mod:`sim.reactive_boundary`); the site draws its dwell time at once;
5. every site whose dwell ends at this step lets go: back into the cleft,
   0.63 step lengths off its membrane, or (SERT, inward) into the terminal.

Removal from the free pool swaps the tail row into the hole; the loop then
processes that row (it has not moved yet this step), so each molecule moves
exactly once per step. Molecules let go are appended and move from the next
step on. The result depends only on the state and the random stream, never
on how many steps one call runs (so not on the frame rate).

Molecules carried inward are listed in ``taken`` (their state is already
``CYTOSOL``); the caller gives them a place in the terminal. Events of the
tracked molecule are appended to ``log_step``/``log_code`` (codes in
:data:`EVENT_TEXT`).
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

from . import states as S
from .rng import next_u64, uniform
from .sites import bind, unbind_slot

COUNTER_NAMES = (
    "receptor_bindings",
    "autoreceptor_bindings",
    "sert_captures",
    "sert_unbindings",
    "lost",
    "taken_up",
)
"""Cumulative counters the kernel advances, in the order of its ``counts`` array."""

EVENT_TEXT = (
    "bound a receptor",
    "bound an autoreceptor",
    "captured by SERT",
    "let go of a receptor",
    "let go of an autoreceptor",
    "released by SERT",
    "carried into the terminal by SERT",
    "lost at the edge of the sheet",
)
"""Text of the tracked molecule's events, indexed by the kernel's event code."""

_C_SERT_UNBIND, _C_LOST, _C_TAKEN = 3, 4, 5
_E_LET_GO, _E_INWARD, _E_LOST = 3, 6, 7
_MASK16 = uint64(0xFFFF)


@njit(cache=True)
def _log(tracked, mol, step, code, log_step, log_code, n_log):
    if mol == tracked and n_log < log_step.shape[0]:
        log_step[n_log] = step
        log_code[n_log] = code
        return n_log + 1
    return n_log


@njit(cache=True)
def advance(
    n_steps, step0, w, r_out, absorbing,
    ids, xyz, n_free, state, site, state_counts, counts, table, rng,
    grid_flat, grid_side, half, inv_tile,
    kind, plane, sx, sy, state_of_kind,
    p_now, p_capture, blocked, log1m_p_leave, frac_inward,
    occupant, leave_step, inward, occupied, slot, n_occ, unbind_off,
    taken, n_taken, tracked, log_step, log_code, n_log,
    first_hit, record_first, dt_us,
):  # fmt: skip
    """Advance ``n_steps`` steps from step index ``step0`` (see the module doc).

    Returns the new (n_free, n_occupied, n_taken, n_log). The caller must
    give ``ids``/``xyz`` room for ``n_free + n_occupied`` rows and ``taken``
    room for as many.
    """
    w32 = np.float32(w)
    r_out2 = r_out * r_out
    two_r = 2.0 * r_out
    for s in range(n_steps):
        step = step0 + s
        i = 0
        while i < n_free:
            bits = next_u64(rng)
            x = xyz[0, i] + table[np.int64(bits & _MASK16)]
            y = xyz[1, i] + table[np.int64((bits >> uint64(16)) & _MASK16)]
            z = xyz[2, i] + table[np.int64((bits >> uint64(32)) & _MASK16)]
            crossed = -1
            if z < 0.0:
                z = -z
                crossed = 0
                if z > w32:
                    z = w32
            elif z > w32:
                z = 2.0 * w32 - z
                crossed = 1
                if z < 0.0:
                    z = np.float32(0.0)
                if record_first:
                    mol = ids[i]
                    if np.isnan(first_hit[mol]):
                        first_hit[mol] = (step + 1) * dt_us
            r2 = x * x + y * y
            if r2 > r_out2:
                if absorbing:
                    mol = ids[i]
                    state[mol] = S.LOST
                    state_counts[S.FREE] -= 1
                    state_counts[S.LOST] += 1
                    counts[_C_LOST] += 1
                    n_log = _log(tracked, mol, step, _E_LOST, log_step, log_code, n_log)
                    n_free -= 1
                    ids[i] = ids[n_free]
                    xyz[0, i] = xyz[0, n_free]
                    xyz[1, i] = xyz[1, n_free]
                    xyz[2, i] = xyz[2, n_free]
                    continue
                r = np.sqrt(r2)
                scale = max(two_r - r, 0.0) / r
                x = x * scale
                y = y * scale
            if crossed >= 0:
                ix = np.int64((x + half) * inv_tile)
                iy = np.int64((y + half) * inv_tile)
                sid = grid_flat[(crossed * grid_side + iy) * grid_side + ix]
                pc = p_now[sid]
                if pc > 0.0 and uniform(rng) < pc:
                    mol = ids[i]
                    k = kind[sid]
                    new_state = state_of_kind[k]
                    state[mol] = new_state
                    site[mol] = sid
                    state_counts[S.FREE] -= 1
                    state_counts[new_state] += 1
                    counts[k] += 1
                    n_log = _log(tracked, mol, step, k, log_step, log_code, n_log)
                    n_occ = bind(
                        sid, mol, step, rng, occupant, leave_step, inward, occupied, slot,
                        n_occ, p_now, log1m_p_leave, frac_inward,
                    )  # fmt: skip
                    n_free -= 1
                    ids[i] = ids[n_free]
                    xyz[0, i] = xyz[0, n_free]
                    xyz[1, i] = xyz[1, n_free]
                    xyz[2, i] = xyz[2, n_free]
                    continue
            xyz[0, i] = x
            xyz[1, i] = y
            xyz[2, i] = z
            i += 1
        # Sites whose dwell ends now let go (scan the occupied list; it shrinks
        # in place, so the index only advances past sites that stay).
        k = 0
        while k < n_occ:
            sid = occupied[k]
            if leave_step[sid] > step:
                k += 1
                continue
            mol = occupant[sid]
            held = state[mol]
            going_in = inward[sid]
            n_occ = unbind_slot(k, occupant, leave_step, occupied, slot, n_occ, p_now,
                                p_capture, blocked)  # fmt: skip
            site[mol] = -1
            state_counts[held] -= 1
            if going_in:
                state[mol] = S.CYTOSOL
                state_counts[S.CYTOSOL] += 1
                counts[_C_TAKEN] += 1
                taken[n_taken] = mol
                n_taken += 1
                n_log = _log(tracked, mol, step, _E_INWARD, log_step, log_code, n_log)
            else:
                state[mol] = S.FREE
                state_counts[S.FREE] += 1
                if kind[sid] == 2:
                    counts[_C_SERT_UNBIND] += 1
                n_log = _log(tracked, mol, step, _E_LET_GO + kind[sid], log_step, log_code,
                             n_log)  # fmt: skip
                ids[n_free] = mol
                xyz[0, n_free] = sx[sid]
                xyz[1, n_free] = sy[sid]
                xyz[2, n_free] = unbind_off if plane[sid] == 0 else w32 - unbind_off
                n_free += 1
    return n_free, n_occ, n_taken, n_log
