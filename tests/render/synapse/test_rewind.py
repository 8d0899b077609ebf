"""Rewind in the window: step back, event jumps, live, replay the last release, the strip.

Scripted apps (1/60 s of playback per frame, no CPU cap), so every figure is
the same on any machine. "The same" here is byte for byte: the molecules'
positions and states, the sites, the counters and the recorder's rows.
"""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from render.app import App
from render.synapse.rewind import Rewind, check_history_mb, command_state
from sim.params.presets import load_preset
from tests.window import SIZE, frames, press

LIGHT = {"molecules_per_vesicle": 200}


def make(compare: bool = False, history_mb: int = 200, **overrides) -> App:
    return App(
        load_preset("default", {**LIGHT, **overrides}),
        0,
        SIZE,
        scripted=True,
        compare=compare,
        history_mb=history_mb,
    )


def state(m) -> dict[str, bytes]:
    """Everything that must come back byte for byte, as bytes."""
    return {
        "step": np.int64(m.step_index).tobytes(),
        "free": np.ascontiguousarray(m.free_positions()).tobytes(),
        "mol_state": np.ascontiguousarray(m.state[: m.n_molecules]).tobytes(),
        "site": np.ascontiguousarray(m.site[: m.n_molecules]).tobytes(),
        "occupant": m.site_occupant.tobytes(),
        "docks": m.dock_vesicle.tobytes(),
        "counters": repr(sorted(m.counters.items())).encode(),
        "spikes": repr(list(m.spike_log)).encode(),
        "rows": np.ascontiguousarray(m.recorder.table()).tobytes(),
    }


