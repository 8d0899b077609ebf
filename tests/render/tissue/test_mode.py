"""The tissue view in the real window (key M): real-time clock, the slider on the tissue,
and the synapse unchanged when toggling back. Runs under pygame's dummy driver."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from render.app import App
from render.common.constants import MAX_FRAME_S
from render.common.keys import action_for
from render.tissue.clock import tissue_steps
from render.tissue.mode import SYNAPSE_NOTE, TISSUE_NOTE
from sim.params.presets import load_preset
from tests.window import SIZE, press


def test_step_rule_is_wall_time_with_a_clamp_and_carries_the_rest():
    # 2 ms steps: 1/60 s owes 16,667 us -> 8 steps, 667 us carried; six such frames
    # carry 4,000 us, i.e. exactly 2 more steps: 100,000 us in 50 steps, nothing lost.
    owed, total = 0, 0
    for _ in range(6):
        n, owed = tissue_steps(owed, 1 / 60, 2.0)
        total += n
        assert 0 <= owed < 2000
    assert total * 2000 + owed == 6 * 16_667
    # A stalled frame is clamped: 5 s of wall time owes only MAX_FRAME_S.
    assert tissue_steps(0, 5.0, 2.0)[0] == int(MAX_FRAME_S * 1e6) // 2000
    assert tissue_steps(0, -1.0, 2.0) == (0, 0)


def test_key_m_shows_the_tissue_in_real_time_and_back_to_the_same_synapse(screen, tmp_path):
    app = App(load_preset("default"), seed=3, size=SIZE, scripted=False)
    assert action_for(pygame.K_m, 0) == "tissue"
    for _ in range(3):  # the synapse runs a little first
        app.update(1 / 60)
    app.draw(screen)
    syn_t, syn_step = app.model.time_us, app.model.step_index
    syn_xy = app.model.free_positions().copy()
    cam = (app.view.cx_nm, app.view.y_pre, app.view.sx, app.view.mode)
    syn_blockade = app.model.blockade

    press(app, pygame.K_m)
    assert app.tissue.on and app.messages.toast[0] == TISSUE_NOTE
    tissue = app.tissue.model
    assert tissue.seed == app.scenario.seed and tissue.step_index == 0
    walls = [0.05, 0.03, 0.01, 2.0, 1 / 60]  # one stalled frame (2 s) is clamped
    for dt in walls:
        app.update(dt)
        app.draw(screen)
    owed_us = sum(int(round(min(dt, MAX_FRAME_S) * 1e6)) for dt in walls)
    clock = app.tissue.clock  # a loaded machine may drop time (the clock line then says the pace)
    assert tissue.step_index * 2000 + clock.owed_us + clock.dropped_us == owed_us
    if clock.dropped_us == 0:
        assert tissue.time_ms == pytest.approx(
            sum(min(dt, MAX_FRAME_S) for dt in walls) * 1e3, abs=2
        )
    pygame.image.save(screen, str(tmp_path / "tissue.png"))
    pygame.image.save(screen, "/tmp/tissue_view_test.png")

    # The bar's SSRI slider (drag to 3/4) and the Up key act on the tissue, not the synapse.
    track = app.controls.blockade_slider.track_rect()
    for etype, attrs in (
        (
            pygame.MOUSEBUTTONDOWN,
            {"pos": (track.left + 3 * track.w // 4, track.centery), "button": 1},
        ),
        (
            pygame.MOUSEBUTTONUP,
            {"pos": (track.left + 3 * track.w // 4, track.centery), "button": 1},
        ),
    ):
        pygame.event.post(pygame.event.Event(etype, **attrs))
    app.pump()
    assert tissue.blockade == pytest.approx(0.75, abs=0.01)
    press(app, pygame.K_UP)
    assert tissue.blockade == pytest.approx(0.80, abs=0.01)
    assert app.model.blockade == syn_blockade
    # A synapse-only key (fire) does nothing to the waiting synapse.
    press(app, pygame.K_f)
    app.update(0.05)

    press(app, pygame.K_m)
    assert not app.tissue.on and app.messages.toast[0] == SYNAPSE_NOTE
    assert (app.model.time_us, app.model.step_index) == (syn_t, syn_step)
    assert np.array_equal(app.model.free_positions(), syn_xy)
    assert (app.view.cx_nm, app.view.y_pre, app.view.sx, app.view.mode) == cam
    app.draw(screen)
    assert app.frame.scene is not None
    steps = app.update(1 / 60)
    assert steps > 0 and app.model.step_index > syn_step  # the synapse plays on
    t_ms = tissue.time_ms
    app.update(0.1)
    assert tissue.time_ms == t_ms  # and the tissue waits
    app.close()


def test_the_tour_has_a_tissue_step_with_its_card_and_leaves_it_for_the_synapse(screen):
    from render.lecture.tour import STEPS

    app = App(load_preset("default"), seed=0, size=SIZE, scripted=True)
    i = next(k for k, s in enumerate(STEPS) if s.get("tissue"))
    press(app, pygame.K_t)
    for _ in range(i):
        press(app, pygame.K_n)
    assert app.guide.index == i and app.tissue.on
    for _ in range(3):
        app.update(0.0)
        app.draw(screen)
    assert app.tissue.model.step_index > 0  # scripted: 1/60 s of tissue time per frame
    assert app.screen.card_shown is not None and STEPS[i]["title"] in app.screen.card_shown[0]
    pygame.image.save(screen, "/tmp/tissue_tour_step.png")
    press(app, pygame.K_n)  # the next step is the synapse again
    assert app.guide.index == i + 1 and not app.tissue.on
    press(app, pygame.K_PAGEUP)
    assert app.tissue.on
    press(app, pygame.K_ESCAPE)  # ends the tour: what was on screen before it
    assert not app.guide.active and not app.tissue.on and app.preset.name == "default"
    app.close()
