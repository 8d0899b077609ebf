"""The diffusion kernel: Brownian steps, membranes, the outer edge and capture.

One call of :func:`advance` runs ``n_steps`` whole steps over the free
molecules, in this order within each step:

1. every free molecule moves by a normal step of variance 2*D*dt per axis
   (table deviates from the model's own xoshiro stream, :mod:`sim.common.rng`);
2. a step that ends beyond a membrane (z < 0 presynaptic, z > W
   postsynaptic) is mirrored back (a step longer than the cleft, which the
   step check warns about, is folded back by repeated reflection, the exact
   propagator between reflecting walls; it counts as crossing the first
   membrane it passed);
3. beyond the outer radius it is mirrored back radially (``reflecting``) or
   counted lost (``absorbing``);
4. a molecule that crossed a membrane inside the tile of a free, unblocked
   site is captured with the site's per-crossing probability (Andrews 2009,
   :mod:`sim.synapse.capture`); the site draws its dwell time at once;
5. every site whose dwell ends at this step lets go: back into the cleft,
   0.63 step lengths off its membrane, or (SERT, inward) into the terminal.

Steps 1-3 are one tight loop over all free molecules, which lists the few
rows that crossed a membrane or left the sheet; step 4 walks that list in
row order. Captured and lost rows are then removed from the pool in
descending order, each hole filled from the tail. Molecules let go are
appended and move from the next step on. The result depends only on the state and the random stream, never
on how many steps one call runs (so not on the frame rate).

:func:`advance_nogil` enters the kernel without the GIL: it touches only the
arrays it is given, so two models (compare mode) can advance on two threads
at once; one model must never be advanced from two threads at the same time.

Molecules carried inward are listed in ``taken`` (their state is already
``CYTOSOL``); the caller gives them a place in the terminal. Events of the
tracked molecule are appended to ``log_step``/``log_code`` (codes in
:data:`EVENT_TEXT`).
"""

from __future__ import annotations

import os
import sys

import numpy as np
from numba import njit, uint64

from sim.common.rng import step_state, word_to_uniform
from sim.synapse import states as S
from sim.synapse.sites import NEVER, bind, unbind_slot

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
def _fold(z, w):
    """Fold ``z`` into [0, w] by repeated reflection (steps longer than the cleft)."""
    period = 2.0 * w
    z = abs(z) % period
    return np.float32(period - z if z > w else z)


@njit(cache=True)
def _earliest_leave(occupied, leave_step, n_occ):
    """The first step at which an occupied site lets go (NEVER if none)."""
    first = NEVER
    for k in range(n_occ):
        first = min(first, leave_step[occupied[k]])
    return first


