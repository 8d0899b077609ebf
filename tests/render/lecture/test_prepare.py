"""``main.py prepare`` fills the day cache with the window's jobs: a later K finds its days there."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import render.lecture.day_runs as tr
from render.common.constants import TIMELINE_BASE
from render.common.keys import PRESET_KEYS
from render.lecture.tour import STEPS
from render.lecture.treatment import PREFETCH_DAYS, Treatment
from sim.course import prepare as pr
from sim.params.presets import load_preset

ROOT = Path(__file__).resolve().parents[3]


def test_prepare_fills_the_cache_that_a_later_k_reads(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    argv = [sys.executable, "main.py", "prepare", "--presets", "single-release", "--no-tour"]
    argv += ["--days", "1", "--workers", "1"]
    out = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "prepared 2 days (2 computed, 0 already cached) in " in out.stdout
    assert "pygame" not in out.stderr
    tr.DayCache._memory.clear()
    try:
        # What K does in the window on this preset (render.lecture.course.Course.ready, do_drug).
        t = Treatment(load_preset("single-release").params, "single-release")
        runs = tr.DayRuns(
            t.base, seed=0, cache=tr.DayCache(tmp_path / "cleft" / "treatment-days.json")
        )
        t.start_drug(pr.THERAPEUTIC_OCCUPANCY)
        runs.request(t.state())
        assert runs.submitted == 0  # nothing to compute: both days were prepared
        assert [d for d, _, _ in runs.points()] == [0]
        runs.close()
    finally:
        tr.DayCache._memory.clear()
    again = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert "prepared 2 days (0 computed, 2 already cached)" in again.stdout


def test_prepare_does_not_import_pygame_or_render():
    """Only main.py's command table (render.cli, which imports no window) may be loaded."""
    code = "import main, sim.cli.prepare, sim.course.prepare, sys; "
    code += "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygame', 'render')"
    code += " and m not in ('render', 'render.cli', 'render.cli.bench', 'render.cli.window')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_the_prepared_courses_are_the_windows():
    bases = {TIMELINE_BASE.get(name, name) for _, name, _ in PRESET_KEYS}
    assert set(pr.TIMELINE_BASES) == bases
    assert set(pr.KEY_DAYS) == {0, 7, 14, 21} | set(PREFETCH_DAYS)  # K, W W W and the days ahead
    tour = [
        (s["preset"], c["occupancy"], c["start"], c["stop"], tuple(sorted({*c["days"], c["day"]})))
        for s in STEPS
        if (c := s.get("course")) is not None
    ]
    assert [(p, o, a, b, tuple(sorted(d))) for p, o, a, b, d in pr.TOUR_COURSES] == tour


def test_a_started_tour_computes_its_course_days_from_its_first_step(monkeypatch, tmp_path, screen):
    """T starts the days of the tour's course steps; the course step then finds them done."""
    from render.app import App
    from tests.window import SIZE, frames, press

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(tr, "DAY_WINDOW_MS", 0.3)  # short days: the same definition, quickly
    tr.DayCache._memory.clear()
    app = App(load_preset("default"), size=SIZE, scripted=True)
    sc = app.scenario
    sc.scripted = False  # the lecture's window: day runs in the background
    try:
        press(app, ord("t"))
        runs = sc.tour_runs
        assert runs is not None and app.guide.index == 0
        wanted = {d for *_, days in pr.TOUR_COURSES for d in days}
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # the first step stays on screen while the days arrive
            frames(app, screen, 1)
            if wanted <= {d for d, _, _ in runs.points()}:
                break
            time.sleep(0.05)
        assert wanted <= {d for d, _, _ in runs.points()}
        assert app.guide.index == 0
        sent = runs.submitted
        while not any(s.get("course") for s in [STEPS[app.guide.index]]):
            press(app, ord("n"))
        frames(app, screen, 1)
        assert sc.day_runs is runs and runs.submitted == sent  # nothing computed twice
        press(app, ord("t"))
        assert sc.tour_runs is None
    finally:
        app.guide.stop_runs()
        sc.stop_day_runs()
        tr.DayCache._memory.clear()
