"""The per-crossing capture probability: Andrews' relation, solved for the discrete algorithm."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import Parameters, StepSizeError, Synapse
from sim.runs.analysis import FIRST_PASSAGE_WALL_SHIFT
from sim.synapse.capture import (
    capture_probability,
    first_order_probability,
    kappa_prime_for,
    max_kappa_prime,
)


def test_small_p_limit_is_erban_chapman():
    """kappa' -> P/sqrt(pi) as P -> 0 (Erban & Chapman 2007)."""
    for p in (1e-4, 1e-3):
        assert abs(kappa_prime_for(p) * math.sqrt(math.pi) / p - 1) < 2 * p + 2e-4


def test_full_absorption_is_the_shifted_wall():
    """P = 1 is a perfect absorber displaced by 0.5826 sigma (science.md 4.2).

    The far-field profile then extrapolates to zero at -0.5826 sigma, so
    kappa*dt = D*dt/(0.5826 sigma): kappa' = 1/(sqrt(2)*0.5826) = 1.2137.
    The solver's grid (40 points per sigma) is good to ~0.1%.
    """
    expected = 1.0 / (math.sqrt(2.0) * FIRST_PASSAGE_WALL_SHIFT)
    assert abs(kappa_prime_for(1.0) / expected - 1) < 2e-3
    assert abs(max_kappa_prime() - kappa_prime_for(1.0)) < 1e-9


def test_relation_is_monotone_and_inverts():
    ps = np.linspace(0.01, 0.97, 25)  # between the table's points
    kps = np.array([kappa_prime_for(float(p)) for p in ps])
    assert np.all(np.diff(kps) > 0)
    d, dt = 540.0, 0.01
    for p, kp in zip(ps, kps, strict=True):
        kappa = kp / math.sqrt(dt / d)
        assert abs(capture_probability(kappa, dt, d) - p) < 2e-4


def test_small_p_is_accurate_between_the_table_points():
    """Below P = 0.025 (the first table interval) P is exact to 2e-4 relative.

    There the curve kappa'(P) bends: a straight line through its first two
    points made P ~1% low (1.4% as P -> 0). Interpolating P/kappa', which is
    sqrt(pi) at P = 0, keeps the relative error below 2e-4 (measured < 7e-5).
    """
    d, dt = 540.0, 0.01
    for p in (5e-4, 0.002, 0.006, 0.0125, 0.02, 0.03, 0.04):
        kappa = kappa_prime_for(p) / math.sqrt(dt / d)
        assert abs(capture_probability(kappa, dt, d) / p - 1) < 2e-4, p


def test_first_order_rule_overstates_capture():
    """At kappa = 50 nm/us, dt = 3.333 ns the first-order P is 0.22; the relation gives ~0.196."""
    d, dt = 540.0, 0.003333
    first = first_order_probability(50.0, dt, d)
    exact = capture_probability(50.0, dt, d)
    assert abs(first - 0.2202) < 1e-3
    assert 0.19 < exact < 0.20
    assert capture_probability(0.0, dt, d) == 0.0


def test_unrealisable_reactivity_is_refused():
    """A kon no step can realise is refused, naming the parameter, not a probability > 1."""
    d, dt = 540.0, 0.01
    with pytest.raises(ValueError, match="exceeds"):
        capture_probability(1.01 * max_kappa_prime() / math.sqrt(dt / d), dt, d)
    with pytest.raises(StepSizeError, match="receptor_kon_per_M_s = 1e\\+11"):
        Synapse(Parameters(receptor_kon_per_M_s=1e11), seed=0)


def test_stored_table_is_the_solver_output():
    """sim/capture_table.py is what the solver gives (re-solved at a few points)."""
    from sim.synapse.capture_table import TABLE_KAPPA_PRIME, TABLE_P

    for j in (1, 8, 20, 40):
        assert abs(kappa_prime_for(float(TABLE_P[j])) - TABLE_KAPPA_PRIME[j]) < 1e-9
