"""The terminal's slow processes, advanced every ``slow_dt_us`` (1 us).

- Cytosolic 5-HT is repackaged into vesicles by VMAT2 (rate ``vmat_rate_per_ms``,
  into the vesicles with most room) or broken down by MAO (``mao_rate_per_ms``).
- Empty docking sites take the fullest reserve vesicle after a mean wait of
  ``dock_time_ms``.
- Synthesis (TPH2) adds cytosolic molecules at ``synthesis_per_ms`` times the
  tryptophan level (Poisson per interval).
- The autoreceptor signal low-pass filters the fraction of autoreceptors
  bound with time constant ``autoreceptor_tau_ms``; it inhibits release
  (:meth:`Terminal.inhibition`).

Every per-interval probability stays <= ~1% in the presets (the step check
refuses > 0.5).
"""

from __future__ import annotations

import math

import numpy as np

from sim.params.synapse import Parameters
from sim.synapse import states as S
from sim.synapse.geometry import random_points_in_terminal
from sim.synapse.molecules import Molecules
from sim.synapse.vesicles import Vesicles


class Terminal:
    """The presynaptic terminal's slow chemistry and its autoreceptor signal.

    Args:
        params: the synapse's parameters.
        molecules: the molecules (cytosolic ones react, new ones are made).
        vesicles: the vesicles (refilled and docked here).
        place_rng: the placement stream, shared with :class:`sim.synapse.release.Release`
            in the order the scheduler calls them.
        slow_dt_us: the slow interval, us (whole steps).

    Attributes:
        autoreceptor_signal: low-pass fraction of autoreceptors bound, in [0, 1].
        autoreceptor_sensitivity: autoreceptor responsiveness in [0, 1] (1 = naive).
    """

    def __init__(
        self,
        params: Parameters,
        molecules: Molecules,
        vesicles: Vesicles,
        place_rng: np.random.Generator,
        slow_dt_us: float,
    ) -> None:
        self.params = params
        self._molecules = molecules
        self._vesicles = vesicles
        self._rng = place_rng
        self.slow_dt_us = slow_dt_us
        self.autoreceptor_signal = 0.0
        self.autoreceptor_sensitivity = params.autoreceptor_sensitivity

    def inhibition(self) -> float:
        """Fraction by which the autoreceptors lower the release probability now."""
        p = self.params
        return p.autoreceptor_gain * self.autoreceptor_sensitivity * self.autoreceptor_signal

    def advance(self) -> None:
        """One slow interval: cytosol, docking, synthesis, autoreceptor signal (in this order)."""
        self._cytosol_step()
        self._docking()
        self._synthesis()
        self._autoreceptor_step()

    def _cytosol_step(self) -> None:
        """VMAT2 repackaging and MAO breakdown of cytosolic 5-HT over one slow interval."""
        p, m = self.params, self._molecules
        pool = m.cytosol
        rate = p.vmat_rate_per_ms + p.mao_rate_per_ms
        if pool.n == 0 or rate <= 0:
            return
        rng = self._rng
        p_event = -math.expm1(-rate * self.slow_dt_us / 1000.0)
        # Each cytosolic molecule reacts with p_event in this interval.
        rows = np.flatnonzero(rng.random(pool.n) < p_event)
        k = len(rows)
        if k == 0:
            return
        ids = pool.ids[rows]
        pack = rng.random(k) < p.vmat_rate_per_ms / rate
        keep_in_cytosol = np.zeros(k, dtype=bool)
        packers = np.flatnonzero(pack)
        if len(packers):
            n_fit = self._repackage(ids[packers])
            keep_in_cytosol[packers[n_fit:]] = True
        degraded = ids[~pack]
        if len(degraded):
            m.move(degraded, S.CYTOSOL, S.DEGRADED)
            m.counters["degraded"] += len(degraded)
            m.log_event(degraded, "broken down by MAO")
            m.retire(degraded)
        pool.remove(rows[~keep_in_cytosol])

    def _repackage(self, packers: np.ndarray) -> int:
        """VMAT2 fills the vesicles with most room first; returns how many of ``packers`` fit."""
        m, v = self._molecules, self._vesicles
        spare = self.params.molecules_per_vesicle - v.vesicle_content
        order = np.argsort(-spare, kind="stable")
        cum = np.cumsum(spare[order])
        n_fit = int(min(len(packers), cum[-1] if len(cum) else 0))
        targets = order[np.searchsorted(cum, np.arange(n_fit), side="right")]
        packed = packers[:n_fit]
        if n_fit:
            m.move(packed, S.CYTOSOL, S.VESICLE)
            m.site[packed] = targets
            m.pos[packed] = v.offsets(self._rng, n_fit)
            np.add.at(v.vesicle_content, targets, 1)
            m.counters["repackaged"] += n_fit
            m.log_event(packed, "repackaged into a vesicle (VMAT2)")
        return n_fit

    def _docking(self) -> None:
        """Empty docking sites take the fullest undocked vesicles."""
        v = self._vesicles
        empty = np.flatnonzero(v.dock_vesicle < 0)
        if len(empty) == 0:
            return
        p_dock = -math.expm1(-self.slow_dt_us / (self.params.dock_time_ms * 1000.0))
        docking_now = empty[self._rng.random(len(empty)) < p_dock]
        if len(docking_now) == 0:
            return
        candidates = np.flatnonzero((v.vesicle_dock < 0) & (v.vesicle_content > 0))
        order = candidates[np.argsort(-v.vesicle_content[candidates], kind="stable")]
        n = min(len(order), len(docking_now))
        v.dock(docking_now[:n], order[:n])

    def _synthesis(self) -> None:
        """New cytosolic molecules from tryptophan (Poisson count per interval)."""
        p, m = self.params, self._molecules
        mean = p.synthesis_per_ms * p.tryptophan_level * self.slow_dt_us / 1000.0
        if mean <= 0:
            return
        k = int(self._rng.poisson(mean))
        if k == 0:
            return
        ids = m.new(k)
        m.state[ids] = S.CYTOSOL
        m.state_counts[S.CYTOSOL] += k
        m.pos[ids] = random_points_in_terminal(p, self._rng, k)
        m.cytosol.add(ids)
        m.counters["synthesised"] += k

    def _autoreceptor_step(self) -> None:
        """Relax the autoreceptor signal toward the bound fraction (time constant tau)."""
        n_auto = self.params.autoreceptor_count
        if n_auto == 0:
            return
        theta = self._molecules.state_counts[S.AUTORECEPTOR] / n_auto
        a = -math.expm1(-self.slow_dt_us / (self.params.autoreceptor_tau_ms * 1000.0))
        self.autoreceptor_signal += (theta - self.autoreceptor_signal) * a
