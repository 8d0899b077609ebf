"""``main.py prepare``: compute the days a lecture's course charts show, the night before.

Fills the day cache (:mod:`sim.course.day_cache`) with the agent-based days
of the scenario presets' courses and the tour's (:mod:`sim.course.prepare`)
and prints how long it took. Imports neither pygame nor ``render``.
"""

from __future__ import annotations

import argparse

from sim.cli.values import whole

NAME = "prepare"
READS = frozenset({"seed"})
"""The top-level options (by dest) the command reads."""


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``prepare`` and its options to the ``commands``."""
    pr = commands.add_parser(
        NAME, help="compute the course charts' days of the scenario presets and the tour ahead"
    )
    pr.add_argument(
        "--presets",
        default=None,
        metavar="NAMES",
        help="comma-separated presets whose K course to prepare (default: every scenario's)",
    )
    pr.add_argument("--no-tour", action="store_true", help="leave out the tour's courses")
    pr.add_argument(
        "--days",
        type=whole("--days", 1, 3650),
        default=None,
        metavar="N",
        help="only the days before day N of each course (default: all the charts show)",
    )
    pr.add_argument(
        "--workers", type=whole("--workers", 1, 64), default=2, help="processes (default 2)"
    )
    return pr


def run(args: argparse.Namespace) -> int:
    """Fill the day cache and print what was computed and how long it took."""
    from sim.course.day_cache import cache_file
    from sim.course.prepare import TIMELINE_BASES, lecture_courses, lecture_jobs, prepare

    presets = TIMELINE_BASES if args.presets is None else tuple(args.presets.split(","))
    courses = lecture_courses(presets, not args.no_tour, args.days)
    jobs = lecture_jobs(courses, args.seed)
    where = cache_file()
    if where is None:
        print("no writable cache folder: the days would be lost; nothing computed")
        return 1
    computed, cached, seconds = prepare(jobs, args.workers)
    print(
        f"prepared {len(jobs)} days ({computed} computed, {cached} already cached) "
        f"in {seconds:.1f} s, seed {args.seed}: {where}"
    )
    return 0
