"""``main.py timeline``: days of SSRI treatment, one row per day from the fast model at that day's state.

A synapse preset runs each day with :func:`sim.course.report.cli_timeline`;
a tissue preset with :func:`sim.course.tissue_timeline.cli_tissue_timeline`,
where ``--window-ms`` is the tissue time per day. A new option: declare it in
:func:`add_parser` and hand it on in :func:`course_settings`.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli import options
from sim.cli.parser import fail
from sim.cli.values import finite, overrides, whole
from sim.course.slow import RECEPTOR_DOWN_RANGE, SlowParameters

NAME = "timeline"
READS = frozenset({"preset", "seed", "set"})
"""The top-level options (by dest) the command reads."""

DEFAULT_DOSE_NM = 4.8
"""Free citalopram concentration of a course given neither --dose-nM nor --dose-mg (80% of SERT)."""


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
        help="SSRI: paroxetine, sertraline, fluoxetine, escitalopram, citalopram, fluvoxamine "
        "(with --dose-mg also venlafaxine)",
    )
    tl.add_argument(
        "--dose-nM",
        type=finite("--dose-nM", 0.0, 1e6),
        default=None,
        metavar="C",
        help="free drug concentration in nM; occupancy = C/(C+Ki) (default 4.8: 80%% for "
        "citalopram), on from --start-day to --stop-day",
    )
    tl.add_argument(
        "--dose-mg",
        type=finite("--dose-mg", 0.0, 1e4),
        default=None,
        metavar="MG",
        help="instead of --dose-nM: the daily dose in mg, as prescribed (occupancy from PET "
        "dose-occupancy curves, drug level from its half-life); teaches a mechanism, not "
        "dosing advice",
    )
    tl.add_argument(
        "--taper",
        default="abrupt",
        metavar="KIND",
        help="with --dose-mg: abrupt, linear:WEEKS (equal mg steps) or hyperbolic:WEEKS "
        "(equal occupancy steps), ending on --stop-day (default abrupt)",
    )
    tl.add_argument(
        "--start-day", type=whole("--start-day", 0, 3650), default=0, help="first day on drug"
    )
    tl.add_argument(
        "--stop-day",
        type=whole("--stop-day", 0, 3650),
        default=28,
        help="first day off drug (a --taper ends on it)",
    )
    tl.add_argument(
        "--receptor-down",
        type=finite("--receptor-down", *RECEPTOR_DOWN_RANGE),
        default=None,
        metavar="F",
        help="postsynaptic receptors lost at full effect after weeks on the drug, a fraction "
        f"(default {SlowParameters().receptor_down_max:g}: a hypothesis, assumed; it makes an "
        "abrupt stop fall below baseline; 0 keeps only the measured adaptations)",
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
    if args.dose_mg is not None and args.dose_nM is not None:
        fail("give --dose-mg or --dose-nM, not both")
    if args.dose_mg is None and args.taper != "abrupt":
        fail("--taper needs --dose-mg (a course in nM stops abruptly)")
    return {
        "days": args.days,
        "drug": args.drug,
        "dose_nM": DEFAULT_DOSE_NM if args.dose_nM is None else args.dose_nM,
        "dose_mg": args.dose_mg,
        "taper": args.taper,
        "receptor_down": args.receptor_down,
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
    from sim.course.report import cli_timeline
    from sim.course.timeline import DAY_WINDOW_MS
    from sim.params.presets import load_preset

    course = course_settings(args)
    if load_preset(args.preset).model == "tissue":
        from sim.course.tissue_timeline import cli_tissue_timeline

        return cli_tissue_timeline(**course, duration_ms=args.window_ms)
    window_ms = DAY_WINDOW_MS if args.window_ms is None else args.window_ms
    return cli_timeline(**course, window_ms=window_ms)
