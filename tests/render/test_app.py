"""The window under pygame's dummy driver: events drive the model, pixels show it.

Assertions are on model state and pixel counts, never on rendered text.
"""

import numpy as np
import pygame
import pytest

from render.app import App
from render.common import colors
from render.common.keys import BINDINGS, SHIFT, action_for, help_rows
from render.synapse.clock import TICKS_PER_S, FixedStepClock, ticks_per_frame
from render.synapse.glyphs import make_glyphs
from render.window import run_app
from sim import Synapse
from sim.params.presets import load_preset
from sim.synapse import states as S
from tests.window import SIZE, frames, press


@pytest.fixture
def app(screen):
    return App(load_preset("default"), seed=0, size=SIZE, scripted=True)


# ------------------------------------------------------------------ science
def test_frames_take_the_same_steps_as_a_headless_run(app, screen):
    app.play.set_warp(False)  # fixed speed: exactly the set pace
    app.play.set_speed(20.0)
    frames(app, screen, 30)  # 0.5 s at 20 us/s = 10 us = 1000 steps of 10 ns
    assert app.model.step_index == 1000
    app.play.set_warp(True)  # time-warp changes the pace, never the science
    frames(app, screen, 30)
    n = app.model.step_index
    assert n > 1000
    ref = Synapse(load_preset("default").params, seed=0)
    for _ in range(n):
        ref.step()
    assert app.model.counters == ref.counters
    np.testing.assert_array_equal(app.model.states(), ref.states())
    np.testing.assert_array_equal(app.model.free_positions(), ref.free_positions())


def test_clock_is_an_exact_integer_accumulator_with_a_clamp():
    clock = FixedStepClock(dt_ns=10.0, playback_us_per_s=20.0)
    steps = [clock.advance(ticks_per_frame(60, i)) for i in range(60)]
    assert sum(steps) == 2000  # 1 s of screen = 20 us = 2000 steps, exactly
    assert set(steps) <= {33, 34}
    clock.reset()
    assert clock.advance(TICKS_PER_S, max_steps=10) == 10  # clamped
    assert clock.clamped and clock.dropped  # 2000 owed: far more than one frame of debt
    assert clock.advance(0, max_steps=10) == 10  # one frame of debt carried...
    assert clock.advance(0, max_steps=10) == 0  # ...the rest dropped
    clock.reset()
    assert clock.advance(ticks_per_frame(60, 0), max_steps=30) == 30  # 33 owed, 3 carried
    assert clock.clamped and not clock.dropped  # a slow frame, caught up: not behind
    assert clock.advance(ticks_per_frame(60, 1), max_steps=40) == 36


def test_interactive_playback_falls_behind_honestly_when_cpu_bound(screen):
    app = App(load_preset("default"), seed=0, size=SIZE)
    app.play.set_speed(500_000.0)  # 5e7 steps per wall second: no CPU keeps up
    taken = [app.update(1 / 60) for _ in range(8)]
    owed = 500_000.0 / 60 / app.model.dt_us
    assert max(taken) < owed / 10
    assert app.play.achieved_us_per_s() is None or app.play.achieved_us_per_s() < 0.9 * 500_000.0


# ------------------------------------------------------------------- keys
def test_key_events_change_blockade_pause_speed_and_projector(app, screen):
    m = app.model
    press(app, pygame.K_UP)
    assert m.blockade == pytest.approx(0.05)
    for _ in range(3):
        press(app, pygame.K_RIGHTBRACKET)
    assert m.blockade == pytest.approx(0.20)
    press(app, pygame.K_DOWN)
    press(app, pygame.K_LEFTBRACKET)
    assert m.blockade == pytest.approx(0.10)
    n_sert = int((m.sites.kind == S.SITE_SERT).sum())
    assert int(m.sert_blocked.sum()) == round(0.10 * n_sert)

    speed = app.play.base_us_per_s
    press(app, pygame.K_EQUALS)
    assert app.play.base_us_per_s > speed
    press(app, pygame.K_MINUS)
    assert app.play.base_us_per_s == pytest.approx(speed)

    press(app, pygame.K_SPACE)
    assert app.play.paused
    before = m.step_index
    assert app.update(1 / 60) == 0 and m.step_index == before
    press(app, pygame.K_RIGHT)
    assert m.step_index == before + 1
    cx = app.view.cx_nm
    press(app, pygame.K_RIGHT, pygame.KMOD_LSHIFT)  # Shift+Right pans instead of stepping
    assert m.step_index == before + 1 and app.view.cx_nm > cx

    press(app, pygame.K_f)
    aps = m.counters["action_potentials"]
    press(app, pygame.K_RIGHT)
    assert m.counters["action_potentials"] == aps + 1

    press(app, pygame.K_p)
    assert app.screen.projector and app.screen.theme is colors.PROJECTOR
    app.draw(screen)
    press(app, pygame.K_p)
    assert app.screen.theme is colors.DEFAULT

    press(app, pygame.K_l)
    app.draw(screen)
    assert app.screen.show_labels and app.frame.labels_drawn > 5

    press(app, pygame.K_r)
    assert m is not app.model and app.model.step_index == 0
    assert app.model.blockade == pytest.approx(0.10)  # reset keeps the user's blockade

    press(app, pygame.K_ESCAPE)
    assert not app.screen.open


