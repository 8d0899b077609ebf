"""The treatment chart's day values: the timeline command's numbers, two days at once, cached.

The chart's point for a day is ``sim.course.day.run_day`` of the job
``main.py timeline`` runs for that day (same preset parameters, step,
window and seed), divided by the drug-free baseline. So the tolerance for
"agrees with the timeline" is float rounding, not the run-to-run spread;
the test also shows that spread (another seed gives another value), so it
fails if the chart ran another seed, window or step. Windows are short here
(the definition is the same at any window) to keep the tests quick.
"""

from __future__ import annotations

import os
import sys
import time

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import render.lecture.day_runs as tr  # noqa: E402
import sim.course.day_cache as day_cache  # noqa: E402
from render.common.workers import live_worker_pids  # noqa: E402
from render.lecture.treatment import Treatment  # noqa: E402
from render.lecture.treatment_chart import busy_text  # noqa: E402
from sim.course.day import run_day  # noqa: E402
from sim.course.timeline import run_timeline  # noqa: E402
from sim.params.drugs import sert_occupancy  # noqa: E402
from sim.params.presets import load_preset  # noqa: E402

WINDOW_MS = 0.3
"""A short day (one release standing for its interval): the same definition, quickly."""

DRUG, DOSE_NM = "citalopram", 4.8


@pytest.fixture
def memory_cache(tmp_path):
    tr.DayCache._memory.clear()
    yield tr.DayCache(tmp_path / "days.json")
    tr.DayCache._memory.clear()


def _course_states(days: int):
    """The states ``main.py timeline`` gives these days (drug from day 0, stopped on day 28)."""
    t = Treatment(load_preset("default").params, "default")
    t.start_drug(sert_occupancy(DRUG, DOSE_NM))
    t.advance(days - 1)
    return t.states()


def test_chart_day_values_are_the_timeline_commands(monkeypatch, memory_cache):
    monkeypatch.setattr(tr, "DAY_WINDOW_MS", WINDOW_MS)
    states = _course_states(22)
    days = [1, 21]
    runs = tr.DayRuns(load_preset("default").params, seed=3, cache=memory_cache)
    try:
        for d in days:
            runs.request(states[d])
        runs.wait()
    finally:
        runs.close()
    chart = {d: v for d, _, v in runs.points()}
    rows = run_timeline(
        22, DRUG, DOSE_NM, 0, 28, seed=3, window_ms=WINDOW_MS, workers=1, only_days=days
    )
    timeline = {r["day"]: r["signal"] for r in rows if r["day"] >= 0}
    assert sorted(chart) == days
    for d in days:
        assert chart[d] == pytest.approx(timeline[d], rel=1e-12, abs=0)
    # The spread between runs is real: another seed reads another value, so the
    # equality above would fail for a chart that ran another job.
    other = run_timeline(
        22, DRUG, DOSE_NM, 0, 28, seed=4, window_ms=WINDOW_MS, workers=1, only_days=days
    )
    assert any(r["signal"] != pytest.approx(timeline[r["day"]]) for r in other if r["day"] >= 0)


def test_two_days_compute_at_once_and_a_day_shown_goes_before_days_ahead(monkeypatch, memory_cache):
    monkeypatch.setattr(tr, "DAY_WINDOW_MS", WINDOW_MS)
    if tr._usable_cpus() < 2:
        pytest.skip("one CPU: one day worker")
    states = _course_states(8)
    runs = tr.DayRuns(load_preset("default").params, seed=0, cache=memory_cache, workers=2)
    try:
        assert runs.computing() == (-1,)  # the baseline starts at once
        runs.prefetch([states[1], states[7]])
        assert runs.computing() == (-1,)  # days ahead wait for the next poll...
        runs.request(states[0])  # ...so today, asked in the same frame, goes first
        assert runs.computing() == (-1, 0) and runs.busy == 2
        assert len(live_worker_pids()) >= 2
        runs.wait()
        while runs._ahead or runs._running:  # the days ahead follow
            runs.poll()
            for _, job, _, _ in list(runs._running.values()):
                job.result(timeout=60)
        assert runs.submitted == 4
    finally:
        runs.close()
    assert [d for d, _, _ in runs.points()] == [0, 1, 7]
    for d in (0, 7):
        assert runs.bound[d][1] == run_day(runs._job(states[d]))["receptors_bound_mean"]


def test_the_cache_follows_the_model_and_the_day_definition(monkeypatch, memory_cache):
    names = {p.name for p in tr._engine_sources()}
    assert {"day.py", "model.py", "diffusion.py", "__init__.py"} <= names
    assert not {"sweep.py", "meanfield.py", "bench.py"} & names  # cannot change a day's numbers
    job = {
        "state": _course_states(1)[0],
        "preset": "default",
        "overrides": {"dt_ns": 20.0},
        "seed": 0,
        "window_ms": 8.0,
    }
    key = memory_cache.key(job)
    assert tr.DayCache(None).key(job) == key  # stable across caches and runs
    assert memory_cache.key({**job, "seed": 1}) != key
    assert memory_cache.key({**job, "window_ms": 4.0}) != key
    monkeypatch.setattr(day_cache, "DAY_DEFINITION", day_cache.DAY_DEFINITION + " (changed)")
    assert tr.DayCache(None).key(job) != key


