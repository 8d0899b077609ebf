"""Time-warp playback, the fixed-speed key, pause on
the next event, and the default pace (a release and its reuptake within 5 s of screen).

Scripted apps (1/60 s of playback per frame, no CPU cap): the pace depends on
simulated time only, so these figures are the same on any machine.
"""

import math

import pygame
import pytest

from render.app import App
from render.common.constants import WARP_EASE_US, WARP_FAST_FACTOR, WARP_SLOW_FRACTION
from render.synapse.warp import TimeWarp, last_release_us, next_release_us
from sim.params.presets import load_preset
from tests.window import SIZE, press

LIGHT = {"molecules_per_vesicle": 200}


def make(preset="default", overrides=None, compare=False):
    return App(
        load_preset(preset, {**LIGHT, **(overrides or {})}), 0, SIZE, scripted=True, compare=compare
    )


def run_until(app, condition, max_frames=2000):
    for _ in range(max_frames):
        app.update(1 / 60)
        if condition():
            return True
    return False


def test_warp_is_slow_at_a_release_fast_through_clearance_and_slow_again_before_the_next():
    app = make()
    play, m = app.play, app.model
    base = play.base_us_per_s
    slow, fast = base * WARP_SLOW_FRACTION, base * WARP_FAST_FACTOR
    app.update(1 / 60)
    assert last_release_us(m) == 0.0  # the default preset releases at t = 0
    assert play.playback_us_per_s == pytest.approx(slow, rel=0.01)
    assert run_until(app, lambda: m.time_us > 8 * WARP_EASE_US)
    assert play.playback_us_per_s == pytest.approx(fast)  # clearance plays fast
    t_next = next_release_us(m)
    assert t_next == pytest.approx(1.0e6 / m.firing_rate_hz)  # a regular train: foreseen
    assert run_until(app, lambda: t_next - m.time_us < WARP_EASE_US)
    assert play.playback_us_per_s < fast / 10  # easing down before it
    ahead = t_next - m.time_us
    assert play.playback_us_per_s == pytest.approx(slow * math.exp(ahead / WARP_EASE_US), rel=0.2)


def test_warp_formula():
    class M:  # a stand-in with only what the warp reads
        params = load_preset("default").params
        firing_rate_hz = 500.0
        spike_log = [(0.0, 3, 0.3)]
        time_us = 25.0

    w = TimeWarp(200.0)
    assert w.pace(M) == pytest.approx(200.0 * WARP_SLOW_FRACTION * math.exp(25.0 / WARP_EASE_US))
    M.time_us = 1000.0
    assert w.pace(M) == pytest.approx(200.0 * WARP_FAST_FACTOR)
    w.expect_at_us = 1000.0  # F pressed: slow at once
    assert w.pace(M) == pytest.approx(200.0 * WARP_SLOW_FRACTION)


@pytest.mark.parametrize("compare", [False, True])
def test_default_pace_shows_a_release_and_its_reuptake_within_five_seconds(compare):
    """release to 95% cleared in <= 5 s of screen, >= 200 us/s on average."""
    app = make(compare=compare)
    m = app.model
    peak = 0
    cleared_s = None
    for _ in range(60 * 20):
        app.update(1 / 60)
        peak = max(peak, m.free.n)
        if cleared_s is None and peak and m.free.n < 0.05 * peak:
            cleared_s = app.play.screen_time_s
        if len(m.spike_log) >= 2:  # one whole interspike interval shown
            break
    assert m.spike_log[0][1] > 0 and cleared_s is not None
    assert cleared_s <= 5.0
    assert m.time_us / app.play.screen_time_s >= 200.0


def test_a_key_switches_between_time_warp_and_the_fixed_speed(screen):
    app = make()
    app.update(1 / 60)
    assert app.play.warp_on and app.play.playback_us_per_s < app.play.base_us_per_s
    press(app, pygame.K_a)
    assert not app.play.warp_on
    assert app.play.playback_us_per_s == pytest.approx(app.play.base_us_per_s)
    before = app.model.step_index
    app.update(1 / 60)
    steps = app.model.step_index - before
    assert abs(steps - app.play.base_us_per_s / 60 / app.model.dt_us) <= 1
    press(app, pygame.K_PLUS)  # the speed keys set the fixed speed (and the warp's scale)
    assert app.play.base_us_per_s > 200.0
    press(app, pygame.K_a)
    assert app.play.warp_on
    app.draw(screen)


def test_f_slows_the_warp_for_the_release_it_asks_for(screen):
    app = make(overrides={"first_spike_ms": -1.0})  # nothing scheduled
    app.update(1 / 60)
    assert app.play.playback_us_per_s == pytest.approx(app.play.warp.fast_us_per_s)
    press(app, pygame.K_f)
    app.update(1 / 60)
    assert app.model.spike_log and app.model.spike_log[0][1] > 0
    assert app.play.playback_us_per_s == pytest.approx(app.play.warp.slow_us_per_s, rel=0.05)


def test_e_pauses_at_the_next_fusion_then_at_the_first_receptor_bound(screen):
    app = make(overrides={"first_spike_ms": 0.2})  # the first release at 200 us
    m = app.model
    press(app, pygame.K_e)
    assert run_until(app, lambda: app.play.paused)
    t_rel = last_release_us(m)
    assert t_rel == pytest.approx(200.0, abs=0.02)
    assert m.time_us - t_rel <= 1.0  # stopped at it, not a frame later
    bound = m.counters["receptor_bindings"]
    press(app, pygame.K_e)
    assert not app.play.paused
    assert run_until(app, lambda: app.play.paused)
    assert m.counters["receptor_bindings"] > bound
    assert m.time_us - t_rel < 50.0


def test_a_poisson_release_cuts_the_frame_short():
    app = make(overrides={"firing_pattern": "poisson", "firing_rate_hz": 2000.0})
    m = app.model
    caught = 0
    for _ in range(600):
        n = len(m.spike_log)
        app.update(1 / 60)
        new = [s for s in m.spike_log[n:] if s[1] > 0]
        if new and n:
            caught += 1
            frame_us = app.play.warp.fast_us_per_s / 60
            assert m.time_us - new[0][0] <= frame_us / 8 + 0.05
        if caught >= 2:
            break
    assert caught >= 2
