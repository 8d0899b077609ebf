"""Rewind combined with the window's other rooms: follow, the tour, the course, compare, tissue.

Scripted apps (1/60 s of playback per frame), as in tests/render/synapse/test_rewind.py.
"""

from __future__ import annotations

import pygame
import pytest

from render.app import App
from sim.params.presets import load_preset
from tests.window import SIZE, frames, press

LIGHT = {"molecules_per_vesicle": 200}


def make(compare: bool = False, history_mb: int = 200, tour: bool = False) -> App:
    return App(
        load_preset("default", LIGHT),
        0,
        SIZE,
        scripted=True,
        compare=compare,
        tour=tour,
        history_mb=history_mb,
    )


def said(app: App) -> str:
    return app.messages.toast[0] if app.messages.toast else ""


def test_a_followed_molecule_comes_back_when_the_moment_it_was_followed_is_passed_again(screen):
    app = make()
    frames(app, screen, 30)
    press(app, pygame.K_g)  # follow a molecule of a docked vesicle
    mid = app.follow.follower.mid
    followed_at = app.model.step_index
    assert mid is not None and app.model.tracked_id == mid
    frames(app, screen, 20)
    story = app.follow.follower.log()
    assert story
    app.scrub.show(followed_at - 10)  # before it was followed: nothing to show
    assert app.model.tracked_id == -1 and not app.follow.follower.active
    assert app.follow.follower.log() == []
    press(app, pygame.K_END)  # forward again, by a seek
    assert app.model.tracked_id == mid
    assert app.follow.follower.mid == mid and app.follow.follower.xyz is not None
    assert app.follow.follower.log() == story
    press(app, pygame.K_LEFT)  # pauses
    app.scrub.show(followed_at - 10)
    press(app, pygame.K_SPACE)  # forward again, played: the snapshot of G's step is passed
    frames(app, screen, 3)
    assert app.model.step_index > followed_at
    assert app.follow.follower.mid == mid and len(app.follow.follower.trail) > 0
    app.close()


def test_in_a_treatment_course_the_strip_is_hidden_and_a_step_back_says_where_it_is(screen):
    app = make()
    press(app, pygame.K_k)  # a treatment course: its chart takes the strip's place
    frames(app, screen, 30)
    assert not app.widgets.strip.shown
    press(app, pygame.K_LEFT)
    press(app, pygame.K_LEFT)
    assert app.play.paused and app.play.rewind.steps_behind() == 2
    assert "before the newest moment: End goes back to it" in said(app)
    press(app, pygame.K_y)  # the last release again, as without a course
    assert "slow motion" in said(app) and not app.play.paused
    frames(app, screen, 5)
    press(app, pygame.K_END)
    assert app.play.rewind.at_head and "live" in said(app)
    app.close()


def test_without_the_course_a_step_back_leaves_the_strip_to_say_it(screen):
    app = make()
    frames(app, screen, 30)
    assert app.widgets.strip.shown
    press(app, pygame.K_LEFT)
    assert "before the newest moment" not in said(app)
    app.close()


def test_compare_a_blockade_given_in_the_past_drops_the_future_of_both_panes(screen):
    app = make(compare=True)
    frames(app, screen, 40)
    head = app.model.step_index
    for _ in range(5):
        press(app, pygame.K_LEFT)
    assert app.model.step_index == app.control.step_index == head - 5
    press(app, pygame.K_UP)  # blockade up, at a past moment
    frames(app, screen, 1)
    spans = [(h.first_step, h.last_step) for h in app.play.rewind.histories]
    assert spans[0] == spans[1] and spans[0][1] == head - 5
    press(app, pygame.K_SPACE)
    frames(app, screen, 10)
    assert app.model.step_index == app.control.step_index > head - 5
    assert app.control.blockade == 0.0 and app.model.blockade > 0.0
    app.close()


@pytest.mark.parametrize("key, mod", [(pygame.K_LEFT, 0), (pygame.K_y, 0), (pygame.K_END, 0),
                                      (pygame.K_LEFT, pygame.KMOD_CTRL),
                                      (pygame.K_RIGHT, pygame.KMOD_CTRL)])  # fmt: skip
@pytest.mark.parametrize("history_mb", [200, 0])
def test_rewind_keys_in_the_tissue_view_say_they_act_on_the_synapse(screen, key, mod, history_mb):
    app = make(history_mb=history_mb)
    frames(app, screen, 20)
    step = app.model.step_index
    press(app, pygame.K_m)
    frames(app, screen, 2)
    press(app, key, mod)
    frames(app, screen, 2)
    assert "M goes back to it" in said(app)
    assert app.model.step_index == step
    app.close()


@pytest.mark.parametrize("key, mod", [(pygame.K_LEFT, 0), (pygame.K_y, 0),
                                      (pygame.K_LEFT, pygame.KMOD_CTRL)])  # fmt: skip
def test_with_no_history_the_rewind_keys_say_so_in_a_course_and_in_compare(screen, key, mod):
    app = make(history_mb=0, compare=True)
    frames(app, screen, 10)
    press(app, key, mod)
    assert said(app) == "no history is kept (--history-mb 0)"
    press(app, pygame.K_k)
    frames(app, screen, 5)
    press(app, key, mod)
    assert said(app) == "no history is kept (--history-mb 0)"
    app.close()


@pytest.mark.parametrize("course", [False, True])
def test_y_s_message_stays_up_while_the_recorded_release_plays_again(screen, course):
    app = make()
    if course:
        press(app, pygame.K_k)
    frames(app, screen, 30)
    assert "vesicles fused" in said(app)  # a new release is announced
    press(app, pygame.K_y)
    frames(app, screen, 10)
    assert app.play.rewind.steps_behind() > 0 and app.model.counters["released"] > 0
    assert "the last release again, in slow motion" in said(app)
    app.close()


@pytest.mark.parametrize("key", [None, pygame.K_r, pygame.K_2])  # start, restart, a preset key
def test_the_history_starts_again_with_the_model(screen, key):
    app = make()
    if key is not None:
        frames(app, screen, 40)  # a release recorded, then the model rebuilt at t = 0
        press(app, key)
    assert app.model.step_index == 0
    span = app.play.rewind.span
    assert (span.first, span.last) == (0, 0) and app.play.rewind.marks == []
    press(app, pygame.K_LEFT)
    assert said(app) == "the recorded past starts here" and app.model.step_index == 0
    press(app, pygame.K_y)
    assert said(app).startswith("no release recorded yet")
    press(app, pygame.K_LEFT, pygame.KMOD_CTRL)
    assert said(app) == "no earlier event recorded"
    press(app, pygame.K_SPACE)
    frames(app, screen, 10)
    assert app.model.step_index > 0 and app.play.rewind.span.last == app.model.step_index
    app.close()
