"""The engine on a real Dask cluster: a scheduler and two workers on 127.0.0.1, started here.

The cluster is started the way the README says (``dask scheduler`` and
``dask worker`` with the repository on PYTHONPATH), once for the module, and
stopped at the end. Runs are 20 us long: the point is where the rows come
from, not what they say.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.runs import engine
from sim.runs.engine import EngineError, run_jobs
from sim.runs.experiment import from_options
from sim.runs.sweep import cli_sweep, csv_line, run_one

ROOT = Path(__file__).resolve().parents[3]
_CLI = Path(sys.executable).with_name("dask")  # the README's `dask scheduler` / `dask worker`
DASK = (
    [str(_CLI), "scheduler"]
    if _CLI.exists()
    else [sys.executable, "-m", "distributed.cli.dask_scheduler"]
)
WORKER = (
    [str(_CLI), "worker"]
    if _CLI.exists()
    else [sys.executable, "-m", "distributed.cli.dask_worker"]
)
VARY = ["blockade=0:0.8:0.4", "firing_rate_hz=250,500"]  # the issue's grid, 1 seed, 20 us


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)  # a clean shutdown (workers close their processes)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(address, folder): a scheduler and one ``dask worker`` with two worker processes."""
    folder = tmp_path_factory.mktemp("dask")
    info = folder / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NUMBA_NUM_THREADS": "1"}
    logs = [open(folder / name, "w") for name in ("scheduler.log", "worker.log")]  # noqa: SIM115
    scheduler = subprocess.Popen(
        [*DASK, "--host", "127.0.0.1", "--port", "0", "--dashboard-address", "127.0.0.1:0",
         "--scheduler-file", str(info)],
        env=env, cwd=folder, stdout=logs[0], stderr=subprocess.STDOUT,
    )  # fmt: skip
    procs = [scheduler]
    try:
        deadline = time.monotonic() + 60
        while not info.exists() or not info.read_text().strip():
            assert scheduler.poll() is None and time.monotonic() < deadline, "no scheduler"
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        procs.append(
            subprocess.Popen(
                [
                    *WORKER,
                    address,
                    "--host",
                    "127.0.0.1",
                    "--nworkers",
                    "2",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                ],
                env=env,
                cwd=folder,
                stdout=logs[1],
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        )
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=60)
        yield address, folder
    finally:
        for proc in reversed(procs):
            _stop(proc)
        for log in logs:
            log.close()


def test_the_issues_sweep_gives_the_same_rows_on_the_cluster_as_locally(cluster, tmp_path, capsys):
    address, _ = cluster
    local, remote = tmp_path / "local.csv", tmp_path / "remote.csv"
    common = {"preset": "default", "vary": VARY, "seeds": 1, "duration_ms": 0.02}
    assert cli_sweep(**common, workers=1, out=str(local)) == 0
    assert cli_sweep(**common, scheduler=address, out=str(remote)) == 0
    assert f"on {address}" in capsys.readouterr().err
    assert remote.read_bytes() == local.read_bytes()
    assert local.read_text().count("\n") == 1 + 6


def crash_once(job: dict) -> dict:
    """Kill the worker process running this job the first time; then run it normally."""
    marker = Path(job["marker"])
    if job["run"] == 1 and not marker.exists():
        marker.write_text(str(os.getpid()))
        os.kill(os.getpid(), signal.SIGKILL)
    return run_one({k: v for k, v in job.items() if k != "marker"})


def test_a_killed_workers_runs_still_arrive(cluster, tmp_path):
    address, _ = cluster
    exp = from_options("default", {}, ["blockade=0,0.5"], 2, 0.02)
    marker = tmp_path / "killed"
    jobs = [{**j, "marker": str(marker)} for j in exp.jobs()]
    results = dict(run_jobs(crash_once, jobs, scheduler=address))
    assert marker.exists(), "no worker was killed"
    assert sorted(results) == [0, 1, 2, 3]
    for i, job in enumerate(exp.jobs()):  # as CSV text: NaN (no fit in 20 us) is "" on both sides
        assert csv_line(results[i].values()) == csv_line(run_one(job).values())


def test_an_unreachable_scheduler_is_one_line(monkeypatch):
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(EngineError) as err:
        list(run_jobs(run_one, [{}], scheduler="tcp://127.0.0.1:9"))
    assert "cannot reach the Dask scheduler" in str(err.value) and "\n" not in str(err.value)


def test_a_cluster_running_other_sources_is_refused(cluster, monkeypatch, tmp_path):
    """The cluster imports sim.runs.engine by reference and hashes its own sources: they differ."""
    address, _ = cluster
    (tmp_path / "model.py").write_text("# another version\n")
    monkeypatch.setattr(engine, "SIM_DIR", tmp_path)  # only this process's fingerprint changes
    with pytest.raises(EngineError, match="other Cleft sources"):
        list(run_jobs(run_one, [{}], scheduler=address))


def test_the_timeline_runs_on_the_cluster_with_the_same_rows(cluster):
    from sim.course.timeline import run_timeline

    address, _ = cluster
    args = (4, "paroxetine", 1.0, 0, 3)
    local = run_timeline(*args, window_ms=0.05, workers=1)
    remote = run_timeline(*args, window_ms=0.05, scheduler=address)
    assert [r["day"] for r in remote] == [-1, 0, 1, 2, 3]
    # JSON text compares NaN (an SE from fewer than two intervals) with NaN as equal
    assert json.dumps(remote, sort_keys=True) == json.dumps(local, sort_keys=True)
