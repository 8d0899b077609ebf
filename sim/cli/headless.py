"""``main.py --headless --duration-ms T``: run without a window, print a summary, write CSV/JSON.

A mode of the top level (no command word): its options live on the main parser.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli import options
from sim.cli.parser import fail
from sim.cli.values import overrides

READS = frozenset({"preset", "seed", "blockade", "set", "headless", "duration_ms", "csv", "json"})
"""The top-level options (by dest) a headless run reads."""

OWN = frozenset({"headless", "duration_ms", "csv", "json"})
"""The top-level options only a headless run reads."""


def add_parser(parser: argparse.ArgumentParser) -> None:
    """Add ``--headless`` and its options to the top-level ``parser``."""
    parser.add_argument(
        "--headless", action="store_true", help="run without a window and print a summary"
    )
    options.add_duration(parser, "simulated time to run headless, ms", shortest_ms=1e-9)
    options.add_csv(parser, "headless: write the time series as CSV")
    options.add_json(parser, "headless: write the summary as JSON")


def run(args: argparse.Namespace) -> int:
    """Run without a window; print a summary; write CSV/JSON if asked.

    Both outputs are checked before the run (:func:`sim.runs.outputs.check_outputs`);
    the CSV is streamed while running, so memory stays flat at any duration.
    """
    import signal

    from sim.runs.headless import human_summary, json_text, run_headless, summary
    from sim.runs.outputs import check_outputs, write_text

    caught: list[int] = []

    def terminated(signum: int, _frame: Any) -> None:  # unwind: the partial CSV is removed
        caught.append(128 + signum)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    if args.duration_ms is None:
        fail("--headless needs --duration-ms T")
    paths = check_outputs({"--csv": args.csv, "--json": args.json})
    preset, model = run_headless(
        args.preset,
        args.duration_ms,
        args.seed,
        args.blockade,
        overrides(args.set),
        csv_path=paths.get("--csv"),
        stream=True,
        stop=lambda: caught[0] if caught else None,  # the exit, should a library swallow it
    )
    s = summary(preset, model)
    if "--json" in paths:
        write_text(paths["--json"], json_text(s))
    print(human_summary(s))
    if "--csv" in paths:
        print(f"  wrote {args.csv} ({model.recorder.n} samples)")
    if "--json" in paths:
        print(f"  wrote {args.json}")
    return 0
