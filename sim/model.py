"""The synapse model: every 5-HT molecule an agent, advanced in fixed time steps.

Molecules are arrays, not objects (there are up to ~10^6 of them): ``state``
(int8, see :mod:`sim.states`), ``site`` (vesicle id or site id), and a stored
position. Free molecules additionally live in a dense :class:`FreePool` so the
diffusion step touches only them.

One call to :meth:`Synapse.step` advances ``dt`` with the processes in a fixed
order: action potentials and release; Brownian steps with mirror reflection
at the membranes and the outer edge; capture at membrane sites by the
reactive-boundary rule P = kappa*sqrt(pi*dt/D) (Erban & Chapman 2007); unbinding
and SERT turnover; cytosolic repackaging (VMAT2) and breakdown (MAO); vesicle
docking; synthesis; the autoreceptor signal; recording.

Invariant after every step: alive + degraded + lost = initial + synthesised +
injected, and the per-state counters equal a recount of ``state``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import states as S
from .geometry import (
    PLANE_POST,
    PLANE_PRE,
    build_sites,
    cleft_volume_nm3,
    dock_positions,
    random_points_in_terminal,
    reserve_positions,
)
from .noise import NormalTable
from .params import ParameterError, Parameters, check
from .pool import FreePool, IdPool
from .recorder import Recorder
from .units import count_to_uM, diffusion_to_nm2_per_us, kon_to_nm3_per_us

UNBIND_OFFSET_SIGMAS = 0.6267
"""Released molecules start this many step lengths off the surface (science.md section 3)."""

MAX_STEP_FRACTION = 0.5
WARN_STEP_FRACTION = 0.25
MAX_REACTION_P = 0.5
WARN_REACTION_P = 0.2


_NEVER = np.iinfo(np.int64).max
SLOW_INTERVAL_US = 1.0
"""Cytosol, docking, synthesis and the autoreceptor signal advance every
``SLOW_INTERVAL_US`` (whole steps): their rates are <= ~10 /ms in the presets,
so the per-interval probabilities stay <= 1%."""


class StepSizeError(ParameterError):
    """The time step is too large for the geometry or the reaction rates."""


class Synapse:
    """A serotonergic synapse simulated molecule by molecule.

    Args:
        params: validated parameters (see :class:`sim.params.Parameters`).
        seed: seed of all random streams; same seed and parameters give the
            same numbers.

    Attributes:
        step_index: number of completed steps; time is ``step_index * dt_us``.
        counters: cumulative event counts (released, taken_up, ...).
        recorder: the time series (see :mod:`sim.recorder`).
    """

    def __init__(self, params: Parameters, seed: int = 0) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ParameterError(f"seed = {seed!r} must be a whole number >= 0")
        self.params = p = params
        self.seed = seed
        geo_seq, dyn_seq, spike_seq = np.random.SeedSequence(seed).spawn(3)
        geo_rng = np.random.Generator(np.random.PCG64(geo_seq))
        self._rng = np.random.Generator(np.random.PCG64(dyn_seq))
        self._bitgen = self._rng.bit_generator
        self._spike_rng = np.random.Generator(np.random.PCG64(spike_seq))

        self.dt_us = p.dt_ns / 1000.0
        self._slow_every = max(1, int(SLOW_INTERVAL_US // self.dt_us))
        self.slow_dt_us = self._slow_every * self.dt_us
        self.d_nm2_per_us = diffusion_to_nm2_per_us(p.diffusion_um2_per_ms)
        self.sigma_nm = math.sqrt(2.0 * self.d_nm2_per_us * self.dt_us)
        self._noise = NormalTable(self.sigma_nm)
        self._may_overshoot = self._noise.max_abs > p.cleft_width_nm
        self.width_nm = p.cleft_width_nm
        self.step_index = 0

        self.sites = build_sites(p, geo_rng)
        self._setup_site_rates()
        self.check_step_size()
        self.site_occupant = np.full(self.sites.count, -1, dtype=np.int64)
        self.site_leave_step = np.full(self.sites.count, _NEVER, dtype=np.int64)
        self.site_leave_into_cell = np.zeros(self.sites.count, dtype=bool)
        self._setup_capture_lookup()
        self._n_sert = int((self.sites.kind == S.SITE_SERT).sum())
        self.blockade = 0.0
        self.sert_blocked = np.zeros(self.sites.count, dtype=bool)
        self.set_blockade(p.blockade)

        self._setup_molecules_and_vesicles(geo_rng)

        self.autoreceptor_signal = 0.0
        self.autoreceptor_sensitivity = p.autoreceptor_sensitivity
        self.firing_rate_hz = p.firing_rate_hz
        self._pending_fires = 0
        self._next_spike_us = p.first_spike_ms * 1000.0 if p.first_spike_ms >= 0 else math.inf
        self.spike_log: list[tuple[float, int, float]] = []
        """Per action potential: (time in us, vesicles fused, release probability)."""
        self.fusion_log: list[tuple[float, int, int, float, float]] = []
        """Per fused vesicle: (time in us, dock index, vesicle id, pore x nm, pore y nm)."""

        self.tracked_id = -1
        self.tracked_log: list[tuple[float, str]] = []

        self._cleft_count_key: tuple[int, int] | None = None
        self._cleft_count = 0
        self._sample_every = max(1, int(round(p.sample_interval_us / self.dt_us)))
        self.recorder = Recorder(self)
        self.recorder.sample()

    # ------------------------------------------------------------------ setup
    def _setup_site_rates(self) -> None:
        p, kind = self.params, self.sites.kind
        tile_area = p.tile_nm**2
        reach = math.sqrt(math.pi * self.dt_us / self.d_nm2_per_us)
        kon = np.select(
            [kind == S.SITE_RECEPTOR, kind == S.SITE_AUTORECEPTOR, kind == S.SITE_SERT],
            [p.receptor_kon_per_M_s, p.autoreceptor_kon_per_M_s, p.sert_kon_per_M_s],
        )
        self.site_kappa_nm_per_us = np.array([kon_to_nm3_per_us(k) for k in kon]) / tile_area
        self.site_p_capture = self.site_kappa_nm_per_us * reach
        koff_per_us = np.select(
            [kind == S.SITE_RECEPTOR, kind == S.SITE_AUTORECEPTOR, kind == S.SITE_SERT],
            [
                p.receptor_kon_per_M_s * p.receptor_kd_uM * 1e-6 * 1e-6,
                p.autoreceptor_kon_per_M_s * p.autoreceptor_kd_uM * 1e-6 * 1e-6,
                (p.sert_koff_per_ms + p.sert_kcat_per_ms) / 1000.0,
            ],
        ).astype(np.float64)
        self.site_p_leave = -np.expm1(-koff_per_us * self.dt_us)
        back_per_us = np.where(kind == S.SITE_SERT, p.sert_koff_per_ms / 1000.0, koff_per_us)
        self._site_p_return = -np.expm1(-back_per_us * self.dt_us)
        total_sert = p.sert_koff_per_ms + p.sert_kcat_per_ms
        self._sert_frac_cat = p.sert_kcat_per_ms / total_sert if total_sert > 0 else 0.0
        self._unbind_offset_nm = UNBIND_OFFSET_SIGMAS * self.sigma_nm

    def _setup_capture_lookup(self) -> None:
        """Flat tile -> site table, padded by one tile, with a sentinel 'no site' id.

        ``_site_p_now`` holds each site's capture probability while it is free
        and unblocked, else 0; the sentinel (last entry) is always 0.
        """
        grid = self.sites.grid
        n_side = grid.shape[1]
        padded = np.full((2, n_side + 1, n_side + 1), self.sites.count, dtype=np.int64)
        sel = grid >= 0
        padded[:, :n_side, :n_side][sel] = grid[sel]
        self._grid_flat = padded.ravel()
        self._grid_side = n_side + 1
        self._site_p_now = np.zeros(self.sites.count + 1, dtype=np.float64)

    def _refresh_capture_probability(self, sid: np.ndarray | None = None) -> None:
        if sid is None:
            sid = np.arange(self.sites.count)
        available = (self.site_occupant[sid] < 0) & ~self.sert_blocked[sid]
        self._site_p_now[sid] = np.where(available, self.site_p_capture[sid], 0.0)

    def check_step_size(self) -> list[str]:
        """Refuse a step too coarse for the geometry; return warnings for marginal ones.

        The step length sqrt(2*D*dt) must stay well under the cleft width, and
        every per-step reaction probability well under 1 (the reactive-boundary
        rule is first order in P; a molecule let go into the cleft is placed by a
        rule derived for small per-step unbinding). SERT's inward turnover is
        exempt: it only ends a site's occupancy, exactly, at any rate.
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
        probs = {
            "capture": float(self.site_p_capture.max(initial=0.0)),
            "unbinding": float(self._site_p_return.max(initial=0.0)),
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
        self.pos[:n_in_vesicles] = self._vesicle_offsets(geo_rng, n_in_vesicles)
        self.state[n_in_vesicles:] = S.CYTOSOL
        self.pos[n_in_vesicles:] = random_points_in_terminal(p, geo_rng, p.initial_cytosol)
        self.free = FreePool()
        self.cytosol = IdPool()
        self.cytosol.add(np.arange(n_in_vesicles, n0))
        self.first_post_hit_us = np.full(n0, np.nan)
        """Time (us) each molecule first crossed to the postsynaptic membrane, NaN if never.
        Filled only while ``record_first_hits`` is True (it costs a little every step)."""
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

    def _vesicle_offsets(self, rng: np.random.Generator, n: int) -> np.ndarray:
        v = rng.normal(size=(n, 3))
        v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
        return v * (0.8 * self.params.vesicle_radius_nm * rng.uniform(size=(n, 1)) ** (1 / 3))

    def _new_molecules(self, k: int) -> np.ndarray:
        n = self.n_molecules
        if n + k > self.state.shape[0]:
            cap = max(n + k, 2 * self.state.shape[0], 1024)
            self.state = _grow(self.state, cap)
            self.site = _grow(self.site, cap, fill=-1)
            self.pos = _grow(self.pos, cap)
            self.first_post_hit_us = _grow(self.first_post_hit_us, cap, fill=np.nan)
        self.n_molecules = n + k
        return np.arange(n, n + k, dtype=np.int64)

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
        for _ in range(int(round(duration_ms * 1000.0 / self.dt_us))):
            self.step()

    def step(self) -> None:
        """Advance one time step ``dt`` (fixed order of processes, see module doc)."""
        self._release()
        self._diffuse_and_capture()
        self._site_kinetics()
        if self.step_index % self._slow_every == 0:
            self._cytosol_step()
            self._docking()
            self._synthesis()
            self._update_autoreceptor_signal()
        self.step_index += 1
        if self.step_index % self._sample_every == 0:
            self.recorder.sample()

    # -------------------------------------------------------------- commands
    def fire(self) -> None:
        """Trigger one action potential at the next step."""
        self._pending_fires += 1

    def set_blockade(self, fraction: float) -> None:
        """Mark ``fraction`` of SERT drug-occupied (seeded, nested as f rises).

        A SERT already carrying a molecule finishes that cycle; blocked sites
        capture nothing new.
        """
        check("blockade", fraction)
        self.blockade = float(fraction)
        n_blocked = int(round(self.blockade * self._n_sert))
        rank = self.sites.block_rank
        self.sert_blocked = (rank >= 0) & (rank < n_blocked)
        self._refresh_capture_probability()

    def set_firing_rate(self, rate_hz: float) -> None:
        """Change the action-potential rate from now on (0 stops firing)."""
        check("firing_rate_hz", rate_hz)
        self.firing_rate_hz = float(rate_hz)
        self._next_spike_us = self.time_us + self._interval_us() if rate_hz > 0 else math.inf

    def set_autoreceptor_sensitivity(self, value: float) -> None:
        """Set autoreceptor responsiveness in [0, 1] (1 = naive)."""
        check("autoreceptor_sensitivity", value)
        self.autoreceptor_sensitivity = float(value)

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
        ids = self._new_molecules(int(count))
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

    def _log(self, ids: np.ndarray, text: str) -> None:
        if self.tracked_id >= 0 and len(ids) and bool(np.any(ids == self.tracked_id)):
            self.tracked_log.append((self.time_us, text))

    def _move(self, ids: np.ndarray, old: int, new: int) -> None:
        self.state[ids] = new
        self.state_counts[old] -= len(ids)
        self.state_counts[new] += len(ids)

    # --------------------------------------------------------------- release
    def _interval_us(self) -> float:
        isi = 1.0e6 / self.firing_rate_hz
        if self.params.firing_pattern == "poisson":
            return float(self._spike_rng.exponential(isi))
        return isi

    def _release(self) -> None:
        t_end = self.time_us + 0.5 * self.dt_us
        while self._next_spike_us <= t_end:
            self._action_potential()
            if self.firing_rate_hz > 0:
                self._next_spike_us += self._interval_us()
            else:
                self._next_spike_us = math.inf
        while self._pending_fires:
            self._pending_fires -= 1
            self._action_potential()

    def release_probability_now(self) -> float:
        """Per-vesicle release probability after autoreceptor inhibition."""
        p = self.params
        inhibition = p.autoreceptor_gain * self.autoreceptor_sensitivity * self.autoreceptor_signal
        return p.release_probability * (1.0 - inhibition)

    def _action_potential(self) -> None:
        self.counters["action_potentials"] += 1
        p_rel = self.release_probability_now()
        # One uniform per docking site from the spike stream, drawn whatever the
        # sites hold: runs that differ only in p_rel or occupancy then share
        # their fusion draws (common random numbers for comparisons).
        u = self._spike_rng.random(len(self.dock_vesicle))
        ves = self.dock_vesicle
        ready = (ves >= 0) & (self.vesicle_content[np.maximum(ves, 0)] > 0)
        fused = ves[ready & (u < p_rel)]
        self.spike_log.append((self.time_us, len(fused), p_rel))
        if len(fused) == 0:
            return
        n = self.n_molecules
        in_fused = (self.state[:n] == S.VESICLE) & np.isin(self.site[:n], fused)
        ids = np.flatnonzero(in_fused)
        ves = self.site[ids]
        k = len(ids)
        ang = self._rng.uniform(0.0, 2.0 * np.pi, k)
        rad = 1.5 * np.sqrt(self._rng.uniform(0.0, 1.0, k))
        x = self.vesicle_xyz[ves, 0] + rad * np.cos(ang)
        y = self.vesicle_xyz[ves, 1] + rad * np.sin(ang)
        z = self._rng.uniform(0.05, 1.0, k) * min(1.0, self.width_nm / 2)
        self._move(ids, S.VESICLE, S.FREE)
        self.site[ids] = -1
        self.free.add(ids, x, y, z)
        self._log(ids, "released into the cleft")
        self.counters["released"] += k
        self.counters["vesicles_fused"] += len(fused)
        t_us = self.time_us
        self.fusion_log.extend(
            (t_us, int(d), int(v), float(self.vesicle_xyz[v, 0]), float(self.vesicle_xyz[v, 1]))
            for v, d in zip(fused, self.vesicle_dock[fused], strict=True)
        )
        self.vesicle_content[fused] = 0
        self.dock_vesicle[self.vesicle_dock[fused]] = -1
        self.vesicle_dock[fused] = -1
        self.vesicle_xyz[fused] = reserve_positions(self.params, self._rng, len(fused))

    # ------------------------------------------------- diffusion and capture
    def _diffuse_and_capture(self) -> None:
        pool = self.free
        n = pool.n
        if n == 0:
            return
        xyz = pool.xyz[:, :n]
        xyz += self._noise.draw(self._bitgen, 3 * n).reshape(3, n)
        x, y, z = xyz[0], xyz[1], xyz[2]
        w = np.float32(self.width_nm)
        crossed = ((z < 0.0) | (z > w)).nonzero()[0]
        plane = np.zeros(0, dtype=np.int64)
        if len(crossed):
            zc = z[crossed]
            at_post = zc > w
            # Mirror reflection; a double crossing is clipped (only possible for
            # steps above ~W/4.3, which the step check warns about).
            zr = np.where(at_post, 2 * w - zc, -zc)
            if self._may_overshoot:
                np.clip(zr, 0.0, w, out=zr)
            z[crossed] = zr
            plane = at_post.astype(np.int64)
            if self.record_first_hits:
                ids = pool.ids[crossed[at_post]]
                first = np.isnan(self.first_post_hit_us[ids])
                self.first_post_hit_us[ids[first]] = self.time_us + self.dt_us
        lost_rows = self._outer_edge(x, y)
        if len(crossed):
            if len(lost_rows):
                keep = ~np.isin(crossed, lost_rows)
                crossed, plane = crossed[keep], plane[keep]
            captured = self._capture(crossed, plane, x, y)
            gone = np.concatenate((lost_rows, captured)) if len(lost_rows) else captured
        else:
            gone = lost_rows
        if len(gone):
            pool.remove(gone)

    def _outer_edge(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Reflect or absorb molecules beyond the outer radius; return absorbed rows."""
        r_out = self.params.outer_radius_nm
        r2 = x * x
        r2 += y * y
        out = (r2 > np.float32(r_out * r_out)).nonzero()[0]
        if len(out) == 0:
            return out
        if self.params.edge == "absorbing":
            ids = self.free.ids[out]
            self._move(ids, S.FREE, S.LOST)
            self.counters["lost"] += len(ids)
            self._log(ids, "lost at the edge of the sheet")
            return out
        r = np.sqrt(r2[out])
        scale = np.maximum(2.0 * r_out - r, 0.0) / r
        x[out] *= scale
        y[out] *= scale
        return out[:0]

    def _capture(
        self, rows: np.ndarray, plane: np.ndarray, x: np.ndarray, y: np.ndarray
    ) -> np.ndarray:
        """Reactive-boundary capture of molecules (pool rows) that crossed a membrane.

        A crossing inside the tile of a free, unblocked site is taken with the
        site's probability P = kappa*sqrt(pi*dt/D); otherwise it was reflected.
        Returns the captured rows.
        """
        sites = self.sites
        inv_tile = 1.0 / sites.tile_nm
        ix = ((x[rows] + sites.half_extent_nm) * inv_tile).astype(np.int64)
        iy = ((y[rows] + sites.half_extent_nm) * inv_tile).astype(np.int64)
        side = self._grid_side
        sid = self._grid_flat[(plane * side + iy) * side + ix]
        hit = self._rng.random(len(rows)) < self._site_p_now[sid]
        rows, sid = rows[hit], sid[hit]
        if len(rows) == 0:
            return rows
        sid, first = np.unique(sid, return_index=True)
        rows = rows[first]
        ids = self.free.ids[rows]
        kind = sites.kind[sid]
        self.site_occupant[sid] = ids
        self._site_p_now[sid] = 0.0
        self.site[ids] = sid
        self._schedule_leaving(sid)
        for site_kind, new_state, counter, text in (
            (S.SITE_RECEPTOR, S.RECEPTOR, "receptor_bindings", "bound a receptor"),
            (S.SITE_AUTORECEPTOR, S.AUTORECEPTOR, "autoreceptor_bindings", "bound an autoreceptor"),
            (S.SITE_SERT, S.SERT, "sert_captures", "captured by SERT"),
        ):
            sel = ids[kind == site_kind]
            if len(sel):
                self._move(sel, S.FREE, new_state)
                self.counters[counter] += len(sel)
                self._log(sel, text)
        return rows

    # ------------------------------------------------- unbinding and turnover
    def _schedule_leaving(self, sid: np.ndarray) -> None:
        """Draw when each newly bound site lets go, and whether SERT carries inward.

        A per-step chance p = 1 - exp(-k*dt) of leaving gives a geometric number
        of steps; drawing it once at binding is the same process, done cheaply.
        SERT's two exits (kcat inward, koff back out) compete: inward with
        probability kcat / (kcat + koff).
        """
        p_leave = self.site_p_leave[sid]
        steps = np.full(len(sid), _NEVER, dtype=np.int64)
        can = p_leave > 0
        if can.any():
            steps[can] = self.step_index + self._rng.geometric(p_leave[can]) - 1
        self.site_leave_step[sid] = steps
        is_sert = self.sites.kind[sid] == S.SITE_SERT
        self.site_leave_into_cell[sid] = is_sert & (
            self._rng.random(len(sid)) < self._sert_frac_cat
        )

    def _site_kinetics(self) -> None:
        occ = (self.site_leave_step <= self.step_index).nonzero()[0]
        if len(occ) == 0:
            return
        self.site_leave_step[occ] = _NEVER
        ids = self.site_occupant[occ]
        kind = self.sites.kind[occ]
        into_cell = self.site_leave_into_cell[occ]
        self.site_occupant[occ] = -1
        self._refresh_capture_probability(occ)

        carried = ids[into_cell]
        if len(carried):
            self._move(carried, S.SERT, S.CYTOSOL)
            self.site[carried] = -1
            self.pos[carried] = random_points_in_terminal(self.params, self._rng, len(carried))
            self.cytosol.add(carried)
            self.counters["taken_up"] += len(carried)
            self._log(carried, "carried into the terminal by SERT")

        back = ~into_cell
        if back.any():
            ids_b, occ_b, kind_b = ids[back], occ[back], kind[back]
            for site_kind, old_state, text in (
                (S.SITE_RECEPTOR, S.RECEPTOR, "let go of a receptor"),
                (S.SITE_AUTORECEPTOR, S.AUTORECEPTOR, "let go of an autoreceptor"),
                (S.SITE_SERT, S.SERT, "released by SERT"),
            ):
                sel = kind_b == site_kind
                if sel.any():
                    self._move(ids_b[sel], old_state, S.FREE)
                    self._log(ids_b[sel], text)
            self.counters["sert_unbindings"] += int((kind_b == S.SITE_SERT).sum())
            off = self._unbind_offset_nm
            z = np.where(self.sites.plane[occ_b] == PLANE_PRE, off, self.width_nm - off)
            self.site[ids_b] = -1
            self.free.add(ids_b, self.sites.x[occ_b], self.sites.y[occ_b], z)

    # ------------------------------------------------------------- cytosol
    def _cytosol_step(self) -> None:
        p = self.params
        pool = self.cytosol
        rate = p.vmat_rate_per_ms + p.mao_rate_per_ms
        if pool.n == 0 or rate <= 0:
            return
        p_event = -math.expm1(-rate * self.slow_dt_us / 1000.0)
        k = int(self._rng.binomial(pool.n, p_event))
        if k == 0:
            return
        rows = self._rng.choice(pool.n, size=k, replace=False)
        ids = pool.ids[rows]
        pack = self._rng.random(k) < p.vmat_rate_per_ms / rate
        keep_in_cytosol = np.zeros(k, dtype=bool)
        packers = np.flatnonzero(pack)
        if len(packers):
            spare = self.params.molecules_per_vesicle - self.vesicle_content
            order = np.argsort(-spare, kind="stable")
            cum = np.cumsum(spare[order])
            n_fit = int(min(len(packers), cum[-1] if len(cum) else 0))
            targets = order[np.searchsorted(cum, np.arange(n_fit), side="right")]
            keep_in_cytosol[packers[n_fit:]] = True
            packed = ids[packers[:n_fit]]
            if n_fit:
                self._move(packed, S.CYTOSOL, S.VESICLE)
                self.site[packed] = targets
                self.pos[packed] = self._vesicle_offsets(self._rng, n_fit)
                np.add.at(self.vesicle_content, targets, 1)
                self.counters["repackaged"] += n_fit
                self._log(packed, "repackaged into a vesicle (VMAT2)")
        degraded = ids[~pack]
        if len(degraded):
            self._move(degraded, S.CYTOSOL, S.DEGRADED)
            self.counters["degraded"] += len(degraded)
            self._log(degraded, "broken down by MAO")
        pool.remove(rows[~keep_in_cytosol])

    def _docking(self) -> None:
        empty = np.flatnonzero(self.dock_vesicle < 0)
        if len(empty) == 0:
            return
        p_dock = -math.expm1(-self.slow_dt_us / (self.params.dock_time_ms * 1000.0))
        docking = empty[self._rng.random(len(empty)) < p_dock]
        if len(docking) == 0:
            return
        candidates = np.flatnonzero((self.vesicle_dock < 0) & (self.vesicle_content > 0))
        order = candidates[np.argsort(-self.vesicle_content[candidates], kind="stable")]
        n = min(len(order), len(docking))
        ves, docks = order[:n], docking[:n]
        self.dock_vesicle[docks] = ves
        self.vesicle_dock[ves] = docks
        self.vesicle_xyz[ves] = self.dock_xyz[docks]

    def _synthesis(self) -> None:
        p = self.params
        mean = p.synthesis_per_ms * p.tryptophan_level * self.slow_dt_us / 1000.0
        if mean <= 0:
            return
        k = int(self._rng.poisson(mean))
        if k == 0:
            return
        ids = self._new_molecules(k)
        self.state[ids] = S.CYTOSOL
        self.state_counts[S.CYTOSOL] += k
        self.pos[ids] = random_points_in_terminal(p, self._rng, k)
        self.cytosol.add(ids)
        self.counters["synthesised"] += k

    def _update_autoreceptor_signal(self) -> None:
        n_auto = self.params.autoreceptor_count
        if n_auto == 0:
            return
        theta = self.state_counts[S.AUTORECEPTOR] / n_auto
        a = -math.expm1(-self.slow_dt_us / (self.params.autoreceptor_tau_ms * 1000.0))
        self.autoreceptor_signal += (theta - self.autoreceptor_signal) * a

    # ---------------------------------------------------------------- reading
    def free_positions(self) -> np.ndarray:
        """(3, n_free) float32 view of free molecules' x, y, z in nm (do not modify)."""
        return self.free.xyz[:, : self.free.n]

    def cytosol_positions(self) -> np.ndarray:
        """(n_cytosol, 3) float32 positions in nm of the molecules in the terminal's cytosol."""
        return self.pos[self.cytosol.ids[: self.cytosol.n]]

    def states(self) -> np.ndarray:
        """State code of every molecule ever made (see :mod:`sim.states`)."""
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
        of_kind = self.sites.kind == site_kind
        n = int(of_kind.sum())
        if n == 0:
            return 0.0
        return float(np.count_nonzero(self.site_occupant[of_kind] >= 0)) / n

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


def _grow(arr: np.ndarray, cap: int, fill: float | int = 0) -> np.ndarray:
    shape = (cap,) + arr.shape[1:]
    out = np.full(shape, fill, dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out
