"""The tissue model against theory (science.md sections 4.5, 4.6 and 5), through the real code.

Tolerances come from the statistics of each quantity (stated at each test);
runs are kept short with small or large cubes as each check needs. The
long steps (2-10 ms) are part of what is tested: a free Gaussian step is
exact at any length.
"""

import math

import numpy as np
import pytest

from sim.params.tissue import AMBIENT_RANGE_NM, TissueParameters
from sim.tissue.model import Tissue
from sim.tissue.theory import (
    apparent_km_uM,
    calibrated_release_probability,
    effective_diffusion_um2_per_ms,
    held_occupancy,
    molecules_per_uM,
    release_rate_uM_per_s,
    steady_state_nM,
    uptake_rate_uM_per_s,
)

QUIET = {"varicosity_density_per_um3": 0.0, "initial_nM": 0.0}
"""No varicosities and nothing at t = 0: only what a test injects."""

Z_1E4 = 3.719
"""Standard-normal quantile of 1 - 1e-4 (one-sided)."""


def chi2_critical(df: int, z: float = Z_1E4) -> float:
    """Wilson-Hilferty upper quantile of chi-square with ``df`` degrees of freedom."""
    a = 2.0 / (9.0 * df)
    return df * (1.0 - a + z * math.sqrt(a)) ** 3


def point_source_cdf(r_um: np.ndarray, n: int, alpha: float, d_star: float, t_ms: float):
    """Fraction of N within r: the integral of alpha * C(r, t) * 4 pi r^2 with §4.6's C."""
    grid = np.linspace(0.0, float(r_um.max()), 20001)
    conc = (
        (n / alpha)
        * (4.0 * math.pi * d_star * t_ms) ** -1.5
        * np.exp(-(grid**2) / (4.0 * d_star * t_ms))
    )  # molecules per um^3 of extracellular space
    dens = alpha * conc * 4.0 * math.pi * grid**2 / n
    cum = np.concatenate([[0.0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(grid))])
    return np.interp(r_um, grid, cum)


@pytest.mark.parametrize("dt_ms, t_ms", [(2.0, 10.0), (10.0, 10.0), (2.0, 40.0)])
def test_point_release_spreads_as_volume_transmission(dt_ms, t_ms):
    # §4.6, uptake off: C(r, t) = (N/alpha)(4 pi D* t)^-3/2 exp(-r^2 / 4 D* t).
    # A 40 um cube keeps the periodic images > 4.8 sigma away. 20 shells of
    # equal expected count (1,000 each): chi-square at p = 1e-4; <r^2> = 6 D* t
    # within 4 sd (sd = 6 D* t sqrt(2 / 3N)).
    n = 20_000
    p = TissueParameters(cube_um=40.0, sert_vmax_uM_per_s=0.0, dt_ms=dt_ms, **QUIET)
    m = Tissue(p, seed=11)
    m.inject(n, 20.0, 20.0, 20.0)
    m.run(t_ms)
    assert m.n == n and m.conservation_error() == 0
    d = m.free_positions().astype(np.float64) - 20.0
    r = np.sqrt((d**2).sum(axis=0))
    d_star = effective_diffusion_um2_per_ms(p)
    r_max = 6.0 * math.sqrt(2.0 * d_star * t_ms)
    fine = np.linspace(0.0, r_max, 4001)
    cdf = point_source_cdf(fine, n, p.volume_fraction, d_star, t_ms)
    edges = np.interp(np.linspace(0.0, 1.0, 21)[1:-1], cdf, fine)
    observed = np.bincount(np.searchsorted(edges, r), minlength=20)
    expected = np.diff(np.concatenate([[0.0], np.interp(edges, fine, cdf), [1.0]])) * n
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    assert chi2 < chi2_critical(19), (chi2, observed)
    msd = 6.0 * d_star * t_ms
    assert abs(np.mean(r**2) - msd) < 4.0 * msd * math.sqrt(2.0 / (3.0 * n))


