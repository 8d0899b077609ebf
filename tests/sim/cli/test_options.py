"""Options several commands take are declared once: before or after the command, the same run."""

from __future__ import annotations

import pytest

import main


def test_a_shared_option_after_the_command_replaces_the_top_level_one():
    before, _ = main.parse(["--seed", "3", "--preset", "healthy", "timeline", "--days", "2"])
    after, _ = main.parse(["timeline", "--seed", "3", "--preset", "healthy", "--days", "2"])
    assert vars(before) | {"given": None} == vars(after) | {"given": None}
    assert before.seed == 3 and before.preset == "healthy"
    both, _ = main.parse(["--seed", "3", "timeline", "--seed", "4"])
    assert both.seed == 4


def test_a_command_that_does_not_take_an_option_keeps_its_default():
    args, mode = main.parse(["timeline", "--csv", "rows.csv"])
    assert mode.NAME == "timeline" and args.csv == "rows.csv" and args.json is None
    args, mode = main.parse(["sweep", "--duration-ms", "2", "--vary", "blockade=0,1"])
    assert mode.NAME == "sweep" and args.duration_ms == 2.0 and args.csv is None


@pytest.mark.parametrize(
    ("argv", "mode"),
    [([], "window"), (["--headless", "--duration-ms", "1"], "headless"), (["params"], "params")],
)
def test_each_mode_is_one_module(argv, mode):
    _, module = main.parse(argv)
    package = "render.cli" if mode in ("window", "bench") else "sim.cli"
    assert module.__name__ == f"{package}.{mode}"
