"""``main.py params``: every parameter of both models with unit, default, range and source."""

from __future__ import annotations

import argparse

NAME = "params"
READS: frozenset[str] = frozenset()
"""The top-level options (by dest) the command reads: none."""


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``params`` to the ``commands``."""
    return commands.add_parser(NAME, help="list every parameter: unit, default, range, source")


def run(args: argparse.Namespace) -> int:
    """Print the parameter tables of the synapse and the tissue."""
    from sim.params import synapse, tissue

    print("\n".join(synapse.describe_lines()))
    print('\nTissue model (presets with model = "tissue", e.g. --preset tissue):')
    print("\n".join(tissue.describe_lines()))
    return 0