def exact_bolus_fraction(p: TissueParameters, c0_uM: float, t_s: float) -> float:
    """C(t)/C0 for dC/dt = -Vmax C/(Km' + C), Km' = Km/(1-f): Km' ln(C0/C) + C0 - C = Vmax t."""
    vmax, km = p.sert_vmax_uM_per_s, apparent_km_uM(p)
    lo, hi = 0.0, c0_uM
    for _ in range(100):
        c = 0.5 * (lo + hi)
        elapsed = (km * math.log(c0_uM / c) + c0_uM - c) / vmax
        lo, hi = (lo, c) if elapsed < t_s else (c, hi)
    return 0.5 * (lo + hi) / c0_uM


@pytest.mark.parametrize("blockade", [0.0, 0.8])
def test_bolus_at_low_concentration_clears_with_km_over_vmax(blockade):
    # science.md §5 and §4.5: at C << Km each molecule is taken up at
    # Vmax/Km' = Vmax(1-f)/Km (competitive SSRI: Km' = Km/(1-f)), so a bolus
    # decays with tau = Km / (Vmax (1 - f)) (0.34 s; x5 at f = 0.8). 20,000 molecules in a 40 um cube: C0 = 2.6 nM = 1.5% of Km.
    # Survivors at t = tau and 2 tau match the exact Michaelis-Menten decay
    # within 4 binomial sd; the tau fitted from them matches Km/(Vmax(1-f))
    # within 4 sd of ln(survival) plus the C0/Km Michaelis-Menten correction.
    n = 20_000
    p = TissueParameters(cube_um=40.0, blockade=blockade, sample_interval_ms=2.0, **QUIET)
    m = Tissue(p, seed=5)
    m.inject_uniform(n, np.random.default_rng(5))
    c0 = n / molecules_per_uM(p)
    tau_s = p.sert_km_uM / (p.sert_vmax_uM_per_s * (1.0 - blockade))
    t = m.recorder.column
    m.run(2000.0 * tau_s)
    times, alive = t("time_ms") / 1000.0, t("n_free")
    assert m.conservation_error() == 0
    for k in (1.0, 2.0):
        i = int(np.argmin(np.abs(times - k * tau_s)))
        s = exact_bolus_fraction(p, c0, times[i])
        sd = math.sqrt(n * s * (1.0 - s))
        assert abs(alive[i] - n * s) < 4.0 * sd, (k, alive[i], n * s, sd)
    i = int(np.argmin(np.abs(times - 2.0 * tau_s)))
    tau_fit = times[i] / math.log(n / alive[i])
    s = alive[i] / n
    tol = 4.0 * math.sqrt((1.0 - s) / (n * s)) / math.log(1.0 / s) + c0 / apparent_km_uM(p)
    assert abs(tau_fit / tau_s - 1.0) < tol, (tau_fit, tau_s, tol)


def test_calibration_puts_the_ambient_level_in_the_measured_range():
    # The release probability is the one whose mean-field steady state is the
    # target (57.5 nM, the middle of Abdalla et al.'s 50-65 nM).
    p = TissueParameters()
    lo, hi = AMBIENT_RANGE_NM
    assert lo <= p.ambient_target_nM <= hi
    assert calibrated_release_probability(p) == pytest.approx(p.release_probability, rel=2e-3)
    assert steady_state_nM(p) == pytest.approx(p.ambient_target_nM, rel=2e-3)
    off = p.with_overrides(autoreceptor_feedback=False)
    assert steady_state_nM(off) == pytest.approx(p.ambient_target_nM, rel=2e-3)


