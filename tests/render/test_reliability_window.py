"""Issue 19 in the window: a full disk fails a scripted run in one line, bad day caches and
an empty HOME are worked around, the tissue view without varicosities draws, and the
window's record of the model stays bounded however long it runs.

The full disk is made for a child process alone: after one unlimited run that compiles
every kernel the window uses, ``RLIMIT_FSIZE`` caps the size of any file it writes
(Python ignores SIGXFSZ, so a write fails with EFBIG, as it would with ENOSPC; ffmpeg,
which does not, is stopped by the signal: a failed encoder either way).
"""

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

import main as cli
from render.app import App
from render.common.workers import close_all
from render.lecture import day_runs as tr
from render.lecture.overlay import OVERLAY_SPAN_US
from sim.params.presets import load_preset
from tests.window import SIZE, frames, press

ROOT = Path(__file__).resolve().parents[2]


def _on_a_full_disk(argv: list[str], folder: Path, limit_bytes: int) -> subprocess.CompletedProcess:
    code = (
        "import resource, sys, main\n"
        f"main.main(['--frames', '2', '--screenshot', {str(folder / 'prime.png')!r}])\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit_bytes}, {limit_bytes}))\n"
        f"sys.exit(main.main({argv!r}))\n"
    )
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=300)  # fmt: skip
    (folder / "prime.png").unlink()
    return r


# --------------------------------------------------------- 2: a full disk, scripted
@pytest.mark.parametrize(
    ("name", "frames_", "limit"),
    [("r.gif", "60", 8192), ("r0.mp4", "30", 0)],
    ids=["GIF with 8 KiB free", "MP4 with nothing free"],
)
def test_a_scripted_recording_on_a_full_disk_fails_in_one_line(tmp_path, name, frames_, limit):
    out = tmp_path / name
    r = _on_a_full_disk(["--frames", frames_, "--record", str(out)], tmp_path, limit)
    assert r.returncode != 0, (r.returncode, r.stderr[-2000:])
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr[-3000:]
    assert name in r.stderr, r.stderr
    assert list(tmp_path.iterdir()) == []  # no file, no partial file


