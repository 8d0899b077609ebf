"""Window sizes the program accepts, in pixels: one place for the command line and the window."""

from __future__ import annotations

MIN_SIZE = (320, 240)
"""Smallest window, (width, height) px: the panels still fit beside a readable synapse."""

MAX_SIZE = (7680, 4320)
"""Largest window, (width, height) px (8K UHD)."""

DEFAULT_SIZE = (1280, 720)
"""The window's size unless ``--size`` says otherwise, px."""


def size_fits(width: int, height: int) -> bool:
    """Whether a window of ``width`` x ``height`` px is within ``MIN_SIZE``..``MAX_SIZE``."""
    return MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]
