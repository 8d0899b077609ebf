"""Readers of option values: numbers within a range, window sizes, parameter overrides.

Each reader raises :class:`argparse.ArgumentTypeError` with a line that names
the option and the range, quoting the value shortened
(:func:`sim.params.synapse.shorten`).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

from sim.common.display import MAX_SIZE, MIN_SIZE, size_fits
from sim.params.presets import parse_override
from sim.params.synapse import shorten


def finite(name: str, lo: float, hi: float) -> Callable[[str], float]:
    """A reader of a finite number in [lo, hi] for option ``name``."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} = {shorten(text)} is not a number") from None
        if not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"{name} = {shorten(text)} is out of range [{lo}, {hi}]"
            )
        return value

    return parse


def whole(name: str, lo: int, hi: int) -> Callable[[str], int]:
    """A reader of a whole number in [lo, hi] for option ``name``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} = {shorten(text)} is not a whole number"
            ) from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"{name} = {shorten(text)} is out of range [{lo}, {hi}]"
            )
        return value

    return parse


def window_size(text: str) -> tuple[int, int]:
    """``WIDTHxHEIGHT`` in pixels, within :data:`sim.common.display.MIN_SIZE`..``MAX_SIZE``."""
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--size {shorten(text)}: expected WIDTHxHEIGHT, e.g. 1280x720"
        ) from None
    if not size_fits(w, h):
        raise argparse.ArgumentTypeError(
            f"--size {shorten(text)}: width in [{MIN_SIZE[0]}, {MAX_SIZE[0]}], "
            f"height in [{MIN_SIZE[1]}, {MAX_SIZE[1]}]"
        )
    return w, h


def overrides(pairs: list[str]) -> dict[str, Any]:
    """The ``--set NAME=VALUE`` pairs as a dict of parameter values (the last one wins)."""
    out: dict[str, Any] = {}
    for text in pairs:
        key, value = parse_override(text)
        out[key] = value
    return out
