"""Headless tissue runs: the synapse's JSON/CSV contract where it applies, plus the ambient keys."""

import csv
import json

import numpy as np
import pytest

from main import main
from sim.params.presets import available, load_preset
from sim.tissue.model import COLUMN_NAMES

CONTRACT_KEYS = (
    "time_ms",
    "seed",
    "preset",
    "blockade",
    "dt_ns",
    "counts",
    "released",
    "taken_up",
    "injected",
    "action_potentials",
    "vesicles_fused",
    "autoreceptor_occupancy_mean",
    "conservation_error",
    "parameters",
)


def _run(tmp_path, name, *extra):
    out_json, out_csv = tmp_path / f"{name}.json", tmp_path / f"{name}.csv"
    args = ["--headless", "--preset", "tissue", "--duration-ms", "300", "--seed", "4"]
    rc = main([*args, *extra, "--json", str(out_json), "--csv", str(out_csv)])
    assert rc == 0
    return json.loads(out_json.read_text()), out_csv


def test_headless_tissue_summary_and_csv(tmp_path, capsys):
    s, path = _run(tmp_path, "a")
    assert "ambient 5-HT" in capsys.readouterr().out
    for key in (*CONTRACT_KEYS, "ambient_nM", "ambient_nM_sd", "ambient_slope_nM_per_s"):
        assert key in s, key
    assert s["model"] == "tissue" and s["preset"] == "tissue" and s["seed"] == 4
    assert s["conservation_error"] == 0 and s["time_ms"] == 300.0
    assert s["released"] + s["initial"] == s["counts"]["free"] + s["taken_up"]
    with path.open() as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == COLUMN_NAMES
    assert len(rows) == 1 + 31  # every 10 ms from 0 to 300 ms
    t = np.array([float(r[0]) for r in rows[1:]])
    amb = np.array([float(r[COLUMN_NAMES.index("ambient_nM")]) for r in rows[1:]])
    last = t >= 200.0  # the last third of 300 ms
    assert s["ambient_nM"] == pytest.approx(amb[last].mean(), rel=1e-9)
    assert s["ambient_nM_sd"] == pytest.approx(amb[last].std(ddof=1), rel=1e-6)
    _, again = _run(tmp_path, "b")
    assert again.read_bytes() == path.read_bytes()  # same seed: byte-identical CSV


def test_blockade_and_feedback_switch_from_the_command_line(tmp_path):
    s, _ = _run(tmp_path, "c", "--blockade", "0.8", "--set", "autoreceptor_feedback=false")
    assert s["blockade"] == 0.8 and s["parameters"]["autoreceptor_feedback"] is False
    # the competitive SSRI: exactly 1/(1 - f) = 5x the drug-free steady state (see test_tissue)
    base = s["parameters"]["ambient_target_nM"]
    assert s["steady_state_nM_meanfield"] == pytest.approx(5.0 * base, rel=3e-3)
    on = load_preset("tissue-ssri")
    assert on.model == "tissue" and on.params.blockade == 0.8
    assert on.params.autoreceptor_feedback is True


def test_tissue_presets_are_listed_apart_from_the_synapse_ones():
    assert {"tissue", "tissue-ssri"} <= set(available("tissue"))
    assert not {"tissue", "tissue-ssri"} & set(available())
    assert {"tissue", "default"} <= set(available(None))


@pytest.mark.parametrize(
    "args, fragment",
    [
        (
            [
                "--headless",
                "--preset",
                "tissue",
                "--duration-ms",
                "10",
                "--set",
                "autoreceptor_feedback=maybe",
            ],
            "true or false",
        ),  # fmt: skip
        (
            ["--headless", "--preset", "tissue", "--duration-ms", "10", "--set", "sert_count=3"],
            "tissue model",
        ),  # fmt: skip
        (
            ["--headless", "--preset", "tissue", "--duration-ms", "10", "--set", "cube_um=1000"],
            "out of range",
        ),  # fmt: skip
        (["--preset", "tissue", "--frames", "1", "--tour"], "--tour starts at the synapse"),
        (["--preset", "tissue", "--frames", "1", "--compare"], "--compare starts at the"),
        (["--preset", "tissue", "--frames", "1", "--set", "sert_count=3"], "tissue model"),
    ],
)
def test_bad_tissue_input_is_one_line_and_exit_2(args, fragment, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1


def _watch_tissue_frames(monkeypatch):
    """Record (tissue on, tissue ms, blockade, slider value, preset, feedback) at each frame."""
    from render.tissue.mode import TissueMode

    seen, draw = [], TissueMode.draw

    def spy(self, surface):
        draw(self, surface)
        slider = self.widgets.blockade_slider
        m = self.model
        seen.append((self.on, m.time_ms, m.blockade, slider.get(), self.preset.name, m.feedback))

    monkeypatch.setattr(TissueMode, "draw", spy)
    return seen


@pytest.mark.parametrize("preset", ["tissue", "tissue-ssri"])
def test_a_scripted_window_run_of_a_tissue_preset_opens_on_the_tissue(tmp_path, monkeypatch,
                                                                      preset):  # fmt: skip
    import pygame

    from render.tissue.clock import tissue_steps

    seen = _watch_tissue_frames(monkeypatch)
    shot = tmp_path / "t.png"
    n = 30
    args = ["--preset", preset, "--frames", str(n), "--screenshot", str(shot), "--seed", "2"]
    assert main([*args, "--size", "960x540"]) == 0
    assert pygame.image.load(str(shot)).get_size() == (960, 540)
    assert len(seen) == n and all(on for on, *_ in seen)  # every frame showed the tissue
    p = load_preset(preset).params
    owed, steps = 0, 0
    for _ in range(n):  # the clock rule: 1/60 s of tissue per scripted frame, whole steps
        k, owed = tissue_steps(owed, 1 / 60, p.dt_ms)
        steps += k
    assert seen[-1][1] == pytest.approx(steps * p.dt_ms) and seen[-1][1] > seen[0][1] > 0
    assert {s[4] for s in seen} == {preset}
    assert seen[-1][2] == p.blockade and seen[-1][3] == p.blockade  # the model and the slider


def test_window_blockade_and_settings_go_to_the_tissue(tmp_path, monkeypatch):
    seen = _watch_tissue_frames(monkeypatch)
    args = ["--preset", "tissue", "--frames", "2", "--blockade", "0.35"]
    assert main([*args, "--set", "autoreceptor_feedback=false"]) == 0
    assert seen[-1][2] == 0.35 and seen[-1][3] == 0.35 and seen[-1][5] is False


def test_a_treatment_day_on_the_tissue_is_a_pure_function_of_its_job():
    from sim.tissue.day import run_tissue_day
    from sim.tissue.theory import steady_state_nM

    job = {"blockade": 0.8, "firing_rate_hz": 0.2, "autoreceptor_sensitivity": 0.5, "seed": 3,
           "duration_ms": 300.0, "overrides": {"cube_um": 10.0}}  # fmt: skip
    a, b = run_tissue_day(job), run_tissue_day(dict(job))
    assert a == b and a["time_ms"] == 300.0 and a["blockade"] == 0.8
    p = load_preset("tissue", {"cube_um": 10.0, "blockade": 0.8, "firing_rate_hz": 0.2,
                               "autoreceptor_sensitivity": 0.5}).params  # fmt: skip
    assert a["steady_state_nM_meanfield"] == pytest.approx(steady_state_nM(p))
    with pytest.raises(ValueError, match="not a tissue preset"):
        run_tissue_day({**job, "preset": "default", "overrides": {}})
