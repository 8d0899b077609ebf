"""Diffusion, capture and site kinetics: the process that runs the numba kernel.

:class:`Transport` owns what the kernel needs beyond the molecules and the
sites: its xoshiro stream and normal table (:mod:`sim.common.rng`), the
stream that places molecules SERT carries into the terminal, and the
scratch arrays the kernel writes. One :meth:`Transport.advance` is one kernel
call over ``k`` whole steps (see :mod:`sim.synapse.diffusion`).
"""

from __future__ import annotations

import numpy as np

from sim.common.rng import normal_table, seed_state
from sim.params.synapse import Parameters
from sim.synapse.clock import StepClock
from sim.synapse.diffusion import COUNTER_NAMES, EVENT_TEXT, advance
from sim.synapse.geometry import Sites, terminal_points_from_uniforms
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
from sim.synapse.molecules import Molecules
from sim.synapse.sites import STATE_OF_KIND, SiteTable

LOG_CAPACITY = 4096
"""Most events of the tracked molecule one kernel call can log."""


class Transport:
    """Brownian motion of the free molecules, capture at the sites, unbinding and uptake.

    Args:
        params: the synapse's parameters.
        clock: the synapse's clock (advanced here by the steps run).
        molecules: the molecules (free ones move; captured, lost and let-go ones change state).
        sites: the membrane sites (geometry and lattice).
        site_table: the sites' rates and occupancy.
        sigma_nm: standard deviation of a step along each axis, sqrt(2 D dt), nm.
        kernel_seq: seed of the kernel's own stream (steps, capture, dwell draws).
        carry_seq: seed of the stream that places molecules carried into the terminal:
            3 uniforms per molecule, in capture order, so the places do not
            depend on how the steps are grouped into kernel calls.

    Attributes:
        release_gil: enter the kernel without the GIL, which lets other threads
            run meanwhile (the window steps its models on threads); the same
            numbers either way.
    """

    def __init__(
        self,
        params: Parameters,
        clock: StepClock,
        molecules: Molecules,
        sites: Sites,
        site_table: SiteTable,
        sigma_nm: float,
        kernel_seq: np.random.SeedSequence,
        carry_seq: np.random.SeedSequence,
    ) -> None:
        self.params = params
        self._clock = clock
        self._molecules = molecules
        self._sites = sites
        self._site_table = site_table
        self._kernel_rng = seed_state(kernel_seq)
        self._carry_rng = np.random.Generator(np.random.PCG64(carry_seq))
        self.release_gil = False
        st = site_table
        self._cleft = Cleft(
            width_nm=params.cleft_width_nm,
            outer_radius_nm=params.outer_radius_nm,
            absorbing=params.edge == "absorbing",
            step_table_nm=normal_table(sigma_nm),
            step_sd_nm=sigma_nm,
            dt_us=clock.dt_us,
        )
        self._lattice = Lattice(
            grid_flat=st.grid_flat,
            grid_side=st.grid_side,
            half_extent_nm=sites.half_extent_nm,
            inv_tile_per_nm=1.0 / sites.tile_nm,
        )
        self._log_step = np.zeros(LOG_CAPACITY, dtype=np.int64)
        self._log_code = np.zeros(LOG_CAPACITY, dtype=np.int64)
        self._kernel_counts = np.zeros(len(COUNTER_NAMES), dtype=np.int64)
        self._taken = np.zeros(1024, dtype=np.int64)
        self._events = np.zeros(1024, dtype=np.int64)

    def advance(self, k: int) -> None:
        """Diffusion, capture and site kinetics for ``k`` steps (one kernel call).

        The groups that hold arrays a part may replace (pools and molecule
        arrays grow, the blockade replaces ``blocked``, the site table owns its
        rates) are built at every call; the cleft and the lattice are fixed.
        """
        m, clock = self._molecules, self._clock
        pool, st = m.free, self._site_table
        room = pool.n + st.n_occupied
        pool.reserve(room)
        if self._taken.shape[0] < room:
            self._taken = np.zeros(2 * room, dtype=np.int64)
            self._events = np.zeros(2 * room, dtype=np.int64)
        counts = self._kernel_counts
        counts[:] = 0
        groups = (
            self._cleft,
            self._lattice,
            FreeRows(pool.ids, pool.xyz),
            Books(m.state, m.site, m.state_counts),
            SiteRates(
                st.kind, st.plane, st.x, st.y, STATE_OF_KIND, st.p_capture, st.log1m_p_leave,
                st.frac_inward,
            ),
            SiteOccupancy(
                st.p_now, st.blocked, st.occupant, st.leave_step, st.inward, st.occupied, st.slot
            ),
            Outputs(counts, self._taken, self._events),
            Watch(
                m.tracked_id, self._log_step, self._log_code, m.record_first_hits,
                m.first_post_hit_us,
            ),
        )  # fmt: skip
        n_free, st.n_occupied, n_taken, n_log = advance(
            k, clock.step_index, pool.n, st.n_occupied, self._kernel_rng, groups, self.release_gil
        )
        pool.n = n_free
        clock.step_index += k
        self._book(n_taken, n_log)

    def _book(self, n_taken: int, n_log: int) -> None:
        """Add the kernel's counts, place the molecules carried in, log the tracked one's events."""
        m, counts = self._molecules, self._kernel_counts
        if counts.any():
            for name, value in zip(COUNTER_NAMES, counts.tolist(), strict=True):
                m.counters[name] += value
        if n_taken:
            carried = self._taken[:n_taken].copy()
            u = self._carry_rng.random((n_taken, 3))
            m.pos[carried] = terminal_points_from_uniforms(self.params, u)
            m.cytosol.add(carried)
        dt_us = self._clock.dt_us
        for j in range(n_log):
            t_us = float(self._log_step[j]) * dt_us
            m.tracked_log.append((t_us, EVENT_TEXT[int(self._log_code[j])]))
