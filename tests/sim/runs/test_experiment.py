"""Experiment files and grids (sim/experiment.py): the shipped files, run order, ids, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

import main
from sim.params.synapse import ParameterError
from sim.runs.experiment import from_options
from sim.runs.experiment_file import load_experiment

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = sorted((ROOT / "assets" / "experiments").glob("*.toml"))


def test_the_shipped_experiment_files_load():
    assert [p.name for p in SHIPPED] == ["blockade-by-firing.toml", "sert-density.toml"]
    for path in SHIPPED:
        exp = load_experiment(path)
        assert exp.name == path.stem
        assert exp.out == f"{path.stem}.csv" and exp.plot == f"{path.stem}.png"
        assert exp.n_runs == len(exp.jobs()) > 1


def test_the_issues_example_file_is_the_command_line_grid():
    exp = load_experiment(ROOT / "assets/experiments/blockade-by-firing.toml")
    assert exp.varied == (("blockade", (0.0, 0.4, 0.8)), ("firing_rate_hz", (250.0, 500.0)))
    assert exp.seeds == (0, 1) and exp.duration_ms == 5.0
    same = from_options(
        "default", {}, ["blockade=0:0.8:0.4", "firing_rate_hz=250,500"], 2, 5.0,
        metrics="clearance_tau_ms,mean_cleft_uM,receptor_occupancy_mean,released",
    )  # fmt: skip
    assert same.experiment_id == exp.experiment_id  # the id is the grid, not its name
    assert [j["inputs"] for j in same.jobs()] == [j["inputs"] for j in exp.jobs()]


def test_run_order_is_the_grid_product_with_the_seed_innermost():
    exp = from_options("default", {}, ["blockade=0,0.5", "sert_count=300,600,900"], 2, 0.01)
    jobs = exp.jobs()
    assert [j["run"] for j in jobs] == list(range(12))
    assert [(j["inputs"]["blockade"], j["inputs"]["sert_count"], j["seed"]) for j in jobs[:4]] == [
        (0.0, 300, 0), (0.0, 300, 1), (0.0, 600, 0), (0.0, 600, 1)
    ]  # fmt: skip
    assert jobs[-1]["inputs"] == {"blockade": 0.5, "sert_count": 900} and jobs[-1]["seed"] == 1


def test_the_id_changes_with_anything_that_changes_the_numbers(tmp_path):
    base = from_options("default", {}, ["blockade=0,0.5"], 2, 0.01)
    assert from_options("default", {}, ["blockade=0,0.5"], 2, 0.01).experiment_id == (
        base.experiment_id
    )
    others = [
        from_options("default", {"sert_count": 300}, ["blockade=0,0.5"], 2, 0.01),
        from_options("single-release", {}, ["blockade=0,0.5"], 2, 0.01),
        from_options("default", {}, ["blockade=0,0.6"], 2, 0.01),
        from_options("default", {}, ["blockade=0,0.5"], 3, 0.01),
        from_options("default", {}, ["blockade=0,0.5"], 2, 0.02),
        from_options("default", {}, ["blockade=0,0.5"], 2, 0.01, metrics="released"),
    ]
    ids = {e.experiment_id for e in others}
    assert len(ids) == len(others) and base.experiment_id not in ids
    # A preset file is identified by what it resolves to, so editing it changes the id.
    preset = tmp_path / "mine.toml"
    preset.write_text('[preset]\nbase = "default"\n[parameters]\nsert_count = 600\n')
    a = from_options(str(preset), {}, ["blockade=0,0.5"], 2, 0.01).experiment_id
    preset.write_text('[preset]\nbase = "default"\n[parameters]\nsert_count = 700\n')
    assert from_options(str(preset), {}, ["blockade=0,0.5"], 2, 0.01).experiment_id != a


GOOD = """
[experiment]
name = "ok"
duration_ms = 0.01
seeds = 1
[vary]
blockade = [0.0, 0.5]
"""


@pytest.mark.parametrize(
    "text, words",
    [
        ("[experiment\nname = 1", "invalid TOML"),
        ("[experiment]\nduration_ms = 0.01\n[vary]\nblockade = [0]", "needs name"),
        ("[experiment]\nname = 'x'\n[vary]\nblockade = [0]", "needs duration_ms"),
        (GOOD + "[extra]\n", "unknown table"),
        (GOOD.replace('name = "ok"', 'name = "ok"\ncolour = 3'), "unknown key"),
        (GOOD.replace('"ok"', '"has space"'), "name"),
        (GOOD.replace("seeds = 1", "seeds = 0"), "seeds"),
        (GOOD.replace("seeds = 1", "seeds = [1, 1]"), "twice"),
        (GOOD.replace("seeds = 1", "seeds = 1.5"), "seeds"),
        (GOOD.replace("duration_ms = 0.01", "duration_ms = -1"), "duration_ms"),
        (GOOD.replace("duration_ms = 0.01", "duration_ms = 'long'"), "duration_ms"),
        (GOOD.replace("[0.0, 0.5]", "[0.0, 1.5]"), "out of range"),
        (GOOD.replace("[0.0, 0.5]", "'0:2:1'"), "out of range"),
        (GOOD.replace("[0.0, 0.5]", "[]"), "empty"),
        (GOOD.replace("[0.0, 0.5]", "['a']"), "not text"),
        (GOOD.replace("[0.0, 0.5]", "{ lo = 0 }"), "expected a list"),
        (GOOD.replace("blockade", "no_such_parameter"), "unknown parameter"),
        (GOOD + "[parameters]\nsert_count = 2.5\n", "whole number"),
        (GOOD + "[parameters]\nblockade = 0.1\n", "both fixed"),
        (GOOD + "[parameters]\nsert_count = 'many'\n", "not text"),
        (GOOD.replace('name = "ok"', 'name = "ok"\nmetrics = ["bogus"]'), "unknown metric"),
        (GOOD.replace('name = "ok"', 'name = "ok"\npreset = "nope"'), "nope"),
        (GOOD + "[outputs]\ncsv = 3\n", "csv"),
        (GOOD + "[outputs]\nmovie = 'x.mp4'\n", "unknown key"),
        (GOOD.replace("[vary]\n", "vary = 3\n[vary]\n"), "unknown key"),
    ],
)
def test_bad_experiment_files_give_one_line_naming_the_file(text, words, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ParameterError) as err:
        load_experiment(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith("experiment bad.toml") and words in message


def test_unreadable_experiment_files(tmp_path):
    for path, words in [
        (tmp_path / "missing.toml", "not found"),
        (tmp_path, "must end in .toml"),
        (tmp_path / "dir.toml", "folder"),
        (tmp_path / "binary.toml", "UTF-8"),
    ]:
        if path.name == "dir.toml":
            path.mkdir()
        if path.name == "binary.toml":
            path.write_bytes(b"\xff\xfe\x00name")
        with pytest.raises(ParameterError, match=words):
            load_experiment(path)


def test_the_command_refuses_a_bad_file_with_exit_code_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace("[0.0, 0.5]", "[0.0, 1.5]"))
    with pytest.raises(SystemExit) as exit_:
        main.main(["sweep", "--experiment", str(path), "--out", str(tmp_path / "o.csv")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.toml" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_:
        main.main(["sweep", "--experiment", str(path), "--vary", "blockade=0,1"])
    assert exit_.value.code == 2
    assert "--experiment defines the grid" in capsys.readouterr().err


def test_an_experiment_file_runs_and_its_outputs_can_be_overridden(tmp_path, capsys, monkeypatch):
    path = tmp_path / "small.toml"
    path.write_text(GOOD + "[outputs]\ncsv = 'from-file.csv'\n")
    monkeypatch.chdir(tmp_path)
    assert main.main(["sweep", "--experiment", str(path), "--workers", "1", "--seeds", "2"]) == 0
    text = (tmp_path / "from-file.csv").read_text()
    assert text.count("\n") == 1 + 4  # header, 2 blockades x 2 seeds (--seeds overrides)
    out = tmp_path / "elsewhere.csv"
    assert main.main(["sweep", "--experiment", str(path), "--workers", "1", "--out", str(out)]) == 0
    assert out.read_text().count("\n") == 1 + 2
    capsys.readouterr()
