"""Recording from the window: --record, the V key, a failing encoder, screen-time frames.

Driven by posted events under pygame's dummy driver; assertions are on files.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import imageio.v2 as iio
import pygame
import pytest

from render.app import App
from render.media import encoders, recording
from render.window import run_app
from sim.params.presets import load_preset
from tests.window import SIZE, frames, press

ROOT = Path(__file__).resolve().parents[3]
LIGHT = {"molecules_per_vesicle": 200}
"""Fewer molecules per vesicle: the same model, cheaper steps."""


def make_app(overrides=None):
    app = App(load_preset("default", overrides), seed=0, size=SIZE, scripted=True)
    app.play.set_warp(True)
    return app


def _count_frames(path):
    with iio.get_reader(str(path)) as r:
        return sum(1 for _ in r)


@pytest.mark.parametrize("suffix", [".mp4", ".gif"])
def test_record_writes_a_playable_file_with_n_frames(tmp_path, suffix):
    out = tmp_path / f"clip{suffix}"
    n = 12
    assert run_app("single-release", LIGHT, 0, (400, 300), frames=n, record=str(out)) == 0
    assert out.exists() and _count_frames(out) == n
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]  # no partial file
    with pytest.raises(ValueError):
        run_app("single-release", LIGHT, 0, (400, 300), frames=2, record=str(out))
    assert _count_frames(out) == n  # untouched


def test_v_key_records_and_never_overwrites(screen, tmp_path):
    app = make_app(overrides=LIGHT)
    app.saves.screenshot_dir = app.saves.record_dir = tmp_path
    (tmp_path / "cleft-0001.mp4").write_bytes(b"earlier")
    for expected in ("cleft-0002.mp4", "cleft-0003.mp4"):
        press(app, pygame.K_v)
        assert app.saves.video is not None
        frames(app, screen, 4)
        press(app, pygame.K_v)
        assert app.saves.video is None and app.saves.last_recording.name == expected
        assert _count_frames(app.saves.last_recording) == 4
    assert (tmp_path / "cleft-0001.mp4").read_bytes() == b"earlier"
    press(app, pygame.K_v, pygame.KMOD_LSHIFT)
    frames(app, screen, 2)
    press(app, pygame.K_v, pygame.KMOD_LSHIFT)
    assert app.saves.last_recording.name == "cleft-0001.gif"
    assert not [p for p in tmp_path.iterdir() if ".partial" in p.name]


def test_encoder_failure_leaves_nothing_and_a_full_queue_drops_frames(tmp_path, monkeypatch):
    frame = bytes(64 * 48 * 3)

    def broken(self, arr):
        raise RuntimeError("disk full")

    monkeypatch.setattr(encoders.GifWriter, "write", broken)
    rec = recording.VideoRecorder(tmp_path / "a.gif", (64, 48), 30, block=True)
    rec.add_frame(frame, (64, 48))
    with pytest.raises(recording.RecordingError):
        rec.finish()
    assert list(tmp_path.iterdir()) == []

    monkeypatch.undo()
    original = encoders.GifWriter.write

    def slow(self, arr):
        time.sleep(0.02)
        original(self, arr)

    monkeypatch.setattr(encoders.GifWriter, "write", slow)
    rec = recording.VideoRecorder(tmp_path / "b.gif", (64, 48), 30, block=False)
    offered = 3 * recording.QUEUE_FRAMES
    for _ in range(offered):
        rec.add_frame(frame, (64, 48))
    assert rec.frames_dropped > 0
    path = rec.finish()
    assert rec.frames_written + rec.frames_dropped == offered
    assert _count_frames(path) == rec.frames_written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.gif"]


def test_main_record_option_errors_in_one_line(tmp_path):
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    taken = tmp_path / "taken.mp4"
    taken.write_bytes(b"x")
    for bad in (str(taken), str(tmp_path / "x.avi"), str(tmp_path / "no" / "x.mp4")):
        r = subprocess.run(
            [sys.executable, "main.py", "--record", bad, "--frames", "2"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
        )
        assert r.returncode == 2, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "--record" in r.stderr
    assert taken.read_bytes() == b"x"


def test_interactive_recording_follows_screen_time(screen, tmp_path):
    app = App(load_preset("single-release", LIGHT), 0, SIZE, screenshot_dir=tmp_path)
    press(app, pygame.K_v)
    for _ in range(60):  # one second of screen time at 60 fps
        app.update(1 / 60)
        app.draw(screen)
    press(app, pygame.K_v)
    n = _count_frames(app.saves.last_recording)
    assert abs(n - 30) <= 1 and app.saves.last_recording.parent == tmp_path