def test_the_chart_says_which_days_are_computing():
    assert busy_text((-1,), 0) == "computing the drug-free reference"
    assert busy_text((-1, 0), 0) == "computing the drug-free reference and day 0"
    assert busy_text((7, 14), 21) == "computing days 7 and 14"
    assert busy_text((14, 28), 21) == "computing day 14"  # day 28 is ahead
    assert busy_text((28,), 21) == "computing the weeks ahead"


def test_day_workers_take_their_priority_from_their_start(monkeypatch, memory_cache):
    """The day workers are at ``DAY_NICE`` before their first job (their start-up included).

    ``DAY_NICE`` is the window's own (0); set to 3 here, the worker must show 3 in /proc,
    so the test fails if the priority were set after the start or not at all.
    """
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    monkeypatch.setattr(tr, "DAY_WINDOW_MS", WINDOW_MS)
    monkeypatch.setattr(tr, "DAY_NICE", 3)
    ours = os.nice(0)
    want = max(ours, 3)  # a process may raise its niceness, never lower it
    runs = tr.DayRuns(load_preset("default").params, seed=0, cache=memory_cache, workers=1)
    try:
        pid = runs._slots[0].pid
        fields = None
        for _ in range(100):  # the priority is set before the worker reads its first job
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[16]) == want:
                break
            time.sleep(0.05)
        assert int(fields[16]) == want  # field 19 of /proc/PID/stat: nice
        runs.wait()
    finally:
        runs.close()
    assert os.nice(0) == ours  # the test process itself is untouched


def test_the_spare_day_worker_gives_way_and_its_day_runs_again(monkeypatch, memory_cache):
    """Never more window workers than CPUs: the overlay's worker ends the spare day worker."""
    import render.common.workers as rw

    monkeypatch.setattr(tr, "DAY_WINDOW_MS", WINDOW_MS)
    monkeypatch.setattr(rw, "budget", lambda: 2)  # the 2-core lecture machine
    states = _course_states(1)
    runs = tr.DayRuns(load_preset("default").params, seed=0, cache=memory_cache, workers=2)
    other = rw.Worker("overlay-test")
    try:
        runs.request(states[0])
        assert runs.computing() == (-1, 0) and len(live_worker_pids()) == 2
        assert other.submit(os.getpid).result(timeout=60) == other.pid  # starts: a spare ends
        assert len(live_worker_pids()) == 2
        runs.poll()  # day 0 gave way: it waits for (or runs on) the first worker, not the spare
        assert 0 in runs._waiting or runs._running[0][2] == 0
        assert all(slot == 0 for _, _, slot, _ in runs._running.values())
        runs.wait()
    finally:
        other.close()
        runs.close()
    assert not runs.failed and [d for d, _, _ in runs.points()] == [0]
    assert runs.bound[0][1] == run_day(runs._job(states[0]))["receptors_bound_mean"]


def test_day_runs_that_cannot_start_say_so_once_on_screen(monkeypatch, memory_cache):
    """No worker process for the day runs: the chart stops growing and the window says why."""
    import render.common.workers as workers
    from render.app import App
    from tests.window import SIZE

    def no_worker(*args, **kwargs):
        raise OSError("no process for you")

    monkeypatch.setattr(workers, "Worker", no_worker)
    monkeypatch.setattr(tr, "cache_file", lambda: memory_cache.path)
    app = App(load_preset("default"), 0, SIZE, scripted=False)
    try:
        app.do("day")  # D opens the timeline: its day runs try to start
        runs = app.scenario.day_runs
        assert runs is not None and runs.failed and "no process for you" in runs.error
        app.course.computed_points()
        said = app.messages.toast[0]
        assert said.startswith("treatment chart: cannot start a day run") and "no process" in said
        app.messages.say("something else")
        app.course.computed_points()  # said once per timeline, not every frame
        assert app.messages.toast[0] == "something else"
    finally:
        app.close()


def test_the_window_computes_the_course_k_would_start_before_k(monkeypatch, tmp_path, screen):
    """From the first frame: the baseline and K W W W's days, in the background; K takes them over.

    The days computed before K are the ones K, W, W, W then show (same jobs:
    the chart finds them, nothing is computed twice).
    """
    from render.app import App
    from render.lecture.course import AHEAD_DAYS
    from tests.window import SIZE as WINDOW
    from tests.window import frames, press

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(tr, "DAY_WINDOW_MS", WINDOW_MS)
    tr.DayCache._memory.clear()
    app = App(load_preset("default"), size=WINDOW, scripted=True)
    sc = app.scenario
    sc.scripted = False  # the lecture's window: day runs in the background
    try:
        frames(app, screen, 1)
        runs = sc.ahead_runs
        assert runs is not None and sc.day_runs is None and sc.treatment is None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len(runs.points()) < len(AHEAD_DAYS):
            frames(app, screen, 1)
            time.sleep(0.05)
        assert sorted(d for d, _, _ in runs.points()) == sorted(AHEAD_DAYS)
        sent = runs.submitted
        press(app, ord("k"))
        for _ in range(3):
            press(app, ord("w"))
        frames(app, screen, 1)
        assert sc.day_runs is runs and sc.ahead_runs is None
        assert runs.submitted == sent  # K W W W's days were the ones computed ahead
        assert {0, 7, 14, 21} <= {d for d, _, _ in runs.points()}
        assert sc.treatment.day == 21
    finally:
        sc.stop_day_runs()
        sc.stop_ahead_runs()
        tr.DayCache._memory.clear()