def test_rate_keys_and_zoom_keys(app, screen):
    rate = app.model.firing_rate_hz
    press(app, pygame.K_PERIOD)
    assert app.model.firing_rate_hz > rate
    press(app, pygame.K_COMMA)
    press(app, pygame.K_COMMA)
    assert app.model.firing_rate_hz < rate

    app.draw(screen)
    assert app.view.exaggeration > 5  # overview: the cleft is stretched, and says so
    press(app, pygame.K_z)
    assert app.view.exaggeration == pytest.approx(1.0)  # true scale
    assert app.view.cleft_px >= 0.7 * app.view.rect.h  # the 20 nm cleft fills the screen
    press(app, pygame.K_HOME)
    assert app.view.mode == "fit"
    sx = app.view.sx
    pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=2, flipped=False))
    app.pump()
    assert app.view.sx > sx


def test_bindings_table_is_consistent(app):
    assert set(app.actions) == {b.action for b in BINDINGS}  # one command per binding
    seen = set()
    for b in BINDINGS:
        assert callable(app.actions[b.action]), b.action
        for k in b.keys:
            assert (k, b.mod) not in seen, pygame.key.name(k)
            seen.add((k, b.mod))
            assert action_for(k, b.mod) == b.action
    assert action_for(pygame.K_EQUALS, SHIFT) == "speed_up"  # '+' typed with Shift


def test_help_overlay_lists_every_binding(app, screen):
    press(app, pygame.K_h)
    app.draw(screen)
    drawn = app.frame.help_rows_drawn
    assert sorted(drawn) == sorted(help_rows())
    assert len(drawn) == len(BINDINGS)
    for b in BINDINGS:
        assert (b.group, b.label, b.description) in drawn
    press(app, pygame.K_F1)
    assert not app.screen.show_help


# ------------------------------------------------------------------ mouse
def test_mouse_drag_on_the_slider_sets_the_blockade(app, screen):
    app.draw(screen)
    track = app.controls.blockade_slider.track_rect()
    y = track.centery
    events = [
        (pygame.MOUSEBUTTONDOWN, {"pos": (track.left + track.w // 4, y), "button": 1}),
        (
            pygame.MOUSEMOTION,
            {"pos": (track.left + track.w // 2, y), "rel": (1, 0), "buttons": (1, 0, 0)},
        ),
        (
            pygame.MOUSEMOTION,
            {"pos": (track.left + 3 * track.w // 4, y), "rel": (1, 0), "buttons": (1, 0, 0)},
        ),
        (pygame.MOUSEBUTTONUP, {"pos": (track.left + 3 * track.w // 4, y), "button": 1}),
    ]
    for etype, attrs in events:
        pygame.event.post(pygame.event.Event(etype, **attrs))
    app.pump()
    assert app.model.blockade == pytest.approx(0.75, abs=0.01)
    assert app.model.sert_blocked.sum() > 0
    # A click on a button works too: Pause.
    c = app.controls.pause_button.rect.center
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=c, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=c, button=1))
    app.pump()
    assert app.play.paused


def test_drag_in_the_picture_pans(app, screen):
    app.draw(screen)
    x0, y0 = app.view.rect.center
    cx = app.view.cx_nm
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x0, y0), button=1))
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=(x0 + 100, y0), rel=(100, 0), buttons=(1, 0, 0))
    )
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(x0 + 100, y0), button=1))
    app.pump()
    assert app.view.cx_nm == pytest.approx(cx - 100 / app.view.sx)
    assert app.model.blockade == 0.0


def test_resize_event_relayouts(app, screen):
    app.draw(screen)
    old_scene = app.view.rect.copy()
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, size=(900, 600), w=900, h=600))
    app.pump()
    assert app.screen.size == (900, 600)
    assert app.view.rect != old_scene
    assert app.screen.side_rect.right == 900 and app.screen.bar_rect.bottom == 600
    win = pygame.Rect(0, 0, 900, 600)
    for w in app.controls.widgets:
        assert win.contains(w.rect), w
    assert app.view.rect.contains(app.view.cleft_rect())
    small = pygame.Surface((900, 600))
    app.draw(small)  # draws at the new size
    assert app.screen.size == (900, 600)


