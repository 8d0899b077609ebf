"""What the window, the recorder and the tests read from a synapse: positions, counts, books.

:class:`SynapseReadout` is the reading half of :class:`sim.synapse.model.Synapse`
(which inherits it): nothing here changes the model, except the cached
count of free molecules in the cleft.
"""

from __future__ import annotations

import numpy as np

from sim.params.units import count_to_uM
from sim.synapse import states as S
from sim.synapse.geometry import PLANE_POST, cleft_volume_nm3


class SynapseReadout:
    """Read-only views of a :class:`sim.synapse.model.Synapse` (mixed into it)."""

    @property
    def site_occupant(self) -> np.ndarray:
        """Molecule id held by each site, -1 if free (read-only use)."""
        return self.site_table.occupant

    @property
    def sert_blocked(self) -> np.ndarray:
        """Whether each site is a drug-occupied SERT (read-only use)."""
        return self.site_table.blocked

    @property
    def site_p_capture(self) -> np.ndarray:
        """Per-crossing capture probability of each site (Andrews 2009)."""
        return self.site_table.p_capture

    def molecule_position(self, molecule_id: int) -> np.ndarray | None:
        """Position (x, y, z) in nm of one molecule, by the rules of :meth:`positions`.

        None once it has been degraded or lost.
        """
        st = int(self.state[molecule_id])
        if st == S.FREE:
            rows = np.flatnonzero(self.free.ids[: self.free.n] == molecule_id)
            return self.free.xyz[:, rows[0]].astype(np.float64) if len(rows) else None
        if st in (S.RECEPTOR, S.AUTORECEPTOR, S.SERT):
            sid = int(self.site[molecule_id])
            z = self.width_nm if self.sites.plane[sid] == PLANE_POST else 0.0
            return np.array([self.sites.x[sid], self.sites.y[sid], z], dtype=np.float64)
        if st == S.VESICLE:
            v = int(self.site[molecule_id])
            return self.vesicle_xyz[v].astype(np.float64) + self.pos[molecule_id]
        if st == S.CYTOSOL:
            return self.pos[molecule_id].astype(np.float64)
        return None

    def free_positions(self) -> np.ndarray:
        """(3, n_free) float32 view of free molecules' x, y, z in nm (do not modify)."""
        return self.free.xyz[:, : self.free.n]

    def cytosol_positions(self) -> np.ndarray:
        """(n_cytosol, 3) float32 positions in nm of the molecules in the terminal's cytosol."""
        return self.pos[self.cytosol.ids[: self.cytosol.n]]

    def states(self) -> np.ndarray:
        """State code of every molecule ever made (see :mod:`sim.synapse.states`)."""
        return self.state[: self.n_molecules]

    def positions(self) -> np.ndarray:
        """(n_molecules, 3) float32 positions in nm of every molecule.

        Free: where it is; bound: its site; in a vesicle: the vesicle centre
        plus a fixed offset; cytosol: a point in the terminal. Degraded and
        lost molecules keep their last position.
        """
        n = self.n_molecules
        out = self.pos[:n].copy()
        st = self.state[:n]
        pool = self.free
        out[pool.ids[: pool.n]] = pool.xyz[:, : pool.n].T
        ves = np.flatnonzero(st == S.VESICLE)
        out[ves] += self.vesicle_xyz[self.site[ves]].astype(np.float32)
        bound = np.flatnonzero((st == S.RECEPTOR) | (st == S.AUTORECEPTOR) | (st == S.SERT))
        sid = self.site[bound]
        out[bound, 0] = self.sites.x[sid]
        out[bound, 1] = self.sites.y[sid]
        out[bound, 2] = np.where(self.sites.plane[sid] == PLANE_POST, self.width_nm, 0.0)
        return out

    def free_in_cleft(self) -> int:
        """Free molecules inside the synaptic disc (r < active-zone radius).

        Counted once per state of the free pool (step and size): the recorder
        asks for it three times per sample.
        """
        key = (self.step_index, self.free.n)
        if self._cleft_count_key != key:
            x, y, _ = self.free_positions()
            r = self.params.active_zone_radius_nm
            self._cleft_count = int(np.count_nonzero(x * x + y * y < r * r))
            self._cleft_count_key = key
        return self._cleft_count

    def cleft_concentration_uM(self) -> float:
        """Free 5-HT concentration inside the cleft disc, uM."""
        return count_to_uM(self.free_in_cleft(), cleft_volume_nm3(self.params))

    def occupancy(self, site_kind: int) -> float:
        """Fraction of sites of ``site_kind`` that hold a molecule."""
        return self.site_table.occupancy(site_kind)

    def alive(self) -> int:
        """Molecules that still exist as 5-HT."""
        return int(sum(self.state_counts[s] for s in S.ALIVE))

    def conservation_error(self) -> int:
        """Alive + degraded + lost - (initial + synthesised + injected); 0 when exact."""
        c = self.counters
        return (
            self.alive()
            + int(self.state_counts[S.DEGRADED])
            + int(self.state_counts[S.LOST])
            - (self.initial_molecules + c["synthesised"] + c["injected"])
        )
