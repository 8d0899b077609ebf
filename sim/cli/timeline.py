"""``main.py timeline``: days of SSRI treatment, one row per day from the fast model at that day's state.

A synapse preset runs each day with :func:`sim.course.timeline.cli_timeline`;
a tissue preset with :func:`sim.course.tissue_timeline.cli_tissue_timeline`,
where ``--window-ms`` is the tissue time per day. A new option: declare it in
:func:`add_parser` and hand it on in :func:`course_settings`.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli import options
from sim.cli.values import finite, overrides, whole

NAME = "timeline"
READS = frozenset({"preset", "seed", "set"})
"""The top-level options (by dest) the command reads."""


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``timeline`` and its options to the ``commands``."""
    tl = commands.add_parser(
        NAME, help="days of SSRI treatment: one row per day from the fast model at that day's state"
    )
    tl.add_argument(
        "--days", type=whole("--days", 1, 3650), default=42, help="days to simulate (default 42)"
    )
    tl.add_argument(
        "--drug",
        default="citalopram",
        help="SSRI: paroxetine, sertraline, fluoxetine, escitalopram, citalopram, fluvoxamine",
    )
    tl.add_argument(
        "--dose-nM",
        type=finite("--dose-nM", 0.0, 1e6),
        default=4.8,
        metavar="C",
        help="free drug concentration in nM; occupancy = C/(C+Ki) (default 4.8: 80%% for citalopram)",
    )
    tl.add_argument(
        "--start-day", type=whole("--start-day", 0, 3650), default=0, help="first day on drug"
    )
    tl.add_argument(
        "--stop-day",
        type=whole("--stop-day", 0, 3650),
        default=28,
        help="first day off drug (abrupt stop)",
    )
    tl.add_argument(
        "--window-ms",
        type=finite("--window-ms", 0.001, 600_000.0),
        default=None,
        metavar="T",
        help="simulated ms of fast model per day, at most (default 8: the whole interspike "
        "intervals that fit; a slower day's one release stands for its interval); with a "
        "tissue preset, the tissue time per day (300-600000, default 10000)",
    )
    options.add_seed(tl, "random seed (default: the global --seed)", command=True)
    options.add_csv(tl, "write one row per day as CSV", command=True)
    options.add_json(tl, "write rows and settings as JSON", command=True)
    options.add_engine_options(
        tl,
        scheduler_help="run the days on an existing Dask cluster instead",
        plot=("PATH", "write a PNG of signal and adaptation over days"),
    )
    return tl


def course_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The course and where its rows go, as the timeline runners take them."""
    return {
        "days": args.days,
        "drug": args.drug,
        "dose_nM": args.dose_nM,
        "start_day": args.start_day,
        "stop_day": args.stop_day,
        "seed": args.seed,
        "preset": args.preset,
        "overrides": overrides(args.set),
        "workers": args.workers,
        "scheduler": args.scheduler,
        "csv_path": args.csv,
        "json_path": args.json,
        "plot_path": args.plot,
    }


def run(args: argparse.Namespace) -> int:
    """Run the treatment timeline and print/write one row per day."""
    from sim.course.timeline import DAY_WINDOW_MS, cli_timeline
    from sim.params.presets import load_preset

    course = course_settings(args)
    if load_preset(args.preset).model == "tissue":
        from sim.course.tissue_timeline import cli_tissue_timeline

        return cli_tissue_timeline(**course, duration_ms=args.window_ms)
    window_ms = DAY_WINDOW_MS if args.window_ms is None else args.window_ms
    return cli_timeline(**course, window_ms=window_ms)
