"""Window worker processes (render/workers.py): spawned clean, one job at a time, replaced
jobs ended, gone with their parent and on SIGTERM; the treatment and overlay use them."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from render.common.workers import Worker, WorkerError, live_worker_pids

ROOT = Path(__file__).resolve().parents[3]
GONE_S = 5.0
"""A worker that should exit must be gone within this, s."""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _wait_gone(pid: int, timeout_s: float = GONE_S) -> bool:
    deadline = time.monotonic() + timeout_s
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _fd_targets() -> list[str]:
    """What this process's descriptors point to (runs inside the worker)."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            out.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:
            pass
    return out


def test_a_worker_inherits_no_descriptor_of_the_window():
    r, w = os.pipe()  # stands for ffmpeg's input pipe
    os.set_inheritable(w, True)  # even an inheritable one stays behind
    mine = os.readlink(f"/proc/self/fd/{w}")
    worker = Worker("test")
    try:
        targets = worker.submit(_fd_targets).result(60)
    finally:
        worker.close()
        os.close(r)
        os.close(w)
    assert mine.startswith("pipe:") and mine not in targets, targets
    # Standard streams plus multiprocessing's own: the job pipe, the parent sentinel and
    # the resource tracker; nothing else of the window's (a forked worker had them all).
    assert len(targets) <= 8, targets


def test_a_new_job_ends_the_running_one_and_its_process():
    worker = Worker("test")
    try:
        slow = worker.submit(time.sleep, 60)
        first = worker.pid
        fast = worker.submit(math.sqrt, 81.0)
        assert _wait_gone(first), "the replaced job's process is still running"
        assert fast.result(60) == 9.0
        assert slow.done()
        with pytest.raises(WorkerError, match="cancelled"):
            slow.result(0)
        assert worker.cancelled == 1 and len(live_worker_pids()) == 1
    finally:
        worker.close()
    assert live_worker_pids() == []


def test_a_failing_job_is_one_line_and_the_worker_survives():
    worker = Worker("test")
    try:
        with pytest.raises(WorkerError) as exc:
            worker.submit(math.sqrt, -1.0).result(60)
        assert "\n" not in str(exc.value) and "ValueError" in str(exc.value)
        assert worker.submit(math.sqrt, 4.0).result(60) == 2.0
    finally:
        worker.close()


def test_a_worker_exits_on_sigterm():
    worker = Worker("test")
    try:
        job = worker.submit(time.sleep, 60)
        time.sleep(0.3)
        os.kill(worker.pid, signal.SIGTERM)
        assert _wait_gone(worker.pid)
        with pytest.raises(WorkerError, match="exited"):
            job.result(GONE_S)
    finally:
        worker.close()


PARENT = """
import sys, time
sys.path.insert(0, {root!r})
from render.common.workers import Worker
if __name__ == "__main__":
    w = Worker("orphan")
    w.submit(time.sleep, 120)
    time.sleep(0.5)
    print(w.pid, flush=True)
    time.sleep(120)
"""


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_worker_exits_when_its_parent_dies(tmp_path, how):
    script = tmp_path / "parent.py"
    script.write_text(PARENT.format(root=str(ROOT)))
    parent = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        child = int(parent.stdout.readline())
        assert _alive(child)
        os.kill(parent.pid, how)
        parent.wait(GONE_S)
        assert _wait_gone(child), "the worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()
        parent.wait()
        parent.stdout.close()


def test_treatment_day_runs_and_overlay_close_their_running_workers():
    from render.lecture.day_runs import DayRuns
    from render.lecture.overlay import MeanFieldOverlay
    from sim import Synapse
    from sim.params.synapse import Parameters

    params = Parameters(molecules_per_vesicle=100)
    runs = DayRuns(params, seed=0)  # the drug-free baseline starts at once
    overlay = MeanFieldOverlay(background=True)
    overlay.enabled = True
    model = Synapse(params, seed=0)
    model.run(0.01)
    overlay.update(model, window_us=50.0, now_s=0.0)
    pids = live_worker_pids()
    assert 1 <= len(pids) <= 2
    runs.close()
    overlay.close()
    for pid in pids:
        assert _wait_gone(pid)
    assert live_worker_pids() == []
