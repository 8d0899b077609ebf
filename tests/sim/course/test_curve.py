"""The mean-field course curve against the agents' days (the same days, window and seed)."""

import time

from sim.course.curve import course_signal
from sim.course.day import TIMELINE_DT_NS, run_day
from sim.course.slow import baseline_state, slow_states
from sim.params.presets import load_preset

WINDOW_MS = 2.0  # one drug-free interspike interval: the agents' days stay cheap


def _agent_signal(states, seed=0):
    overrides = {"dt_ns": TIMELINE_DT_NS}
    jobs = [{"state": st, "preset": "default", "overrides": overrides, "seed": seed,
             "window_ms": WINDOW_MS} for st in (baseline_state(), *states)]  # fmt: skip
    bound = [run_day(job)["receptors_bound_mean"] for job in jobs]
    return [b / bound[0] for b in bound[1:]]


def test_curve_moves_as_the_agents_days_do():
    """On the drug the signal is above the drug-free synapse's, after the stop below, in both.

    The mean field leaves out the radial spread (its cleft peak is lower, the
    receptors further from saturation), so it rises more with the block: the
    tolerance is on the side of 1 and a factor of 2, not the agents' noise.
    """
    base = load_preset("default", {"dt_ns": TIMELINE_DT_NS}).params
    states = slow_states(31, 0.8, 0, 28)
    picked = [states[1], states[30]]
    curve = course_signal(base, picked, WINDOW_MS)
    agents = _agent_signal(picked)
    assert curve[0] > 1.0 and agents[0] > 1.0
    assert curve[1] < 1.0 and agents[1] < 1.0
    for c, a in zip(curve, agents, strict=True):
        assert 0.5 < c / a < 2.0


def test_curve_of_twelve_weeks_is_cheap():
    """84 days in well under a second (after the kernel's first call)."""
    base = load_preset("default", {"dt_ns": TIMELINE_DT_NS}).params
    states = slow_states(84, 0.8, 0, 28)
    course_signal(base, states[:1])
    t0 = time.perf_counter()
    values = course_signal(base, states)
    assert time.perf_counter() - t0 < 1.0
    assert len(values) == 84 and all(v > 0 for v in values)
