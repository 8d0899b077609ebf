"""Every bad input gets one line and exit 2: table tests of command lines and preset files.

Each case runs ``main.main(argv)`` in this process (a traceback would be an exception
here and fail the test) and checks: exit code 2, exactly one line on stderr, the line
names what is wrong (the option or parameter at fault), long values are shortened, and
nothing ran (no summary on stdout). A few cases also run as real processes, for the
promise as the user sees it ("no Traceback" on stderr).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import main as cli

ROOT = Path(__file__).resolve().parents[3]
LONG = "1" * 100_000
"""A 100,000-character value (the issue's case): echoed at most shortened."""
MAX_LINE_CHARS = 400
"""Longest error line accepted (a long value must be cut, not echoed whole)."""
H = ["--headless", "--duration-ms", "0.01"]


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def _one_line(code: int, out: str, err: str, needle: str) -> None:
    assert code == 2, (code, out, err)
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    assert len(err) <= MAX_LINE_CHARS, err[:500]
    assert needle in err, (needle, err)
    assert "released" not in out  # nothing was simulated


@pytest.fixture
def special(tmp_path):
    """A folder with a FIFO, a symlink to a file, a symlink to a folder and a dangling link."""
    (tmp_path / "file.csv").write_text("keep\n")
    os.mkfifo(tmp_path / "fifo.csv")
    os.symlink(tmp_path / "file.csv", tmp_path / "link.csv")
    os.symlink(tmp_path, tmp_path / "dirlink.csv")
    os.symlink(tmp_path / "nothing", tmp_path / "dangling.csv")
    (tmp_path / "taken.mp4").write_bytes(b"earlier")
    return tmp_path


COMMAND_LINES: list[tuple[list[str], str]] = [
    # --- misread input ---
    (["sweep", "--see", "3", "--blockade", "0", "--duration-ms", "1", "--out", "x.csv"], "--see"),
    (["--headless", "--frames", "5", "--duration-ms", "1"], "--frames"),
    (["--headless", "--duration-ms", "1", "--record", "x.mp4"], "--record"),
    (["--headless", "--duration-ms", "1", "--size", "800x600"], "--size"),
    ([*H, "--seed", "-inf"], "--seed"),
    ([*H, "--seed", "-1e5"], "--seed"),
    ([*H, "--seed", "1e3"], "--seed"),
    ([*H, "--seed", "9" * 40], "--seed"),
    ([*H, "--set", "receptor_kon_per_M_s=1e11"], "receptor_kon_per_M_s"),
    ([*H, "--set", f"dt_ns={LONG}"], "dt_ns"),
    ([*H, "--set", f"receptor_count={LONG}"], "receptor_count"),
    ([*H, "--set", f"{LONG}=1"], "unknown parameter"),
    ([*H, "--preset", LONG], "preset"),
    ([*H, "--preset", "two\nlines"], "preset"),
    (["--headless", "--duration-ms", LONG], "--duration-ms"),
    (["--head", "--duration-ms", "1"], "--head"),
    (["--headless", "--dur", "1"], "--dur"),
    (["--seed", "3", "params"], "--seed"),
    (["--blockade", "0.5", "presets"], "--blockade"),
    (["--headless", "bench"], "--headless"),
    (["--frames", "2", "--csv", "x.csv"], "--csv"),
    (["--preset", "healthy", "sweep", "--preset", "default", "--blockade", "0"], "--preset"),
    # --- sweep ranges that overflow ---
    (["sweep", "--blockade", "0:1e308:1e-10", "--duration-ms", "1", "--out", "x.csv"], "range"),
    (["sweep", "--blockade", "0:1:5e-324", "--duration-ms", "1", "--out", "x.csv"], "range"),
    (["sweep", "--blockade", "-0.5:1:0.5", "--duration-ms", "1", "--out", "x.csv"], "-0.5"),
    # --- plain bad values ---
    (["--headless"], "--duration-ms"),
    ([*H[:2], "abc"], "--duration-ms"),
    ([*H[:2], "-inf"], "--duration-ms"),
    ([*H[:2], "1e400"], "--duration-ms"),
    ([*H, "--blockade", "nan"], "--blockade"),
    ([*H, "--blockade", "1.2"], "--blockade"),
    ([*H, "--set", "dt_ns"], "NAME=VALUE"),
    ([*H, "--set", "=1"], "unknown parameter"),
    ([*H, "--set", "dt_ns="], "dt_ns"),
    ([*H, "--set", "edge=round"], "edge"),
    ([*H, "--set", "receptor_count=1.5"], "receptor_count"),
    ([*H, "--set", "receptor_count=1e400"], "receptor_count"),
    ([*H, "--set", "dt_ns=900"], "dt_ns"),
    ([*H, "--set", "sert_ring_inner_nm=500"], "sert_ring"),
    ([*H, "--preset", "no-such-preset"], "no-such-preset"),
    (["--size", "12x12"], "--size"),
    (["--size", LONG], "--size"),
    (["--frames", "-1"], "--frames"),
    (["--screenshot", "x.png"], "--frames"),
    (["--no-such-flag"], "--no-such-flag"),
]


@pytest.mark.parametrize(("argv", "needle"), COMMAND_LINES, ids=lambda v: str(v)[:40])
def test_bad_command_line_is_one_line_and_exit_2(argv, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _one_line(*_run(argv, capsys), needle)


def _outputs(d: Path) -> list[tuple[list[str], str]]:
    return [
        ([*H, "--csv", ""], "empty"),
        ([*H, "--csv", str(d / "a.csv"), "--json", str(d / "a.csv")], "same file"),
        ([*H, "--csv", str(d / "a.csv"), "--json", str(d / "." / "a.csv")], "same file"),
        ([*H, "--csv", str(d)], "directory"),
        ([*H, "--csv", str(d) + "/"], "folder"),
        ([*H, "--csv", str(d / "fifo.csv")], "FIFO"),
        ([*H, "--json", "/dev/null"], "device"),
        ([*H, "--csv", str(d / "link.csv")], "symbolic link"),
        ([*H, "--csv", str(d / "dirlink.csv")], "symbolic link"),
        ([*H, "--csv", str(d / "dangling.csv")], "symbolic link"),
        ([*H, "--csv", "/proc/cleft.csv"], "/proc"),
        ([*H, "--csv", str(d / "no" / "x.csv")], "does not exist"),
        ([*H, "--csv", str(d / ("x" * 300 + ".csv"))], "--csv"),
        ([*H, "--csv", str(d / (LONG + ".csv"))], "--csv"),
        (["--frames", "1", "--screenshot", "/proc/x.png"], "/proc"),
        (["--frames", "1", "--screenshot", str(d / "fifo.csv")], "--screenshot"),
        (["--frames", "1", "--screenshot", str(d / "x.jpg")], ".png"),
        (["--frames", "1", "--record", str(d / "x.avi")], ".mp4"),
        (["--frames", "1", "--record", str(d / "taken.mp4")], "never replace"),
        (["--frames", "1", "--record", "/proc/x.mp4"], "/proc"),
        (["--frames", "1", "--record", str(d / "a.gif"), "--screenshot", str(d / "a.gif")], ".png"),
    ]


def test_bad_outputs_are_one_line_and_exit_2_before_any_work(special, capsys):
    for argv, needle in _outputs(special):
        _one_line(*_run(argv, capsys), needle)
    assert (special / "file.csv").read_text() == "keep\n"  # the link target is untouched
    assert sorted(p.name for p in special.iterdir()) == sorted(
        ["file.csv", "fifo.csv", "link.csv", "dirlink.csv", "dangling.csv", "taken.mp4"]
    )


def test_combinations_that_need_too_much_memory_are_refused_with_the_gib(capsys, monkeypatch):
    monkeypatch.setenv("CLEFT_MEMORY_LIMIT_MB", "1000")
    cases = [
        (["--set", "tile_nm=1", "--set", "outer_radius_nm=5000"], "tile_nm = 1"),
        (
            ["--set", "molecules_per_vesicle=100000", "--set", "reserve_vesicles=990"],
            "molecules_per_vesicle = 100,000",
        ),
    ]
    for extra, needle in cases:
        for argv in ([*H, *extra], ["--frames", "1", *extra]):
            code, out, err = _run(argv, capsys)
            _one_line(code, out, err, needle)
            assert "GiB" in err


# ------------------------------------------------------------------ presets
PRESET_FILES: list[tuple[str, bytes, str]] = [
    ("bigint", b"[parameters]\nreceptor_count = " + b"9" * 400 + b"\n", "receptor_count"),
    ("bigint2", b"[display]\nplayback_us_per_s = " + b"9" * 5000 + b"\n", "4300 digits"),
    ("deep", b"[parameters]\nx = " + b"[" * 3000 + b"]" * 3000 + b"\n", "nested"),
    ("deeptable", b"x = " + b"{a=" * 1000 + b"1" + b"}" * 1000 + b"\n", "nested"),
    ("sources5", b"[preset]\nsources = 5\n", "sources"),
    ("sources_mixed", b'[preset]\nsources = ["a", 5]\n', "sources"),
    ("latin1", b'[preset]\ntitle = "caf\xe9"\n', "UTF-8"),
    ("utf16", '[preset]\ntitle = "x"\n'.encode("utf-16"), "latin"),
    ("binary", b"\x00\x01\x02\xff", "binary"),
    ("invalid", b"[parameters\n", "invalid TOML"),
    ("dup", b"[parameters]\n[parameters]\n", "invalid TOML"),
    ("array", b"[parameters]\ncleft_width_nm = [1, 2]\n", "cleft_width_nm"),
    ("table", b"[parameters]\ncleft_width_nm = {a = 1}\n", "cleft_width_nm"),
    ("date", b"[parameters]\ncleft_width_nm = 1979-05-27\n", "cleft_width_nm"),
    ("time", b"[parameters]\ncleft_width_nm = 07:32:00\n", "cleft_width_nm"),
    ("bool", b"[parameters]\ncleft_width_nm = true\n", "cleft_width_nm"),
    ("text", b'[parameters]\ncleft_width_nm = "20"\n', "cleft_width_nm"),
    ("nan", b"[parameters]\ncleft_width_nm = nan\n", "cleft_width_nm"),
    ("inf", b"[parameters]\ncleft_width_nm = -inf\n", "cleft_width_nm"),
    ("range", b"[parameters]\ncleft_width_nm = 1e9\n", "cleft_width_nm"),
    ("float_int", b"[parameters]\nreceptor_count = 1.5\n", "receptor_count"),
    ("edge", b"[parameters]\nedge = 5\n", "edge"),
    ("unknown_param", b"[parameters]\nbogus = 1\n", "bogus"),
    ("unknown_key", b"[parameters]\n" + b"k" * 100_000 + b" = 1\n", "unknown parameter"),
    ("unknown_table", b"[colours]\na = 1\n", "unknown table"),
    ("unknown_meta", b"[preset]\nauthor = 'me'\n", "author"),
    ("preset_int", b"preset = 5\n", "[preset]"),
    ("params_int", b"parameters = 5\n", "[parameters]"),
    ("display_array", b"display = [1]\n", "[display]"),
    ("base_int", b"[preset]\nbase = 5\n", "base"),
    ("base_missing", b'[preset]\nbase = "nowhere"\n', "nowhere"),
    ("base_long", b'[preset]\nbase = "' + b"b" * 5000 + b'"\n', "not found"),
    ("base_self", b'[preset]\nbase = "SELF"\n', "base"),
    ("title_int", b"[preset]\ntitle = 5\n", "title"),
    ("title_long", b'[preset]\ntitle = "' + b"t" * 10_000 + b'"\n', "title"),
    ("caption_table", b"[preset]\ncaption = {a = 1}\n", "caption"),
    ("playback_text", b'[display]\nplayback_us_per_s = "fast"\n', "playback_us_per_s"),
    ("playback_zero", b"[display]\nplayback_us_per_s = 0\n", "playback_us_per_s"),
    ("huge", b"# " + b"x" * 1_100_000 + b"\n", "bytes"),
]


@pytest.mark.parametrize(("name", "data", "needle"), PRESET_FILES, ids=[c[0] for c in PRESET_FILES])
def test_bad_preset_file_is_one_line_and_exit_2(name, data, needle, tmp_path, capsys):
    path = tmp_path / f"{name}.toml"
    data = data.replace(b"SELF", str(path).encode())
    path.write_bytes(data)
    code, out, err = _run([*H, "--preset", str(path)], capsys)
    if name == "utf16":  # BOM and NUL bytes: not UTF-8 either
        needle = "UTF-8"
    if name == "binary":
        needle = f"{name}.toml"
    _one_line(code, out, err, needle)
    assert f"{name}" in err  # the file is named


def test_preset_path_that_is_not_a_file(tmp_path, capsys):
    (tmp_path / "dir.toml").mkdir()
    os.mkfifo(tmp_path / "fifo.toml")
    for p in ("dir.toml", "fifo.toml"):
        _one_line(*_run([*H, "--preset", str(tmp_path / p)], capsys), "not a regular file")


# ------------------------------------------------------- as the user sees it
@pytest.mark.parametrize(
    "argv",
    [
        ["--headless", "--duration-ms", "0.01", "--csv", ""],
        ["--headless", "--duration-ms", "0.01", "--seed", "-inf"],
        ["--frames", "1", "--screenshot", "/proc/x.png"],
    ],
)
def test_real_process_prints_one_line_and_exits_2(argv):
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    res = subprocess.run(
        [sys.executable, "main.py", *argv], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert res.returncode == 2, res
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr, res.stderr
    assert res.stdout == ""