def test_a_screenshot_on_a_full_disk_is_one_line(tmp_path):
    out = tmp_path / "s.png"
    r = _on_a_full_disk(["--frames", "2", "--screenshot", str(out)], tmp_path, 8192)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr[-3000:]
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------- 4: bad day caches
@pytest.mark.parametrize("content", ["[1]", "null", '{"a": "x", "b": [1]}'])
def test_a_day_cache_of_the_wrong_shape_does_not_stop_the_window(
    screen, tmp_path, monkeypatch, content
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    (tmp_path / "cleft").mkdir()
    (tmp_path / "cleft" / "treatment-days.json").write_text(content)
    tr.DayCache._memory.clear()
    app = App(load_preset("default"), seed=0, size=SIZE, scripted=False)
    try:
        press(app, pygame.K_k)  # the treatment starts: its day runs read the cache
        frames(app, screen, 2)
        assert app.scenario.day_runs is not None
    finally:
        app.close()
        app.scenario.stop_day_runs()
        close_all()
        tr.DayCache._memory.clear()


def test_an_unwritable_day_cache_is_said_once_on_screen(tmp_path, monkeypatch, screen):
    """The cache's folder cannot be made (its parent is a file): the chart goes on, and says so."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    tr.DayCache._memory.clear()
    app = App(load_preset("default"), seed=0, size=SIZE, scripted=False)
    said: list[str] = []
    monkeypatch.setattr(app.course, "say", said.append)
    try:
        press(app, pygame.K_k)
        runs = app.scenario.day_runs
        assert runs is not None
        runs.wait()  # the baseline and day 0 run; their results are kept in memory
        frames(app, screen, 3)
        problems = [t for t in said if "cannot be written" in t]
        assert len(problems) == 1 and "not-a-folder" in problems[0], said
        assert runs.points(), "the chart still has its computed days"
    finally:
        app.close()
        app.scenario.stop_day_runs()
        close_all()
        tr.DayCache._memory.clear()


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_a_day_cache_that_is_not_a_regular_file_is_skipped_at_once(tmp_path, kind):
    path = tmp_path / "days.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        os.symlink("/dev/zero", path)
    code = (
        "import sys; from pathlib import Path; from render.lecture.day_runs import DayCache\n"
        "DayCache(Path(sys.argv[1])); print('read')\n"
    )

    def limit() -> None:  # a runaway read fails instead of filling the machine
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    r = subprocess.run([sys.executable, "-c", code, str(path)], cwd=ROOT, capture_output=True,
                       text=True, timeout=30, preexec_fn=limit)  # fmt: skip
    assert r.returncode == 0 and r.stdout == "read\n", r.stderr[-2000:]


# ------------------------------------------------------------------- 5: HOME empty
def test_an_empty_home_never_makes_the_window_save_in_the_root_folder(tmp_path):
    code = (
        "import pygame; from render.app import App; from sim.params.presets import load_preset\n"
        "pygame.display.init(); pygame.font.init(); pygame.display.set_mode((640, 400))\n"
        "app = App(load_preset('default'), seed=0, size=(640, 400), scripted=False)\n"
        "print(app.saves.screenshot_dir); print(getattr(app.saves, 'out_note', ''))\n"
    )
    env = {**os.environ, "HOME": "", "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    folder, note = r.stdout.splitlines()[-2:]
    assert Path(folder).parent != Path("/"), folder  # S, V and Shift+V save there
    assert "HOME" in note and folder in note, note  # and each save says why there


# ------------------------------------------------- 10: a tissue cube with no varicosity
def test_the_tissue_window_draws_a_cube_without_varicosities(capsys):
    argv = ["--preset", "tissue", "--frames", "30", "--set", "varicosity_density_per_um3=0"]
    assert cli.main(argv) == 0, capsys.readouterr().err


# ------------------------------------------------------- 11: memory in a long window
@pytest.mark.filterwarnings("ignore:Cleft. step length")
def test_the_windows_record_of_the_model_stays_bounded_however_long_it_runs(screen):
    """The window's record holds what its plots and overlay read, not the whole run.

    A cheap model (no firing, 50 ns steps) is run 3 x 5 ms between frames at the
    default speed, whose plot window (2 ms) and overlay span (4 ms) need 4 ms of
    samples (the window keeps 1.5x that, in a buffer of twice it: 12 ms); a record
    growing with the run holds all 15 ms.
    """
    app = App(load_preset("default", {"firing_rate_hz": 0.0, "dt_ns": 50.0}), 0, SIZE)
    app.scripted = False
    press(app, pygame.K_RIGHTBRACKET)
    frames(app, screen, 2)
    sample_us = app.model.params.sample_interval_us
    span_us = max(app.play.plot_window_us(), OVERLAY_SPAN_US)
    bound = math.ceil(3.2 * span_us / sample_us)  # 1.5x the span, doubled, and 0.2 to spare
    held = []
    for _ in range(3):
        app.model.run_steps(round(5000 / app.model.dt_us))
        frames(app, screen, 1)
        t = app.model.recorder.column("time_ms")
        held.append(len(t))
        assert (t[-1] - t[0]) * 1000.0 >= span_us  # the plots and overlay still have theirs
    assert app.model.time_us / sample_us > bound  # the run outgrew the bound
    assert max(held) <= bound, (held, bound)
    app.close()


def test_the_tissue_views_record_stays_bounded_however_long_it_runs(screen, monkeypatch):
    """The same for the tissue view: its trace reads the last seconds only. The kept span
    is shortened to 1 s here so that 3 s of tissue time (300 samples) outgrow it."""
    from render.tissue import trace

    monkeypatch.setattr(trace, "RECORD_S", 1.0, raising=False)
    app = App(load_preset("default"), 0, SIZE)
    app.tissue.start(load_preset("tissue"))
    model = app.tissue.model
    model.run_steps(round(3000 / model.dt_ms))
    app.draw(screen)  # the trace is drawn from what is kept
    held = len(model.recorder.column("time_ms"))
    assert model.recorder.n > 250 and held <= 2 * 1000 / model.params.sample_interval_ms + 2, held
    app.close()