@njit(cache=True)
def advance(
    n_steps, step0, w, r_out, absorbing,
    ids, xyz, n_free, state, site, state_counts, counts, table, rng, events,
    grid_flat, grid_side, half, inv_tile,
    kind, plane, sx, sy, state_of_kind,
    p_now, p_capture, blocked, log1m_p_leave, frac_inward,
    occupant, leave_step, inward, occupied, slot, n_occ, unbind_off,
    taken, n_taken, tracked, log_step, log_code, n_log,
    first_hit, record_first, dt_us,
):  # fmt: skip
    """Advance ``n_steps`` steps from step index ``step0`` (see the module doc).

    Returns the new (n_free, n_occupied, n_taken, n_log). The caller must
    give ``ids``/``xyz``, ``events`` and ``taken`` room for
    ``n_free + n_occupied`` rows.
    """
    w32 = np.float32(w)
    r_out2 = np.float32(r_out * r_out)
    two_r = np.float32(2.0 * r_out)
    zero = np.float32(0.0)
    s0, s1, s2, s3 = rng[0], rng[1], rng[2], rng[3]
    next_leave = _earliest_leave(occupied, leave_step, n_occ)
    for s in range(n_steps):
        step = step0 + s
        # Pass 1: move, reflect, edge; list crossings (row*4 + 0 pre, 1 post) and losses (+2).
        n_ev = 0
        for i in range(n_free):
            bits, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
            x = xyz[0, i] + table[np.int64(bits & _MASK16)]
            y = xyz[1, i] + table[np.int64((bits >> uint64(16)) & _MASK16)]
            z = xyz[2, i] + table[np.int64((bits >> uint64(32)) & _MASK16)]
            # Branchless mirror at both membranes (crossings are ~13% of steps and
            # unpredictable): w - |w - |z|| reflects once at each wall.
            below = z < zero
            above = z > w32
            z = w32 - abs(w32 - abs(z))
            code = np.int64(above)
            flag = np.int64(below or above)
            if z < zero or z > w32:
                z = _fold(z, w32)
            r2 = x * x + y * y
            if r2 > r_out2:
                if absorbing:
                    code = 2
                    flag = 1
                else:
                    r = np.sqrt(r2)
                    scale = max(two_r - r, zero) / r
                    x = x * scale
                    y = y * scale
            xyz[0, i] = x
            xyz[1, i] = y
            xyz[2, i] = z
            events[n_ev] = 4 * i + code
            n_ev += flag
        # Pass 2: first hits, losses and capture tests, in row order.
        n_gone = 0
        for e in range(n_ev):
            i = events[e] >> 2
            code = events[e] & 3
            mol = ids[i]
            if code == 1 and record_first and np.isnan(first_hit[mol]):
                first_hit[mol] = (step + 1) * dt_us
            if code == 2:
                state[mol] = S.LOST
                state_counts[S.FREE] -= 1
                state_counts[S.LOST] += 1
                counts[_C_LOST] += 1
                n_log = _log(tracked, mol, step, _E_LOST, log_step, log_code, n_log)
                events[n_gone] = i
                n_gone += 1
                continue
            ix = np.int64((xyz[0, i] + half) * inv_tile)
            iy = np.int64((xyz[1, i] + half) * inv_tile)
            sid = grid_flat[(code * grid_side + iy) * grid_side + ix]
            pc = p_now[sid]
            if pc <= 0.0:
                continue
            u, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
            if word_to_uniform(u) >= pc:
                continue
            u_dwell, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
            u_inward, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
            k = kind[sid]
            new_state = state_of_kind[k]
            state[mol] = new_state
            site[mol] = sid
            state_counts[S.FREE] -= 1
            state_counts[new_state] += 1
            counts[k] += 1
            n_log = _log(tracked, mol, step, k, log_step, log_code, n_log)
            n_occ = bind(
                sid, mol, step, word_to_uniform(u_dwell), word_to_uniform(u_inward),
                occupant, leave_step, inward, occupied, slot, n_occ,
                p_now, log1m_p_leave, frac_inward,
            )  # fmt: skip
            next_leave = min(next_leave, leave_step[sid])
            events[n_gone] = i
            n_gone += 1
        # Remove captured and lost rows, highest first, filling each hole from the tail.
        for g in range(n_gone - 1, -1, -1):
            i = events[g]
            n_free -= 1
            ids[i] = ids[n_free]
            xyz[0, i] = xyz[0, n_free]
            xyz[1, i] = xyz[1, n_free]
            xyz[2, i] = xyz[2, n_free]
        # Sites whose dwell ends now let go (the occupied list shrinks in place).
        if step < next_leave:
            continue
        k = 0
        while k < n_occ:
            sid = occupied[k]
            if leave_step[sid] > step:
                k += 1
                continue
            mol = occupant[sid]
            held = state[mol]
            going_in = inward[sid]
            n_occ = unbind_slot(
                k, occupant, leave_step, occupied, slot, n_occ, p_now, p_capture, blocked
            )
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
                code = _E_LET_GO + kind[sid]
                n_log = _log(tracked, mol, step, code, log_step, log_code, n_log)
                ids[n_free] = mol
                xyz[0, n_free] = sx[sid]
                xyz[1, n_free] = sy[sid]
                xyz[2, n_free] = unbind_off if plane[sid] == 0 else w32 - unbind_off
                n_free += 1
        next_leave = _earliest_leave(occupied, leave_step, n_occ)
    rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3
    return n_free, n_occ, n_taken, n_log


@njit(cache=True, nogil=True)
def advance_nogil(*args):
    """:func:`advance` (the same arguments), entered without the GIL, for a thread of its own.

    Compiling the kernel's own body with ``nogil`` made it ~65% slower per
    molecule-step (measured: 4.4 against 7.5 ns at 10k molecules), so the
    body stays compiled as :func:`advance` and only this entry point lets
    the GIL go; the numbers are the same.
    """
    return advance(*args)


def announce_first_compile() -> None:
    """On a terminal, say so once when the kernel is about to be compiled (no cache yet).

    Private numba attributes are read defensively: if they move, nothing is said.
    """
    if advance.signatures or not sys.stderr.isatty():
        return
    try:
        index = advance._cache._cache_file._index_path
    except AttributeError:
        return
    if not os.path.exists(index):
        print(
            "Cleft: compiling the simulation kernels (first run only, up to a minute)...",
            file=sys.stderr,
            flush=True,
        )
