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
5. every site whose dwell ends at this step lets go: back into the cleft, at
   a place drawn from where captured molecules come from (:func:`_release_offset`),
   or (SERT, inward) into the terminal.

Steps 1-3 are one tight loop over all free molecules, which lists the few
rows that crossed a membrane or left the sheet; step 4 walks that list in
row order. Captured and lost rows are then removed from the pool in
descending order, each hole filled from the tail. Molecules let go are
appended and move from the next step on. The result depends only on the
state and the random stream, never on how many steps one call runs (so not
on the frame rate).

With ``release_gil``, :func:`advance` enters the kernel without the GIL: it
touches only the arrays it is given, so two models (compare mode) can
advance on two threads at once; one model must never be advanced from two
threads at the same time.

The inputs come in the named groups of :mod:`sim.synapse.kernel_inputs`,
each field documented with its unit;
:func:`advance` spreads them over the compiled body's parameters, which are
the groups' fields in order. The groups stay on the Python side because
numba's dispatcher types named tuples slowly: a call with 40 arrays took
8.6 us as 40 arguments and 28 us as five named tuples of 8 (``timeit``,
best of 7, on the 2-core development machine), which would double the cost
of a single ``step()`` at 1,000 molecules.

Molecules carried inward are listed in ``taken`` (their state is already
``CYTOSOL``); the caller gives them a place in the terminal. Events of the
tracked molecule are appended to ``log_step``/``log_code`` (codes in
:data:`EVENT_TEXT`).
"""

from __future__ import annotations

import os
import sys

import numpy as np
from numba import uint64

from sim.common.jit import njit
from sim.common.rng import step_state, word_to_uniform
from sim.synapse import states as S
from sim.synapse.kernel_inputs import (
    Books,
    Cleft,
    FreeRows,
    Lattice,
    Outputs,
    SiteOccupancy,
    SiteRates,
    Watch,
)
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
_MASK32 = uint64(0xFFFFFFFF)


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


@njit(cache=True, inline="always")
def _release_offset(lat, dep, table, tile, sigma):
    """Where a let-go molecule starts, from two random words: (dx, dy) from the site's centre, depth.

    Detailed balance (science.md 4.3): a molecule is captured from the place
    it stood before its crossing step, so a released one is put at such a
    place, drawn from the same law. For molecules uniform in the cleft that
    law is: lateral, the crossing point (uniform over the tile) minus the
    step's lateral part (normal, ``sigma`` per axis); depth x with density
    proportional to Phi(-x/sigma), i.e. x = U * sigma * R with U uniform and
    R Rayleigh (a uniform point below a crossing step of length R*sigma).
    Its mean is 0.6267 sigma (the fixed offset used before). In the slab no
    molecule stood beyond the far wall, so the kernel draws the depth again
    while it exceeds the cleft width (once in ~4e9 releases at 10 ns, 7% of
    them at 160 ns), the law truncated at W. In a half-space the uniform
    profile is then exactly stationary under capture, reflection and release,
    so the bound fraction is C/(C + Kd) when the per-crossing probability is
    kappa*sqrt(pi*dt/D) (:class:`sim.synapse.sites.SiteTable`); in the slab,
    at steps that fold off both walls, to ~0.2% (the module doc of
    :mod:`sim.synapse.sites`).
    """
    ux = ((lat & _MASK16) + 0.5) / 65536.0
    uy = (((lat >> uint64(16)) & _MASK16) + 0.5) / 65536.0
    dx = (ux - 0.5) * tile + table[np.int64((lat >> uint64(32)) & _MASK16)]
    dy = (uy - 0.5) * tile + table[np.int64((lat >> uint64(48)) & _MASK16)]
    u = ((dep & _MASK32) + 0.5) / 4294967296.0
    v = ((dep >> uint64(32)) + 0.5) / 4294967296.0
    depth = u * sigma * np.sqrt(-2.0 * np.log(v))
    return dx, dy, depth


@njit(cache=True)
def _earliest_leave(occupied, leave_step, n_occ):
    """The first step at which an occupied site lets go (NEVER if none)."""
    first = NEVER
    for k in range(n_occ):
        first = min(first, leave_step[occupied[k]])
    return first


@njit(cache=True)
def _advance(
    n_steps, step0, n_free, n_occ, rng,
    width_nm, outer_radius_nm, absorbing, step_table_nm, step_sd_nm, dt_us,
    grid_flat, grid_side, half_extent_nm, inv_tile_per_nm,
    ids, xyz_nm,
    state, site, state_counts,
    kind, plane, x_nm, y_nm, state_of_kind, p_capture, log1m_p_leave, frac_inward,
    p_now, blocked, occupant, leave_step, inward, occupied, slot,
    counts, taken, events,
    tracked_id, log_step, log_code, record_first_hits, first_post_hit_us,
):  # fmt: skip
    """The compiled body of :func:`advance`: the groups' fields as parameters, in order.

    A kernel, so longer than 80 lines on purpose: the five stages of a step
    (module doc) share the loop state (the four words of the random stream,
    the free count, the event list) and ~40 arrays; as separate functions
    they would hand all of it back and forth once per step, and the random
    words once per molecule. The stages are marked by the comments below.
    """
    n_taken = 0
    n_log = 0
    w32 = np.float32(width_nm)
    tile_nm = 1.0 / inv_tile_per_nm
    r_out2 = np.float32(outer_radius_nm * outer_radius_nm)
    two_r = np.float32(2.0 * outer_radius_nm)
    zero = np.float32(0.0)
    s0, s1, s2, s3 = rng[0], rng[1], rng[2], rng[3]
    next_leave = _earliest_leave(occupied, leave_step, n_occ)
    for s in range(n_steps):
        step = step0 + s
        # Pass 1: move, reflect, edge; list crossings (row*4 + 0 pre, 1 post) and losses (+2).
        n_ev = 0
        for i in range(n_free):
            bits, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
            x = xyz_nm[0, i] + step_table_nm[np.int64(bits & _MASK16)]
            y = xyz_nm[1, i] + step_table_nm[np.int64((bits >> uint64(16)) & _MASK16)]
            z = xyz_nm[2, i] + step_table_nm[np.int64((bits >> uint64(32)) & _MASK16)]
            # Branchless mirror at both membranes (crossings are ~13% of steps and
            # unpredictable): width_nm - |width_nm - |z|| reflects once at each wall.
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
            xyz_nm[0, i] = x
            xyz_nm[1, i] = y
            xyz_nm[2, i] = z
            events[n_ev] = 4 * i + code
            n_ev += flag
        # Pass 2: first hits, losses and capture tests, in row order.
        n_gone = 0
        for e in range(n_ev):
            i = events[e] >> 2
            code = events[e] & 3
            mol = ids[i]
            # record_first_hits first: it is the same for the whole call, so this branch is
            # always predicted; tested after code == 1 (pre or post, 50/50) it was mispredicted
            # on every other crossing (~15% of a treatment day's CPU, same numbers).
            if record_first_hits and code == 1 and np.isnan(first_post_hit_us[mol]):
                first_post_hit_us[mol] = (step + 1) * dt_us
            if code == 2:
                state[mol] = S.LOST
                state_counts[S.FREE] -= 1
                state_counts[S.LOST] += 1
                counts[_C_LOST] += 1
                n_log = _log(tracked_id, mol, step, _E_LOST, log_step, log_code, n_log)
                events[n_gone] = i
                n_gone += 1
                continue
            ix = np.int64((xyz_nm[0, i] + half_extent_nm) * inv_tile_per_nm)
            iy = np.int64((xyz_nm[1, i] + half_extent_nm) * inv_tile_per_nm)
            sid = np.int64(grid_flat[(code * grid_side + iy) * grid_side + ix])
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
            n_log = _log(tracked_id, mol, step, k, log_step, log_code, n_log)
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
            xyz_nm[0, i] = xyz_nm[0, n_free]
            xyz_nm[1, i] = xyz_nm[1, n_free]
            xyz_nm[2, i] = xyz_nm[2, n_free]
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
                n_log = _log(tracked_id, mol, step, _E_INWARD, log_step, log_code, n_log)
            else:
                state[mol] = S.FREE
                state_counts[S.FREE] += 1
                if kind[sid] == 2:
                    counts[_C_SERT_UNBIND] += 1
                code = _E_LET_GO + kind[sid]
                n_log = _log(tracked_id, mol, step, code, log_step, log_code, n_log)
                ids[n_free] = mol
                lat, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
                dep, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
                dx, dy, depth = _release_offset(lat, dep, step_table_nm, tile_nm, step_sd_nm)
                while depth > w32:  # no molecule stood beyond the far wall (the slab's law)
                    dep, s0, s1, s2, s3 = step_state(s0, s1, s2, s3)
                    dx, dy, depth = _release_offset(lat, dep, step_table_nm, tile_nm, step_sd_nm)
                xyz_nm[0, n_free] = x_nm[sid] + dx
                xyz_nm[1, n_free] = y_nm[sid] + dy
                xyz_nm[2, n_free] = depth if plane[sid] == 0 else w32 - depth
                n_free += 1
        next_leave = _earliest_leave(occupied, leave_step, n_occ)
    rng[0], rng[1], rng[2], rng[3] = s0, s1, s2, s3
    return n_free, n_occ, n_taken, n_log


@njit(cache=True, nogil=True)
def _advance_nogil(*args):
    """:func:`_advance` (the same arguments), entered without the GIL, for a thread of its own.

    Compiling the kernel's own body with ``nogil`` made it ~65% slower per
    molecule-step (measured: 4.4 against 7.5 ns at 10k molecules), so the
    body stays compiled as :func:`_advance` and only this entry point lets
    the GIL go; the numbers are the same.
    """
    return _advance(*args)


GROUPS = (Cleft, Lattice, FreeRows, Books, SiteRates, SiteOccupancy, Outputs, Watch)
"""The groups :func:`advance` takes, in the order of the compiled body's parameters."""


