"""Issue 19 on the command line: every input by one rule, nothing of the user's damaged,
one line for every failure (experiment files, --resume, a full disk, Ctrl-C, a lost
scheduler, a read-only checkout with no cache folder).

Refusals are checked as the user sees them: exit code 2, exactly one line on stderr,
no traceback, and the file that was refused still byte for byte what it was.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import main as cli
from sim.runs.experiment import from_options
from sim.runs.sweep import run_experiment

ROOT = Path(__file__).resolve().parents[3]
TINY_MS = "0.02"
"""Simulated ms per run: the point is the files, not the numbers."""
DASK = Path(sys.executable).with_name("dask")


def _refused(argv: list[str], capsys, needle: str) -> str:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exc.value.code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert needle in err, (needle, err)
    return err


def _sweep(out: Path, *extra: str, vary: str = "blockade=0,0.5", workers: bool = True) -> list[str]:
    """``sweep`` of two tiny runs (or ``vary``) in this process (or the default two workers)."""
    argv = ["sweep", "--vary", vary, "--seeds", "1", "--duration-ms", TINY_MS, "--out", str(out)]
    return argv + (["--workers", "1"] if workers else []) + list(extra)


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> bytes:
    """The finished CSV of ``_sweep``'s two runs (this process, in order)."""
    out = tmp_path_factory.mktemp("finished") / "done.csv"
    run_experiment(from_options("default", {}, ["blockade=0,0.5"], 1, float(TINY_MS)), out)
    return out.read_bytes()


# ------------------------------------------------------- 1: --resume damages the file
@pytest.mark.parametrize(
    "content",
    [b"run,experiment_id,preset,other\n1", b"x" * 3_000_000],
    ids=["30 bytes, no final newline", "3 MB on one line"],
)
def test_resume_leaves_a_file_it_refuses_byte_for_byte(tmp_path, capsys, content):
    out = tmp_path / "notes.csv"
    out.write_bytes(content)
    _refused(_sweep(out, "--resume"), capsys, "notes.csv")
    assert out.read_bytes() == content


def test_resume_keeps_the_last_row_of_another_experiments_file(tmp_path, capsys, finished):
    out = tmp_path / "other.csv"
    out.write_bytes(finished[:-1])  # its final newline lost: the last row looks partial
    _refused(_sweep(out, "--resume", "--seeds", "2"), capsys, "other")
    assert out.read_bytes() == finished[:-1]


# ------------------------------------------------ 9: --resume trusts rows it should refuse
def test_resume_refuses_a_row_with_a_value_not_in_the_grid(tmp_path, capsys, finished):
    out = tmp_path / "edited.csv"
    lines = finished.decode().splitlines(keepends=True)
    edited = lines[0] + lines[1].replace(",0.0,0,", ",0.25,0,", 1)  # run 0's blockade edited
    assert edited != lines[0] + lines[1]
    out.write_text(edited)
    _refused(_sweep(out, "--resume"), capsys, "blockade")
    assert out.read_text() == edited


def test_resume_refuses_a_metric_that_is_not_a_number_before_any_run(tmp_path, capsys, finished):
    out = tmp_path / "abc.csv"
    lines = finished.decode().splitlines(keepends=True)
    cells = lines[1].rstrip("\n").split(",")
    cells[-1] = "abc"
    edited = lines[0] + ",".join(cells) + "\n"
    out.write_text(edited)
    _refused(_sweep(out, "--resume"), capsys, "abc")
    assert out.read_text() == edited  # run 1 did not run: nothing was appended


def test_resume_completes_an_accepted_file_cut_in_mid_row(tmp_path, capsys, finished):
    out = tmp_path / "killed.csv"
    lines = finished.decode().splitlines(keepends=True)
    out.write_text(lines[0] + lines[1] + lines[2][:17])  # killed while writing run 1
    assert cli.main(_sweep(out, "--resume")) == 0
    assert out.read_bytes() == finished


