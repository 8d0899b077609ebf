"""G follows a 5-HT from its docked vesicle to its capture, narrated; a
flash marks each SERT capture.

Scripted apps; assertions on the model's log and state, never on rendered text.
"""

import pygame

from render.app import App
from render.lecture.follow import END_STATES
from sim.params.presets import load_preset
from sim.synapse import states as S
from tests.window import SIZE, press

LIGHT = {"molecules_per_vesicle": 200}


def quiet_app(seed=0):
    """The default synapse with nothing scheduled: the story starts when G is pressed."""
    p = load_preset("default", {**LIGHT, "first_spike_ms": -1.0, "firing_rate_hz": 0.0})
    return App(p, seed, SIZE, scripted=True)


def test_g_follows_a_molecule_from_its_vesicle_to_its_capture(screen):
    app = quiet_app()
    press(app, pygame.K_g)
    f = app.follow.follower
    assert f.active and f.state == S.VESICLE  # about to be released, not already free
    assert app.model.dock_vesicle[app.model.dock_vesicle >= 0].size  # in a docked vesicle
    captured = False
    for _ in range(60 * 30):
        app.update(1 / 60)
        events = [e for _, e in f.log()]
        if "captured by SERT" in events:
            captured = True
            break
    assert captured
    events = [e for _, e in f.log()]
    assert events[0].startswith("followed")
    first_release = next(i for i, e in enumerate(events) if e.startswith("released"))
    assert first_release < events.index("captured by SERT")  # in the order it happened
    times = [t for t, _ in f.log()]
    assert times == sorted(times)
    app.draw(screen)


def test_the_story_ends_with_one_message(screen):
    app = quiet_app(seed=2)
    press(app, pygame.K_g)
    f = app.follow.follower
    for _ in range(60 * 60):
        app.update(1 / 60)
        if f.state in END_STATES:
            break
    assert f.state in END_STATES
    told = app.messages.toast
    app.update(1 / 60)
    assert app.messages.toast == told  # said once, not every frame


def test_each_sert_capture_flashes_at_its_transporter(screen):
    app = App(load_preset("default", LIGHT), 0, SIZE, scripted=True)
    m = app.model
    kinds = m.sites.kind
    seen = 0
    drawn = 0
    for _ in range(240):
        before = m.counters["sert_captures"]
        n0 = len(app.play.shown.captures)
        app.update(1 / 60)
        new = [c for c in app.play.shown.captures if c[1] == 0.0]
        assert len(new) <= m.counters["sert_captures"] - before  # never more than happened
        for sid, _ in new:
            assert kinds[int(sid)] == S.SITE_SERT
        seen += len(new)
        assert len(app.play.shown.captures) <= n0 + len(new)
        app.draw(screen)
        drawn += app.frame.captures_drawn
    assert seen > 20 and drawn > 20
    assert seen >= 0.5 * m.counters["sert_captures"]  # most are shown (some overlap a frame)
