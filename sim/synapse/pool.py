"""Compact, growable arrays of the molecules that move each step.

Free molecules are held as a dense block (ids and x, y, z in nm) so the
diffusion step touches only them. Removal swaps rows from the tail into the
holes, so removing k rows costs O(k), not O(n). Row order therefore changes,
but only as a deterministic function of what was removed.
"""

from __future__ import annotations

import numpy as np


def _swap_plan(rows: np.ndarray, n: int) -> tuple[int, np.ndarray, np.ndarray]:
    """Plan the swap-removal of distinct ``rows`` from ``[0, n)``.

    Returns the new size, the holes below it (sorted) and the surviving tail
    rows that fill them, in matching order.
    """
    new_n = n - len(rows)
    holes = np.sort(rows[rows < new_n])
    gone_tail = np.zeros(len(rows), dtype=bool)
    gone_tail[rows[rows >= new_n] - new_n] = True
    movers = np.flatnonzero(~gone_tail) + new_n
    return new_n, holes, movers


class FreePool:
    """Dense store of free molecules: ``ids[:n]`` and ``xyz[:, :n]`` (float32 nm)."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self.ids = np.empty(capacity, dtype=np.int64)
        self.xyz = np.empty((3, capacity), dtype=np.float32)

    def reserve(self, needed: int) -> None:
        """Make room for ``needed`` rows (kept rows unchanged)."""
        cap = self.ids.shape[0]
        if needed <= cap:
            return
        new_cap = max(needed, 2 * cap)
        ids = np.empty(new_cap, dtype=np.int64)
        ids[: self.n] = self.ids[: self.n]
        xyz = np.empty((3, new_cap), dtype=np.float32)
        xyz[:, : self.n] = self.xyz[:, : self.n]
        self.ids, self.xyz = ids, xyz

    def add(self, ids: np.ndarray, x: np.ndarray, y: np.ndarray, z: np.ndarray) -> None:
        """Append molecules ``ids`` at positions (x, y, z) in nm."""
        k = len(ids)
        if k == 0:
            return
        self.reserve(self.n + k)
        s = slice(self.n, self.n + k)
        self.ids[s] = ids
        self.xyz[0, s] = x
        self.xyz[1, s] = y
        self.xyz[2, s] = z
        self.n += k

    def remove(self, rows: np.ndarray) -> None:
        """Remove the rows (distinct indices into ``[0, n)``)."""
        if len(rows) == 0:
            return
        self.n, holes, movers = _swap_plan(rows, self.n)
        self.ids[holes] = self.ids[movers]
        self.xyz[:, holes] = self.xyz[:, movers]


class IdPool:
    """Dense, growable set of molecule ids (e.g. the cytosol), O(k) removal by row."""

    def __init__(self, capacity: int = 1024) -> None:
        self.n = 0
        self.ids = np.empty(capacity, dtype=np.int64)

    def add(self, ids: np.ndarray) -> None:
        """Append molecule ids."""
        k = len(ids)
        if k == 0:
            return
        if self.n + k > self.ids.shape[0]:
            grown = np.empty(max(self.n + k, 2 * self.ids.shape[0]), dtype=np.int64)
            grown[: self.n] = self.ids[: self.n]
            self.ids = grown
        self.ids[self.n : self.n + k] = ids
        self.n += k

    def remove(self, rows: np.ndarray) -> None:
        """Remove the rows (distinct indices into ``[0, n)``)."""
        if len(rows) == 0:
            return
        self.n, holes, movers = _swap_plan(rows, self.n)
        self.ids[holes] = self.ids[movers]
