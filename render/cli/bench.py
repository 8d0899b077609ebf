"""``main.py bench``: the simulation's figures (:mod:`sim.cli.bench`), then the frame cost."""

from __future__ import annotations

import argparse

from sim.cli import bench as sim_bench

NAME = sim_bench.NAME
READS = sim_bench.READS
add_parser = sim_bench.add_parser


def run(args: argparse.Namespace) -> int:
    """Print :func:`sim.cli.bench.run`'s figures; then, unless ``--no-render``, the frame cost.

    The frame cost is skipped with ``--capture``, ``--course`` and ``--history`` (they measure
    something else). ``--course`` adds the window's K W W W time
    (:mod:`render.course_bench`).
    """
    code = sim_bench.run(args)
    if code == 0 and args.course:
        from render.course_bench import kwww_lines

        for line in kwww_lines(quick=args.quick):
            print(line, flush=True)
    if code == 0 and not (args.no_render or args.capture or args.course or args.history):
        from render.frame_bench import frame_bench

        # prints each line as it is measured
        frame_bench(sizes=(2000,), frames=2) if args.quick else frame_bench()
    return code
