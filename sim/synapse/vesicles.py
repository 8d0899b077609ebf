"""The terminal's vesicles and docking sites: where each vesicle is and what it holds.

Vesicle ids ``0 .. docked_vesicles - 1`` start docked (one per docking
site), the rest in the reserve pool. Release (:mod:`sim.synapse.release`)
empties docked vesicles and sends them back to the reserve; the terminal
(:mod:`sim.synapse.terminal`) refills them (VMAT2) and docks the fullest.

Invariant: ``dock_vesicle[d] == v`` if and only if ``vesicle_dock[v] == d``.
"""

from __future__ import annotations

import numpy as np

from sim.params.synapse import Parameters
from sim.synapse.geometry import dock_positions, reserve_positions


class Vesicles:
    """Vesicle centres, contents and docking, as arrays.

    Args:
        params: the synapse's parameters.
        rng: the geometry stream (docking sites, then reserve positions).

    Attributes:
        dock_xyz: (n_dock, 3) centre of a vesicle docked at each site, nm.
        dock_vesicle: vesicle docked at each site, -1 if empty.
        vesicle_xyz: (n_vesicles, 3) centre of each vesicle, nm.
        vesicle_content: molecules inside each vesicle.
        vesicle_dock: docking site of each vesicle, -1 in the reserve pool.
    """

    def __init__(self, params: Parameters, rng: np.random.Generator) -> None:
        p = self.params = params
        n_dock, n_res = p.docked_vesicles, p.reserve_vesicles
        n_ves = n_dock + n_res
        self.dock_xyz = dock_positions(p, rng)
        self.dock_vesicle = np.arange(n_dock, dtype=np.int64)
        self.vesicle_xyz = np.concatenate(
            [self.dock_xyz, reserve_positions(p, rng, n_res)]
        ).reshape(n_ves, 3)
        self.fill = int(round(p.initial_vesicle_fill * p.molecules_per_vesicle))
        """Molecules each vesicle holds at the start."""
        self.vesicle_content = np.full(n_ves, self.fill, dtype=np.int64)
        self.vesicle_dock = np.full(n_ves, -1, dtype=np.int64)
        self.vesicle_dock[:n_dock] = np.arange(n_dock)

    @property
    def count(self) -> int:
        """Number of vesicles, docked and reserve."""
        return int(self.vesicle_content.shape[0])

    def offsets(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """(n, 3) offsets in nm of molecules inside a vesicle, from its centre."""
        v = rng.normal(size=(n, 3))
        v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
        return v * (0.8 * self.params.vesicle_radius_nm * rng.uniform(size=(n, 1)) ** (1 / 3))

    def undock(self, fused: np.ndarray, rng: np.random.Generator) -> None:
        """Empty the ``fused`` vesicles and send them to new places in the reserve pool."""
        self.vesicle_content[fused] = 0
        self.dock_vesicle[self.vesicle_dock[fused]] = -1
        self.vesicle_dock[fused] = -1
        self.vesicle_xyz[fused] = reserve_positions(self.params, rng, len(fused))

    def dock(self, docks: np.ndarray, ves: np.ndarray) -> None:
        """Dock vesicles ``ves`` at the empty sites ``docks`` (pairwise)."""
        self.dock_vesicle[docks] = ves
        self.vesicle_dock[ves] = docks
        self.vesicle_xyz[ves] = self.dock_xyz[docks]
