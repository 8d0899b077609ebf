"""Capture accuracy at coarse steps: decay rate in a slab with one reactive wall, against exact.

Printed by ``python main.py bench --capture``; figures, not a test (the
validation tests in ``tests/test_sim_validation.py`` hold the tolerances).

Geometry (the reduced one of the slab validation tests, made wider): a slab
of width W = ``cleft_width_nm`` whose presynaptic membrane is SERT on every
``TILE_NM`` tile of a sheet of radius ``RADIUS_NM`` (kcat at its maximum,
koff 0, so a captured molecule is gone within a step), a reflecting
postsynaptic membrane, no other sites, no release. Molecules start uniform
in z and laterally within ``RADIUS_NM - EDGE_MARGIN_NM``. The exact late-time
decay rate is D*alpha_1^2 with alpha_1*tan(alpha_1*W) = kappa/D
(science.md section 4.4, :func:`sim.runs.analysis.slab_uptake_rate`).

Measurement: the model is stepped one step at a time and the free count N_s
read after each step. In the window t1 <= t < t2, where t1 is late enough
for the second mode to have decayed by e^-6 relative to the first and
t2 = t1 + 3/rate, the per-step hazard is fitted by maximum likelihood,
h = sum(N_s - N_{s+1}) / sum(N_s) (a geometric lifetime, i.e. an
exponential fit of the survival), and the rate is -ln(1 - h)/dt with
standard error sqrt(h(1-h)/sum(N_s)) / ((1-h) dt).

Two capture rules on the same molecules and random stream:

- ``andrews``: the model as it is (:mod:`sim.synapse.capture`);
- ``first-order``: the same model with every site's per-crossing probability
  overwritten by kappa*sqrt(pi*dt/D) (Erban & Chapman;
  :func:`sim.synapse.capture.first_order_probability`), the rule of the
  model's reversible receptors. Both are raised for the slab
  (:func:`sim.synapse.capture.in_slab`).

Tile competition: a tile that captured a molecule is busy for the rest of
that step, so a second molecule crossing there is reflected. The bench
prints an upper bound on the fraction of crossings this affects (half the
captures per tile per step at t1, plus the chance the site is still busy
next step); it is kept well under the standard errors by the molecule
density.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from sim.course.day import TIMELINE_DT_NS, coarse_step_accepted
from sim.params.synapse import Parameters
from sim.params.units import diffusion_to_nm2_per_us, kon_to_nm3_per_us
from sim.runs.analysis import slab_uptake_roots
from sim.synapse.capture import first_order_probability, in_slab, kappa_prime_for
from sim.synapse.model import Synapse

WIDTH_NM = 20.0
D_UM2_PER_MS = 0.54
TILE_NM = 10.0
RADIUS_NM = 5000.0
"""Sheet radius: wide, so 2e5 molecules are ~0.3 per tile and rarely meet at one."""
EDGE_MARGIN_NM = 300.0
"""Molecules start this far inside the edge (the lattice's jagged rim is never reached)."""
MOLECULES = 200_000
KCAT_PER_MS = 1.0e6
"""SERT's largest allowed kcat: a captured molecule goes inward within the step (or the next)."""
MODE_DECAY = 6.0
"""The window opens when the second slab mode has decayed by e^-MODE_DECAY against the first."""
WINDOW_TIME_CONSTANTS = 3.0
"""The window lasts this many 1/rate (the survivors fall to e^-3 of those at its start)."""
SEED = 5

QUIET = {
    "first_spike_ms": -1.0,
    "firing_rate_hz": 0.0,
    "docked_vesicles": 0,
    "reserve_vesicles": 0,
    "synthesis_per_ms": 0.0,
    "receptor_count": 0,
    "autoreceptor_count": 0,
    "vmat_rate_per_ms": 0.0,
    "mao_rate_per_ms": 0.0,
}
"""No release, no synthesis, no receptors: only the injected molecules and the SERT wall."""


@dataclass(frozen=True)
class Case:
    """One (kappa, dt) point: a label and the two numbers the model needs."""

    label: str
    kappa_nm_per_us: float
    dt_ns: float


def _kappa_for(p_capture: float, dt_ns: float) -> float:
    """Reactivity (nm/us) for which Andrews' rule gives ``p_capture`` at ``dt_ns``."""
    d = diffusion_to_nm2_per_us(D_UM2_PER_MS)
    return kappa_prime_for(p_capture) * math.sqrt(d / (dt_ns / 1000.0))


def default_cases() -> list[Case]:
    """The points printed: P ~ 0.04, 0.2, 0.3 at 10 ns, the issue's point, the course day's step.

    The course day's step is ``sim.course.day.TIMELINE_DT_NS``, at the default
    preset's receptor and SERT reactivities (0.83 and 3.32 nm/us).
    """
    day = TIMELINE_DT_NS
    return [
        Case("P=0.04 at dt 10 ns", _kappa_for(0.04, 10.0), 10.0),
        Case("P=0.2 at dt 10 ns", _kappa_for(0.2, 10.0), 10.0),
        Case("P=0.3 at dt 10 ns", _kappa_for(0.3, 10.0), 10.0),
        Case("kappa 50, dt 3.333 ns", 50.0, 3.333),
        Case(f"receptors at the course day's {day:g} ns", 0.83, day),
        Case(f"SERT at the course day's {day:g} ns", 3.32, day),
    ]


def sites_in_disc(radius_nm: float, tile_nm: float) -> int:
    """Tiles whose centre lies within ``radius_nm`` (as :func:`sim.synapse.geometry.build_sites` counts)."""
    n_side = int(math.ceil(2.0 * radius_nm / tile_nm))
    c = -n_side * tile_nm / 2.0 + (np.arange(n_side) + 0.5) * tile_nm
    cx, cy = np.meshgrid(c, c)
    return int(np.count_nonzero(np.hypot(cx, cy) <= radius_nm))


def slab_model(
    case: Case, n: int, seed: int = SEED, radius_nm: float = RADIUS_NM, rule: str = "andrews"
) -> Synapse:
    """The slab with every presynaptic tile a SERT of reactivity kappa, ``n`` molecules injected.

    ``rule = "first-order"`` overwrites the per-crossing probabilities with
    kappa*sqrt(pi*dt/D), raised for the slab as the model raises it for its
    receptors (:func:`sim.synapse.capture.in_slab`), after the model is built.
    """
    kon = case.kappa_nm_per_us * TILE_NM**2 / kon_to_nm3_per_us(1.0)
    params = Parameters(
        **QUIET,
        cleft_width_nm=WIDTH_NM,
        diffusion_um2_per_ms=D_UM2_PER_MS,
        dt_ns=case.dt_ns,
        outer_radius_nm=radius_nm,
        tile_nm=TILE_NM,
        sert_count=sites_in_disc(radius_nm, TILE_NM),
        sert_ring_inner_nm=0.0,
        sert_ring_outer_nm=radius_nm,
        sert_ring_fraction=1.0,
        sert_kon_per_M_s=kon,
        sert_koff_per_ms=0.0,
        sert_kcat_per_ms=KCAT_PER_MS,
    )
    model = Synapse(params, seed=seed)
    if rule == "first-order":
        st = model.site_table
        for kappa in np.unique(st.kappa_nm_per_us):
            p_first = first_order_probability(float(kappa), model.dt_us, model.d_nm2_per_us)
            p_first = in_slab(p_first, model.sigma_nm, model.width_nm)  # as the receptors' rule
            st.p_capture[st.kappa_nm_per_us == kappa] = p_first
        st.refresh()
    elif rule != "andrews":
        raise ValueError(f"rule = {rule!r} must be 'andrews' or 'first-order'")
    rng = np.random.default_rng(seed)
    r = (radius_nm - EDGE_MARGIN_NM) * np.sqrt(rng.uniform(size=n))
    a = rng.uniform(0.0, 2.0 * np.pi, n)
    model.inject(n, r * np.cos(a), r * np.sin(a), rng.uniform(0.0, WIDTH_NM, n))
    return model


@dataclass(frozen=True)
class RateFit:
    """A measured decay rate and what it rests on.

    Attributes:
        p_capture: per-crossing capture probability used.
        rate_per_us: fitted decay rate, 1/us.
        se_per_us: its standard error, 1/us.
        events: molecules taken up in the window.
        window_us: (t1, t2), us after injection.
        competition: bound on the fraction of crossings that met a busy tile.
    """

    p_capture: float
    rate_per_us: float
    se_per_us: float
    events: int
    window_us: tuple[float, float]
    competition: float


def exact_rates(kappa_nm_per_us: float) -> tuple[float, float]:
    """The slab's first two decay rates D*alpha_n^2, 1/us."""
    d = diffusion_to_nm2_per_us(D_UM2_PER_MS)
    a = slab_uptake_roots(WIDTH_NM, kappa_nm_per_us, d, 2)
    return float(d * a[0] ** 2), float(d * a[1] ** 2)


def measure_rate(
    case: Case, n: int = MOLECULES, rule: str = "andrews", radius_nm: float = RADIUS_NM,
    seed: int = SEED,
) -> RateFit:  # fmt: skip
    """Run the slab one step at a time and fit the decay rate in the late window."""
    model = slab_model(case, n, seed, radius_nm, rule)
    lam1, lam2 = exact_rates(case.kappa_nm_per_us)
    dt = model.dt_us
    first = int(math.ceil(MODE_DECAY / (lam2 - lam1) / dt))
    last = first + int(math.ceil(WINDOW_TIME_CONSTANTS / lam1 / dt))
    model.run_steps(first)
    at_risk = events = 0
    n_prev = n_first = model.free.n
    for _ in range(last - first):
        model.run_steps(1)
        n_now = model.free.n
        at_risk += n_prev
        events += n_prev - n_now
        n_prev = n_now
    h = events / at_risk
    rate = -math.log1p(-h) / dt
    se = math.sqrt(h * (1.0 - h) / at_risk) / ((1.0 - h) * dt)
    st = model.site_table
    p_leave = float(st.p_leave.max())
    tiles = math.pi * (radius_nm - EDGE_MARGIN_NM) ** 2 / TILE_NM**2
    per_tile = rate * dt * n_first / tiles
    return RateFit(
        p_capture=float(st.p_capture.max()),
        rate_per_us=rate,
        se_per_us=se,
        events=events,
        window_us=(first * dt, last * dt),
        competition=per_tile * (0.5 + (1.0 - p_leave) / p_leave),
    )


def _part(name: str, fit: RateFit, exact: float) -> str:
    err = fit.rate_per_us / exact - 1.0
    return (
        f"{name} P = {fit.p_capture:.3f}: {fit.rate_per_us:.4f} +- {fit.se_per_us:.4f} /us "
        f"({err:+.2%}, {err * exact / fit.se_per_us:+.1f} SE)"
    )


def capture_bench(
    cases: list[Case] | None = None, n: int = MOLECULES, radius_nm: float = RADIUS_NM
) -> Iterator[str]:
    """Lines of the capture-accuracy figures, yielded as each case is measured."""
    yield (
        f"capture: slab {WIDTH_NM:g} nm, D = {D_UM2_PER_MS} um^2/ms, every presynaptic "
        f"{TILE_NM:g} nm tile a SERT (kcat {KCAT_PER_MS:g} /ms, koff 0), reflecting far wall; "
        f"{n:,} molecules uniform in z within {radius_nm - EDGE_MARGIN_NM:g} nm of the axis; "
        "rate = maximum-likelihood exponential fit of the survival from t1 (2nd mode "
        f"< e^-{MODE_DECAY:g}) to t1 + {WINDOW_TIME_CONSTANTS:g}/rate, SE from the counts; "
        "exact = D*alpha1^2; first-order = P overwritten with kappa*sqrt(pi*dt/D) (the "
        "receptors' rule), both raised for the slab (sim.synapse.capture.in_slab)"
    )
    for case in cases if cases is not None else default_cases():
        exact = exact_rates(case.kappa_nm_per_us)[0]
        with coarse_step_accepted():  # the course day's step is past the note's 25% on purpose
            ours = measure_rate(case, n, "andrews", radius_nm)
            first = measure_rate(case, n, "first-order", radius_nm)
        worst = max(ours.competition, first.competition)
        yield (
            f"capture {case.label} (kappa {case.kappa_nm_per_us:.2f} nm/us, dt {case.dt_ns:g} ns): "
            f"exact {exact:.4f} /us; {_part('Andrews', ours, exact)}; "
            f"{_part('first-order', first, exact)}; window {ours.window_us[0]:.2f}-"
            f"{ours.window_us[1]:.2f} us, {ours.events:,} events; busy-tile bound {worst:.2%}"
        )
