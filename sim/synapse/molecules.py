"""Every 5-HT molecule of one synapse: state, site, stored position, pools and books.

Molecules are arrays, not objects (there are up to ~10^6 of them): ``state``
(int8, see :mod:`sim.synapse.states`), ``site`` (vesicle id or site id, -1
for none) and a stored position ``pos`` (nm; in a vesicle, the offset from
its centre). Free molecules additionally live in the dense :class:`FreePool`
``free`` so the diffusion kernel touches only them; cytosolic ones are listed
in the :class:`IdPool` ``cytosol``.

The books: ``state_counts`` (molecules per state, degraded ones whose slot
was reused still counted) and ``counters`` (cumulative events). Every
process changes a state through :meth:`Molecules.move` so the counts stay
equal to a recount. One molecule may be followed: its events go to
``tracked_log``.
"""

from __future__ import annotations

import numpy as np

from sim.params.synapse import Parameters
from sim.synapse import states as S
from sim.synapse.clock import StepClock
from sim.synapse.geometry import random_points_in_terminal
from sim.synapse.pool import FreePool, IdPool
from sim.synapse.vesicles import Vesicles

EVENT_COUNTERS = (
    "released",
    "taken_up",
    "repackaged",
    "degraded",
    "lost",
    "synthesised",
    "injected",
    "receptor_bindings",
    "autoreceptor_bindings",
    "sert_captures",
    "sert_unbindings",
    "action_potentials",
    "vesicles_fused",
)
"""The cumulative event counters, in the order of ``counters``."""


class Molecules:
    """The molecule arrays, their pools and books.

    Args:
        params: the synapse's parameters.
        vesicles: the vesicles to fill (``vesicles.fill`` molecules each).
        rng: the geometry stream (offsets in the vesicles, then cytosol positions).
        clock: the synapse's clock (to stamp the tracked molecule's events).

    Attributes:
        n_molecules: ids in use (``state[:n_molecules]`` is every molecule ever made).
        initial_molecules: molecules at the start.
        recycled: slots of degraded molecules that now hold a new molecule.
        first_post_hit_us: time (us) each molecule first crossed to the
            postsynaptic membrane, NaN if never; filled only while
            ``record_first_hits`` is True.
        tracked_id: the followed molecule, -1 if none.
        tracked_log: (time us, text) of the followed molecule's events.
    """

    def __init__(
        self, params: Parameters, vesicles: Vesicles, rng: np.random.Generator, clock: StepClock
    ) -> None:
        self._clock = clock
        n_ves, fill = vesicles.count, vesicles.fill
        n_in_vesicles = n_ves * fill
        n0 = n_in_vesicles + params.initial_cytosol
        self.n_molecules = n0
        self.initial_molecules = n0
        self.state = np.empty(n0, dtype=np.int8)
        self.site = np.full(n0, -1, dtype=np.int64)
        self.pos = np.zeros((n0, 3), dtype=np.float32)
        self.state[:n_in_vesicles] = S.VESICLE
        self.site[:n_in_vesicles] = np.repeat(np.arange(n_ves), fill)
        self.pos[:n_in_vesicles] = vesicles.offsets(rng, n_in_vesicles)
        self.state[n_in_vesicles:] = S.CYTOSOL
        self.pos[n_in_vesicles:] = random_points_in_terminal(params, rng, params.initial_cytosol)
        self.free = FreePool()
        self.cytosol = IdPool()
        self.cytosol.add(np.arange(n_in_vesicles, n0))
        self._dead_slots = IdPool()
        self.recycled = 0
        self.first_post_hit_us = np.full(n0, np.nan)
        self.record_first_hits = False
        self.state_counts = np.zeros(len(S.NAMES), dtype=np.int64)
        self.state_counts[S.VESICLE] = n_in_vesicles
        self.state_counts[S.CYTOSOL] = params.initial_cytosol
        self.counters = dict.fromkeys(EVENT_COUNTERS, 0)
        self.tracked_id = -1
        self.tracked_log: list[tuple[float, str]] = []

    def move(self, ids: np.ndarray, old: int, new: int) -> None:
        """Change the state of molecules ``ids`` from ``old`` to ``new``, keeping the counts."""
        self.state[ids] = new
        self.state_counts[old] -= len(ids)
        self.state_counts[new] += len(ids)

    def new(self, k: int) -> np.ndarray:
        """Ids for ``k`` new molecules (state still unset): retired slots first, then fresh ones.

        Reusing the slots of degraded molecules keeps a long run's arrays
        flat (synthesis balances breakdown). ``state_counts[DEGRADED]`` still
        counts every molecule ever degraded; ``recycled`` says how many of
        those slots now hold a new molecule.
        """
        dead = self._dead_slots
        reuse = min(k, dead.n)
        reused = dead.ids[dead.n - reuse : dead.n].copy()
        dead.n -= reuse
        self.recycled += reuse
        self.site[reused] = -1
        self.first_post_hit_us[reused] = np.nan
        fresh = k - reuse
        n = self.n_molecules
        if n + fresh > self.state.shape[0]:
            cap = max(n + fresh, 2 * self.state.shape[0], 1024)
            self.state = _grow(self.state, cap)
            self.site = _grow(self.site, cap, fill=-1)
            self.pos = _grow(self.pos, cap)
            self.first_post_hit_us = _grow(self.first_post_hit_us, cap, fill=np.nan)
        self.n_molecules = n + fresh
        return np.concatenate((reused, np.arange(n, n + fresh, dtype=np.int64)))

    def retire(self, ids: np.ndarray) -> None:
        """Offer the slots of molecules just degraded for reuse (never the tracked one's)."""
        if self.tracked_id >= 0:
            ids = ids[ids != self.tracked_id]
        self._dead_slots.add(ids)

    def track(self, molecule_id: int) -> None:
        """Follow one molecule (an id already checked to be in range)."""
        self.tracked_id = int(molecule_id)
        name = S.NAMES[self.state[molecule_id]]
        self.tracked_log = [(self._clock.time_us, f"followed ({name})")]

    def log_event(self, ids: np.ndarray, text: str) -> None:
        """Append ``text`` to the tracked log if the tracked molecule is among ``ids``."""
        if self.tracked_id >= 0 and len(ids) and bool(np.any(ids == self.tracked_id)):
            self.tracked_log.append((self._clock.time_us, text))


def _grow(arr: np.ndarray, cap: int, fill: float | int = 0) -> np.ndarray:
    shape = (cap,) + arr.shape[1:]
    out = np.full(shape, fill, dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out
