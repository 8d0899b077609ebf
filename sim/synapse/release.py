"""Action potentials and vesicle fusion: the release process.

Spikes come at the firing rate (regular or Poisson, from the spike stream)
or on command (:meth:`Release.fire`). At each action potential every docking
site draws one uniform from the spike stream, whatever it holds, so runs
that differ only in release probability or occupancy share their fusion
draws (common random numbers for comparisons); a docked, filled vesicle
fuses when its draw is below the release probability after autoreceptor
inhibition. A fused vesicle's molecules become free at its pore (within
1.5 nm of the vesicle's axis, just inside the cleft) and the empty vesicle
returns to the reserve pool to be refilled.
"""

from __future__ import annotations

import math

import numpy as np

from sim.params.synapse import Parameters
from sim.synapse import states as S
from sim.synapse.clock import StepClock
from sim.synapse.molecules import Molecules
from sim.synapse.vesicles import Vesicles

PORE_RADIUS_NM = 1.5
"""Fused molecules start within this distance of the vesicle's axis."""


class Release:
    """The release process: when spikes come and which vesicles they fuse.

    Args:
        params: the synapse's parameters.
        clock: the synapse's clock.
        molecules: the molecules (fused ones become free).
        vesicles: the vesicles (fused ones are emptied and sent to the reserve).
        spike_rng: the spike stream, owned by this process (intervals, fusion draws).
        place_rng: the placement stream (pores, reserve positions), shared with
            :class:`sim.synapse.terminal.Terminal` in the order the scheduler
            calls them.

    Attributes:
        firing_rate_hz: action potentials per second (0: only on command).
        next_spike_us: time of the next scheduled spike, us (inf if none).
        pending_fires: commanded spikes not fired yet.
        spike_log: per action potential, (time us, vesicles fused, release probability).
        fusion_log: per fused vesicle, (time us, dock index, vesicle id, pore x nm, pore y nm).
    """

    def __init__(
        self,
        params: Parameters,
        clock: StepClock,
        molecules: Molecules,
        vesicles: Vesicles,
        spike_rng: np.random.Generator,
        place_rng: np.random.Generator,
    ) -> None:
        self.params = params
        self._clock = clock
        self._molecules = molecules
        self._vesicles = vesicles
        self._spike_rng = spike_rng
        self._rng = place_rng
        self.firing_rate_hz = params.firing_rate_hz
        self.pending_fires = 0
        first = params.first_spike_ms
        self.next_spike_us = first * 1000.0 if first >= 0 else math.inf
        self.spike_log: list[tuple[float, int, float]] = []
        self.fusion_log: list[tuple[float, int, int, float, float]] = []

    def interval_us(self) -> float:
        """The next interspike interval, us (the firing rate must be > 0)."""
        isi = 1.0e6 / self.firing_rate_hz
        if self.params.firing_pattern == "poisson":
            return float(self._spike_rng.exponential(isi))
        return isi

    def set_firing_rate(self, rate_hz: float) -> None:
        """Fire at ``rate_hz`` from now on (0 stops firing); the rate is already checked."""
        self.firing_rate_hz = float(rate_hz)
        now = self._clock.time_us
        self.next_spike_us = now + self.interval_us() if rate_hz > 0 else math.inf

    def fire(self) -> None:
        """Trigger one action potential at the next step."""
        self.pending_fires += 1

    def probability(self, inhibition: float) -> float:
        """Per-vesicle release probability at autoreceptor ``inhibition`` (a fraction)."""
        return self.params.release_probability * (1.0 - inhibition)

    def fire_due(self, inhibition: float) -> None:
        """Fire every spike due by the middle of the current step, then the commanded ones."""
        clock = self._clock
        t_end = clock.time_us + 0.5 * clock.dt_us
        while self.next_spike_us <= t_end:
            self._action_potential(inhibition)
            rate = self.firing_rate_hz
            self.next_spike_us = self.next_spike_us + self.interval_us() if rate > 0 else math.inf
        while self.pending_fires:
            self.pending_fires -= 1
            self._action_potential(inhibition)

    def steps_until_next_spike(self) -> int:
        """Whole steps from now to the step at which the next scheduled spike fires (>= 1)."""
        if not math.isfinite(self.next_spike_us):
            return 1 << 62
        dt = self._clock.dt_us
        # Spike at the first step s with s*dt + dt/2 >= t_spike; one step early is harmless.
        s = math.ceil((self.next_spike_us - 0.5 * dt) / dt) - 1
        return max(1, s - self._clock.step_index)

    def _action_potential(self, inhibition: float) -> None:
        """One action potential: fuse the docked vesicles whose draws fall below p_release."""
        m, v = self._molecules, self._vesicles
        m.counters["action_potentials"] += 1
        p_rel = self.probability(inhibition)
        u = self._spike_rng.random(len(v.dock_vesicle))
        ves = v.dock_vesicle
        ready = (ves >= 0) & (v.vesicle_content[np.maximum(ves, 0)] > 0)
        fused = ves[ready & (u < p_rel)]
        t_us = self._clock.time_us
        self.spike_log.append((t_us, len(fused), p_rel))
        if len(fused) == 0:
            return
        n = m.n_molecules
        ids = np.flatnonzero((m.state[:n] == S.VESICLE) & np.isin(m.site[:n], fused))
        self._free_at_pores(ids)
        m.counters["vesicles_fused"] += len(fused)
        self.fusion_log.extend(
            (t_us, int(d), int(f), float(v.vesicle_xyz[f, 0]), float(v.vesicle_xyz[f, 1]))
            for f, d in zip(fused, v.vesicle_dock[fused], strict=True)
        )
        v.undock(fused, self._rng)

    def _free_at_pores(self, ids: np.ndarray) -> None:
        """Molecules ``ids`` leave their vesicles through the pore, just inside the cleft."""
        m, rng = self._molecules, self._rng
        ves_of = m.site[ids]
        k = len(ids)
        ang = rng.uniform(0.0, 2.0 * np.pi, k)
        rad = PORE_RADIUS_NM * np.sqrt(rng.uniform(0.0, 1.0, k))
        centre = self._vesicles.vesicle_xyz[ves_of]
        x = centre[:, 0] + rad * np.cos(ang)
        y = centre[:, 1] + rad * np.sin(ang)
        z = rng.uniform(0.05, 1.0, k) * min(1.0, self.params.cleft_width_nm / 2)
        m.move(ids, S.VESICLE, S.FREE)
        m.site[ids] = -1
        m.free.add(ids, x, y, z)
        m.log_event(ids, "released into the cleft")
        m.counters["released"] += k
