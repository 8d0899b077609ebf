"""The mean-field ODE (sim/meanfield.py): conservation, blockade, and agreement with the agents.

Agent comparisons use the mean over seeds; the tolerance is 4 standard errors
of the mean of (agents - ODE) over seeds plus a model-error allowance that is
derived in each test's docstring.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.params.presets import load_preset
from sim.params.synapse import ParameterError
from sim.params.units import kon_to_nm3_per_us
from sim.runs.headless import run_headless
from sim.synapse import meanfield as mf
from sim.synapse.meanfield import ode

N_SIGMA = 4.0
SINGLE = load_preset("single-release").params


def _bound_total(params, pred):
    """Molecules on receptors, autoreceptors and SERT in a prediction."""
    return (
        pred["receptor_occupancy"] * params.receptor_count
        + pred["autoreceptor_occupancy"] * params.autoreceptor_count
        + pred["sert_bound"]
    )


@pytest.mark.parametrize("shells", [1, 30])
def test_ode_conserves_molecules(shells):
    """free + bound + taken up = released at every sample, to 1e-9 relative."""
    pred = mf.simulate(SINGLE, [0.0, 120.0], [3000, 2000], 400.0, shells=shells, sample_us=1.0)
    total = pred["free_total"] + _bound_total(SINGLE, pred) + pred["taken_up"]
    assert pred["released"][-1] == 5000
    assert np.max(np.abs(total - pred["released"])) < 1e-9 * 5000
    # The second release appears in the first sample after 120 us, as in the recorder.
    t_us = np.round(pred["time_ms"] * 1000.0, 9)
    assert pred["released"][t_us == 120.0][0] == 3000
    assert pred["released"][t_us == 121.0][0] == 5000
    assert pred["taken_up"][-1] > 0 and pred["receptor_occupancy"].max() > 0.1


def test_two_compartment_paths_agree():
    """The scalar two-compartment integrator equals the vector one with shells = 1."""
    k = mf.compartments(SINGLE, 0.3, shells=1)
    releases = ([0, 2000], [3000.0, 1000.0])
    a = ode._integrate_two(k, releases, 8000, 0.05, 20)
    b = ode._integrate_shells(k, releases, 8000, 0.05, 20)
    assert np.max(np.abs(a - b)) < 1e-9 * 4000


def test_compartment_geometry():
    """k_out = 8D/a^2, equal concentrations at equilibrium, sites shared by area."""
    k = mf.compartments(SINGLE)
    a, big_r, w, d = 110.0, 1000.0, 20.0, 540.0
    v_c, v_o = math.pi * a**2 * w, math.pi * (big_r**2 - a**2) * w
    assert k["volume_nm3"] == pytest.approx([v_c, v_o], rel=1e-12)
    assert k["k_out"] == pytest.approx(8 * d / a**2, rel=1e-12)  # 0.357 /us: exit in 2.8 us
    assert k["k_in"] == pytest.approx(k["k_out"] * v_c / v_o, rel=1e-12)
    g = k["conductance_nm3_per_us"][0]
    assert g / v_c == pytest.approx(k["k_out"]) and g / v_o == pytest.approx(k["k_in"])
    # Default SERT: 80% in the ring 110-400 nm (none inside the disc), 20% over the sheet.
    assert mf.sert_fraction_in_cleft(SINGLE) == pytest.approx(0.2 * (a / big_r) ** 2)
    assert mf.autoreceptor_fraction_in_cleft(SINGLE) == pytest.approx((a / 400.0) ** 2)
    uniform = SINGLE.with_overrides(sert_ring_fraction=0.0)
    assert mf.sert_fraction_in_cleft(uniform) == pytest.approx((a / big_r) ** 2)
    # Blockade removes round(f N) sites, like the model's nested blockade.
    assert mf.compartments(SINGLE, 0.8)["n_sert"].sum() == pytest.approx(600 - 480)
    shells = mf.compartments(SINGLE, shells=30)
    assert shells["volume_nm3"].sum() == pytest.approx(math.pi * big_r**2 * w)
    assert shells["n_sert"].sum() == pytest.approx(600)
    assert shells["n_auto"].sum() == pytest.approx(40)


def _slow_rate(k_capture: float, koff: float, kcat: float) -> float:
    """Slow eigenvalue (1/us) of free <-> bound -> in with capture k, release koff, uptake kcat.

    d/dt (F, B) = [[-k, koff], [k, -(koff + kcat)]] (F, B): the roots of
    lambda^2 - (k + koff + kcat) lambda + k kcat = 0.
    """
    s = k_capture + koff + kcat
    return 0.5 * (s - math.sqrt(s * s - 4.0 * k_capture * kcat))


def test_blockade_lengthens_ode_decay_by_1_over_1_minus_f():
    """science.md 4.5 in the ODE: reaction-limited, uniform SERT, unsaturated (10 molecules).

    kon 2e7 /(M s) and 600 SERT over the sheet give a capture rate
    k = kon N / V = 3.2e-4 /us (3.2 ms), 70x slower than SERT's own turnover
    koff + kcat = 0.022 /us. The tail decays at the slow eigenvalue of the
    free/bound pair, which the ODE must reproduce to 1e-3; that rate scales as
    (1 - f) up to a factor (k (1 - f) + K)/(k + K) = 0.986 at f = 0.8, so
    the clearance time grows by 1/(1 - f) within 2%.
    """
    params = SINGLE.with_overrides(
        receptor_count=0, autoreceptor_count=0, sert_ring_fraction=0.0, sert_kon_per_M_s=2.0e7
    )
    volume = math.pi * 1000.0**2 * 20.0
    rate = {}
    for f in (0.0, 0.8):
        pred = mf.simulate(params, [0.0], [10.0], 3000.0, dt_us=1.0, blockade=f)
        t_us, free = pred["time_ms"] * 1000.0, pred["free_total"]
        i1, i2 = np.searchsorted(t_us, [1000.0, 3000.0])
        rate[f] = math.log(free[i1] / free[i2]) / (t_us[i2] - t_us[i1])
        k_capture = kon_to_nm3_per_us(2.0e7) * (600 - round(f * 600)) / volume
        assert rate[f] == pytest.approx(_slow_rate(k_capture, 0.002, 0.020), rel=1e-3)
    assert rate[0.0] / rate[0.8] == pytest.approx(1.0 / (1.0 - 0.8), rel=0.02)


def test_releases_of_reads_every_release_from_the_model():
    """Per-spike counts from the recorder add up to the model's released counter."""
    _, model = run_headless(
        "single-release", 0.25, seed=4, overrides={"firing_rate_hz": 10000.0, "dock_time_ms": 0.005}
    )  # spikes at 0, 100 and 200 us; the one dock refills within a few us
    times, counts = mf.releases_of(model)
    assert len(times) == 3
    assert counts.sum() == model.counters["released"]
    pred = mf.from_model(model)
    assert np.array_equal(pred["time_ms"], model.recorder.column("time_ms"))
    assert np.array_equal(pred["released"], model.recorder.column("released"))