def diff(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return [k for k in a if a[k] != b[k]]


def to_step(app: App, step: int) -> None:
    """Step the model(s) on to ``step`` (a batch stops early at a release or a command's step)."""
    while app.model.step_index < step:
        app.play.advance(step - app.model.step_index)


def run_frames(app: App, n: int) -> None:
    for _ in range(n):
        app.update(1 / 60)


def test_left_then_right_comes_back_byte_identical_at_several_groupings(screen):
    app = make()
    run_frames(app, 40)  # a release and some of its clearance, grouped by the warp's frames
    press(app, pygame.K_SPACE)  # pause
    m = app.model
    here = state(m)
    step = m.step_index
    for back in (1, 3, 17):
        for _ in range(back):
            press(app, pygame.K_LEFT)
        assert app.play.paused and m.step_index == step - back
        for _ in range(back):
            press(app, pygame.K_RIGHT)
        assert m.step_index == step
        assert diff(state(m), here) == []
    # a longer way back, then forward again in uneven groups (frames and single steps)
    app.scrub.show(app.play.rewind.span.first + 5)
    assert app.model is m  # rebuilt in place: every room keeps its reference
    app.play.paused = False
    while m.step_index < step - 7:
        app.update(1 / 60)
        if m.step_index > step - 7:
            break
    app.play.paused = True
    to_step(app, step)
    assert m.step_index == step
    assert diff(state(m), here) == []


def test_left_pauses_first_and_stops_at_the_oldest_moment(screen):
    app = make()
    run_frames(app, 3)
    assert not app.play.paused
    first = app.play.rewind.span.first
    app.scrub.show(first + 1)
    press(app, pygame.K_LEFT)
    assert app.play.paused and app.model.step_index == first
    press(app, pygame.K_LEFT)
    assert app.model.step_index == first
    assert "starts here" in app.messages.toast[0]


def test_y_lands_before_the_last_fusion_and_replays_the_same_positions(screen):
    app = make()
    run_frames(app, 30)
    press(app, pygame.K_f)  # a release asked for by hand: Y must bring the command back too
    fired_at = app.model.step_index
    run_frames(app, 60)
    fusions = [k for k in app.play.rewind.marks if k.kind == "fusion"]
    target = fusions[-1].step
    assert target >= fired_at > 0
    # The first play-through, from just before the fusion: what the hall saw.
    app.scrub.show(target)
    before = state(app.model)
    to_step(app, target + 40)
    seen = state(app.model)
    press(app, pygame.K_END)
    assert app.play.rewind.at_head
    press(app, pygame.K_y)
    m = app.model
    assert m.step_index == target and not app.play.paused
    assert diff(state(m), before) == []
    assert app.play.warp.expect_at_us == pytest.approx(target * m.dt_us)
    slow = app.play.warp.slow_us_per_s
    assert app.play._pace(cap=False) == pytest.approx(slow, rel=0.01)  # slow motion from the start
    to_step(app, target + 40)
    assert diff(state(m), seen) == []  # the same molecules on the same paths


def test_ctrl_arrows_jump_between_marks_and_end_goes_live(screen):
    app = make()
    run_frames(app, 60)
    press(app, pygame.K_f)
    run_frames(app, 60)
    rewind = app.play.rewind
    marks = rewind.marks
    assert len(marks) >= 2
    head = rewind.span.last
    press(app, pygame.K_LEFT, pygame.KMOD_CTRL)
    assert app.model.step_index == marks[-1].step
    if len(marks) > 1:
        press(app, pygame.K_LEFT, pygame.KMOD_CTRL)
        assert app.model.step_index == marks[-2].step
        press(app, pygame.K_RIGHT, pygame.KMOD_CTRL)
        assert app.model.step_index == marks[-1].step
    press(app, pygame.K_END)
    assert app.model.step_index == head and rewind.at_head


def test_shift_left_still_pans(screen):
    app = make()
    run_frames(app, 3)
    press(app, pygame.K_SPACE)
    step = app.model.step_index
    x0 = app.view.cx_nm
    press(app, pygame.K_LEFT, pygame.KMOD_SHIFT)
    assert app.model.step_index == step
    assert app.view.cx_nm < x0


def test_compare_mode_scrubs_both_panes_together(screen):
    app = make(compare=True)
    run_frames(app, 30)
    press(app, pygame.K_SPACE)
    m, c = app.model, app.control
    here_m, here_c = state(m), state(c)
    step = m.step_index
    app.scrub.show(step - 200)
    assert m.step_index == c.step_index == step - 200
    to_step(app, step)
    assert m.step_index == c.step_index == step
    assert diff(state(m), here_m) == [] and diff(state(c), here_c) == []


def test_a_click_on_the_strip_shows_that_moment(screen):
    app = make()
    run_frames(app, 30)
    app.draw(screen)
    strip = app.widgets.strip
    assert strip is not None and strip.shown
    span = app.play.rewind.span
    t = strip.track
    x = t.left + (t.w - 1) // 2
    want = strip.step_at(x)
    assert span.first < want < span.last
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x, t.centery), button=1))
    app.pump()
    assert app.model.step_index == want and app.play.paused  # paused while held
    x2 = t.left + (t.w - 1) // 4
    pygame.event.post(
        pygame.event.Event(pygame.MOUSEMOTION, pos=(x2, t.centery), buttons=(1, 0, 0))
    )
    app.pump()
    app.update(1 / 60)  # the drag's moment is shown at the next frame
    assert app.model.step_index == strip.step_at(x2)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(x2, t.centery), button=1))
    app.pump()
    assert not app.play.paused  # it was playing: it plays on from there
    app.draw(screen)
    assert strip.drawn["behind"].startswith("-")
    press(app, pygame.K_END)
    app.draw(screen)
    assert strip.drawn["behind"] == "live"


def test_a_blockade_changed_in_the_past_drops_the_recorded_future(screen):
    app = make()
    run_frames(app, 3)
    press(app, pygame.K_SPACE)
    to_step(app, 2000)
    rewind, m = app.play.rewind, app.model
    head = rewind.span.last
    back = head - 300
    app.scrub.show(back)
    press(app, pygame.K_UP)  # +5 % blockade at a past moment
    assert m.blockade > 0
    app.play.advance(1)
    assert rewind.span.last == back + 1  # the old future is gone, the new one recorded
    assert rewind.at_head
    # Going back over the command and forward again brings the command back.
    new = state(m)
    app.scrub.show(back - 10)
    assert m.blockade == 0
    to_step(app, back + 1)
    assert m.blockade > 0 and diff(state(m), new) == []