# ------------------------------------------------------------ 7: experiment files
def _experiment(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "exp.toml"
    path.write_text('[experiment]\nname = "t"\nduration_ms = 0.02\n' + body)
    return path


def test_an_experiment_on_a_tissue_preset_is_one_line_and_writes_nothing(tmp_path, capsys):
    exp = _experiment(tmp_path, 'preset = "tissue"\n[vary]\nblockade = [0.0, 0.5]\n')
    out = tmp_path / "t.csv"
    _refused(["sweep", "--experiment", str(exp), "--out", str(out)], capsys, "tissue")
    assert not out.exists()


def test_a_deeply_nested_experiment_is_one_line(tmp_path, capsys):
    exp = _experiment(tmp_path, "[vary]\nblockade = " + "[" * 3000 + "]" * 3000 + "\n")
    _refused(
        ["sweep", "--experiment", str(exp), "--out", str(tmp_path / "t.csv")], capsys, "nested"
    )


def _main_child(argv: list[str], cwd: Path, timeout_s: float = 60.0, **env: str):
    """``main.py ARGV`` in a child process with 2 GB of address space (a runaway read fails)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *argv],
        cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True,
        timeout=timeout_s, preexec_fn=limit,
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_an_experiment_file_that_is_not_a_regular_file_is_one_line_at_once(tmp_path, kind):
    path = tmp_path / "exp.toml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        os.symlink("/dev/zero", path)
    r = _main_child(["sweep", "--experiment", str(path), "--out", "t.csv"], tmp_path, 30.0)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr[-2000:]
    assert "exp.toml" in r.stderr and "regular file" in r.stderr, r.stderr


# ------------------------------------------------ 8: --duration-ms overrides the file
def test_duration_overrides_an_experiment_file_without_seeds(tmp_path, capsys):
    exp = _experiment(tmp_path, "[vary]\nblockade = [0.0, 0.5]\n")
    out = tmp_path / "t.csv"
    argv = ["sweep", "--experiment", str(exp), "--duration-ms", "0.01", "--workers", "1"]
    assert cli.main([*argv, "--out", str(out)]) == 0, capsys.readouterr().err
    rows = out.read_text().splitlines()[1:]
    assert len(rows) == 2 and all(",0.01," in r for r in rows), rows


# ------------------------------------------------------------ 2: a full disk (sweep)
def test_a_sweep_on_a_full_disk_is_one_line_and_leaves_no_file(tmp_path):
    """The disk is made full for the child alone: its largest file is 0 bytes (RLIMIT_FSIZE;
    Python ignores SIGXFSZ, so a write fails with EFBIG as it would with ENOSPC)."""
    out = tmp_path / "full.csv"
    code = (
        "import resource, sys; from sim.runs.headless import build; "
        "build('default', 0, None, {}); "  # kernels compiled before the disk is full
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0)); "
        f"import main; sys.exit(main.main({_sweep(out)!r}))"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)  # fmt: skip
    lines = [x for x in r.stderr.splitlines() if not x.startswith("sweep:")]
    assert r.returncode == 2 and len(lines) == 1 and "full.csv" in lines[0], r.stderr[-2000:]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# ------------------------------------------------------------ 6: interruptions
def _wait_rows(out: Path, n: int, proc: subprocess.Popen, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not (out.exists() and out.read_text().count("\n") > n):
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[1][-2000:]
        time.sleep(0.1)


def test_ctrl_c_in_a_terminal_is_one_line_without_worker_tracebacks(tmp_path):
    out = tmp_path / "c.csv"
    argv = _sweep(out, vary="blockade=0:0.9:0.1", workers=False)  # two worker processes
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *argv], cwd=tmp_path,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    _wait_rows(out, 2, proc)
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal does: the whole process group
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
    assert err.splitlines()[-1].startswith("sweep: stopped;") and "--resume" in err, err


@pytest.mark.skipif(not DASK.exists(), reason="the dask command is not installed")
def test_a_scheduler_killed_mid_sweep_is_one_line_and_keeps_the_rows(tmp_path):
    info = tmp_path / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NUMBA_NUM_THREADS": "1"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--dashboard-address", "127.0.0.1:0", "--scheduler-file",
                                  str(info)], cwd=tmp_path, **quiet)  # fmt: skip
    worker = None
    try:
        while not info.exists() or not info.read_text().strip():
            assert scheduler.poll() is None
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        worker = subprocess.Popen([str(DASK), "worker", address, "--host", "127.0.0.1",
                                   "--nworkers", "1", "--nthreads", "1"], cwd=tmp_path, **quiet)  # fmt: skip
        out = tmp_path / "s.csv"
        argv = _sweep(out, "--scheduler", address, vary="blockade=0:0.9:0.1", workers=False)
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *argv], cwd=tmp_path,
                                stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
        _wait_rows(out, 2, proc)
        scheduler.kill()
        err = proc.communicate(timeout=120)[1]
        lines = [x for x in err.splitlines() if not x.startswith("sweep:")]
        assert proc.returncode == 2 and len(lines) == 1, err[-3000:]
        assert "scheduler" in lines[0] and "--resume" in lines[0], lines
        assert out.read_text().count("\n") >= 3  # the header and the rows kept
    finally:
        for p in (worker, scheduler):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait()


# ------------------------------------------- 3: read-only checkout, no cache folder
def test_a_read_only_checkout_with_no_cache_folder_runs_and_says_so_once():
    """Root without the capability to override file permissions (setpriv) on a read-only
    copy of the sources, with HOME empty and XDG_CACHE_HOME read-only: numba has nowhere
    to cache its kernels. The kernels are imported (every @njit(cache=True) decorated)
    and one is compiled and run."""
    setpriv = shutil.which("setpriv")
    if setpriv is None or os.geteuid() != 0:
        pytest.skip("needs root and setpriv to drop the permission-override capability")
    top = Path(tempfile.mkdtemp(prefix="cleft-ro-"))
    try:
        for name in ("sim", "render", "assets"):
            shutil.copytree(ROOT / name, top / name, ignore=shutil.ignore_patterns("__pycache__"))
        (top / "cache").mkdir()
        for path in [top, *top.rglob("*")]:
            path.chmod(path.stat().st_mode & ~0o222)
        code = (
            "import sim.synapse.model, sim.tissue.kernels, render.common.splat\n"
            "from sim.common import rng\n"
            "import numpy as np\n"
            "print(rng.uniform(rng.seed_state(np.random.SeedSequence(7))))\n"
        )
        env = {
            **os.environ,
            "HOME": "",
            "XDG_CACHE_HOME": str(top / "cache"),
            "PYTHONPATH": str(top),
        }
        env.pop("NUMBA_CACHE_DIR", None)
        env.pop("CLEFT_JIT_CACHE_NOTED", None)
        r = subprocess.run(
            [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", sys.executable,
             "-c", code], cwd=top, env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert r.returncode == 0, r.stderr[-3000:]
        assert r.stderr.count("\n") == 1 and "without the cache" in r.stderr, r.stderr[-3000:]
        assert not list(top.rglob("*.nbi"))
    finally:
        for path in [top, *top.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
        shutil.rmtree(top)
