"""The treatment timeline: slow state against science.md, and the fast model at each day's state."""

from __future__ import annotations

import pytest

from sim.params import ParameterError
from sim.timeline import SlowParameters, firing_factor, run_timeline, slow_states

CITALOPRAM_80_PERCENT_NM = 4.8  # 4 x Ki (1.2 nM, Tatsumi 1997): occupancy 0.8


def test_desensitisation_follows_science_md_and_recovers_off_drug():
    """science.md: ~40% of raphe neurons desensitised by day 3, 60-80% by day 21."""
    days = slow_states(42, 0.8, start_day=0, stop_day=28)
    desens = [1.0 - d.autoreceptor_sensitivity for d in days]
    assert desens[0] == 0.0
    assert desens[3] == pytest.approx(0.4, abs=0.05)
    assert 0.6 <= desens[21] <= 0.8
    assert all(b >= a for a, b in zip(desens[:28], desens[1:28], strict=False))  # falls on drug
    assert all(b < a for a, b in zip(desens[28:], desens[29:], strict=False))  # recovers off it
    assert desens[41] < 0.5 * desens[28]
    assert days[27].on_drug and not days[28].on_drug and days[28].occupancy == 0.0


def test_raphe_firing_is_suppressed_acutely_and_recovers():
    slow = SlowParameters()
    assert firing_factor(0.0, 1.0, slow) == pytest.approx(1.0)
    days = slow_states(30, 0.8, 0, 28)
    assert days[1].firing_factor < 0.5 < days[21].firing_factor
    assert days[21].firing_factor > days[1].firing_factor


def test_bad_timeline_input_is_refused():
    with pytest.raises(ParameterError, match="drug"):
        run_timeline(3, "aspirin", 1.0, 0, 2)
    with pytest.raises(ParameterError, match="start_day"):
        run_timeline(3, "citalopram", 1.0, 2, 1)
    with pytest.raises(ParameterError, match="days"):
        run_timeline(0, "citalopram", 1.0, 0, 0)


def test_chronic_signal_exceeds_acute_and_stopping_falls_below_baseline():
    """The fast model at each day's state: day 21 above day 1; the day after stopping below baseline.

    Each day runs the same seed (common random numbers: shared spike train and
    fusion draws), so a difference between days comes from the state. Over
    seeds 0-5 we measured day21/day1 = 1.24-1.41 and stop/baseline =
    0.82-0.90 (sim/timeline.py): the inequalities hold with margin for every
    seed, so this is not a tuned seed.
    """
    rows = run_timeline(
        30,
        "citalopram",
        CITALOPRAM_80_PERCENT_NM,
        0,
        28,
        seed=0,
        overrides={"dt_ns": 20.0},
        only_days=[1, 21, 28],
        workers=2,
    )
    by_day = {r["day"]: r for r in rows}
    assert by_day[-1]["signal"] == 1.0
    assert by_day[1]["occupancy"] == pytest.approx(0.8)
    assert by_day[21]["signal"] > by_day[1]["signal"]
    assert by_day[28]["phase"] == "off drug"
    assert by_day[28]["signal"] < 1.0


@pytest.mark.parametrize(
    "preset, day",
    [("acute-ssri", 1), ("chronic-ssri", 21), ("discontinuation", 28)],
)
def test_scenario_presets_are_days_of_the_timeline(preset, day):
    from sim.params import Parameters
    from sim.presets import load_preset
    from sim.timeline import day_overrides

    state = slow_states(42, 0.8, 0, 28)[day]
    expected = day_overrides(Parameters(), state)
    got = load_preset(preset).params
    assert got.blockade == pytest.approx(expected["blockade"])
    assert got.receptor_count == expected["receptor_count"]
    assert got.firing_rate_hz == pytest.approx(expected["firing_rate_hz"], abs=1.0)
    assert got.autoreceptor_sensitivity == pytest.approx(
        expected["autoreceptor_sensitivity"], abs=0.01
    )
