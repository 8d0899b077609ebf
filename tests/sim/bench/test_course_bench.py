"""``main.py bench --course``: it runs and prints its figures, and by default it times the real course.

No timing is asserted (the machine is shared): the figures are checked to be
printed as finite positive numbers, with a row for the baseline and every
day, and the window's K W W W time (``render.course_bench``) as a
number no smaller than the gesture's own 3 s. The smoke run (``--quick``) uses a tiny workload; what the bench times
without it is checked by recording the course it asks for, without running it.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.bench import course as course_bench
from sim.course.day import DAY_WINDOW_MS

ROOT = Path(__file__).resolve().parents[3]
LINE = re.compile(
    r"^course  (\d+)-day course .*?, +(alone|\+1 busy): +([\d.]+) s wall, +([\d.]+) CPU-s "
    r"\((\d+) rows; load average ([\d.]+) before, ([\d.]+) after\)$"
)


WINDOW_LINE = re.compile(
    r"^window  K W W W, keys 1 s apart: chart full \(baseline, days 0-21, empty day cache, "
    r"1280x720\) .*, +(alone|\+1 busy): +([\d.]+) s after K, \d+ fps meanwhile$"
)


def test_bench_course_quick_prints_both_figures():
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    res = subprocess.run(
        [sys.executable, "main.py", "bench", "--course", "--quick"],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == 4, res.stdout
    labels = []
    for line in lines[2:]:  # the window's K W W W (render.course_bench), quick days
        match = WINDOW_LINE.match(line)
        assert match, line
        assert 3.0 <= float(match.group(2)) < 300.0  # the last W comes 3 s after K
        assert "not the real workload" in line
    assert [WINDOW_LINE.match(x).group(1) for x in lines[2:]] == ["alone", "+1 busy"]
    for line in lines[:2]:
        match = LINE.match(line)
        assert match, line
        days, label, wall, cpu, rows, *_ = match.groups()
        labels.append(label)
        assert int(days) == course_bench.QUICK_DAYS and int(rows) == course_bench.QUICK_DAYS + 1
        assert math.isfinite(float(wall)) and float(wall) > 0
        assert math.isfinite(float(cpu)) and float(cpu) > 0
        assert "not the real workload" in line
    assert labels == ["alone", "+1 busy"]


def test_the_default_bench_times_the_real_84_day_course(monkeypatch):
    """Without --quick: 84 days, drug from day 0, stopped on day 42, the real day's window."""
    asked = []

    def fake_time_course(days, stop_day, seed=0, window_ms=None):
        asked.append((days, stop_day, window_ms))
        return 1.0, 2.0, days + 1

    monkeypatch.setattr(course_bench, "time_course", fake_time_course)
    lines = list(course_bench.course_lines())
    assert asked == [(84, 42, None), (84, 42, None)]
    assert course_bench.COURSE["start_day"] == 0 and course_bench.COURSE["days"] == 84
    assert all("not the real workload" not in line and "85 rows" in line for line in lines)
    assert DAY_WINDOW_MS == 8.0  # what window_ms None stands for (time_course's default)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the children in /proc")
def test_busy_core_runs_a_process_only_inside_its_block():
    """One child process that uses CPU inside the block; none left after it."""
    before = set(_our_children())
    with course_bench.busy_core():
        time.sleep(1.0)
        kids = set(_our_children()) - before
        assert len(kids) == 1
        assert _cpu_s(kids.pop()) > 0.0
    assert set(_our_children()) == before


def _our_children() -> list[int]:
    """This process's children (Linux /proc; elsewhere none are seen)."""
    path = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if not path.exists():
        return []
    return [int(x) for x in path.read_text().split()]


def _cpu_s(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
