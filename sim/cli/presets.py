"""``main.py presets``: the presets with their titles and captions."""

from __future__ import annotations

import argparse

NAME = "presets"
READS: frozenset[str] = frozenset()
"""The top-level options (by dest) the command reads: none."""


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``presets`` to the ``commands``."""
    return commands.add_parser(NAME, help="list the presets with their captions")


def run(args: argparse.Namespace) -> int:
    """Print each preset's name, title (and model when tissue) and caption."""
    from sim.params.presets import available, load_preset

    for name in available(None):
        p = load_preset(name)
        model = " [tissue model]" if p.model == "tissue" else ""
        print(f"{name}: {p.title}{model}\n    {p.caption}")
    return 0
