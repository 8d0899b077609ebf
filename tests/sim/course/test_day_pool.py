"""The forked day workers: a killed worker costs a rerun of the days it lost, never a hang.

A worker is killed the way the kernel's out-of-memory killer or a user
would do it: SIGKILL, with no chance to clean up. The batch must then
either finish with every job's real result (the lost days run again in a
fresh pool, so the numbers are those of an undisturbed run) or, if workers
keep dying, end with a one-line :class:`EngineError` within a bounded wait.
"""

from __future__ import annotations

import math
import os
import signal
import threading
from pathlib import Path

import pytest

from sim.course import day_pool
from sim.course.day import run_day
from sim.course.timeline import Course, run_course
from sim.runs.engine import EngineError

WAIT_S = 120.0
"""Longest a batch may take here before the test calls it hung (a day of the tiny course
below costs ~0.1 CPU-s; the margin is for a loaded 2-core machine)."""

pytestmark = pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(),
    reason="the forked pool exists only where fork does",
)


def square_or_die(job: dict) -> int:
    """job['x'] squared; first kills its own worker (SIGKILL) if job['die'] names a file not yet
    there (made first, so the rerun lives), or on every attempt if job['always']."""
    if job.get("always") or (job.get("die") and not Path(job["die"]).exists()):
        if job.get("die"):
            Path(job["die"]).touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return job["x"] ** 2


def collect(func, jobs, workers=2):
    """All of ``run_local``'s results in a thread, or the exception; fails if it outlasts WAIT_S."""
    out: dict = {}

    def target() -> None:
        try:
            out["rows"] = list(day_pool.run_local(func, jobs, workers))
        except Exception as exc:  # handed to the test thread
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(WAIT_S)
    assert not thread.is_alive(), f"run_local still running after {WAIT_S} s: it hangs"
    return out


def test_a_killed_worker_loses_no_job(tmp_path):
    jobs = [{"x": x} for x in range(8)]
    jobs[3]["die"] = str(tmp_path / "died-once")
    out = collect(square_or_die, jobs)
    assert "error" not in out, out.get("error")
    assert (tmp_path / "died-once").exists()  # the worker did die
    assert sorted(out["rows"]) == [(i, i * i) for i in range(8)]


def test_workers_that_keep_dying_end_the_batch_with_a_message():
    jobs = [{"x": x} for x in range(5)]
    jobs[1]["always"] = True
    out = collect(square_or_die, jobs)
    assert isinstance(out.get("error"), EngineError), out
    message = str(out["error"])
    assert "died twice" in message and "\n" not in message
    assert {i for i, _ in out.get("rows", [])} == set()  # raised, so nothing half-returned here


def run_day_killed_once(job: dict) -> dict:
    """:func:`run_day`, but the worker running day 1 is killed the first time it starts it."""
    flag = Path(job["flag"])
    if job["state"].day == 1 and not flag.exists():
        flag.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return run_day({k: v for k, v in job.items() if k != "flag"})


def same_rows(a: list[dict], b: list[dict]) -> bool:
    """The rows are equal, NaN (a day without two whole intervals has no SE) equal to NaN."""

    def norm(rows):
        return [{k: ("nan" if isinstance(v, float) and math.isnan(v) else v)
                 for k, v in r.items()} for r in rows]  # fmt: skip

    return norm(a) == norm(b)


def test_a_course_with_a_killed_worker_gives_the_undisturbed_rows(tmp_path, monkeypatch):
    """The real course runner: the day whose worker was killed is run again, same numbers."""
    course = Course(days=3, drug="citalopram", dose_nM=4.8, start_day=0, stop_day=2,
                    window_ms=0.4, seed=3)  # fmt: skip
    undisturbed = run_course(course, workers=2)
    flag = tmp_path / "killed"
    real_jobs = Course.jobs
    monkeypatch.setattr(
        Course, "jobs", lambda self: [{**j, "flag": str(flag)} for j in real_jobs(self)]
    )
    monkeypatch.setattr("sim.course.timeline.run_day", run_day_killed_once)
    rows = run_course(course, workers=2)
    assert flag.exists()
    assert [r["day"] for r in rows] == [-1, 0, 1, 2]
    assert same_rows(rows, undisturbed)
