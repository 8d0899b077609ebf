"""Options that several commands take, each declared once.

The top level declares them with their defaults; a command that takes one
too declares it again through the same function with ``command=True``: the
same flag, destination and reader, default ``argparse.SUPPRESS``, so the
command's value replaces the top-level one only when the user gives it
(``main.py --seed 3 timeline`` and ``main.py timeline --seed 3`` are the
same run). ``--preset`` or ``--set`` given both before and after a command is
refused (:func:`sim.cli.parser.refuse_unread`).
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.values import finite, whole

MAX_SEED = 2**63 - 1
"""Largest seed (numpy's SeedSequence takes any whole number >= 0; this keeps it in int64)."""


def _default(value: Any, command: bool) -> Any:
    return argparse.SUPPRESS if command else value


def add_preset(parser: argparse.ArgumentParser, help: str, command: bool = False) -> None:
    """``--preset NAME``: a preset from assets/presets or a .toml path (default: default)."""
    parser.add_argument(
        "--preset", dest="preset", default=_default("default", command), metavar="NAME", help=help
    )


def add_seed(parser: argparse.ArgumentParser, help: str, command: bool = False) -> None:
    """``--seed N``: the seed of every random stream, 0..2^63-1 (default 0)."""
    parser.add_argument(
        "--seed",
        dest="seed",
        type=whole("--seed", 0, MAX_SEED),
        default=_default(0, command),
        help=help,
    )


def add_set(parser: argparse.ArgumentParser, help: str, command: bool = False) -> None:
    """``--set NAME=VALUE`` (repeatable): parameter overrides."""
    parser.add_argument(
        "--set",
        dest="set",
        action="append",
        default=_default([], command),
        metavar="NAME=VALUE",
        help=help,
    )


def add_csv(parser: argparse.ArgumentParser, help: str, command: bool = False) -> None:
    """``--csv PATH``: where a command writes its table (checked before running)."""
    parser.add_argument(
        "--csv", dest="csv", default=_default(None, command), metavar="PATH", help=help
    )


def add_json(parser: argparse.ArgumentParser, help: str, command: bool = False) -> None:
    """``--json PATH``: where a command writes its summary (checked before running)."""
    parser.add_argument(
        "--json", dest="json", default=_default(None, command), metavar="PATH", help=help
    )


def add_duration(
    parser: argparse.ArgumentParser, help: str, shortest_ms: float, command: bool = False
) -> None:
    """``--duration-ms T``: simulated time, ms, in [``shortest_ms``, 1e7]."""
    parser.add_argument(
        "--duration-ms",
        dest="duration_ms",
        type=finite("--duration-ms", shortest_ms, 1e7),
        default=_default(None, command),
        metavar="T",
        help=help,
    )


def add_engine_options(
    parser: argparse.ArgumentParser, scheduler_help: str, plot: tuple[str, str]
) -> None:
    """The options ``timeline`` and ``sweep`` share: preset, overrides, where the runs go, the plot.

    Runs go to local worker processes or an existing Dask cluster;
    ``plot`` is the ``--plot`` option's metavar and help.
    """
    add_preset(parser, "preset to start from (default: default)", command=True)
    add_set(parser, "override one parameter (repeatable)", command=True)
    parser.add_argument(
        "--workers",
        type=whole("--workers", 1, 64),
        default=None,
        help="local worker processes (default 2; 1 runs in this process)",
    )
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT", help=scheduler_help)
    parser.add_argument("--plot", metavar=plot[0], help=plot[1])