# ------------------------------------------------------------- pixels
def _count_colors(arr, rect, rgb_list):
    sub = arr[rect.left : rect.right, rect.top : rect.bottom].reshape(-1, 3)
    return sum(int(np.all(sub == np.array(c, dtype=sub.dtype), axis=1).sum()) for c in rgb_list)


def test_screenshots_show_molecules_and_differ_with_blockade(tmp_path):
    paths = {}
    for f in (0.0, 0.9):
        paths[f] = tmp_path / f"b{f}.png"
        assert run_app("default", {}, 0, SIZE, frames=45, screenshot=str(paths[f]), blockade=f) == 0
    pygame.init()
    pygame.display.set_mode(SIZE)
    layout = App(load_preset("default"), 0, SIZE, scripted=True)
    cleft = layout.view.cleft_rect()
    assert cleft.h > 100 and cleft.w > 500
    th = colors.DEFAULT
    molecule = [th.molecule_near, th.molecule_mid, th.molecule_far]
    img = {f: pygame.surfarray.array3d(pygame.image.load(str(p))) for f, p in paths.items()}
    for f in img:
        assert img[f].shape[:2] == SIZE
        assert _count_colors(img[f], cleft, molecule) > 500
    assert np.any(img[0.0] != img[0.9])
    band = cleft.inflate(0, 80)
    assert _count_colors(img[0.0], band, [th.drug]) == 0
    assert _count_colors(img[0.9], band, [th.drug]) > 200  # blocked SERT carry the drug


def test_blocked_transporters_change_on_screen_at_once(app, screen):
    app.draw(screen)
    band = app.view.cleft_rect().inflate(0, 80)
    drug = colors.DEFAULT.drug
    before = _count_colors(pygame.surfarray.array3d(screen), band, [drug])
    press(app, pygame.K_UP)  # no model step in between
    app.draw(screen)
    after = _count_colors(pygame.surfarray.array3d(screen), band, [drug])
    assert before == 0 and after > 0


def test_states_differ_by_shape_not_only_colour():
    pygame.init()
    for theme in (colors.DEFAULT, colors.PROJECTOR):
        g = make_glyphs(theme, 14)
        masks = [pygame.surfarray.array_alpha(s) > 0 for s in g]
        for a, b in ((0, 1), (2, 3), (4, 5), (4, 6), (0, 2)):
            assert np.any(masks[a] != masks[b]), (theme.name, a, b)


def test_profiles_use_okabe_ito_for_the_states():
    oi = {
        colors.OI_ORANGE,
        colors.OI_SKY,
        colors.OI_GREEN,
        colors.OI_YELLOW,
        colors.OI_BLUE,
        colors.OI_VERMILLION,
        colors.OI_PURPLE,
    }
    for th in (colors.DEFAULT, colors.PROJECTOR):
        for c in (th.molecule_near, th.receptor, th.autoreceptor, th.sert, th.drug):
            assert c in oi
        assert len({th.molecule_near, th.receptor, th.autoreceptor, th.sert, th.drug}) == 5
    assert colors.PROJECTOR.ui_scale > colors.DEFAULT.ui_scale


def test_screenshot_key_saves_a_png(app, screen, tmp_path):
    app.saves.screenshot_dir = tmp_path
    frames(app, screen, 2)
    press(app, pygame.K_s)
    app.draw(screen)
    assert app.saves.last_screenshot is not None and app.saves.last_screenshot.exists()
    assert pygame.image.load(str(app.saves.last_screenshot)).get_size() == SIZE


# ------------------------------------------------------------------- API
@pytest.mark.parametrize(
    "kwargs",
    [
        {"size": (100, 100)},
        {"size": (1280,)},
        {"frames": 0},
        {"screenshot": "x.png"},
        {"frames": 2, "screenshot": "x.jpg"},
        {"frames": 2, "screenshot": "/no/such/dir/x.png"},
        {"blockade": 1.5},
        {"seed": -1},
    ],
)
def test_run_app_rejects_bad_arguments(kwargs):
    args = {"preset_name": "default", "overrides": {}, "seed": 0, "size": SIZE, **kwargs}
    with pytest.raises(ValueError):
        run_app(**args)


def test_run_app_rejects_unknown_preset():
    with pytest.raises(ValueError):
        run_app("no-such-preset", {}, 0, SIZE, frames=1)


def test_frame_bench_returns_figures():
    from render.frame_bench import frame_bench

    lines = frame_bench(sizes=(2000,), frames=2)
    assert len(lines) == 1 and "ms" in lines[0]
