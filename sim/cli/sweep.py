"""``main.py sweep``: an experiment, every grid point of the varied parameters x seeds, on Dask.

Rows are streamed to a CSV as runs finish; ``--resume`` completes a sweep
(:func:`sim.runs.sweep.cli_sweep`). Synapse presets only.
"""

from __future__ import annotations

import argparse

from sim.cli import options
from sim.cli.parser import fail
from sim.cli.values import overrides, whole

NAME = "sweep"
READS = frozenset({"preset", "set"})
"""The top-level options (by dest) the command reads."""


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``sweep`` and its options to the ``commands``."""
    sw = commands.add_parser(
        NAME,
        help="an experiment: every grid point of the varied parameters x seeds, on Dask; "
        "rows streamed to a CSV, --resume completes it",
    )
    sw.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="NAME=SPEC",
        help="vary a parameter over START:STOP:STEP or A,B,C (repeatable; the grid is the product)",
    )
    sw.add_argument(
        "--blockade",
        dest="blockade_range",
        metavar="START:STOP:STEP",
        help="the same as --vary blockade=SPEC (the older form)",
    )
    sw.add_argument(
        "--experiment",
        metavar="FILE.toml",
        help="an experiment file (see assets/experiments/); replaces --vary, --set, --preset",
    )
    sw.add_argument(
        "--seeds",
        type=whole("--seeds", 1, 1000),
        default=None,
        help="seeds per grid point (default 8)",
    )
    options.add_duration(sw, "simulated ms per run", shortest_ms=1e-6, command=True)
    sw.add_argument(
        "--metrics",
        metavar="A,B,...",
        help="summary numbers to keep and plot (default: all kept, three plotted)",
    )
    sw.add_argument(
        "--resume",
        action="store_true",
        help="keep the rows already in --out and run only the missing runs",
    )
    sw.add_argument("--out", metavar="PATH.csv", help="CSV with one row per run (streamed)")
    options.add_engine_options(
        sw,
        scheduler_help="run on an existing Dask cluster (dask scheduler / dask worker) instead",
        plot=("PATH.png", "each metric against the varied parameter"),
    )
    return sw


def run(args: argparse.Namespace) -> int:
    """Run an experiment on the engine (:func:`sim.runs.sweep.cli_sweep`)."""
    from sim.params.presets import load_preset
    from sim.runs.sweep import cli_sweep

    if load_preset(args.preset).model == "tissue":
        fail(f"preset {args.preset!r} is a tissue preset: run it with --headless --duration-ms T")
    if args.experiment is not None and "preset" in args.given:
        fail("--experiment names its own preset: drop --preset")
    return cli_sweep(
        preset=args.preset,
        overrides=overrides(args.set),
        vary=args.vary,
        blockade_text=args.blockade_range,
        experiment_path=args.experiment,
        seeds=args.seeds,
        duration_ms=args.duration_ms,
        metrics=args.metrics,
        workers=args.workers,
        scheduler=args.scheduler,
        out=args.out,
        plot_path=args.plot,
        resume=args.resume,
    )