def test_agents_total_free_matches_meanfield():
    """Total free 5-HT of the agents (mean of 8 seeds) follows the ODE where it should hold.

    Uniform SERT (ring fraction 0), 30,000 sites with half blocked, kon chosen
    for a capture rate k = 0.01 /us (tau 100 us); two vesicles (2,000
    molecules) at t = 0; no receptors or autoreceptors. SERT turnover is fast
    (kcat 5,000 /ms: a site is busy 0.2 us), so even near the release point
    at most a few sites are busy: no local saturation, which the well-mixed
    ODE cannot see (with the default kcat the agents clear ~25% slower).
    Model-error allowance, 1% of the prediction: relative rate errors of
    kon/k_D = 0.34% (access to one 10 nm tile, k_D = 4 D r = 12,000 nm^3/us),
    kappa L/(3D) = 0.25% (depletion across the 20 nm slab) and 0.3 P = 0.1%
    (reactive-boundary rule), times k t <= 1.5 at 150 us.
    """
    n_sert, f, k_target = 30_000, 0.5, 0.01
    volume = math.pi * 1000.0**2 * 20.0
    kon = k_target * volume / (n_sert - round(f * n_sert)) / kon_to_nm3_per_us(1.0)
    overrides = {
        "receptor_count": 0,
        "autoreceptor_count": 0,
        "sert_ring_fraction": 0.0,
        "sert_count": n_sert,
        "sert_kon_per_M_s": kon,
        "sert_kcat_per_ms": 5000.0,
        "docked_vesicles": 2,
        "release_probability": 1.0,
    }
    times_us = np.array([10.0, 25.0, 50.0, 100.0, 150.0])
    agents, ode = [], []
    for seed in range(8):
        _, model = run_headless("single-release", 0.15, seed=seed, blockade=f, overrides=overrides)
        assert model.counters["released"] == 2000
        pred = mf.from_model(model)
        idx = np.searchsorted(pred["time_ms"] * 1000.0, times_us - 1e-6)
        agents.append(model.recorder.column("n_free")[idx])
        ode.append(pred["free_total"][idx])
    agents, ode = np.array(agents), np.array(ode)
    diff = agents - ode
    se = diff.std(axis=0, ddof=1) / math.sqrt(len(diff))
    tol = N_SIGMA * se + 0.01 * ode.mean(axis=0)
    assert np.all(np.abs(diff.mean(axis=0)) < tol), (agents.mean(0), ode.mean(0), tol)
    # The check has teeth: the ODE without the blockade would be far off.
    unblocked = mf.simulate(model.params, [0.0], [2000.0], 150.0, blockade=0.0, sample_us=1.0)
    far = unblocked["free_total"][np.round(times_us).astype(int)]
    assert np.all(np.abs(agents.mean(axis=0) - far)[1:] > 5 * tol[1:])


