"""``main.py prepare`` fills the day cache with the window's jobs: a later K finds its days there."""

from __future__ import annotations

import os
import subprocess
import sys
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
    code = "import main, sim.cli.prepare, sim.course.prepare, sys; "
    code += "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygame', 'render')))"
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
