"""The synapse model: every 5-HT molecule an agent, advanced in fixed time steps.

The state lives in parts the synapse owns: the molecules and their books
(:mod:`sim.synapse.molecules`), the vesicles (:mod:`sim.synapse.vesicles`),
the membrane sites (:mod:`sim.synapse.geometry`, :mod:`sim.synapse.sites`)
and the clock (:mod:`sim.synapse.clock`). Each process is an object with its
own state and random streams, handed the parts it changes.

:class:`Synapse` is the scheduler. Each step runs the processes in this
order:

1. release (:class:`sim.synapse.release.Release`): action potentials due,
   vesicle fusion, at the autoreceptor inhibition of the terminal;
2. transport (:class:`sim.synapse.transport.Transport`, the numba kernel of
   :mod:`sim.synapse.diffusion`): Brownian steps, mirror reflection at the
   membranes and the outer edge, capture at membrane sites with the
   per-crossing probability of Andrews 2009 (:mod:`sim.synapse.capture`),
   then unbinding and SERT turnover of the sites whose dwell ends;
3. at the end of every ``slow_dt_us`` (1 us), the terminal
   (:class:`sim.synapse.terminal.Terminal`): cytosol, docking, synthesis and
   the autoreceptor signal;
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

from sim.common.delegate import Via
from sim.params.synapse import ParameterError, Parameters, check
from sim.params.units import diffusion_to_nm2_per_us
from sim.synapse import states as S
from sim.synapse.clock import StepClock
from sim.synapse.diffusion import announce_first_compile
from sim.synapse.geometry import build_sites
from sim.synapse.memory import check_memory
from sim.synapse.molecules import Molecules
from sim.synapse.readout import SynapseReadout
from sim.synapse.recorder import SynapseRecorder
from sim.synapse.release import Release
from sim.synapse.sites import CaptureError, SiteTable
from sim.synapse.terminal import Terminal
from sim.synapse.transport import Transport
from sim.synapse.vesicles import Vesicles

MAX_STEP_FRACTION = 0.7
"""Steps longer than this part of the cleft are refused. The fold between the membranes is
exact at any step; capture is measured in the slab up to 66% (160 ns, the treatment course's
step: within 1.3% of exact with the slab's correction, ``sim.synapse.capture.in_slab``), not
between 66% and 70%."""
WARN_STEP_FRACTION = 0.25
MAX_REACTION_P = 0.5
WARN_REACTION_P = 0.2
WARN_CAPTURE_P = 0.5
"""Capture probabilities above this are beyond what the slab tests validate (P <= 0.3)."""

SLOW_INTERVAL_US = 1.0
"""Cytosol, docking, synthesis and the autoreceptor signal advance every
``SLOW_INTERVAL_US`` (whole steps): their rates are <= ~10 /ms in the presets,
so the per-interval probabilities stay <= 1%."""


class StepSizeError(ParameterError):
    """The time step is too large for the geometry or the reaction rates."""


class Synapse(SynapseReadout):
    """A serotonergic synapse simulated molecule by molecule: the scheduler of its processes.

    Args:
        params: validated parameters (see :class:`sim.params.synapse.Parameters`).
        seed: seed of all random streams; same seed and parameters give the
            same numbers.
        slow_interval_us: the terminal's interval, us (``SLOW_INTERVAL_US``
            unless a caller that reads only means, such as a course day, asks
            for a coarser one; its probabilities are exact exponentials per
            interval, checked by :meth:`check_step_size`).

    Attributes:
        clock: the step clock (``step_index``; time is ``step_index * dt_us``).
        molecules: the molecule arrays, pools and books (:mod:`sim.synapse.molecules`).
        vesicles: vesicles and docking sites (:mod:`sim.synapse.vesicles`).
        release, transport, terminal: the processes, called in the order of the module doc.
        recorder: the time series (see :mod:`sim.synapse.recorder`).
    """

    # The public attributes readers and tests use, each kept by the part that owns it.
    step_index = Via("clock")
    state = Via("molecules")
    site = Via("molecules")
    pos = Via("molecules")
    n_molecules = Via("molecules")
    initial_molecules = Via("molecules")
    state_counts = Via("molecules")
    counters = Via("molecules")
    free = Via("molecules")
    cytosol = Via("molecules")
    recycled = Via("molecules")
    first_post_hit_us = Via("molecules")
    record_first_hits = Via("molecules")
    tracked_id = Via("molecules")
    tracked_log = Via("molecules")
    dock_xyz = Via("vesicles")
    dock_vesicle = Via("vesicles")
    vesicle_xyz = Via("vesicles")
    vesicle_content = Via("vesicles")
    vesicle_dock = Via("vesicles")
    firing_rate_hz = Via("release")
    spike_log = Via("release")
    fusion_log = Via("release")
    autoreceptor_signal = Via("terminal")
    autoreceptor_sensitivity = Via("terminal")
    release_gil = Via("transport")

    def __init__(
        self, params: Parameters, seed: int = 0, slow_interval_us: float = SLOW_INTERVAL_US
    ) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ParameterError(f"seed = {seed!r} must be a whole number >= 0")
        if not (isinstance(slow_interval_us, (int, float)) and 0 < slow_interval_us <= 100):
            raise ParameterError(f"slow_interval_us = {slow_interval_us!r} must be in (0, 100] us")
        check_memory(params)
        announce_first_compile()
        self.params = p = params
        self.seed = seed
        # One stream per owner: geometry (sites, vesicles, starting molecules, used here
        # only), placement (release's pores and terminal's chemistry: one stream, drawn in
        # the order they run, as the recorded outputs were), spikes (release), kernel and
        # carry (transport). Children 0-3 as before a 5th was added.
        seqs = np.random.SeedSequence(seed).spawn(5)
        geo_seq, place_seq, spike_seq, kernel_seq, carry_seq = seqs
        geo_rng = np.random.Generator(np.random.PCG64(geo_seq))
        place_rng = np.random.Generator(np.random.PCG64(place_seq))
        spike_rng = np.random.Generator(np.random.PCG64(spike_seq))

        self.dt_us = p.dt_ns / 1000.0
        self.clock = StepClock(self.dt_us)
        self._slow_every = max(1, int(slow_interval_us / self.dt_us + 1e-9))
        self.slow_dt_us = self._slow_every * self.dt_us
        self.d_nm2_per_us = diffusion_to_nm2_per_us(p.diffusion_um2_per_ms)
        self.sigma_nm = math.sqrt(2.0 * self.d_nm2_per_us * self.dt_us)
        self.width_nm = p.cleft_width_nm

        self.sites = build_sites(p, geo_rng)
        try:
            self.site_table = SiteTable(self.sites, p, self.dt_us, self.d_nm2_per_us)
        except CaptureError as exc:
            raise StepSizeError(str(exc)) from None
        self.check_step_size()
        self._n_sert = int((self.sites.kind == S.SITE_SERT).sum())
        self.blockade = 0.0
        self.set_blockade(p.blockade)

        self.vesicles = Vesicles(p, geo_rng)
        self.molecules = Molecules(p, self.vesicles, geo_rng, self.clock)
        self.release = Release(p, self.clock, self.molecules, self.vesicles, spike_rng, place_rng)
        self.transport = Transport(
            p, self.clock, self.molecules, self.sites, self.site_table, self.sigma_nm,
            kernel_seq, carry_seq,
        )  # fmt: skip
        self.terminal = Terminal(p, self.molecules, self.vesicles, place_rng, self.slow_dt_us)

        self._cleft_count_key: tuple[int, int] | None = None
        self._cleft_count = 0
        self._sample_every = max(1, int(round(p.sample_interval_us / self.dt_us)))
        self.recorder = SynapseRecorder(self)
        self.recorder.sample()

    # ------------------------------------------------------------------ setup
    def check_step_size(self) -> list[str]:
        """Refuse a step too coarse for the geometry; return warnings for marginal ones.

        The step length sqrt(2*D*dt) is refused above ``MAX_STEP_FRACTION`` of
        the cleft width and warned about above ``WARN_STEP_FRACTION``. Capture
        uses Andrews' relation for SERT, accurate at any per-crossing P (the
        slab tests check it to P = 0.3), and the first-order rule for the
        reversible receptors, both raised for the slab at long steps
        (:func:`sim.synapse.capture.in_slab`); it is refused only when a step could
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

    def recount(self) -> np.ndarray:
        """What ``state_counts`` must equal: a recount of ``state``, plus recycled slots as degraded."""
        counts = np.bincount(self.states(), minlength=len(S.NAMES)).astype(np.int64)
        counts[S.DEGRADED] += self.recycled
        return counts

    # ----------------------------------------------------------------- clock
    @property
    def time_us(self) -> float:
        """Simulated time in us (exact multiple of the step)."""
        return self.clock.time_us

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
        clock, release = self.clock, self.release
        end = clock.step_index + int(n)
        slow, sample = self._slow_every, self._sample_every
        while clock.step_index < end:
            release.fire_due(self.terminal.inhibition())
            s0 = clock.step_index
            k = min(end - s0, slow - s0 % slow, sample - s0 % sample)
            self.transport.advance(min(k, release.steps_until_next_spike()))
            if clock.step_index % slow == 0:
                self.terminal.advance()
            if clock.step_index % sample == 0:
                self.recorder.sample()

    # -------------------------------------------------------------- commands
    def fire(self) -> None:
        """Trigger one action potential at the next step."""
        self.release.fire()

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
        self.release.set_firing_rate(rate_hz)

    def set_autoreceptor_sensitivity(self, value: float) -> None:
        """Set autoreceptor responsiveness in [0, 1] (1 = naive)."""
        check("autoreceptor_sensitivity", value)
        self.terminal.autoreceptor_sensitivity = float(value)

    def release_probability_now(self) -> float:
        """Per-vesicle release probability after autoreceptor inhibition."""
        return self.release.probability(self.terminal.inhibition())

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
        m = self.molecules
        ids = m.new(int(count))
        m.state[ids] = S.FREE
        m.state_counts[S.FREE] += count
        m.counters["injected"] += int(count)
        m.free.add(ids, *xyz)
        return ids

    def track(self, molecule_id: int) -> None:
        """Follow one molecule: its events are appended to ``tracked_log``."""
        if not 0 <= molecule_id < self.n_molecules:
            raise ParameterError(
                f"molecule_id = {molecule_id} is out of range [0, {self.n_molecules - 1}]"
            )
        self.molecules.track(molecule_id)

    def untrack(self) -> None:
        """Stop following a molecule (its log is kept until the next ``track``)."""
        self.molecules.tracked_id = -1
