"""A tour of scenes. Each step makes its event happen while its card is up,
R replays it, the compare step shows the SSRI's effect within 5 s, and ending the tour
puts back what the lecturer had.

Scripted apps (1/60 s of playback per frame): figures do not depend on the machine.
"""

import numpy as np
import pygame
import pytest

from render.app import App
from render.lecture.tour import STEPS
from sim.params.presets import load_preset
from tests.window import SIZE, press

LIGHT = {"molecules_per_vesicle": 200}


def make():
    return App(load_preset("default", LIGHT), 0, SIZE, scripted=True)


def play(app, seconds):
    for _ in range(int(round(seconds * 60))):
        app.update(1 / 60)


def goto(app, index):
    if not app.guide.active:
        press(app, pygame.K_t)
    while app.guide.index < index:
        press(app, pygame.K_n)


def test_each_firing_step_releases_while_its_card_is_up_and_r_replays_it(screen):
    app = make()
    firing = [i for i, s in enumerate(STEPS) if any(a == "fire" for _, a in s.get("events", []))]
    assert len(firing) >= 4
    for i in firing:
        goto(app, i)
        at = max(t for t, a in STEPS[i]["events"] if a == "fire")
        m = app.model
        assert m.params.first_spike_ms < 0 and not m.spike_log  # waits for the card first
        play(app, at + 0.5)
        assert app.model is m and m.spike_log and m.spike_log[0][1] > 0  # it happened
        # ...in slow motion: half a second after it, under 5 us of it has played.
        assert m.time_us - m.spike_log[0][0] < 5.0
    press(app, pygame.K_r)  # replay the last of them
    assert not app.model.spike_log and app.model.step_index == 0
    play(app, at + 0.5)
    assert app.model.spike_log


def test_the_compare_step_shows_the_traces_apart_within_five_seconds(screen):
    app = make()
    goto(app, next(i for i, s in enumerate(STEPS) if s["compare"]))
    play(app, 5.0)
    m, c = app.model, app.control
    assert m.blockade == pytest.approx(0.8) and c.blockade == 0.0
    t = m.recorder.column("time_ms")
    tail = t > t[-1] / 2  # the later half: the tail of each release
    ssri = float(np.mean(m.recorder.column("cleft_uM")[tail]))
    control = float(np.mean(c.recorder.column("cleft_uM")[tail]))
    assert ssri > 1.5 * control > 0


def test_treatment_steps_open_the_course_with_its_reference_day(screen):
    app = make()
    for i, step in enumerate(STEPS):
        course = step.get("course")
        if course is None:
            continue
        goto(app, i)
        t = app.scenario.treatment
        assert t.day == course["day"] and t.start_day == course["start"]
        assert t.stop_day == course["stop"]
        assert app.model.blockade == pytest.approx(t.state().occupancy)
        assert t.base.blockade == 0.0  # the reference: the same synapse before the drug


def test_ending_the_tour_restores_what_the_lecturer_had(screen):
    app = make()
    press(app, pygame.K_3)  # acute SSRI
    app.set_blockade(0.55)
    app.play.set_firing_rate(1000.0)
    app.play.set_speed(500.0)
    press(app, pygame.K_a)  # fixed speed
    press(app, pygame.K_l)
    press(app, pygame.K_z)
    before = (app.view.sx, app.view.cx_nm, app.view.mode)
    press(app, pygame.K_t)
    for _ in range(len(STEPS) - 1):
        press(app, pygame.K_n)
        app.draw(screen)
    press(app, pygame.K_n)  # past the last step: the tour ends
    assert not app.guide.active
    m = app.model
    assert app.preset.name == "acute-ssri" and m.step_index == 0
    assert m.blockade == pytest.approx(0.55) and m.firing_rate_hz == 1000.0
    assert app.play.base_us_per_s == 500.0 and not app.play.warp_on
    assert app.screen.show_labels and not app.compare.on
    assert (app.view.sx, app.view.cx_nm, app.view.mode) == pytest.approx(before)
    # A treatment day on screen comes back too.
    press(app, pygame.K_k)
    press(app, pygame.K_w)
    t = app.scenario.treatment
    press(app, pygame.K_t)
    press(app, pygame.K_ESCAPE)
    assert app.scenario.treatment is t and t.day == 7 and t.on_drug
    assert app.model.autoreceptor_sensitivity == pytest.approx(t.state().autoreceptor_sensitivity)
