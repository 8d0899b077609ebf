"""GIF frame times add up to the real length, the size suits a slide deck,
and a release is recorded from start to finish with the documented command.
"""

import pytest
from PIL import Image

from render.app import App
from render.common.constants import GIF_FPS, GIF_WIDTH_PX
from render.media.saves import gif_size
from render.window import run_app
from sim.params.presets import load_preset

LIGHT = {"molecules_per_vesicle": 200}


def gif_frames(path):
    """(frame count, summed frame durations in ms, frame size) of a GIF."""
    im = Image.open(path)
    n, total = 0, 0
    try:
        while True:
            total += im.info["duration"]
            n += 1
            im.seek(im.tell() + 1)
    except EOFError:
        pass
    return n, total, im.size


def test_gif_frame_times_add_up_to_the_real_length_at_a_slide_deck_size(tmp_path):
    out = tmp_path / "clip.gif"
    seconds = 2
    n = seconds * GIF_FPS
    assert run_app("single-release", None, 0, (1280, 720), frames=n, record=str(out)) == 0
    count, total_ms, size = gif_frames(out)
    assert count == n
    assert total_ms == seconds * 1000  # exactly: 50 ms frames, no rounding to 30 ms
    assert size == gif_size((1280, 720)) and size[0] <= GIF_WIDTH_PX
    assert out.stat().st_size / seconds < 0.8e6  # bytes per second of GIF


def test_interactive_gif_follows_screen_time(screen, tmp_path):
    app = App(load_preset("single-release", LIGHT), 0, (1280, 720), screenshot_dir=tmp_path)
    app.do("record_gif")
    for _ in range(60):  # one second of screen time at 60 fps
        app.update(1 / 60)
        app.draw(screen)
    app.do("record_gif")
    count, total_ms, _ = gif_frames(app.saves.last_recording)
    assert abs(count - GIF_FPS) <= 1 and abs(total_ms - 1000) <= 1000 / GIF_FPS


def test_the_documented_command_records_a_release_from_start_to_finish(screen):
    """README: --preset single-release --record release.gif --frames 120 (6 s of screen)."""
    app = App(load_preset("single-release"), 0, (1280, 720), scripted=True, frame_fps=GIF_FPS)
    m = app.model
    peak = 0
    for _ in range(120):
        app.update(1 / GIF_FPS)
        peak = max(peak, m.free.n)
    assert m.spike_log[0][0] == pytest.approx(0.0) and m.counters["released"] > 0
    assert peak > 0 and m.free.n < 0.05 * peak  # cleared by the last frame