def advance(
    n_steps: int,
    step0: int,
    n_free: int,
    n_occupied: int,
    rng: np.ndarray,
    groups: tuple[Cleft, Lattice, FreeRows, Books, SiteRates, SiteOccupancy, Outputs, Watch],
    release_gil: bool = False,
) -> tuple[int, int, int, int]:
    """Advance ``n_steps`` steps from step index ``step0`` (see the module doc).

    Args:
        n_steps: whole steps to run.
        step0: step index of the first of them.
        n_free: rows of ``FreeRows`` in use.
        n_occupied: entries of ``SiteOccupancy.occupied`` in use.
        rng: the kernel's xoshiro256** state (uint64[4]), advanced in place.
        groups: one of each of :data:`GROUPS`, in that order.
        release_gil: enter through :func:`_advance_nogil` (other threads may
            run meanwhile; the same numbers).

    Returns:
        The new (n_free, n_occupied, n_taken, n_log): rows of ``FreeRows``,
        occupied sites, molecules listed in ``Outputs.taken``, events logged
        in ``Watch.log_step``/``log_code``. ``FreeRows``, ``Outputs.events``
        and ``Outputs.taken`` need room for ``n_free + n_occupied`` rows.
    """
    cleft, lattice, free, books, rates, occupancy, out, watch = groups
    kernel = _advance_nogil if release_gil else _advance
    return kernel(
        n_steps, step0, n_free, n_occupied, rng,
        *cleft, *lattice, *free, *books, *rates, *occupancy, *out, *watch,
    )  # fmt: skip


def announce_first_compile() -> None:
    """On a terminal, say so once when the kernel is about to be compiled (no cache yet).

    Private numba attributes are read defensively: if they move, nothing is said.
    """
    if _advance.signatures or not sys.stderr.isatty():
        return
    try:
        index = _advance._cache._cache_file._index_path
    except AttributeError:
        return
    if not os.path.exists(index):
        print(
            "Cleft: compiling the simulation kernels (first run only, up to a minute)...",
            file=sys.stderr,
            flush=True,
        )