def test_shells_resolve_the_cleft_concentration():
    """Two compartments dilute the cleft at once; shells follow the agents' cleft 5-HT.

    Single-release preset, 0.3 ms, seeds 0-2 (3, 3 and 1 vesicles fused). The
    agents' time-averaged cleft concentration is matched by 30 shells within
    15%: measured 0.94 of it on average, 0.92-1.02 per seed. The residual is
    model error that no seed count removes: the ODE's disc is well mixed from
    the start, so in the first ~10 us it lets molecules leave the disc faster
    than the agents, whose release starts at docking sites up to 90 nm from
    the edge (10% fewer in the disc at 5-10 us). The two-compartment model
    gives 0.27 of the agents' value; the test asks for < 0.5.
    """
    agents, two, shells = [], [], []
    for seed in range(3):
        _, model = run_headless("single-release", 0.3, seed=seed)
        agents.append(model.recorder.column("cleft_uM").mean())
        two.append(mf.from_model(model)["cleft_uM"].mean())
        shells.append(mf.from_model(model, dt_us=0.25, shells=mf.OVERLAY_SHELLS)["cleft_uM"].mean())
    agent, two_c, shell = np.mean(agents), np.mean(two), np.mean(shells)
    assert abs(shell / agent - 1.0) < 0.15, (agent, shell)
    assert two_c < 0.5 * agent, (agent, two_c)


@pytest.mark.parametrize(
    "args",
    [
        {"release_times_us": [0.0, 1.0], "release_counts": [10.0]},
        {"release_times_us": [-1.0], "release_counts": [10.0]},
        {"release_times_us": [0.0], "release_counts": [math.nan]},
        {"t_end_us": -1.0},
        {"dt_us": 0.0},
        {"dt_us": 10.0},  # rate * dt > 2 for k_out + k_in = 0.36 /us
        {"blockade": 1.5},
        {"shells": 0},
    ],
)
def test_simulate_rejects_bad_input(args):
    kwargs = {
        "params": SINGLE,
        "release_times_us": [0.0],
        "release_counts": [1000.0],
        "t_end_us": 10.0,
        **args,
    }
    with pytest.raises(ParameterError):
        mf.simulate(**kwargs)
