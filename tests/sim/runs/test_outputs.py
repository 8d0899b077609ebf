"""The output rule (sim/outputs.py, README "Outputs"), one test per rule.

1. checked before any work starts (empty path, folder, directory/FIFO/device/socket,
   symbolic links, two options naming one file);
2. written to a uniquely named partial file, moved into place only when complete;
3. mode from the umask;
4. partial files removed on failure and on the next start after a kill;
5. a recording never replaces a file it did not write; stopping ends within seconds;
   the encoder's own messages never reach the terminal.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from render.media import encoders
from render.media.recording import RecordingError, VideoRecorder
from sim.runs.outputs import (
    OutputError,
    atomic_output,
    check_outputs,
    partial_path,
    publish,
    remove_stale_partials,
    write_text,
    write_via,
)

ROOT = Path(__file__).resolve().parents[3]
ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
FRAME = bytes(64 * 48 * 3)


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------- 1. checked first
def test_every_kind_of_bad_path_is_refused_naming_the_option(tmp_path):
    (tmp_path / "file").write_text("x")
    os.mkfifo(tmp_path / "fifo")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "sock"))
    os.symlink(tmp_path / "file", tmp_path / "link")
    os.symlink(tmp_path, tmp_path / "dirlink")
    os.symlink(tmp_path / "none", tmp_path / "dangling")
    os.link(tmp_path / "file", tmp_path / "hard")
    before = _names(tmp_path)
    cases = {
        "": "empty",
        "   ": "empty",
        "a\0b": "NUL",
        str(tmp_path / "no" / "x.csv"): "does not exist",
        str(tmp_path / "file" / "x.csv"): "not a folder",
        str(tmp_path): "directory",
        str(tmp_path / "fifo"): "FIFO",
        str(tmp_path / "sock"): "socket",
        "/dev/null": "device",
        str(tmp_path / "link"): "symbolic link",
        str(tmp_path / "dirlink"): "symbolic link",
        str(tmp_path / "dangling"): "symbolic link",
        "/proc/cleft-x.csv": "cannot create",
        str(tmp_path / ("n" * 300)): "--out",
    }
    try:
        for value, rule in cases.items():
            with pytest.raises(OutputError) as exc:
                check_outputs({"--out": value})
            text = str(exc.value)
            assert text.startswith("--out") and rule in text and "\n" not in text, (value, text)
    finally:
        sock.close()
    for a, b in (
        (tmp_path / "a.csv", tmp_path / "a.csv"),
        (tmp_path / "a.csv", tmp_path / "." / "a.csv"),
        (tmp_path / "file", tmp_path / "hard"),  # one file, two names
    ):
        with pytest.raises(OutputError, match="--csv and --json name the same file"):
            check_outputs({"--csv": a, "--json": b})
    assert _names(tmp_path) == before  # the writability probe left nothing
    assert check_outputs({"--csv": tmp_path / "ok.csv", "--json": None}) == {
        "--csv": tmp_path.resolve() / "ok.csv"
    }


def test_a_bad_output_stops_the_command_before_it_simulates(tmp_path, capsys):
    import main as cli

    t0 = time.perf_counter()
    with pytest.raises(SystemExit) as exc:  # 1000 ms of simulated time would take hours
        cli.main(["--headless", "--duration-ms", "1000", "--json", "/proc/x.json"])
    err = capsys.readouterr()
    assert exc.value.code == 2 and err.err.count("\n") == 1 and "--json" in err.err
    assert err.out == "" and time.perf_counter() - t0 < 10


# ------------------------------------------- 2. partial, then into place
def test_the_target_appears_only_complete_and_partials_are_unique(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with atomic_output(target) as a, atomic_output(target) as b:
        pa, pb = Path(a.name), Path(b.name)
        assert pa != pb and pa.parent == pb.parent == tmp_path
        for p in (pa, pb):
            assert re.fullmatch(rf"\.out\.csv\.partial-{os.getpid()}-[0-9a-f]{{8}}\.csv", p.name)
        a.write("first\n")
        b.write("second\n")
        assert target.read_text() == "old\n"  # nothing half-written is visible
    assert target.read_text() == "first\n"  # the outer block finished last
    assert _names(tmp_path) == ["out.csv"]
    assert len(partial_path(tmp_path / ("y" * 254 + ".png")).name.encode()) <= 255


def test_two_recordings_to_one_path_one_wins_whole_and_the_other_fails(tmp_path):
    out = tmp_path / "same.gif"
    cmd = [sys.executable, "main.py", "--frames", "6", "--size", "800x450", "--record", str(out)]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = []
    try:
        for p in procs:
            _, err = p.communicate(timeout=120)
            results.append((p.returncode, err.decode()))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    loser = next(err for code, err in results if code == 2)
    assert loser.count("\n") == 1 and "Traceback" not in loser
    import imageio.v2 as iio

    assert len(iio.mimread(out)) == 6  # the winner's whole recording
    assert _names(tmp_path) == ["same.gif"]


# --------------------------------------------------------- 3. the umask
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_outputs_get_their_mode_from_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_text(tmp_path / "a.json", "{}\n")
        with atomic_output(tmp_path / "b.bin", "wb") as fh:
            fh.write(b"\0")
        write_via(tmp_path / "c.png", lambda p: Path(p).write_bytes(b"png"))
        rec = VideoRecorder(tmp_path / "d.gif", (64, 48), 30, block=True)
        rec.add_frame(FRAME, (64, 48))
        rec.finish()
    finally:
        os.umask(old)
    for name in ("a.json", "b.bin", "c.png", "d.gif"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~umask, name


def test_headless_outputs_get_their_mode_from_the_umask(tmp_path, capsys):
    import main as cli

    old = os.umask(0o027)
    try:
        code = cli.main(
            [
                "--headless",
                "--duration-ms",
                "0.01",
                "--csv",
                str(tmp_path / "a.csv"),
                "--json",
                str(tmp_path / "a.json"),
            ]
        )
    finally:
        os.umask(old)
    assert code == 0, capsys.readouterr().err
    for name in ("a.csv", "a.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o640


# ------------------------------------------------------ 4. on failure
@pytest.mark.parametrize(
    "error", [ValueError("bad"), KeyboardInterrupt(), OSError(errno.ENOSPC, "full")]
)
def test_a_failed_write_leaves_nothing_and_keeps_the_old_file(tmp_path, error):
    (tmp_path / "keep.csv").write_text("old\n")
    with pytest.raises(type(error)):
        with atomic_output(tmp_path / "keep.csv") as fh:
            fh.write("half")
            raise error
    with pytest.raises(type(error)):
        write_via(tmp_path / "new.png", lambda p: (Path(p).write_bytes(b"half"), _raise(error)))
    assert _names(tmp_path) == ["keep.csv"] and (tmp_path / "keep.csv").read_text() == "old\n"


def _raise(error: BaseException) -> None:
    raise error


def test_a_run_that_fails_midway_leaves_no_csv(tmp_path, monkeypatch, capsys):
    import main as cli
    from sim.synapse.model import Synapse

    run_steps = Synapse.run_steps

    def broken(self, n):
        run_steps(self, min(n, 200))  # some rows are streamed, then the disk fills up
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Synapse, "run_steps", broken)
    with pytest.raises(SystemExit) as exc:
        cli.main(["--headless", "--duration-ms", "1", "--csv", str(tmp_path / "a.csv")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and err.count("\n") == 1 and "No space" in err
    assert _names(tmp_path) == []


def test_a_terminated_headless_run_removes_its_partial_csv(tmp_path):
    proc = subprocess.Popen(
        [
            sys.executable,
            "main.py",
            "--headless",
            "--duration-ms",
            "1e4",
            "--csv",
            str(tmp_path / "a.csv"),
        ],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_partial(tmp_path, proc)
    finally:
        proc.terminate()
        code = proc.wait(30)
    assert code == 128 + signal.SIGTERM and _names(tmp_path) == []


def _wait_for_partial(folder: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not any(".partial-" in n for n in _names(folder)):
        assert time.monotonic() < deadline and proc.poll() is None, "no partial file appeared"
        time.sleep(0.1)


def test_partials_of_a_killed_run_are_removed_at_the_next_start(tmp_path):
    out = tmp_path / "long.csv"
    proc = subprocess.Popen(
        [sys.executable, "main.py", "--headless", "--duration-ms", "10000", "--csv", str(out)],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_partial(tmp_path, proc)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    left = _names(tmp_path)
    assert len(left) == 1 and f".partial-{proc.pid}-" in left[0]  # kill -9 cannot clean up
    mine = tmp_path / f".other.csv.partial-{os.getpid()}-0123abcd.csv"
    mine.write_text("a live writer's file")
    check_outputs({"--csv": out})  # what the next command does first
    assert _names(tmp_path) == [mine.name]  # the dead run's file went, the live one stays
    assert remove_stale_partials(tmp_path) == 0


# ----------------------------------------- 5. recordings and publishing
def test_no_replace_refuses_atomically_and_keeps_the_other_file(tmp_path):
    (tmp_path / "a.mp4").write_bytes(b"someone else's")
    with pytest.raises(OutputError, match="not overwritten"):
        with atomic_output(tmp_path / "a.mp4", "wb", replace=False) as fh:
            fh.write(b"mine")
    assert (tmp_path / "a.mp4").read_bytes() == b"someone else's"
    assert _names(tmp_path) == ["a.mp4"]


def test_a_link_that_appears_before_publishing_is_not_replaced(tmp_path):
    (tmp_path / "elsewhere").write_text("precious")
    partial = partial_path(tmp_path / "a.csv")
    partial.write_text("data")
    os.symlink(tmp_path / "elsewhere", tmp_path / "a.csv")
    with pytest.raises(OutputError, match="symbolic link"):
        publish(partial, tmp_path / "a.csv")
    assert (tmp_path / "elsewhere").read_text() == "precious" and not partial.exists()


def test_a_named_recording_never_replaces_a_file_that_appeared(tmp_path):
    rec = VideoRecorder(tmp_path / "talk.gif", (64, 48), 30, block=True, explicit=True)
    rec.add_frame(FRAME, (64, 48))
    (tmp_path / "talk.gif").write_bytes(b"written meanwhile")
    with pytest.raises(RecordingError, match="not overwritten"):
        rec.finish()
    assert (tmp_path / "talk.gif").read_bytes() == b"written meanwhile"
    assert _names(tmp_path) == ["talk.gif"]


def test_a_stalled_encoder_is_given_up_within_seconds(tmp_path, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(encoders.GifWriter, "write", lambda self, arr: release.wait(60))
    rec = VideoRecorder(tmp_path / "stall.gif", (64, 48), 30, block=False)
    rec.add_frame(FRAME, (64, 48))
    t0 = time.perf_counter()
    try:
        with pytest.raises(RecordingError, match="did not finish"):
            rec.finish(timeout_s=0.5)
        assert time.perf_counter() - t0 < 0.5 + encoders.KILL_WAIT_S + 1.0
    finally:
        release.set()
    assert _names(tmp_path) == []


def test_ffmpeg_failure_is_one_line_and_its_messages_stay_off_the_terminal(tmp_path, capfd):
    rec = VideoRecorder(tmp_path / "x.mp4", (64, 48), 30, block=True)
    frame = np.full((48, 64, 3), 200, np.uint8).tobytes()
    rec.add_frame(frame, (64, 48))
    deadline = time.monotonic() + 20
    while rec._writer is None and time.monotonic() < deadline:
        time.sleep(0.01)
    rec._writer._proc.kill()  # the encoder dies mid-recording
    for _ in range(40):
        rec.add_frame(frame, (64, 48))
    with pytest.raises(RecordingError) as exc:
        rec.finish()
    assert "\n" not in str(exc.value) and "ffmpeg" in str(exc.value)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    assert _names(tmp_path) == []


def test_screenshot_and_recording_into_an_unwritable_folder_fail_at_the_start(tmp_path):
    with pytest.raises(RecordingError, match="cannot record"):
        VideoRecorder(Path("/proc/x.gif"), (64, 48), 30)
    with pytest.raises(OSError):
        write_via(Path("/proc/x.png"), lambda p: Path(p).write_bytes(b"x"))
