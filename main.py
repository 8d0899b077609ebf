"""Cleft: an agent-based serotonin-synapse visualiser. Command-line entry point.

    python main.py                                   open the window (default preset)
    python main.py --frames N --screenshot out.png   draw N frames, save the last, exit
    python main.py --record out.mp4 --frames N       record N frames (MP4 or .gif), exit
    python main.py --headless --duration-ms 2        run without a window, print a summary
    python main.py bench                             print performance figures
    python main.py params                            list every parameter with unit, range, source

This file parses and dispatches; each command is a module of :mod:`sim.cli`
(:mod:`render.cli` for the window and the benchmarks that time it).
Bad input of any kind: one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType

from render.cli import bench, window
from sim.cli import headless, params, prepare, presets, sweep, timeline
from sim.cli.options import add_preset, add_seed, add_set
from sim.cli.parser import CleftArgumentParser, fail, refuse_unread, track_given
from sim.cli.values import finite

COMMANDS = {module.NAME: module for module in (bench, params, timeline, sweep, presets, prepare)}
"""The command modules by command word, in the order ``--help`` lists them."""


def build_parser() -> CleftArgumentParser:
    """The command-line interface: the options every mode shares, the two modes, the commands."""
    parser = CleftArgumentParser(
        prog="main.py",
        description="Cleft: every serotonin molecule at a synapse as an agent; "
        "SSRIs, reuptake and autoreceptors made visible.",
    )
    add_preset(parser, "preset name from assets/presets or a .toml path (default: default)")
    add_seed(parser, "random seed; same seed and inputs give the same numbers (default 0)")
    parser.add_argument(
        "--blockade",
        type=finite("--blockade", 0.0, 1.0),
        default=None,
        metavar="F",
        help="fraction of SERT blocked by an SSRI, 0..1",
    )
    add_set(parser, "override one parameter (repeatable); see 'main.py params'")
    headless.add_parser(parser)
    window.add_parser(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(commands)
    track_given(parser, {})
    return parser


def parse(argv: list[str] | None) -> tuple[argparse.Namespace, ModuleType]:
    """The parsed arguments and the module that runs them; unread options refused (exit 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None:
        mode = COMMANDS[args.command]
    else:
        mode = headless if args.headless else window
    refuse_unread(parser.given, parser.prog, args.command, args.headless, mode.READS)
    args.given = frozenset(dest for _, dest in parser.given)
    return args, mode


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and dispatch; every user error becomes one line and exit 2."""
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from sim.params.synapse import ParameterError

    args, mode = parse(argv)
    try:
        return mode.run(args)
    except (ParameterError, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        fail(f"{exc.strerror or exc}{where}")
    except OverflowError as exc:  # e.g. a range whose step count overflows: extreme input
        fail(f"a number in the input is out of the range that can be computed with ({exc})")
    except MemoryError:
        fail("not enough memory for these parameters (see 'main.py params' for the ranges)")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
