"""``main.py bench``: speed figures (step, headless, tissue, frame, or a course), or the capture accuracy."""

from __future__ import annotations

import argparse

NAME = "bench"
READS: frozenset[str] = frozenset()
"""The top-level options (by dest) the command reads: none."""


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``bench`` and its options to the ``commands``."""
    bench = commands.add_parser(NAME, help="print simulation and drawing speed figures")
    bench.add_argument("--no-render", action="store_true", help="skip the drawing benchmark")
    bench.add_argument(
        "--sizes",
        metavar="N,N,...",
        help="free-molecule counts of the step figures (default 1000,10000,100000)",
    )
    bench.add_argument(
        "--peer",
        choices=["smoldyn"],
        help="also time the same workload in Smoldyn 2.76 (pip install smoldyn==2.76)",
    )
    bench.add_argument(
        "--peer-python",
        metavar="PATH",
        help="a Python that imports smoldyn (its 2.76 wheel loads only on CPython 3.10)",
    )
    bench.add_argument(
        "--capture",
        action="store_true",
        help="instead: slab decay-rate accuracy of the Andrews and first-order capture rules",
    )
    bench.add_argument(
        "--course",
        action="store_true",
        help="instead: wall time of an 84-day treatment course on 2 workers, and of the "
        "window's K W W W chart, each alone and beside one busy process",
    )
    bench.add_argument(
        "--history",
        action="store_true",
        help="instead: the window history's memory, noting cost and time to show a moment",
    )
    bench.add_argument("--quick", action="store_true", help="a short smoke run (figures noisy)")
    return bench


def run(args: argparse.Namespace) -> int:
    """Print the speed figures, or instead the capture accuracy, a course's time or the history's costs.

    Speed: the step and headless figures (with --peer, Smoldyn's beside them)
    and the tissue's; the frame cost is :mod:`render.cli.bench`'s (``sim`` knows no screen).
    """
    if args.history:
        from sim.bench.history import history_lines

        lines = history_lines(("default",), 2.0, 20.0) if args.quick else history_lines()
        for line in lines:
            print(line, flush=True)
        return 0
    if args.course:
        from sim.bench.course import course_lines

        for line in course_lines(args.quick):
            print(line, flush=True)
        return 0
    from sim.bench.command import bench_lines

    for line in bench_lines(args.sizes, args.peer, args.peer_python, args.capture, args.quick):
        print(line, flush=True)
    if not args.capture:
        from sim.bench.tissue import tissue_bench

        for line in tissue_bench():  # wall time per second of tissue time
            print(line, flush=True)
    return 0
