"""The tissue scale: serotonin volume transmission in a cube of neuropil, in real units.

Every free 5-HT molecule in the extracellular space of a cube of tissue
(default 20 um, about 58,000 molecules at the ambient level) is an agent.
The extracellular space is homogenised (science.md sections 2 and 5): volume
fraction alpha, tortuosity lambda, effective diffusion D* = D / lambda^2. The
kernel (:mod:`sim.tissue.kernels`) does the work; this module builds the
geometry, owns the state and the clock, and records; the theory the tests
compare with is in :mod:`sim.tissue.theory`.

Choices, and why:

* **Periodic faces.** The cube stands for bulk neuropil, which continues with
  the same varicosities and SERT on every side: a molecule leaving one face
  enters the opposite one. Reflecting faces would model a cube in a box.
* **Long steps.** Without walls a free Gaussian step of any length is the
  exact propagator, so the step is 1 ms (not 10 ns as at the synapse); uptake
  per step is an exact exponential, 1 - exp(-k*dt), p < 0.3% per ms.
* **Local Michaelis-Menten uptake on a coarse grid.** SERT is spread through
  the tissue, so each molecule is taken up at k = Vmax/(Km_app + C) with C
  its 2 um voxel's extracellular concentration at the start of the step
  (uptake saturates where a vesicle has just been emptied; a volume mean
  would miss that). The same grid gives each varicosity's autoreceptor its
  local concentration and the view its concentration map. Voxel counts of ~58
  molecules at the ambient level bias the rate by (sd/(Km+C))^2 < 0.2%.
* **The SSRI is a competitive inhibitor.** SSRIs bind SERT's central
  substrate site (Andersen et al. 2010, J Biol Chem 285:2051: competitive
  inhibitors of transport; Coleman & Gouaux 2018, Nat Struct Mol Biol 25:170:
  X-ray structures with the drugs in the central site), so drug and 5-HT
  compete for the same transporters: uptake = Vmax*C/(Km_app + C) with
  Km_app = Km*(1 + I/Ki) = Km/(1 - f), where the blockade f = I/(I + Ki) is
  the fraction of SERT the drug holds with no 5-HT about (what PET
  occupancy measures). At C << Km this removes the fraction f of the uptake
  capacity Vmax/Km, and at any C it multiplies the steady state of a fixed
  release by exactly 1/(1 - f) (science.md sections 4.5 and 5). Removing
  Vmax instead (a non-competitive drug) would leave less capacity than the
  calibrated release at f = 0.8, and the level would climb without limit.
* **Fibres.** Varicosities (5.8e-3 per um^3, Audet et al. 1989) sit at random
  along straight fibres (axons) crossing the cube, ``varicosities_per_fibre``
  on each; a fibre fires regularly at the tonic rate with a random phase, and
  one action potential invades all its varicosities. Each docked vesicle of a
  varicosity fuses with the release probability (lowered by the varicosity's
  5-HT1B occupancy) and empties its 4,700 molecules at the varicosity.

Invariant at every step: alive + taken up = initial + injected + released
(:meth:`Tissue.conservation_error` is 0). Same seed and parameters give the
same numbers however the run is split into calls.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.common.recorder import Column, Recorder
from sim.common.rng import normal_table, seed_state
from sim.params.synapse import ParameterError
from sim.params.tissue import TissueParameters
from sim.params.units import MOLECULES_PER_UM3_PER_UM
from sim.tissue.kernels import COUNTER_NAMES, advance, voxel_index
from sim.tissue.theory import (
    apparent_km_uM,
    effective_diffusion_um2_per_ms,
    held_occupancy,
    molecules_per_uM,
    n_varicosities,
)

MAX_MOLECULES = 20_000_000
"""Most free molecules a tissue may hold (320 MB of positions and voxels); beyond it, one line."""

MAX_VOXELS = 2_000_000
"""Most voxels of the concentration grid (64 MB of per-voxel arrays)."""


def _fibres(p: TissueParameters, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Fibre segments (start, direction, length, um) and varicosities along them."""
    n_var = n_varicosities(p)
    per = p.varicosities_per_fibre
    n_fib = -(-n_var // per) if n_var else 0
    count = np.full(n_fib, per, dtype=np.int64)
    if n_fib:
        count[-1] = n_var - per * (n_fib - 1)
    first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    centre = rng.uniform(0.0, p.cube_um, size=(n_fib, 3))
    direction = rng.normal(size=(n_fib, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    length = np.full(n_fib, p.cube_um)
    start = centre - 0.5 * length[:, None] * direction
    along = rng.uniform(0.0, 1.0, size=n_var) * np.repeat(length, count)
    var = np.repeat(start, count, axis=0) + along[:, None] * np.repeat(direction, count, axis=0)
    var = np.mod(var, p.cube_um).astype(np.float32)
    phase = rng.uniform(0.0, 1.0, size=n_fib)
    return start, direction, length, first, count, np.ascontiguousarray(var.T), phase


class Tissue:
    """A periodic cube of neuropil: varicosities on fibres release 5-HT; SERT takes it up.

    Args:
        params: validated tissue parameters.
        seed: seed of all random streams.

    Attributes:
        step_index: completed steps; time is ``step_index * dt_ms``.
        counters: cumulative counts (released, taken_up, injected, action_potentials,
            vesicles_released, initial).
        recorder: the time series of :data:`COLUMNS` (:class:`sim.common.recorder.Recorder`).
    """

    def __init__(self, params: TissueParameters, seed: int = 0) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ParameterError(f"seed = {seed!r} must be a whole number >= 0")
        self.params = p = params
        self.seed = seed
        geo_seq, kernel_seq = np.random.SeedSequence(seed).spawn(2)
        geo = np.random.Generator(np.random.PCG64(geo_seq))
        self._rng = seed_state(kernel_seq)
        self.dt_ms = p.dt_ms
        self.side_um = p.cube_um
        self.n_side = max(1, int(round(p.cube_um / p.grid_um)))
        if self.n_side**3 > MAX_VOXELS:
            raise ParameterError(
                f"cube_um = {p.cube_um} with grid_um = {p.grid_um} makes {self.n_side**3:,} "
                f"voxels (limit {MAX_VOXELS:,}); raise grid_um"
            )
        self.cell_um = p.cube_um / self.n_side
        self.d_star = effective_diffusion_um2_per_ms(p)
        self.sigma_um = math.sqrt(2.0 * self.d_star * self.dt_ms)
        self._table = normal_table(self.sigma_um)
        self.per_uM = molecules_per_uM(p)
        self.uM_per_count = 1.0 / (p.volume_fraction * self.cell_um**3 * MOLECULES_PER_UM3_PER_UM)
        (self.fibre_start, self.fibre_direction, self.fibre_length, self._fib_first,
         self.fibre_count, self.varicosity_xyz, self._phase) = _fibres(p, geo)  # fmt: skip
        self.varicosity_voxel = self._voxels(self.varicosity_xyz)
        self.step_index = 0
        self.blockade = p.blockade
        self.firing_rate_hz = p.firing_rate_hz
        self.feedback = p.autoreceptor_feedback
        self.autoreceptor_sensitivity = p.autoreceptor_sensitivity
        self.counters = {name: 0 for name in (*COUNTER_NAMES, "injected", "initial")}
        self._counts = np.zeros(len(COUNTER_NAMES), dtype=np.int64)
        n0 = int(round(p.initial_nM / 1000.0 * self.per_uM))
        if n0 > MAX_MOLECULES:
            raise ParameterError(
                f"initial_nM = {p.initial_nM} in a {p.cube_um} um cube is {n0:,} molecules "
                f"(limit {MAX_MOLECULES:,}); lower initial_nM or cube_um"
            )
        self.xyz = np.zeros((3, max(1024, 2 * n0)), dtype=np.float32)
        self._vox = np.zeros(self.xyz.shape[1], dtype=np.int32)
        self.n = 0
        self.grid = np.zeros(self.n_side**3, dtype=np.int64)
        self._grid_next = np.zeros_like(self.grid)
        self._add(geo.uniform(0.0, p.cube_um, size=(3, n0)))
        self.counters["initial"] = n0
        self._thr_int = np.zeros(self.grid.shape[0], dtype=np.int64)
        self._thr_frac = np.zeros(self.grid.shape[0], dtype=np.float64)
        c0 = p.initial_nM
        self.theta = np.full(self.varicosity_voxel.shape[0], c0 / (c0 + p.autoreceptor_kd_nM))
        self.p_now = np.zeros_like(self.theta)
        self.p_now[:] = self._release_probability(self.theta)
        self._sample_every = max(1, int(round(p.sample_interval_ms / self.dt_ms)))
        self.recorder = Recorder(self, COLUMNS)
        self.recorder.sample()

    # ------------------------------------------------------------- geometry
    def _voxels(self, xyz: np.ndarray) -> np.ndarray:
        idx = np.clip((xyz / self.cell_um).astype(np.int64), 0, self.n_side - 1)
        return (idx[0] * self.n_side + idx[1]) * self.n_side + idx[2]

    def _release_probability(self, theta: np.ndarray) -> np.ndarray:
        p = self.params
        held = theta if self.feedback else np.full_like(theta, held_occupancy(p))
        inhibition = p.autoreceptor_max_inhibition * self.autoreceptor_sensitivity
        return p.release_probability * (1.0 - inhibition * held)

    # ----------------------------------------------------------------- clock
    @property
    def time_ms(self) -> float:
        """Simulated time, ms (an exact multiple of the step)."""
        return self.step_index * self.dt_ms

    @property
    def time_s(self) -> float:
        """Simulated time, s."""
        return self.time_ms / 1000.0

    def run(self, duration_ms: float) -> None:
        """Advance by ``duration_ms`` (rounded to whole steps)."""
        if not (isinstance(duration_ms, (int, float)) and math.isfinite(duration_ms)):
            raise ParameterError(f"duration_ms = {duration_ms!r} must be a finite number >= 0")
        if duration_ms < 0:
            raise ParameterError(f"duration_ms = {duration_ms} must be >= 0")
        self.run_steps(int(round(duration_ms / self.dt_ms)))

    def step(self) -> None:
        """Advance one step."""
        self.run_steps(1)

    def run_steps(self, n: int) -> None:
        """Advance ``n`` whole steps, sampling the recorder every ``sample_interval_ms``."""
        end = self.step_index + int(n)
        every = self._sample_every
        while self.step_index < end:
            k = min(end - self.step_index, every - self.step_index % every)
            self._advance(k)
            if self.step_index % every == 0:
                self.recorder.sample()

    def _advance(self, k: int) -> None:
        p = self.params
        inhibition = p.autoreceptor_max_inhibition * self.autoreceptor_sensitivity
        dphase = self.firing_rate_hz * self.dt_ms / 1000.0
        counts = self._counts
        while k > 0:
            counts[:] = 0
            self.n, done, need = advance(
                k, self.xyz, self._vox, self.n, self.grid, self._grid_next, self.n_side,
                np.float32(1.0 / self.cell_um), np.float32(self.side_um), self._table, self._rng,
                self._thr_int, self._thr_frac, p.sert_vmax_uM_per_s,
                apparent_km_uM(p, self.blockade), self.uM_per_count, self.dt_ms / 1000.0,
                self._phase, dphase, self._fib_first, self.fibre_count,
                self.varicosity_xyz, self.varicosity_voxel, self.theta, held_occupancy(p),
                p.autoreceptor_kd_nM / 1000.0, p.autoreceptor_kon_per_uM_per_s, self.feedback,
                p.release_probability, inhibition, self.p_now, p.docked_vesicles,
                p.molecules_per_vesicle, counts,
            )  # fmt: skip
            for name, value in zip(COUNTER_NAMES, counts, strict=True):
                self.counters[name] += int(value)
            self.step_index += done
            k -= done
            if k > 0:
                self._reserve(int(need))

    def _reserve(self, needed: int) -> None:
        cap = self.xyz.shape[1]
        if needed <= cap:
            return
        if needed > MAX_MOLECULES:
            raise ParameterError(
                f"the tissue would hold {needed:,} free molecules (limit {MAX_MOLECULES:,}); "
                "lower the release, the blockade or cube_um"
            )
        grown = np.zeros((3, max(needed, 2 * cap)), dtype=np.float32)
        grown[:, : self.n] = self.xyz[:, : self.n]
        self.xyz = grown
        vox = np.zeros(grown.shape[1], dtype=np.int32)
        vox[: self.n] = self._vox[: self.n]
        self._vox = vox

    # -------------------------------------------------------------- commands
    def set_blockade(self, fraction: float) -> None:
        """SSRI: block ``fraction`` of the uptake capacity from the next step on."""
        _check_fraction("blockade", fraction)
        self.blockade = float(fraction)

    def set_firing_rate(self, rate_hz: float) -> None:
        """Tonic firing rate of every fibre from the next step on, Hz."""
        if not (isinstance(rate_hz, (int, float)) and math.isfinite(rate_hz) and rate_hz >= 0):
            raise ParameterError(f"firing_rate_hz = {rate_hz!r} must be a finite number >= 0")
        self.firing_rate_hz = float(rate_hz)

    def set_feedback(self, on: bool) -> None:
        """Switch the autoreceptor feedback on or off from the next step on."""
        self.feedback = bool(on)
        self.p_now[:] = self._release_probability(self.theta)

    def set_autoreceptor_sensitivity(self, value: float) -> None:
        """Scale the autoreceptor inhibition (1 naive, lower when desensitised)."""
        _check_fraction("autoreceptor_sensitivity", value)
        self.autoreceptor_sensitivity = float(value)
        self.p_now[:] = self._release_probability(self.theta)

    def inject(self, count: int, x_um: float, y_um: float, z_um: float) -> None:
        """Add ``count`` free molecules at one point (um, wrapped into the cube)."""
        pts = np.repeat(np.array([[x_um], [y_um], [z_um]], dtype=np.float64), count, axis=1)
        self.inject_points(pts)

    def inject_uniform(self, count: int, rng: np.random.Generator) -> None:
        """Add ``count`` free molecules spread uniformly through the cube."""
        self.inject_points(rng.uniform(0.0, self.side_um, size=(3, count)))

    def inject_points(self, xyz_um: np.ndarray) -> None:
        """Add one free molecule at each column of ``xyz_um`` (3 x k, um; wrapped)."""
        self.counters["injected"] += self._add(xyz_um)

    def _add(self, xyz_um: np.ndarray) -> int:
        k = xyz_um.shape[1]
        self._reserve(self.n + k)
        pts = np.mod(np.asarray(xyz_um, dtype=np.float64), self.side_um).astype(np.float32)
        pts[pts >= self.side_um] = 0.0
        self.xyz[:, self.n : self.n + k] = pts
        voxel_index(self.xyz, self.n, self.n + k, self.n_side, np.float32(1.0 / self.cell_um),
                    self._vox, self.grid)  # fmt: skip
        self.n += k
        return k

    # ----------------------------------------------------------- observables
    @property
    def fibre_phase(self) -> np.ndarray:
        """Each fibre's firing phase in [0, 1) (a copy); it wraps at an action potential."""
        return self._phase.copy()

    def fibre_of_varicosity(self) -> np.ndarray:
        """Index of the fibre each varicosity sits on."""
        return np.repeat(np.arange(self.fibre_count.shape[0]), self.fibre_count)

    def free_positions(self) -> np.ndarray:
        """(3, n) float32 view of the free molecules' positions, um in [0, cube)."""
        return self.xyz[:, : self.n]

    def ambient_nM(self) -> float:
        """Mean extracellular 5-HT over the cube, nM."""
        return 1000.0 * self.n / self.per_uM

    def concentration_map_nM(self) -> np.ndarray:
        """Extracellular 5-HT per voxel, nM, shape (n_side, n_side, n_side) indexed [x, y, z]."""
        grid = self.grid.reshape(self.n_side, self.n_side, self.n_side)
        return grid * (1000.0 * self.uM_per_count)

    def uptake_nM_per_s(self) -> float:
        """Present uptake flux over the cube (sum of the voxels' Michaelis-Menten rates), nM/s."""
        p = self.params
        c = np.maximum(self.grid - 1, 0) * self.uM_per_count  # as the kernel: the others
        rate = p.sert_vmax_uM_per_s / (apparent_km_uM(p, self.blockade) + c)
        return 1000.0 * float(np.sum(self.grid * rate)) / self.per_uM

    def autoreceptor_occupancy(self) -> float:
        """Mean 5-HT1B occupancy over the varicosities (fraction)."""
        return float(self.theta.mean()) if self.theta.size else 0.0

    def vesicles_per_action_potential(self) -> float:
        """Mean vesicles a varicosity releases per action potential at present."""
        return float(self.p_now.mean()) * self.params.docked_vesicles if self.p_now.size else 0.0

    def conservation_error(self) -> int:
        """Free molecules + taken up - (initial + injected + released): 0 unless one leaked."""
        c = self.counters
        return self.n + c["taken_up"] - (c["initial"] + c["injected"] + c["released"])


def _check_fraction(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ParameterError(f"{name} = {value!r} must be a fraction in [0, 1]")


COLUMNS: tuple[Column[Tissue], ...] = (
    Column("time_ms", "ms", "simulated time", lambda m: m.time_ms),
    Column("n_free", "molecules", "free 5-HT in the cube", lambda m: m.n),
    Column("ambient_nM", "nM", "mean extracellular 5-HT", lambda m: m.ambient_nM()),
    Column(
        "peak_voxel_nM",
        "nM",
        "highest voxel concentration",
        lambda m: float(m.grid.max()) * 1000.0 * m.uM_per_count,
    ),
    Column("uptake_nM_per_s", "nM/s", "present SERT uptake flux", lambda m: m.uptake_nM_per_s()),
    Column(
        "autoreceptor_occupancy",
        "fraction",
        "mean 5-HT1B occupancy over varicosities",
        lambda m: m.autoreceptor_occupancy(),
    ),
    Column(
        "vesicles_per_ap",
        "vesicles",
        "mean vesicles per varicosity per action potential",
        lambda m: m.vesicles_per_action_potential(),
    ),
    Column("released", "molecules", "cumulative released", lambda m: m.counters["released"]),
    Column(
        "taken_up", "molecules", "cumulative taken up by SERT", lambda m: m.counters["taken_up"]
    ),
    Column("injected", "molecules", "cumulative injected", lambda m: m.counters["injected"]),
    Column(
        "action_potentials",
        "count",
        "cumulative action potentials (fibres)",
        lambda m: m.counters["action_potentials"],
    ),
    Column(
        "vesicles_released",
        "count",
        "cumulative vesicles emptied",
        lambda m: m.counters["vesicles_released"],
    ),
    Column("blockade", "fraction", "SERT fraction blocked by the SSRI", lambda m: m.blockade),
)
"""The tissue recorder's columns (:class:`sim.common.recorder.Recorder` keeps every row;
10 s at 10 ms sampling is 100 kB)."""

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
