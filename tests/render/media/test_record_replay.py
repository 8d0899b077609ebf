"""A video recorded through a replayed session that scrubs (steps back, Y, a strip seek).

The scripted replay with ``--record`` must reach the same last moment as without
it and draw the same last frame: recording never changes what is replayed.
"""

from itertools import cycle

import pygame
from PIL import Image, ImageChops

import main
from render.app import App
from sim.params.presets import load_preset
from sim.runs.session import Session
from tests.render.media.test_recording import gif_frames
from tests.render.media.test_session_log import ORIGINAL_DT_S, run_frames
from tests.window import press

SMALL = (640, 400)
"""Window size of the session, px (small: the GIF is encoded frame by frame)."""
HUD_WARP_LINE_BOTTOM_PX = 56
"""Bottom of the HUD's time-warp line at ``SMALL``, px (the title, clock and warp lines)."""


def test_a_replay_that_scrubs_records_the_same_frames_it_shows(screen, tmp_path):
    start = Session("single-release", 3, size=SMALL)
    app = App(load_preset("single-release"), 3, SMALL, session=start)
    dts = cycle(ORIGINAL_DT_S)
    try:
        run_frames(app, screen, dts, 30)
        press(app, pygame.K_LEFT)  # pauses, one step back
        press(app, pygame.K_LEFT)
        press(app, pygame.K_y)  # the release again, in slow motion
        run_frames(app, screen, dts, 20)
        app.scrub.seek(app.play.rewind.span.first + 3)  # a click on the strip
        run_frames(app, screen, dts, 5)
        press(app, pygame.K_LEFT)  # ends paused
        run_frames(app, screen, dts, 3)
        assert app.play.paused
        session = tmp_path / "scrub.toml"
        app.session.save(session)
        done = [c.do for c in app.session.session.commands]
        assert {"step_back", "replay_release", "seek"} <= set(done)
    finally:
        app.close()
    frames = ["--frames", "240"]
    plain, recorded, gif = tmp_path / "plain.png", tmp_path / "rec.png", tmp_path / "rec.gif"
    assert main.main(["--replay", str(session), *frames, "--screenshot", str(plain)]) == 0
    args = ["--replay", str(session), *frames, "--record", str(gif), "--screenshot", str(recorded)]
    assert main.main(args) == 0
    assert gif_frames(gif)[0] == 240
    a, b = Image.open(plain).convert("RGB"), Image.open(recorded).convert("RGB")
    diff = ImageChops.difference(a, b).getbbox()
    # only the time-warp line may differ (its pace follows the frame rate: 60 fps, 30 recording)
    assert diff is None or diff[3] <= HUD_WARP_LINE_BOTTOM_PX, diff
