"""The bench command: it prints its lines, refuses bad input, and its estimators are right.

No timing is asserted anywhere (the machine is shared): the speed figures
are only checked to be printed as finite positive numbers. The capture
bench's decay-rate fit is checked against the exact slab rate with a
tolerance from its own standard error.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.bench import capture as bench_capture
from sim.bench import command as bench_command
from sim.bench import engine as bench
from sim.bench import peer as bench_peer
from sim.bench import peer_compare
from sim.params.synapse import ParameterError
from sim.synapse.capture import first_order_probability, in_slab

ROOT = Path(__file__).resolve().parents[3]
N_SIGMA = 4.0


def run_main(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, env=env
    )


def _number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, (pattern, text)
    return float(match.group(1).replace(",", ""))


def test_bench_prints_step_headless_and_peer_lines():
    """A quick run prints the header, a step line per size, the headless line, and the peer's."""
    res = run_main("bench", "--quick", "--sizes", "300,600", "--no-render", "--peer", "smoldyn")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "excluded" in out.splitlines()[0]
    for n in ("300", "600"):
        line = next(x for x in out.splitlines() if x.startswith("step") and f" {n} free" in x)
        for pattern in (r"([\d.]+) us per step", r"([\d.]+) ns per molecule-step"):
            value = _number(pattern, line)
            assert math.isfinite(value) and value > 0, line
        assert "step() one at a time" in line
    headless = next(x for x in out.splitlines() if x.startswith("headless"))
    assert _number(r"([\d,]+) us simulated per wall second", headless) > 0
    peer = [x for x in out.splitlines() if x.startswith("peer")]
    if bench_peer.import_problem() is None:
        assert any("Smoldyn/Cleft" in x for x in peer), out
    else:  # not importable here: one line saying how to install it, and the run carries on
        assert len(peer) == 1 and "pip install smoldyn==2.76" in peer[0], out


@pytest.mark.parametrize(
    "args",
    [
        ("--sizes", "0"),
        ("--sizes", "10,ten"),
        ("--peer-python", sys.executable),  # without --peer
        ("--capture", "--peer", "smoldyn"),
        ("--peer", "other"),
    ],
)
def test_bench_bad_input_is_one_line_and_exit_2(args, capsys):
    import main

    with pytest.raises(SystemExit) as stop:
        main.main(["bench", "--no-render", *args])
    assert stop.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err


def test_parse_sizes():
    assert bench_command.parse_sizes(None) == bench.SIZES
    assert bench_command.parse_sizes("1000,5") == (1000, 5)
    for bad in ("", "1,,2", "-3", "2000000", "1.5"):
        with pytest.raises(ParameterError):
            bench_command.parse_sizes(bad)


def test_lecture_molecules_sit_near_the_synapse_in_the_cleft():
    params = bench.lecture_params()
    x, y, z = bench.lecture_positions(params, 5000)
    assert (x * x + y * y).max() <= bench.LECTURE_RADIUS_NM**2
    assert z.min() >= 0.0 and z.max() <= params.cleft_width_nm
    # Uniform over the disc: the inner half-radius holds a quarter of them (binomial SE).
    inner = (x * x + y * y < (bench.LECTURE_RADIUS_NM / 2) ** 2).mean()
    assert abs(inner - 0.25) < N_SIGMA * math.sqrt(0.25 * 0.75 / 5000)


def test_peer_probe_of_this_interpreter_agrees_with_import():
    """The subprocess probe (isolated mode, this file run by path) sees what an import sees."""
    here = bench_peer.import_problem()
    probed = bench_peer.probe_python(sys.executable)
    assert (here is None) == (probed is None), (here, probed)
    if here is not None:
        assert here in probed


def test_peer_spec_carries_the_models_sites_and_molecules():
    spec = peer_compare.peer_spec(400, steps=10)
    model = bench.lecture_model(400)
    assert len(spec["positions"]) == 400
    assert len(spec["sites"]) == model.sites.count
    assert spec["dt_us"] == model.dt_us and spec["d_nm2_per_us"] == model.d_nm2_per_us
    sert = spec["kinds"]["2"]
    p = model.params
    assert sert["uptake_per_us"] == pytest.approx(p.sert_kcat_per_ms / 1000.0)
    assert sert["kappa_nm_per_us"] == pytest.approx(float(model.site_table.kappa_nm_per_us.max()))


def _fit(case, rule, n=20_000):
    return bench_capture.measure_rate(case, n, rule, radius_nm=1000.0)


def test_capture_fit_recovers_the_exact_slab_rate():
    """Andrews' rule at P = 0.04: the fitted rate matches D*alpha1^2 within 4 SE + the
    busy-tile bound (the only bias the geometry adds; the exact rate has no tiles)."""
    case = bench_capture.Case("P=0.04", bench_capture._kappa_for(0.04, 10.0), 10.0)
    fit = _fit(case, "andrews")
    exact = bench_capture.exact_rates(case.kappa_nm_per_us)[0]
    assert fit.p_capture == pytest.approx(0.04, abs=1e-3)
    assert fit.competition < 0.005
    tol = N_SIGMA * fit.se_per_us + fit.competition * exact
    assert abs(fit.rate_per_us - exact) < tol, (fit, exact)


def test_capture_first_order_rule_is_what_it_says_and_faster():
    """At P = 0.3 the first-order probability is kappa*sqrt(pi*dt/D) and captures faster.

    Both rules are raised for the slab as the model raises them (by 2e-10 at 10 ns).
    """
    case = bench_capture.Case("P=0.3", bench_capture._kappa_for(0.3, 10.0), 10.0)
    ours, first = _fit(case, "andrews"), _fit(case, "first-order")
    sigma = math.sqrt(2.0 * 540.0 * 0.01)
    expected = in_slab(first_order_probability(case.kappa_nm_per_us, 0.01, 540.0), sigma, 20.0)
    assert first.p_capture == pytest.approx(expected, rel=1e-12)
    assert first.p_capture > ours.p_capture
    se = math.hypot(ours.se_per_us, first.se_per_us)
    assert first.rate_per_us - ours.rate_per_us > N_SIGMA * se, (ours, first)


def test_bench_history_prints_memory_cost_and_seek_times():
    """`bench --history --quick`: 2 ms of the default preset, its memory and seek figures."""
    out = run_main("bench", "--history", "--quick")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert _number(r"default: ([\d.]+) ms of", text) >= 1.9
    assert 0 < _number(r"kept in (\d+) MB", text) < 200
    assert _number(r"noting costs ([\d.]+)%", text) >= 0
    assert _number(r"shown in (\d+) ms CPU at the far end", text) >= 0
    assert "frame" not in text.lower()  # the frame cost is not part of this bench
