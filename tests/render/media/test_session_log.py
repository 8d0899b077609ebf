"""Sessions in the window: commands recorded with their moments, replayed on exactly those steps.

A session is driven through the App with one pattern of frame times, then
replayed in a fresh App with another: the model's recorder CSV, positions,
states and counters must come out identical (the replay cuts each frame's
batch of steps at the next command's step). Command line: a scripted run's
saved session replayed by ``--replay`` draws a pixel-identical last frame.
"""

from dataclasses import replace
from itertools import cycle

import numpy as np
import pygame
import pytest
from PIL import Image

import main
from render.app import App
from render.common.keys import BINDINGS
from render.media.session_log import NOT_RECORDED, RECORDED_ACTIONS
from sim.params.presets import load_preset
from sim.runs.session import VALUE_COMMANDS
from sim.runs.session_read import read_session
from sim.synapse.recorder import csv_header, csv_row
from tests.window import SIZE, press

ORIGINAL_DT_S = (1 / 60, 1 / 24, 1 / 90, 0.05, 1 / 60, 0.003, 1 / 30)
"""Wall time of the original's frames, s (a stuttering window)."""
REPLAY_DT_S = (1 / 144, 1 / 50, 0.021, 1 / 75)
"""Wall time of the replay's frames, s (another machine)."""


def recorder_csv(model) -> str:
    """The model's recorder as CSV (a window model keeps the recent past: all of it here)."""
    table = model.recorder.table()
    assert len(table) >= 20  # enough of a record to compare
    return csv_header() + "".join(csv_row(row) for row in table)


def run_frames(app: App, surface: pygame.Surface, dts, n: int) -> None:
    for _ in range(n):
        app.update(next(dts))
        app.draw(surface)


def click(app: App, pos: tuple[int, int]) -> None:
    """A left click (press and release at one point) on the picture."""
    for kind in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
        pygame.event.post(pygame.event.Event(kind, pos=pos, button=1))
    app.pump()


def drag(app: App, start: tuple[int, int], by: tuple[int, int]) -> None:
    """A left drag of the picture (pans the view)."""
    x, y = start
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=start, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=(x + by[0], y + by[1])))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(x + by[0], y + by[1])))
    app.pump()


def lecture(app: App, surface: pygame.Surface) -> None:
    """The original session: slider, keys, steps while paused, a preset key, E, follow, view."""
    dts = cycle(ORIGINAL_DT_S)
    run_frames(app, surface, dts, 20)
    app.controls.blockade_slider.set(0.5)
    run_frames(app, surface, dts, 15)
    press(app, pygame.K_f)
    run_frames(app, surface, dts, 30)
    press(app, pygame.K_PERIOD)  # firing rate up
    run_frames(app, surface, dts, 20)
    press(app, pygame.K_SPACE)  # pause ...
    run_frames(app, surface, dts, 5)
    for _ in range(3):
        press(app, pygame.K_RIGHT)  # ... three single steps ...
        run_frames(app, surface, dts, 2)
    press(app, pygame.K_f)
    press(app, pygame.K_SPACE)  # ... and play
    run_frames(app, surface, dts, 30)
    press(app, pygame.K_8)  # a preset key: a new model at t = 0
    run_frames(app, surface, dts, 10)
    for _ in range(3):
        press(app, pygame.K_PLUS)  # faster playback: more simulated time a frame
    press(app, pygame.K_e)  # play to the next event and pause there
    for _ in range(600):
        run_frames(app, surface, dts, 1)
        if app.play.paused:
            break
    press(app, pygame.K_z)
    press(app, pygame.K_SPACE)
    run_frames(app, surface, dts, 10)
    scene = app.screen.scene_rect
    click(app, scene.center)  # follows the molecule there, if any
    drag(app, (scene.centerx - 50, scene.centery), (30, -12))
    run_frames(app, surface, dts, 20)
    press(app, pygame.K_SPACE)  # ends paused: the replay stops at the same step
    run_frames(app, surface, dts, 5)


def replayed(original: App, surface: pygame.Surface) -> App:
    """A fresh App replaying ``original``'s session with other frame times, to its last command."""
    start = original.session.session
    app = App(load_preset(start.preset), start.seed, SIZE, session=replace(start, commands=[]))
    app.session.replay(list(start.commands))
    dts = cycle(REPLAY_DT_S)
    for _ in range(20_000):
        if not app.session.replaying:
            break
        run_frames(app, surface, dts, 1)
    run_frames(app, surface, dts, 5)  # paused: nothing moves
    return app


def test_every_command_is_recordable_and_the_session_names_are_distinct():
    actions = {b.action for b in BINDINGS}
    assert NOT_RECORDED <= actions
    assert RECORDED_ACTIONS == actions - NOT_RECORDED
    assert not RECORDED_ACTIONS & set(VALUE_COMMANDS)


