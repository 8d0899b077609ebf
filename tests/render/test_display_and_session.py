"""Start-up and diagnostics: no-display refusal, hidden scripted runs, the output
folder, start-up flags, ``--quit-after`` and ``--stats``.

Assertions are on exit codes, files and model state, never on rendered text.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from render.app import App
from render.common.constants import WARP_FAST_FACTOR, WARP_SLOW_FRACTION
from render.display import display_problem, scripted_driver
from render.media.stats import RunStats
from render.window import run_app
from sim.params.presets import load_preset
from tests.window import SIZE, frames, press

ROOT = Path(__file__).resolve().parents[2]
LIGHT = {"molecules_per_vesicle": 200}


def _env(**changes):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("SDL_VIDEODRIVER", None)
    env.update(changes)
    return env


def test_display_problem_only_without_a_display_or_a_chosen_driver():
    assert display_problem({}, "linux") is not None
    assert "\n" not in display_problem({}, "linux")
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"SDL_VIDEODRIVER": "dummy"}, "linux") is None
    assert display_problem({}, "darwin") is None
    assert display_problem({}, "win32") is None


def test_no_display_is_one_line_and_exit_2_and_scripted_runs_need_none(tmp_path):
    r = subprocess.run(
        [sys.executable, "main.py"], cwd=ROOT, capture_output=True, text=True, env=_env()
    )
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "display" in r.stderr
    out = tmp_path / "s.png"
    r = subprocess.run(
        [sys.executable, "main.py", "--frames", "2", "--screenshot", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == "" and out.exists()  # no window, no SDL noise


def test_scripted_driver_hides_the_window_and_restores_the_environment(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    with scripted_driver(True):
        assert os.environ["SDL_VIDEODRIVER"] == "dummy"
    assert os.environ["SDL_VIDEODRIVER"] == "x11"
    monkeypatch.delenv("SDL_VIDEODRIVER")
    with scripted_driver(True):
        assert os.environ["SDL_VIDEODRIVER"] == "dummy"
    assert "SDL_VIDEODRIVER" not in os.environ
    with scripted_driver(False):
        assert "SDL_VIDEODRIVER" not in os.environ


def test_start_up_flags(screen):
    app = App(load_preset("default", LIGHT), 0, SIZE, scripted=True, projector=True, compare=True)
    assert app.screen.projector and app.compare.on and app.control is not None
    app = App(load_preset("default", LIGHT), 0, SIZE, scripted=True, tour=True)
    assert app.guide.active and app.guide.index == 0


def test_screenshots_and_videos_go_to_the_out_dir_and_the_path_is_printed(screen, tmp_path, capsys):
    out = tmp_path / "slides"
    app = App(load_preset("default", LIGHT), 0, SIZE, scripted=True, screenshot_dir=out)
    frames(app, screen, 1)
    press(app, pygame.K_s)
    app.draw(screen)
    shot = app.saves.last_screenshot
    assert shot.parent == out and shot.exists()
    assert str(shot) in capsys.readouterr().out
    mode = shot.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # the umask's mode, not tempfile's 0600
    made = tmp_path / "made"
    assert run_app("default", LIGHT, 0, SIZE, frames=1, out_dir=str(made)) == 0
    assert made.is_dir() and list(made.iterdir()) == []  # created, nothing written yet
    with pytest.raises(ValueError):
        run_app("default", LIGHT, 0, SIZE, frames=1, out_dir=str(tmp_path / "no" / "such"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError):
        run_app("default", LIGHT, 0, SIZE, frames=1, out_dir=str(tmp_path / "file"))


def test_quit_after_runs_in_real_time_and_stats_are_measured(tmp_path):
    path = tmp_path / "stats.json"
    assert run_app("default", LIGHT, 0, SIZE, quit_after=0.6, stats=str(path)) == 0
    st = json.loads(path.read_text())
    assert set(st) == {
        "wall_s",
        "frames",
        "fps_median",
        "sim_us",
        "behind_fraction",
        "mean_set_us_per_s",
    }
    assert 0.6 <= st["wall_s"] < 3.0
    assert st["frames"] >= 5 and st["fps_median"] > 0
    base = load_preset("default").playback_us_per_s  # time-warp sets paces around it
    assert base * WARP_SLOW_FRACTION <= st["mean_set_us_per_s"] <= base * WARP_FAST_FACTOR
    assert 0.0 <= st["behind_fraction"] <= 1.0
    # What was advanced is at most the set pace over the wall time, and all of it
    # when nothing fell behind (up to one frame of rounding).
    owed = st["mean_set_us_per_s"] * st["wall_s"]
    assert st["sim_us"] <= owed * 1.01 + 1.0
    assert st["sim_us"] >= owed * (1.0 - st["behind_fraction"]) * 0.8 - 1.0
    with pytest.raises(ValueError):
        run_app("default", LIGHT, 0, SIZE, quit_after=1.0, stats=str(tmp_path / "x.txt"))
    with pytest.raises(ValueError):
        run_app("default", LIGHT, 0, SIZE, frames=2, quit_after=1.0)


def test_run_stats_weigh_frames_by_wall_time():
    st = RunStats()
    st.frame(0.1, True, 100.0, 10.0, False)
    st.frame(0.1, True, 100.0, 5.0, True)
    st.frame(0.3, True, 300.0, 30.0, True)
    st.frame(0.5, False, 300.0, 0.0, False)  # paused: not in the playing figures
    s = st.summary()
    assert s["frames"] == 4 and s["wall_s"] == pytest.approx(1.0)
    assert s["sim_us"] == pytest.approx(45.0)
    assert s["behind_fraction"] == pytest.approx(0.4 / 0.5)
    assert s["mean_set_us_per_s"] == pytest.approx((0.1 * 100 + 0.1 * 100 + 0.3 * 300) / 0.5)
    assert s["fps_median"] == pytest.approx(1 / 0.3, abs=0.01)  # median of 0.1, 0.3, 0.5 s