def shot_noise_sem_nM(p: TissueParameters, c_nM: float, duration_s: float) -> float:
    """Standard error of a time-mean of the ambient level from release and uptake noise, nM.

    Fibres fire regularly at intervals << 1/k, so the mean part of each
    release arrives on schedule; what varies is the number of vesicles each
    action potential fuses (binomial over the fibre's docked vesicles) and the
    uptake of single molecules (Poisson). Linearised at C with the uptake
    relaxation rate k = Vmax Km'/(Km'+C)^2, Km' = Km/(1-f) (feedback only speeds it up):
    Var(n) = lambda (Var B + E B) / (2k); the mean of such an Ornstein-Uhlenbeck
    process over T has variance Var(n) * 2(kT - 1 + exp(-kT)) / (kT)^2.
    """
    m = Tissue(p, seed=0)
    prob = float(np.mean(m.p_now))
    trials = p.varicosities_per_fibre * p.docked_vesicles
    mean_b = p.molecules_per_vesicle * trials * prob
    var_b = p.molecules_per_vesicle**2 * trials * prob * (1.0 - prob)
    lam = m.fibre_count.shape[0] * p.firing_rate_hz
    c = c_nM / 1000.0
    km = apparent_km_uM(p)
    k = p.sert_vmax_uM_per_s * km / (km + c) ** 2
    var_n = lam * (var_b + mean_b) / (2.0 * k)
    x = k * duration_s
    var_mean = var_n * 2.0 * (x - 1.0 + math.exp(-x)) / x**2
    return 1000.0 * math.sqrt(var_mean) / molecules_per_uM(p)


def steady_mean(p: TissueParameters, settle_ms: float, measure_ms: float, seed: int = 1):
    """Mean ambient level (nM) over ``measure_ms`` after ``settle_ms``, and the tissue."""
    m = Tissue(p, seed=seed)
    m.run(settle_ms)
    n0 = m.recorder.n
    m.run(measure_ms)
    assert m.conservation_error() == 0
    return float(np.mean(m.recorder.column("ambient_nM")[n0:])), m


# Many small, frequent releases with the same mean release rate as the preset
# (4,700 molecules at 1 Hz -> 94 at 50 Hz): the same steady state with 50x
# less shot noise, so short runs test the mean.
LOW_NOISE = {"molecules_per_vesicle": 94, "firing_rate_hz": 50.0, "dt_ms": 5.0}


def test_tonic_release_settles_at_the_steady_state():
    # Feedback off (release fixed at its calibrated value): the simulated mean
    # matches the Michaelis-Menten steady state release = uptake within 4 sem
    # (shot-noise bound) + 2% (local uptake saturation near fresh releases).
    p = TissueParameters(cube_um=12.0, autoreceptor_feedback=False, **LOW_NOISE)
    target = steady_state_nM(p)
    p = p.with_overrides(initial_nM=target)
    mean, _ = steady_mean(p, 1000.0, 2000.0)
    tol = 4.0 * shot_noise_sem_nM(p, target, 2.0) + 0.02 * target
    assert abs(mean - target) < tol, (mean, target, tol)


def test_blockade_without_feedback_scales_the_steady_state():
    # §4.5: without feedback, blocking a fraction f of uptake multiplies the
    # steady state by 1/(1 - f). With the competitive SSRI (Km' = Km/(1-f))
    # this holds at any C, so it is tested at the calibrated physiology
    # (57.5 nM, a third of Km) and f = 0.8: the mean-field ratio is exactly 5,
    # each simulated mean is within 4 sem of its mean-field value (+2%: local
    # uptake saturation near fresh releases), and the measured ratio is within
    # 4% + its noise of 5. The release is spread into many small vesicles
    # (LOW_NOISE, the same mean rate) so a few seconds give a tight mean.
    base = TissueParameters(cube_um=16.0, autoreceptor_feedback=False, **LOW_NOISE)
    f = 0.8
    means, targets, sems = [], [], []
    for blockade in (0.0, f):
        p = base.with_overrides(blockade=blockade)
        target = steady_state_nM(p)
        p = p.with_overrides(initial_nM=target)
        mean, _ = steady_mean(p, 1000.0, 4000.0, seed=2)
        means.append(mean)
        targets.append(target)
        sems.append(shot_noise_sem_nM(p, target, 4.0))
        assert abs(mean - target) < 4.0 * sems[-1] + 0.02 * target, (blockade, mean, target)
    ratio = means[1] / means[0]
    rel_noise = math.hypot(sems[0] / means[0], sems[1] / means[1])
    assert targets[1] / targets[0] == pytest.approx(1.0 / (1.0 - f), rel=1e-6)
    assert abs(ratio * (1.0 - f) - 1.0) < 0.04 + 4.0 * rel_noise, ratio


