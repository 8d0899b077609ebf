"""The headless command line: outputs, byte-identical CSV, and one-line errors with exit 2."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run_main(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, env=env
    )


def test_headless_writes_csv_and_json_and_csv_is_byte_identical(tmp_path):
    a_csv, b_csv, a_json = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "a.json"
    common = ["--headless", "--preset", "single-release", "--duration-ms", "0.3", "--seed", "7"]
    first = run_main(*common, "--csv", str(a_csv), "--json", str(a_json))
    assert first.returncode == 0, first.stderr
    assert "released" in first.stdout
    second = run_main(*common, "--csv", str(b_csv))
    assert second.returncode == 0, second.stderr
    assert a_csv.read_bytes() == b_csv.read_bytes()

    with a_csv.open() as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[0] == "time_ms"
    for col in ("cleft_uM", "receptor_occupancy", "taken_up", "n_free", "blockade"):
        assert col in header
    assert len(rows) == 1 + 301  # samples every 1 us from 0 to 300 us

    summary = json.loads(a_json.read_text())
    for key in (
        "time_ms",
        "seed",
        "preset",
        "blockade",
        "counts",
        "released",
        "taken_up",
        "degraded",
        "lost",
        "synthesised",
        "receptor_occupancy_mean",
        "peak_cleft_uM",
        "clearance_tau_ms",
        "parameters",
    ):
        assert key in summary, key
    assert summary["seed"] == 7 and summary["preset"] == "single-release"
    assert summary["released"] > 0 and summary["clearance_tau_ms"] > 0
    assert summary["conservation_error"] == 0
    assert summary["parameters"]["cleft_width_nm"] == 20.0


def test_no_release_gives_null_clearance(tmp_path):
    out = tmp_path / "s.json"
    res = run_main(
        "--headless", "--duration-ms", "0.01", "--set", "first_spike_ms=-1", "--json", str(out)
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(out.read_text())["clearance_tau_ms"] is None


@pytest.mark.parametrize(
    "args",
    [
        ["--headless"],
        ["--headless", "--duration-ms", "abc"],
        ["--headless", "--duration-ms", "-1"],
        ["--headless", "--duration-ms", "nan"],
        ["--headless", "--duration-ms", "1", "--blockade", "1.2"],
        ["--headless", "--duration-ms", "1", "--seed", "-4"],
        ["--headless", "--duration-ms", "1", "--preset", "no-such-preset"],
        ["--headless", "--duration-ms", "1", "--set", "bogus=1"],
        ["--headless", "--duration-ms", "1", "--set", "dt_ns=inf"],
        ["--headless", "--duration-ms", "1", "--set", "dt_ns=900"],
        ["--headless", "--duration-ms", "1", "--csv", "/no/such/dir/x.csv"],
        ["--frames", "0"],
        ["--size", "12x12"],
        ["--screenshot", "x.png"],
        ["--no-such-flag"],
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, capsys):
    import main as cli

    with pytest.raises(SystemExit) as exc:  # in this process: a traceback would fail here
        cli.main(args)
    err = capsys.readouterr().err
    assert exc.value.code == 2, (args, err)
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["--headless"], ["--no-such-flag"]])
def test_bad_input_in_a_real_process_is_one_line_and_exit_2(args):
    res = run_main(*args)
    assert res.returncode == 2, (args, res.stdout, res.stderr)
    assert res.stderr.count("\n") == 1 and "Traceback" not in res.stderr, res.stderr


def test_help_explains_every_option():
    res = run_main("--help")
    assert res.returncode == 0
    for option in (
        "--headless",
        "--duration-ms",
        "--preset",
        "--blockade",
        "--seed",
        "--set",
        "--csv",
        "--json",
        "--frames",
        "--screenshot",
        "--size",
        "bench",
    ):
        assert option in res.stdout


def test_params_lists_units_ranges_and_sources():
    res = run_main("params")
    assert res.returncode == 0
    assert "cleft_width_nm = 20.0 nm" in res.stdout
    assert "valid: [5.0, 500.0] nm" in res.stdout
    assert res.stdout.count("source:") > 30


# ------------------------------------------------ streamed recorder
MULTI = {"molecules_per_vesicle": 200, "firing_rate_hz": 5000.0}
"""Action potentials every 0.2 ms: several releases in a short run."""


def test_streamed_csv_and_summary_equal_the_full_record(tmp_path):
    from sim.runs.headless import csv_text, run_headless, summary

    preset, full = run_headless("default", 0.7, 5, None, MULTI)
    _, streamed = run_headless("default", 0.7, 5, None, MULTI, csv_path=tmp_path / "s.csv")
    assert full.counters["action_potentials"] >= 3
    assert (tmp_path / "s.csv").read_text() == csv_text(full)
    a, b = summary(preset, full), summary(preset, streamed)
    assert a["clearance_tau_ms"] is not None
    for key, value in a.items():
        if isinstance(value, float):
            assert b[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key
        else:
            assert b[key] == value, key
    assert streamed.recorder.n == full.recorder.n == len(csv_text(full).splitlines()) - 1


def test_a_streamed_headless_run_keeps_memory_flat():
    import tracemalloc

    from sim.runs.headless import build
    from sim.synapse.recorder import COLUMN_NAMES

    quiet = {  # nothing released or synthesised: the recorder is all that could grow
        "first_spike_ms": -1.0,
        "synthesis_per_ms": 0.0,
        "sample_interval_us": 0.01,
        "molecules_per_vesicle": 50,
    }
    tail = 256

    def growth(stream: bool) -> int:
        _, model = build("default", 0, None, quiet)
        if stream:
            model.recorder.stream_to(None, tail_rows=tail)
        model.run(0.003)
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        model.run(0.03)
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        assert model.recorder.n > 4 * tail  # the tail buffer has wrapped round
        return after - before

    row_bytes = 8 * len(COLUMN_NAMES)
    rows = int(0.03 / 1e-5)  # samples of a 0.03 ms run at 0.01 us
    assert growth(stream=False) > 0.5 * rows * row_bytes  # the full record grows
    assert growth(stream=True) < 0.05 * rows * row_bytes  # the streamed one does not
