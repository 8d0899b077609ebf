"""Sessions with rewind in them: steps back, Y, event jumps, strip seeks, a command in the past.

Driven with one pattern of frame times and replayed with another (the pattern
of tests/render/media/test_session_log.py): the same commands at the same
moments, the same recorder rows, positions, states and counters.
"""

from dataclasses import replace
from itertools import cycle

import numpy as np
import pygame

from render.app import App
from sim.params.presets import load_preset
from tests.render.media.test_session_log import ORIGINAL_DT_S, REPLAY_DT_S, run_frames
from tests.window import SIZE, press

LIGHT = {"molecules_per_vesicle": 200}
CTRL = pygame.KMOD_CTRL


def scrubbing(app: App, surface: pygame.Surface) -> None:
    """F, three steps back, Y, two event jumps, a strip seek, a blockade in the past, End."""
    dts = cycle(ORIGINAL_DT_S)
    run_frames(app, surface, dts, 40)
    press(app, pygame.K_f)
    run_frames(app, surface, dts, 30)
    for _ in range(3):
        press(app, pygame.K_LEFT)
    run_frames(app, surface, dts, 3)
    press(app, pygame.K_y)  # the last release again, in slow motion
    run_frames(app, surface, dts, 25)
    press(app, pygame.K_LEFT, CTRL)  # the previous event marks: a binding's, a fusion's
    press(app, pygame.K_LEFT, CTRL)
    press(app, pygame.K_SPACE)
    run_frames(app, surface, dts, 10)
    app.scrub.seek(app.play.rewind.span.first + 7)  # what a click on the strip runs
    run_frames(app, surface, dts, 3)
    press(app, pygame.K_UP)  # a blockade given in the past: the future is simulated anew
    run_frames(app, surface, dts, 10)
    press(app, pygame.K_END)
    run_frames(app, surface, dts, 10)
    press(app, pygame.K_SPACE)  # ends paused: the replay stops at the same step
    run_frames(app, surface, dts, 5)


def test_a_session_with_rewind_replays_the_same_at_another_frame_rate(screen):
    a = App(load_preset("default", LIGHT), seed=5, size=SIZE)
    b = None
    try:
        scrubbing(a, screen)
        start = a.session.session
        done = [c.do for c in start.commands]
        for name in ("step_back", "replay_release", "prev_event", "seek", "blockade_up", "live"):
            assert name in done, name
        b = App(load_preset("default", LIGHT), 5, SIZE, session=replace(start, commands=[]))
        b.session.replay(list(start.commands))
        dts = cycle(REPLAY_DT_S)
        for _ in range(5_000):
            if not b.session.replaying:
                break
            run_frames(b, screen, dts, 1)
        run_frames(b, screen, dts, 5)
        moments = [(c.build, c.step, c.do, c.value) for c in start.commands]
        assert [(c.build, c.step, c.do, c.value) for c in b.session.session.commands] == moments
        assert b.model.step_index == a.model.step_index and b.play.paused
        np.testing.assert_array_equal(b.model.recorder.table(), a.model.recorder.table())
        assert b.model.counters == a.model.counters
        np.testing.assert_array_equal(b.model.states(), a.model.states())
        np.testing.assert_array_equal(b.model.free_positions(), a.model.free_positions())
        assert [k.step for k in b.play.rewind.marks] == [k.step for k in a.play.rewind.marks]
    finally:
        a.close()
        if b is not None:
            b.close()