def test_autoreceptor_feedback_blunts_the_rise():
    # At the calibrated physiology and the therapeutic f = 0.8 (mean field:
    # 5.0x without feedback, 3.4x with it), the 5-HT1B feedback makes the rise
    # smaller. The simulated rise with feedback on is below the one without
    # by far more than the noise, and each is near its mean-field value.
    base = TissueParameters(cube_um=16.0, **{**LOW_NOISE, "dt_ms": 10.0})
    rises = {}
    for feedback in (False, True):
        p = base.with_overrides(autoreceptor_feedback=feedback, blockade=0.8)
        target = steady_state_nM(p)
        mean, m = steady_mean(p.with_overrides(initial_nM=target), 3000.0, 2500.0, seed=4)
        sem = shot_noise_sem_nM(p, target, 2.5)
        assert abs(mean - target) < 4.0 * sem + 0.05 * target, (feedback, mean, target)
        rises[feedback] = (mean, sem, target)
    off, on = rises[False], rises[True]
    assert on[2] < off[2]  # the mean-field says so too
    assert off[0] - on[0] > 4.0 * math.hypot(off[1], on[1]), rises


def test_the_competitive_ssri_keeps_a_steady_state_at_any_blockade_below_one():
    # At 57.5 nM the uptake runs at C/(Km + C) = 25% of Vmax. A drug that
    # removed Vmax would leave 20% at f = 0.8, less than the release, and the
    # level would climb without limit; the competitive drug only raises the
    # apparent Km, so uptake still reaches the release at C = C0/(1 - f).
    # At f = 1 nothing is taken up.
    p = TissueParameters(autoreceptor_feedback=False)
    c0 = steady_state_nM(p)
    for f in (0.5, 0.8, 0.95):
        q = p.with_overrides(blockade=f)
        assert apparent_km_uM(q) == pytest.approx(p.sert_km_uM / (1.0 - f))
        assert steady_state_nM(q) == pytest.approx(c0 / (1.0 - f), rel=1e-6)
        c = c0 / (1.0 - f) / 1000.0
        assert uptake_rate_uM_per_s(q, c) == pytest.approx(
            release_rate_uM_per_s(q, held_occupancy(q)), rel=1e-6
        )
    blocked = p.with_overrides(blockade=1.0)
    assert uptake_rate_uM_per_s(blocked, 10.0) == 0.0
    assert math.isinf(steady_state_nM(blocked))


def test_same_seed_same_numbers_however_the_run_is_split():
    p = TissueParameters(cube_um=10.0, initial_nM=0.0, firing_rate_hz=20.0)
    a, b = Tissue(p, seed=7), Tissue(p, seed=7)
    a.run(200.0)
    for _ in range(20):
        b.run(10.0)
    assert a.counters == b.counters and a.counters["released"] > 0
    np.testing.assert_array_equal(a.free_positions(), b.free_positions())
    np.testing.assert_array_equal(a.recorder.table(), b.recorder.table())
    c = Tissue(p, seed=8)
    c.run(200.0)
    assert not np.array_equal(c.recorder.table(), a.recorder.table())


def test_commands_act_from_the_next_step():
    p = TissueParameters(cube_um=10.0)
    m = Tissue(p, seed=1)
    m.set_blockade(1.0)
    m.set_firing_rate(0.0)
    n = m.n
    m.run(50.0)
    assert m.n == n and m.counters["taken_up"] == 0  # no uptake, no release
    m.set_feedback(False)
    assert m.vesicles_per_action_potential() == pytest.approx(
        p.docked_vesicles * p.release_probability * (1 - 0.8 * held_occupancy(p))
    )
    with pytest.raises(ValueError):
        m.set_blockade(1.5)