def test_a_command_at_the_head_is_replayed_when_played_over(screen):
    app = make()
    run_frames(app, 10)
    press(app, pygame.K_SPACE)
    m = app.model
    press(app, pygame.K_f)  # an action potential asked for at this step
    at = m.step_index
    to_step(app, at + 300)
    after = state(m)
    app.scrub.show(at - 50)
    assert command_state(m)[3] == 0  # no action potential pending back then
    assert app.play.advance(350) == 49  # one step short of the command's step
    assert command_state(m)[3] == 0
    app.play.advance(1)  # that step is taken from the snapshot made with the command
    assert m.step_index == at and command_state(m)[3] == 1
    to_step(app, at + 300)
    assert diff(state(m), after) == []


def test_history_mb_zero_keeps_no_history_and_no_strip(screen):
    app = make(history_mb=0)
    run_frames(app, 5)
    assert not app.play.rewind.on and app.widgets.strip is None
    step = app.model.step_index
    press(app, pygame.K_LEFT)
    assert app.model.step_index == step and "--history-mb 0" in app.messages.toast[0]


@pytest.mark.parametrize("bad", [-1, 1.5, True, "200", 16_385])
def test_history_mb_is_checked(bad):
    with pytest.raises(ValueError, match="--history-mb"):
        check_history_mb(bad)


def test_rewind_refuses_a_negative_budget():
    with pytest.raises(ValueError, match="max_bytes"):
        Rewind(-1)


def test_the_option_is_checked_on_the_command_line(capsys):
    import main

    with pytest.raises(SystemExit) as e:
        main.main(["--history-mb", "-3", "--frames", "1"])
    assert e.value.code == 2
    assert "--history-mb" in capsys.readouterr().err


def test_the_strip_fits_in_every_layout(screen):
    for size in ((1280, 720), (1920, 1080)):
        for projector in (False, True):
            for compare in (False, True):
                app = App(
                    load_preset("default", LIGHT),
                    0,
                    size,
                    scripted=True,
                    projector=projector,
                    compare=compare,
                )
                surf = pygame.Surface(size)
                frames(app, surf, 2)
                r = app.screen.strip_rect
                assert r is not None and surf.get_rect().contains(r)
                assert not r.colliderect(app.view.rect)
                assert not r.colliderect(app.screen.bar_rect)
                assert not r.colliderect(app.screen.side_rect)
                if compare:
                    assert not r.colliderect(app.screen.control_view.rect)
                strip = app.widgets.strip
                assert strip.track.w > 0.3 * r.w and r.contains(strip.track)
                app.close()


class FakeVideo:
    """Stands in for a running recording: keeps every frame handed to it (RGB bytes)."""

    kind, fps, error = "mp4", 30, None

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.frames: list[bytes] = []

    def add_frame(self, data: bytes, size: tuple[int, int]) -> None:
        self.frames.append(data)


def test_a_recording_records_the_moments_shown_while_scrubbing(screen):
    app = make()
    run_frames(app, 30)
    press(app, pygame.K_SPACE)
    surf = pygame.Surface(SIZE)
    video = FakeVideo(SIZE)
    app.saves.video = video
    frames(app, surf, 1)
    live = video.frames[-1]
    for keys in ((pygame.K_LEFT, pygame.KMOD_CTRL), (pygame.K_LEFT, 0), (pygame.K_END, 0)):
        press(app, *keys)
        frames(app, surf, 1)
        assert video.frames[-1] == pygame.image.tobytes(surf, "RGB")  # what is shown
        if not app.play.rewind.at_head:
            assert video.frames[-1] != live  # the moment scrubbed to, not the newest one
    app.saves.video = None
    assert len(video.frames) == 4


def test_a_session_records_the_rewind_keys_and_the_strips_seeks(screen):
    app = make()
    run_frames(app, 30)
    app.draw(screen)
    press(app, pygame.K_LEFT)
    t = app.widgets.strip.track
    x = t.left + t.w // 3
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x, t.centery), button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=(x, t.centery), button=1))
    app.pump()
    done = [(c.do, c.value) for c in app.session.session.commands]
    step = app.widgets.strip.step_at(x)
    assert ("step_back", None) in done and done[-1] == ("seek", step)
    assert app.model.step_index == step
