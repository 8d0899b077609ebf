"""The window's sizes (px) and its history's memory (MiB): one place for the command line and the window."""

from __future__ import annotations

MIN_SIZE = (320, 240)
"""Smallest window, (width, height) px: the panels still fit beside a readable synapse."""

MAX_SIZE = (7680, 4320)
"""Largest window, (width, height) px (8K UHD)."""

DEFAULT_SIZE = (1280, 720)
"""The window's size unless ``--size`` says otherwise, px."""

DEFAULT_HISTORY_MB = 200
"""Memory the window's recorded past (rewind, the history strip) may hold unless
``--history-mb`` says otherwise, MiB (the model and, in compare mode, its control share it)."""

MAX_HISTORY_MB = 16_384
"""The most ``--history-mb`` accepts, MiB (16 GiB)."""


def size_fits(width: int, height: int) -> bool:
    """Whether a window of ``width`` x ``height`` px is within ``MIN_SIZE``..``MAX_SIZE``."""
    return MIN_SIZE[0] <= width <= MAX_SIZE[0] and MIN_SIZE[1] <= height <= MAX_SIZE[1]
