"""Action potentials and vesicle fusion: the release process.

Spikes come at the firing rate (regular or Poisson, from the spike stream)
or on command (:meth:`sim.synapse.model.Synapse.fire`). At each action potential
every docking site draws one uniform from the spike stream, whatever it
holds, so runs that differ only in release probability or occupancy share
their fusion draws (common random numbers for comparisons); a docked, filled
vesicle fuses when its draw is below the release probability after
autoreceptor inhibition. A fused vesicle's molecules become free at its pore
(within 1.5 nm of the vesicle's axis, just inside the cleft) and the empty
vesicle returns to the reserve pool to be refilled.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.synapse import states as S
from sim.synapse.geometry import reserve_positions

if TYPE_CHECKING:
    from sim.synapse.model import Synapse


def interval_us(m: Synapse) -> float:
    """The next interspike interval, us (the firing rate must be > 0)."""
    isi = 1.0e6 / m.firing_rate_hz
    if m.params.firing_pattern == "poisson":
        return float(m._spike_rng.exponential(isi))
    return isi


def fire_due(m: Synapse) -> None:
    """Fire every action potential due by the middle of the current step, then the commanded ones."""
    t_end = m.time_us + 0.5 * m.dt_us
    while m.next_spike_us <= t_end:
        action_potential(m)
        m.next_spike_us = m.next_spike_us + interval_us(m) if m.firing_rate_hz > 0 else math.inf
    while m.pending_fires:
        m.pending_fires -= 1
        action_potential(m)


def steps_until_next_spike(m: Synapse) -> int:
    """Whole steps from now to the step at which the next scheduled spike fires (>= 1)."""
    if not math.isfinite(m.next_spike_us):
        return 1 << 62
    # Spike at the first step s with s*dt + dt/2 >= t_spike; one step early is harmless.
    s = math.ceil((m.next_spike_us - 0.5 * m.dt_us) / m.dt_us) - 1
    return max(1, s - m.step_index)


def release_probability(m: Synapse) -> float:
    """Per-vesicle release probability after autoreceptor inhibition."""
    p = m.params
    inhibition = p.autoreceptor_gain * m.autoreceptor_sensitivity * m.autoreceptor_signal
    return p.release_probability * (1.0 - inhibition)


def action_potential(m: Synapse) -> None:
    """One action potential: fuse the docked vesicles whose draws fall below p_release."""
    m.counters["action_potentials"] += 1
    p_rel = release_probability(m)
    u = m._spike_rng.random(len(m.dock_vesicle))
    ves = m.dock_vesicle
    ready = (ves >= 0) & (m.vesicle_content[np.maximum(ves, 0)] > 0)
    fused = ves[ready & (u < p_rel)]
    m.spike_log.append((m.time_us, len(fused), p_rel))
    if len(fused) == 0:
        return
    n = m.n_molecules
    ids = np.flatnonzero((m.state[:n] == S.VESICLE) & np.isin(m.site[:n], fused))
    ves_of = m.site[ids]
    k = len(ids)
    rng = m._rng
    ang = rng.uniform(0.0, 2.0 * np.pi, k)
    rad = 1.5 * np.sqrt(rng.uniform(0.0, 1.0, k))
    x = m.vesicle_xyz[ves_of, 0] + rad * np.cos(ang)
    y = m.vesicle_xyz[ves_of, 1] + rad * np.sin(ang)
    z = rng.uniform(0.05, 1.0, k) * min(1.0, m.width_nm / 2)
    m.move(ids, S.VESICLE, S.FREE)
    m.site[ids] = -1
    m.free.add(ids, x, y, z)
    m.log_event(ids, "released into the cleft")
    m.counters["released"] += k
    m.counters["vesicles_fused"] += len(fused)
    t_us = m.time_us
    m.fusion_log.extend(
        (t_us, int(d), int(v), float(m.vesicle_xyz[v, 0]), float(m.vesicle_xyz[v, 1]))
        for v, d in zip(fused, m.vesicle_dock[fused], strict=True)
    )
    m.vesicle_content[fused] = 0
    m.dock_vesicle[m.vesicle_dock[fused]] = -1
    m.vesicle_dock[fused] = -1
    m.vesicle_xyz[fused] = reserve_positions(m.params, rng, len(fused))
