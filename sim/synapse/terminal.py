"""The terminal's slow processes, advanced every ``slow_dt_us`` (1 us).

- Cytosolic 5-HT is repackaged into vesicles by VMAT2 (rate ``vmat_rate_per_ms``,
  into the vesicles with most room) or broken down by MAO (``mao_rate_per_ms``).
- Empty docking sites take the fullest reserve vesicle after a mean wait of
  ``dock_time_ms``.
- Synthesis (TPH2) adds cytosolic molecules at ``synthesis_per_ms`` times the
  tryptophan level (Poisson per interval).
- The autoreceptor signal low-pass filters the fraction of autoreceptors
  bound with time constant ``autoreceptor_tau_ms``.

Every per-interval probability stays <= ~1% in the presets (the step check
refuses > 0.5).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.synapse import states as S
from sim.synapse.geometry import random_points_in_terminal

if TYPE_CHECKING:
    from sim.synapse.model import Synapse


def advance_slow(m: Synapse) -> None:
    """One slow interval: cytosol, docking, synthesis, autoreceptor signal (in this order)."""
    cytosol_step(m)
    docking(m)
    synthesis(m)
    autoreceptor_signal(m)


def cytosol_step(m: Synapse) -> None:
    """VMAT2 repackaging and MAO breakdown of cytosolic 5-HT over one slow interval."""
    p = m.params
    pool = m.cytosol
    rate = p.vmat_rate_per_ms + p.mao_rate_per_ms
    if pool.n == 0 or rate <= 0:
        return
    rng = m._rng
    p_event = -math.expm1(-rate * m.slow_dt_us / 1000.0)
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
        spare = p.molecules_per_vesicle - m.vesicle_content
        order = np.argsort(-spare, kind="stable")
        cum = np.cumsum(spare[order])
        n_fit = int(min(len(packers), cum[-1] if len(cum) else 0))
        targets = order[np.searchsorted(cum, np.arange(n_fit), side="right")]
        keep_in_cytosol[packers[n_fit:]] = True
        packed = ids[packers[:n_fit]]
        if n_fit:
            m.move(packed, S.CYTOSOL, S.VESICLE)
            m.site[packed] = targets
            m.pos[packed] = m.vesicle_offsets(rng, n_fit)
            np.add.at(m.vesicle_content, targets, 1)
            m.counters["repackaged"] += n_fit
            m.log_event(packed, "repackaged into a vesicle (VMAT2)")
    degraded = ids[~pack]
    if len(degraded):
        m.move(degraded, S.CYTOSOL, S.DEGRADED)
        m.counters["degraded"] += len(degraded)
        m.log_event(degraded, "broken down by MAO")
        m.retire(degraded)
    pool.remove(rows[~keep_in_cytosol])


def docking(m: Synapse) -> None:
    """Empty docking sites take the fullest undocked vesicles."""
    empty = np.flatnonzero(m.dock_vesicle < 0)
    if len(empty) == 0:
        return
    p_dock = -math.expm1(-m.slow_dt_us / (m.params.dock_time_ms * 1000.0))
    docking_now = empty[m._rng.random(len(empty)) < p_dock]
    if len(docking_now) == 0:
        return
    candidates = np.flatnonzero((m.vesicle_dock < 0) & (m.vesicle_content > 0))
    order = candidates[np.argsort(-m.vesicle_content[candidates], kind="stable")]
    n = min(len(order), len(docking_now))
    ves, docks = order[:n], docking_now[:n]
    m.dock_vesicle[docks] = ves
    m.vesicle_dock[ves] = docks
    m.vesicle_xyz[ves] = m.dock_xyz[docks]


def synthesis(m: Synapse) -> None:
    """New cytosolic molecules from tryptophan (Poisson count per interval)."""
    p = m.params
    mean = p.synthesis_per_ms * p.tryptophan_level * m.slow_dt_us / 1000.0
    if mean <= 0:
        return
    k = int(m._rng.poisson(mean))
    if k == 0:
        return
    ids = m.new_molecules(k)
    m.state[ids] = S.CYTOSOL
    m.state_counts[S.CYTOSOL] += k
    m.pos[ids] = random_points_in_terminal(p, m._rng, k)
    m.cytosol.add(ids)
    m.counters["synthesised"] += k


def autoreceptor_signal(m: Synapse) -> None:
    """Relax the autoreceptor signal toward the bound fraction (time constant tau)."""
    n_auto = m.params.autoreceptor_count
    if n_auto == 0:
        return
    theta = m.state_counts[S.AUTORECEPTOR] / n_auto
    a = -math.expm1(-m.slow_dt_us / (m.params.autoreceptor_tau_ms * 1000.0))
    m.autoreceptor_signal += (theta - m.autoreceptor_signal) * a
