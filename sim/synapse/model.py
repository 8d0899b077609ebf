"""The synapse model: every 5-HT molecule an agent, advanced in fixed time steps.

Molecules are arrays, not objects (there are up to ~10^6 of them): ``state``
(int8, see :mod:`sim.synapse.states`), ``site`` (vesicle id or site id), and a stored
position. Free molecules additionally live in a dense :class:`FreePool` so the
diffusion kernel touches only them.

:class:`Synapse` is the scheduler. Each step runs the processes in this
order, each in its own module:

1. release (:mod:`sim.synapse.release`): action potentials due, vesicle fusion;
2. diffusion and capture (:mod:`sim.synapse.diffusion`, a numba kernel): Brownian
   steps, mirror reflection at the membranes and the outer edge, capture at
   membrane sites with the per-crossing probability of Andrews 2009
   (:mod:`sim.synapse.capture`), then unbinding and SERT turnover of the
   sites whose dwell ends (:mod:`sim.synapse.sites`);
3. at the end of every ``slow_dt_us`` (1 us): cytosol, docking, synthesis
   and the autoreceptor signal (:mod:`sim.synapse.terminal`);
4. every ``sample_interval_us``: a row of the recorder (:mod:`sim.synapse.recorder`).

:meth:`Synapse.run_steps` hands the kernel every stretch of steps between
those events in one call; the numbers are the same as one step at a time.

Invariant after every step: alive + degraded + lost = initial + synthesised +
injected, and the per-state counters equal :meth:`Synapse.recount` (a recount
of ``state``, with degraded molecules whose slot was reused still counted).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from sim.common.rng import normal_table, seed_state
from sim.params.synapse import ParameterError, Parameters, check
from sim.params.units import diffusion_to_nm2_per_us
from sim.synapse import release
from sim.synapse import states as S
from sim.synapse.diffusion import (
    COUNTER_NAMES,
    EVENT_TEXT,
    advance,
    advance_nogil,
    announce_first_compile,
)
from sim.synapse.geometry import (
    build_sites,
    dock_positions,
    random_points_in_terminal,
    reserve_positions,
    terminal_points_from_uniforms,
)
from sim.synapse.memory import check_memory
from sim.synapse.pool import FreePool, IdPool
from sim.synapse.readout import SynapseReadout
from sim.synapse.recorder import Recorder
from sim.synapse.sites import STATE_OF_KIND, CaptureError, SiteTable, unbind_offset_nm
from sim.synapse.terminal import advance_slow

MAX_STEP_FRACTION = 0.5
WARN_STEP_FRACTION = 0.25
MAX_REACTION_P = 0.5
WARN_REACTION_P = 0.2
WARN_CAPTURE_P = 0.5
"""Capture probabilities above this are beyond what the slab tests validate (P <= 0.3)."""

SLOW_INTERVAL_US = 1.0
"""Cytosol, docking, synthesis and the autoreceptor signal advance every
``SLOW_INTERVAL_US`` (whole steps): their rates are <= ~10 /ms in the presets,
so the per-interval probabilities stay <= 1%."""

LOG_CAPACITY = 4096
"""Most events of the tracked molecule one kernel call can log."""


class StepSizeError(ParameterError):
    """The time step is too large for the geometry or the reaction rates."""


class Synapse(SynapseReadout):
    """A serotonergic synapse simulated molecule by molecule.

    Args:
        params: validated parameters (see :class:`sim.params.synapse.Parameters`).
        seed: seed of all random streams; same seed and parameters give the
            same numbers.

    Attributes:
        step_index: number of completed steps; time is ``step_index * dt_us``.
        counters: cumulative event counts (released, taken_up, ...).
        recorder: the time series (see :mod:`sim.synapse.recorder`).
    """

    def __init__(self, params: Parameters, seed: int = 0) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ParameterError(f"seed = {seed!r} must be a whole number >= 0")
        check_memory(params)
        announce_first_compile()
        self.params = p = params
        self.seed = seed
        seqs = np.random.SeedSequence(seed).spawn(5)  # children 0-3 as before a 5th was added
        geo_seq, dyn_seq, spike_seq, kernel_seq, carry_seq = seqs
        geo_rng = np.random.Generator(np.random.PCG64(geo_seq))
        self._rng = np.random.Generator(np.random.PCG64(dyn_seq))
        self._spike_rng = np.random.Generator(np.random.PCG64(spike_seq))
        self._kernel_rng = seed_state(kernel_seq)
        self._carry_rng = np.random.Generator(np.random.PCG64(carry_seq))
        self.release_gil = False
        """Step through :func:`sim.synapse.diffusion.advance_nogil`, which lets other threads run
        meanwhile (the window steps its models on threads); the same numbers either way."""
        """Where SERT puts each molecule it carries in: 3 uniforms per molecule, in capture
        order, so the places do not depend on how the steps are grouped into kernel calls."""

        self.dt_us = p.dt_ns / 1000.0
        self._slow_every = max(1, int(SLOW_INTERVAL_US / self.dt_us + 1e-9))
        self.slow_dt_us = self._slow_every * self.dt_us
        self.d_nm2_per_us = diffusion_to_nm2_per_us(p.diffusion_um2_per_ms)
        self.sigma_nm = math.sqrt(2.0 * self.d_nm2_per_us * self.dt_us)
        self._table = normal_table(self.sigma_nm)
        self.width_nm = p.cleft_width_nm
        self.step_index = 0

        self.sites = build_sites(p, geo_rng)
        try:
            self.site_table = SiteTable(self.sites, p, self.dt_us, self.d_nm2_per_us)
        except CaptureError as exc:
            raise StepSizeError(str(exc)) from None
        self.check_step_size()
        self._absorbing = p.edge == "absorbing"
        self._inv_tile_nm = 1.0 / self.sites.tile_nm
        self._unbind_offset_nm = unbind_offset_nm(self.sigma_nm)
        self._n_sert = int((self.sites.kind == S.SITE_SERT).sum())
        self.blockade = 0.0
        self.set_blockade(p.blockade)

        self._setup_molecules_and_vesicles(geo_rng)

        self.autoreceptor_signal = 0.0
        self.autoreceptor_sensitivity = p.autoreceptor_sensitivity
        self.firing_rate_hz = p.firing_rate_hz
        self.pending_fires = 0
        self.next_spike_us = p.first_spike_ms * 1000.0 if p.first_spike_ms >= 0 else math.inf
        self.spike_log: list[tuple[float, int, float]] = []
        """Per action potential: (time in us, vesicles fused, release probability)."""
        self.fusion_log: list[tuple[float, int, int, float, float]] = []
        """Per fused vesicle: (time in us, dock index, vesicle id, pore x nm, pore y nm)."""

        self.tracked_id = -1
        self.tracked_log: list[tuple[float, str]] = []
        self._log_step = np.zeros(LOG_CAPACITY, dtype=np.int64)
        self._log_code = np.zeros(LOG_CAPACITY, dtype=np.int64)
        self._kernel_counts = np.zeros(len(COUNTER_NAMES), dtype=np.int64)
        self._taken = np.zeros(1024, dtype=np.int64)
        self._events = np.zeros(1024, dtype=np.int64)

        self._cleft_count_key: tuple[int, int] | None = None
        self._cleft_count = 0
        self._sample_every = max(1, int(round(p.sample_interval_us / self.dt_us)))
        self.recorder = Recorder(self)
        self.recorder.sample()

    # ------------------------------------------------------------------ setup
    def check_step_size(self) -> list[str]:
        """Refuse a step too coarse for the geometry; return warnings for marginal ones.

        The step length sqrt(2*D*dt) must stay well under the cleft width.
        Capture uses Andrews' relation, accurate at any per-crossing P (the
        slab tests check it to P = 0.3); it is refused only when a step could
        not capture as often as the reactivity asks (raised while building the
        sites) and warned above ``WARN_CAPTURE_P``. Unbinding, cytosol and
        docking use first-order rules and must stay well under 1. SERT's
        inward turnover is exempt: it only ends a site's occupancy, exactly,
        at any rate.
        """
        p = self.params
        problems: list[str] = []
        ratio = self.sigma_nm / self.width_nm
        if ratio > MAX_STEP_FRACTION:
            raise StepSizeError(
                f"dt_ns = {p.dt_ns} gives a step of {self.sigma_nm:.2f} nm, more than "
                f"{MAX_STEP_FRACTION} x cleft_width_nm = {self.width_nm}; lower dt_ns"
            )
        if ratio > WARN_STEP_FRACTION:
            problems.append(f"step length {self.sigma_nm:.2f} nm is {ratio:.0%} of the cleft width")
        limits = self.site_table.max_probabilities()
        if limits["capture"] > WARN_CAPTURE_P:
            problems.append(f"per-crossing capture probability {limits['capture']:.3f} > 0.5")
        probs = {
            "unbinding": limits["unbinding"],
            "cytosol": -math.expm1(
                -(p.vmat_rate_per_ms + p.mao_rate_per_ms) * self.slow_dt_us / 1000.0
            ),
            "docking": -math.expm1(-self.slow_dt_us / (p.dock_time_ms * 1000.0)),
        }
        for what, prob in probs.items():
            if prob > MAX_REACTION_P:
                raise StepSizeError(
                    f"dt_ns = {p.dt_ns} gives a per-step {what} probability of {prob:.3f} "
                    f"(limit {MAX_REACTION_P}); lower dt_ns or the rate"
                )
            if prob > WARN_REACTION_P:
                problems.append(f"per-step {what} probability {prob:.3f} is not << 1")
        for message in problems:
            warnings.warn(f"Cleft: {message}", stacklevel=2)
        return problems

    def _setup_molecules_and_vesicles(self, geo_rng: np.random.Generator) -> None:
        p = self.params
        n_dock, n_res = p.docked_vesicles, p.reserve_vesicles
        n_ves = n_dock + n_res
        self.dock_xyz = dock_positions(p, geo_rng)
        self.dock_vesicle = np.arange(n_dock, dtype=np.int64)
        self.vesicle_xyz = np.concatenate(
            [self.dock_xyz, reserve_positions(p, geo_rng, n_res)]
        ).reshape(n_ves, 3)
        fill = int(round(p.initial_vesicle_fill * p.molecules_per_vesicle))
        self.vesicle_content = np.full(n_ves, fill, dtype=np.int64)
        self.vesicle_dock = np.full(n_ves, -1, dtype=np.int64)
        self.vesicle_dock[:n_dock] = np.arange(n_dock)

        n_in_vesicles = n_ves * fill
        n0 = n_in_vesicles + p.initial_cytosol
        self.n_molecules = n0
        self.initial_molecules = n0
        self.state = np.empty(n0, dtype=np.int8)
        self.site = np.full(n0, -1, dtype=np.int64)
        self.pos = np.zeros((n0, 3), dtype=np.float32)
        self.state[:n_in_vesicles] = S.VESICLE
        self.site[:n_in_vesicles] = np.repeat(np.arange(n_ves), fill)
        self.pos[:n_in_vesicles] = self.vesicle_offsets(geo_rng, n_in_vesicles)
        self.state[n_in_vesicles:] = S.CYTOSOL
        self.pos[n_in_vesicles:] = random_points_in_terminal(p, geo_rng, p.initial_cytosol)
        self.free = FreePool()
        self.cytosol = IdPool()
        self.cytosol.add(np.arange(n_in_vesicles, n0))
        self._dead_slots = IdPool()
        self.recycled = 0
        self.first_post_hit_us = np.full(n0, np.nan)
        """Time (us) each molecule first crossed to the postsynaptic membrane, NaN if never.
        Filled only while ``record_first_hits`` is True."""
        self.record_first_hits = False
        self.state_counts = np.zeros(len(S.NAMES), dtype=np.int64)
        self.state_counts[S.VESICLE] = n_in_vesicles
        self.state_counts[S.CYTOSOL] = p.initial_cytosol
        self.counters = dict.fromkeys(
            (
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
            ),
            0,
        )

    def vesicle_offsets(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """(n, 3) offsets in nm of molecules inside a vesicle, from its centre."""
        v = rng.normal(size=(n, 3))
        v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
        return v * (0.8 * self.params.vesicle_radius_nm * rng.uniform(size=(n, 1)) ** (1 / 3))

    def new_molecules(self, k: int) -> np.ndarray:
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

    def recount(self) -> np.ndarray:
        """What ``state_counts`` must equal: a recount of ``state``, plus recycled slots as degraded."""
        counts = np.bincount(self.states(), minlength=len(S.NAMES)).astype(np.int64)
        counts[S.DEGRADED] += self.recycled
        return counts

    # ----------------------------------------------------------------- clock
    @property
    def time_us(self) -> float:
        """Simulated time in us (exact multiple of the step)."""
        return self.step_index * self.dt_us

    @property
    def time_ms(self) -> float:
        """Simulated time in ms."""
        return self.time_us / 1000.0

    def run(self, duration_ms: float) -> None:
        """Advance by ``duration_ms`` (rounded to whole steps)."""
        if not math.isfinite(duration_ms) or duration_ms < 0:
            raise ParameterError(f"duration_ms = {duration_ms} must be finite and >= 0")
        self.run_steps(int(round(duration_ms * 1000.0 / self.dt_us)))

    def step(self) -> None:
        """Advance one time step ``dt`` (fixed order of processes, see module doc)."""
        self.run_steps(1)

    def run_steps(self, n: int) -> None:
        """Advance ``n`` whole steps; the same numbers as ``n`` calls of :meth:`step`.

        The kernel runs each stretch of steps up to the next spike, slow
        interval or sample in one call.
        """
        end = self.step_index + int(n)
        slow, sample = self._slow_every, self._sample_every
        while self.step_index < end:
            release.fire_due(self)
            s0 = self.step_index
            k = end - s0
            k = min(k, slow - s0 % slow, sample - s0 % sample, release.steps_until_next_spike(self))
            self._advance(k)
            if self.step_index % slow == 0:
                advance_slow(self)
            if self.step_index % sample == 0:
                self.recorder.sample()

    def _advance(self, k: int) -> None:
        """Diffusion, capture and site kinetics for ``k`` steps (one kernel call)."""
        pool, st = self.free, self.site_table
        room = pool.n + st.n_occupied
        pool.reserve(room)
        if self._taken.shape[0] < room:
            self._taken = np.zeros(2 * room, dtype=np.int64)
            self._events = np.zeros(2 * room, dtype=np.int64)
        counts = self._kernel_counts
        counts[:] = 0
        p, sites = self.params, self.sites
        kernel = advance_nogil if self.release_gil else advance
        n_free, st.n_occupied, n_taken, n_log = kernel(
            k, self.step_index, self.width_nm, p.outer_radius_nm, self._absorbing,
            pool.ids, pool.xyz, pool.n, self.state, self.site, self.state_counts, counts,
            self._table, self._kernel_rng, self._events,
            st.grid_flat, st.grid_side, sites.half_extent_nm, self._inv_tile_nm,
            st.kind, st.plane, st.x, st.y, STATE_OF_KIND,
            st.p_now, st.p_capture, st.blocked, st.log1m_p_leave, st.frac_inward,
            st.occupant, st.leave_step, st.inward, st.occupied, st.slot, st.n_occupied,
            self._unbind_offset_nm,
            self._taken, 0, self.tracked_id, self._log_step, self._log_code, 0,
            self.first_post_hit_us, self.record_first_hits, self.dt_us,
        )  # fmt: skip
        pool.n = n_free
        self.step_index += k
        if counts.any():
            for name, value in zip(COUNTER_NAMES, counts.tolist(), strict=True):
                self.counters[name] += value
        if n_taken:
            carried = self._taken[:n_taken].copy()
            u = self._carry_rng.random((n_taken, 3))
            self.pos[carried] = terminal_points_from_uniforms(self.params, u)
            self.cytosol.add(carried)
        for j in range(n_log):
            t_us = float(self._log_step[j]) * self.dt_us
            self.tracked_log.append((t_us, EVENT_TEXT[int(self._log_code[j])]))

    # -------------------------------------------------------------- commands
    def fire(self) -> None:
        """Trigger one action potential at the next step."""
        self.pending_fires += 1

    def set_blockade(self, fraction: float) -> None:
        """Mark ``fraction`` of SERT drug-occupied (seeded, nested as f rises).

        A SERT already carrying a molecule finishes that cycle; blocked sites
        capture nothing new.
        """
        check("blockade", fraction)
        self.blockade = float(fraction)
        n_blocked = int(round(self.blockade * self._n_sert))
        rank = self.sites.block_rank
        self.site_table.set_blocked((rank >= 0) & (rank < n_blocked))

    def set_firing_rate(self, rate_hz: float) -> None:
        """Change the action-potential rate from now on (0 stops firing)."""
        check("firing_rate_hz", rate_hz)
        self.firing_rate_hz = float(rate_hz)
        self.next_spike_us = self.time_us + release.interval_us(self) if rate_hz > 0 else math.inf

    def set_autoreceptor_sensitivity(self, value: float) -> None:
        """Set autoreceptor responsiveness in [0, 1] (1 = naive)."""
        check("autoreceptor_sensitivity", value)
        self.autoreceptor_sensitivity = float(value)

    def release_probability_now(self) -> float:
        """Per-vesicle release probability after autoreceptor inhibition."""
        return release.release_probability(self)

    def inject(self, count: int, x_nm, y_nm, z_nm) -> np.ndarray:
        """Add ``count`` new free molecules (a puff); returns their ids.

        ``x_nm``, ``y_nm``, ``z_nm`` are numbers (all at one point) or arrays of
        length ``count``. Injected molecules are counted in
        ``counters['injected']`` so the conservation law still holds.
        """
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 0:
            raise ParameterError(f"count = {count!r} must be a whole number >= 0")
        xyz = [
            np.broadcast_to(np.asarray(v, dtype=np.float64), (count,)) for v in (x_nm, y_nm, z_nm)
        ]
        if not all(np.isfinite(v).all() for v in xyz):
            raise ParameterError("inject: positions must be finite")
        if count and not (0.0 <= xyz[2].min() and xyz[2].max() <= self.width_nm):
            raise ParameterError(f"z_nm is outside the cleft [0, {self.width_nm}] nm")
        if count and (xyz[0] ** 2 + xyz[1] ** 2).max() > self.params.outer_radius_nm**2:
            raise ParameterError(
                f"inject: positions must lie within outer_radius_nm = {self.params.outer_radius_nm}"
            )
        ids = self.new_molecules(int(count))
        self.state[ids] = S.FREE
        self.state_counts[S.FREE] += count
        self.counters["injected"] += int(count)
        self.free.add(ids, *xyz)
        return ids

    def track(self, molecule_id: int) -> None:
        """Follow one molecule: its events are appended to ``tracked_log``."""
        if not 0 <= molecule_id < self.n_molecules:
            raise ParameterError(
                f"molecule_id = {molecule_id} is out of range [0, {self.n_molecules - 1}]"
            )
        self.tracked_id = int(molecule_id)
        self.tracked_log = [(self.time_us, f"followed ({S.NAMES[self.state[molecule_id]]})")]

    def untrack(self) -> None:
        """Stop following a molecule (its log is kept until the next ``track``)."""
        self.tracked_id = -1

    def log_event(self, ids: np.ndarray, text: str) -> None:
        """Append ``text`` to the tracked log if the tracked molecule is among ``ids``."""
        if self.tracked_id >= 0 and len(ids) and bool(np.any(ids == self.tracked_id)):
            self.tracked_log.append((self.time_us, text))

    def move(self, ids: np.ndarray, old: int, new: int) -> None:
        """Change the state of molecules ``ids`` from ``old`` to ``new``, keeping the counts."""
        self.state[ids] = new
        self.state_counts[old] -= len(ids)
        self.state_counts[new] += len(ids)


def _grow(arr: np.ndarray, cap: int, fill: float | int = 0) -> np.ndarray:
    shape = (cap,) + arr.shape[1:]
    out = np.full(shape, fill, dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out
