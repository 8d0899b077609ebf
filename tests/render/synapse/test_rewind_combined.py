"""Rewind combined with the window's other rooms: follow, the tour, the course, compare, tissue.

Scripted apps (1/60 s of playback per frame), as in tests/render/synapse/test_rewind.py.
"""

from __future__ import annotations

import pygame

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