def test_a_replayed_session_gives_the_same_numbers_at_another_frame_rate(screen):
    a = App(load_preset("default"), seed=5, size=SIZE)
    try:
        lecture(a, screen)
        done = [c.do for c in a.session.session.commands]
        for name in ("blockade", "fire", "rate_up", "step", "preset_8", "event_paused", "pan"):
            assert name in done, name  # the script reached each kind of command
        assert a.play.paused and a.session.builds == 2
        b = replayed(a, screen)
    finally:
        a.close()
    try:
        assert (b.session.builds, b.model.step_index) == (a.session.builds, a.model.step_index)
        assert b.play.paused
        assert recorder_csv(b.model) == recorder_csv(a.model)
        assert b.model.counters == a.model.counters
        np.testing.assert_array_equal(b.model.states(), a.model.states())
        np.testing.assert_array_equal(b.model.free_positions(), a.model.free_positions())
        assert b.model.blockade == a.model.blockade == 0.5 or b.model.blockade == a.model.blockade
        assert (b.view.sx, b.view.cx_nm, b.view.y_pre) == (a.view.sx, a.view.cx_nm, a.view.y_pre)
        assert b.follow.follower.mid == a.follow.follower.mid
        moments = [(c.build, c.step, c.do, c.value) for c in a.session.session.commands]
        assert [(c.build, c.step, c.do, c.value) for c in b.session.session.commands] == moments
    finally:
        b.close()


def test_the_tours_timed_action_potential_lands_on_its_step_at_any_frame_rate(screen):
    preset = load_preset("default")
    a = App(preset, seed=2, size=SIZE, scripted=True, frame_fps=60, tour=True)
    dts = cycle((1 / 60,))
    press(a, pygame.K_n)  # the tour's second step: an action potential 1.5 s in
    run_frames(a, screen, dts, 150)
    press(a, pygame.K_SPACE)
    fires = [c for c in a.session.session.commands if c.do == "fire"]
    assert len(fires) == 1 and fires[0].screen_s >= 1.5
    start = a.session.session
    b = App(preset, 2, SIZE, scripted=True, frame_fps=23, tour=True,
            session=replace(start, commands=[]))  # fmt: skip
    b.session.replay(list(start.commands))
    while b.session.replaying:
        run_frames(b, screen, dts, 1)
    assert b.model.step_index == a.model.step_index and b.play.paused
    assert recorder_csv(b.model) == recorder_csv(a.model)
    assert b.model.spike_log == a.model.spike_log
    a.close()
    b.close()


def test_a_user_command_takes_over_from_a_replay(screen):
    a = App(load_preset("default"), seed=1, size=SIZE, scripted=True)
    run_frames(a, screen, cycle((1 / 60,)), 10)
    press(a, pygame.K_f)
    run_frames(a, screen, cycle((1 / 60,)), 10)
    press(a, pygame.K_SPACE)
    b = App(load_preset("default"), seed=1, size=SIZE, scripted=True)
    b.session.replay(list(a.session.session.commands))
    press(b, pygame.K_l)  # labels: the lecturer's own command
    assert not b.session.replaying
    assert [c.do for c in b.session.session.commands] == ["labels"]


def _png(path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"))


@pytest.mark.parametrize(
    "extra",
    [
        ["--seed", "11", "--blockade", "0.7"],
        ["--tour", "--seed", "4"],
        ["--seed", "5", "--blockade", "0.3", "--history-mb", "16"],
    ],
)
def test_a_scripted_replay_draws_the_saved_runs_picture_pixel_for_pixel(tmp_path, extra):
    session, first, second = tmp_path / "s.toml", tmp_path / "y.png", tmp_path / "x.png"
    frames = ["--frames", "150", "--size", "800x600"]
    assert (
        main.main([*extra, *frames, "--save-session", str(session), "--screenshot", str(first)])
        == 0
    )
    saved = read_session(session, RECORDED_ACTIONS)
    assert saved.size == (800, 600) and saved.seed == int(extra[extra.index("--seed") + 1])
    assert main.main(["--replay", str(session), *frames[:2], "--screenshot", str(second)]) == 0
    a, b = _png(first), _png(second)
    assert a.shape == (600, 800, 3)
    assert np.array_equal(a, b)
    assert len(np.unique(a.reshape(-1, 3), axis=0)) > 50  # a drawn picture, not a blank one


def test_the_command_line_refuses_what_a_session_cannot_replay(tmp_path, capsys):
    session = tmp_path / "s.toml"
    assert main.main(["--frames", "2", "--save-session", str(session)]) == 0
    with pytest.raises(SystemExit) as code:
        main.main(["--frames", "2", "--save-session", str(session)])
    assert code.value.code == 2
    assert "exists; sessions never replace a file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as code:
        main.main(["--replay", str(session), "--frames", "2", "--projector"])
    assert code.value.code == 2
    err = capsys.readouterr().err
    assert "--projector differs from the session's" in err and err.count("\n") == 1
    other = tmp_path / "other.toml"
    other.write_text(session.read_text().replace("format = 1", "format = 0"))
    with pytest.raises(SystemExit) as code:
        main.main(["--replay", str(other), "--frames", "2"])
    assert code.value.code == 2
    assert "session format 0, this Cleft replays format 1 only" in capsys.readouterr().err
