"""The recorder: every observable declared in one place, sampled at fixed intervals.

``COLUMNS`` lists (name, unit, description, function of the model). Adding an
observable means adding one row here; the CSV header, the JSON summary and
the plots all read this table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from . import states as S

if TYPE_CHECKING:
    from .model import Synapse


def _state(code: int) -> Callable[[Synapse], float]:
    return lambda m: float(m.state_counts[code])


def _counter(name: str) -> Callable[[Synapse], float]:
    return lambda m: float(m.counters[name])


COLUMNS: tuple[tuple[str, str, str, Callable[[Synapse], float]], ...] = (
    ("time_ms", "ms", "simulated time", lambda m: m.time_ms),
    *(
        (f"n_{name}", "molecules", f"molecules in state '{name}'", _state(code))
        for code, name in enumerate(S.NAMES)
    ),
    (
        "free_cleft",
        "molecules",
        "free 5-HT inside the synaptic disc",
        lambda m: float(m.free_in_cleft()),
    ),
    (
        "free_outside",
        "molecules",
        "free 5-HT in the extrasynaptic sheet",
        lambda m: float(m.free.n - m.free_in_cleft()),
    ),
    (
        "cleft_uM",
        "uM",
        "free 5-HT concentration in the cleft",
        lambda m: m.cleft_concentration_uM(),
    ),
    (
        "receptor_occupancy",
        "fraction",
        "postsynaptic receptors bound",
        lambda m: m.occupancy(S.SITE_RECEPTOR),
    ),
    (
        "autoreceptor_occupancy",
        "fraction",
        "presynaptic autoreceptors bound",
        lambda m: m.occupancy(S.SITE_AUTORECEPTOR),
    ),
    (
        "autoreceptor_signal",
        "fraction",
        "low-pass autoreceptor signal",
        lambda m: m.autoreceptor_signal,
    ),
    ("released", "molecules", "cumulative released", _counter("released")),
    ("taken_up", "molecules", "cumulative carried in by SERT", _counter("taken_up")),
    ("repackaged", "molecules", "cumulative repackaged (VMAT2)", _counter("repackaged")),
    ("degraded", "molecules", "cumulative broken down (MAO)", _counter("degraded")),
    ("lost", "molecules", "cumulative lost at the edge", _counter("lost")),
    ("synthesised", "molecules", "cumulative synthesised", _counter("synthesised")),
    ("injected", "molecules", "cumulative injected", _counter("injected")),
    ("action_potentials", "count", "cumulative action potentials", _counter("action_potentials")),
    ("blockade", "fraction", "SERT fraction blocked by the SSRI", lambda m: m.blockade),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c[0] for c in COLUMNS)
COLUMN_UNITS: dict[str, str] = {c[0]: c[1] for c in COLUMNS}


class Recorder:
    """Time series of all ``COLUMNS``, one row per sample (growable float64 array)."""

    def __init__(self, model: Synapse, capacity: int = 1024) -> None:
        self._model = model
        self._data = np.empty((capacity, len(COLUMNS)), dtype=np.float64)
        self.n = 0

    def sample(self) -> None:
        """Append one row with the model's current observables."""
        if self.n == self._data.shape[0]:
            grown = np.empty((2 * self.n, len(COLUMNS)), dtype=np.float64)
            grown[: self.n] = self._data[: self.n]
            self._data = grown
        m = self._model
        self._data[self.n] = [fn(m) for *_, fn in COLUMNS]
        self.n += 1

    def column(self, name: str) -> np.ndarray:
        """One observable over all samples (a view; do not modify)."""
        return self._data[: self.n, COLUMN_NAMES.index(name)]

    def table(self) -> np.ndarray:
        """(n_samples, n_columns) array of all samples, columns as ``COLUMN_NAMES``."""
        return self._data[: self.n]

    def last(self) -> dict[str, float]:
        """The most recent sample by column name."""
        return dict(zip(COLUMN_NAMES, self._data[self.n - 1], strict=True))
