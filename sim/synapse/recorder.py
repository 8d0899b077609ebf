"""The synapse's recorder: every observable declared in one place, sampled at fixed intervals.

``COLUMNS`` lists the :class:`sim.common.recorder.Column` rows (name, unit,
description, function of the model). Adding an observable means adding one
row here; the CSV header, the JSON summary and the plots all read this
table. Keeping the rows, in full or streamed, is
:class:`sim.common.recorder.Recorder`'s; headless runs of any length stream
with a tail of ``TAIL_ROWS`` rows, so memory stays flat.

Streamed, :class:`SynapseRecorder` also keeps the rows between the first
release and the next one, which the clearance fit of the JSON summary reads
(:meth:`SynapseRecorder.release_window`, at most ``RELEASE_WINDOW_ROWS``
rows). Both ways give the same CSV bytes and the same summary numbers (up to
the last bits of the floating-point means: running sums instead of numpy's
pairwise sums).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any, Protocol

import numpy as np

from sim.common.recorder import CSV_FORMAT, Column, Recorder, csv_row
from sim.common.recorder import csv_header as _csv_header
from sim.synapse import states as S
from sim.synapse.pool import FreePool

__all__ = ["CSV_FORMAT", "COLUMNS", "COLUMN_NAMES", "SynapseRecorder", "csv_header", "csv_row"]


class Synapse(Protocol):
    """What the recorder reads from a :class:`sim.synapse.model.Synapse`."""

    state_counts: np.ndarray
    counters: dict[str, int]
    free: FreePool
    autoreceptor_signal: float
    blockade: float
    spike_log: list[tuple[float, int, float]]

    @property
    def time_ms(self) -> float:
        """Simulated time, ms."""

    def free_in_cleft(self) -> int:
        """Free molecules inside the synaptic disc."""

    def cleft_concentration_uM(self) -> float:
        """Free 5-HT concentration in the cleft disc, uM."""

    def occupancy(self, site_kind: int) -> float:
        """Fraction of the sites of one kind that hold a molecule."""


def _state(code: int) -> Callable[[Synapse], float]:
    return lambda m: float(m.state_counts[code])


def _counter(name: str) -> Callable[[Synapse], float]:
    return lambda m: float(m.counters[name])


COLUMNS: tuple[Column[Synapse], ...] = tuple(
    Column(*c)
    for c in (
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
        (
            "action_potentials",
            "count",
            "cumulative action potentials",
            _counter("action_potentials"),
        ),
        ("blockade", "fraction", "SERT fraction blocked by the SSRI", lambda m: m.blockade),
    )
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMN_UNITS: dict[str, str] = {c.name: c.unit for c in COLUMNS}

TAIL_ROWS = 4096
"""Rows a streamed recorder keeps in memory (the most recent), for ``column`` and ``last``."""

RELEASE_WINDOW_ROWS = 1_000_000
"""Most rows a streamed recorder keeps between the first and the second release
(16 MB of time and free count; 1 s of simulated time at 1 us sampling)."""

_TIME = COLUMN_NAMES.index("time_ms")
_FREE = COLUMN_NAMES.index("n_free")


def csv_header() -> str:
    """The CSV header line of ``COLUMNS`` (with its newline)."""
    return _csv_header(COLUMN_NAMES)


class SynapseRecorder(Recorder["Synapse"]):
    """Time series of all ``COLUMNS``, one row per sample; streamed with a tail of ``TAIL_ROWS``."""

    def __init__(self, model: Synapse, capacity: int = 1024) -> None:
        super().__init__(model, COLUMNS, capacity)
        self._window = np.empty((0, 2), dtype=np.float64)
        self._window_n = 0
        self._releases: list[float] = []
        self._spikes_seen = 0
        self._window_closed = False

    def stream_to(self, sink: IO[str] | None, tail_rows: int | None = TAIL_ROWS) -> None:
        """Write each row to ``sink`` from now on and keep the last ``tail_rows`` in memory."""
        super().stream_to(sink, TAIL_ROWS if tail_rows is None else tail_rows)

    def keep_last(self, rows: int) -> None:
        """Keep (at least) the last ``rows`` rows in memory from now on; streaming only.

        The window sizes this to what its plots and overlay read, so its
        memory stays flat however long it runs (at most ``2 * rows`` rows).
        """
        if not self._streaming:
            raise RuntimeError("keep_last applies to a streaming recorder (stream_to first)")
        rows = max(1, int(rows))
        if rows == self._tail:
            return
        keep = self._data[max(0, self._held - rows) : self._held]
        data = np.empty((2 * rows, self._data.shape[1]), dtype=np.float64)
        data[: len(keep)] = keep
        self._data, self._held, self._tail = data, len(keep), rows

    def _stream(self, row: np.ndarray) -> None:
        super()._stream(row)
        self._keep_release_window(row)

    def _keep_release_window(self, row: np.ndarray) -> None:
        if self._window_closed:
            return
        log = self._model.spike_log
        if len(self._releases) < 2 and len(log) != self._spikes_seen:
            self._releases = [t / 1000.0 for t, fused, _ in log if fused > 0][:2]
            self._spikes_seen = len(log)
        if not self._releases:
            return
        t = row[_TIME]
        if len(self._releases) > 1 and t >= self._releases[1]:
            self._window_closed = True
            return
        if t < self._releases[0] or self._window_n >= RELEASE_WINDOW_ROWS:
            return
        if self._window_n == self._window.shape[0]:
            grown = np.empty((max(1024, 2 * self._window_n), 2), dtype=np.float64)
            grown[: self._window_n] = self._window[: self._window_n]
            self._window = grown
        self._window[self._window_n] = (t, row[_FREE])
        self._window_n += 1

    def checkpoint(self) -> dict[str, Any]:
        """The running figures now, the release window's included (:meth:`Recorder.checkpoint`)."""
        mark = super().checkpoint()
        mark["window"] = (self._window_n, list(self._releases), self._spikes_seen)
        mark["window_closed"] = self._window_closed
        return mark

    def rewind(self, mark: dict[str, Any], rows: np.ndarray) -> None:
        """Back (or forward) to ``mark`` (:meth:`Recorder.rewind`).

        The release window's rows are append-only, so it only needs its length.
        """
        super().rewind(mark, rows)
        self._window_n, releases, self._spikes_seen = mark["window"]
        self._releases = list(releases)
        self._window_closed = mark["window_closed"]

    def release_window(self) -> tuple[np.ndarray, np.ndarray]:
        """(time ms, free molecules) of the samples from the first release to the next one.

        Exact in full mode; when streaming, the rows kept while streaming (at
        most ``RELEASE_WINDOW_ROWS``).
        """
        if not self.streaming:
            return self.column("time_ms"), self.column("n_free")
        w = self._window[: self._window_n]
        return w[:, 0], w[:, 1]
