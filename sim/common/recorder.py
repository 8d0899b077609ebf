"""A recorder of declared columns: one row per sample, kept in full or streamed to a CSV.

Both scales record through it: the synapse (:mod:`sim.synapse.recorder`) and
the tissue (:mod:`sim.tissue.model`). A model declares its columns once as
:class:`Column` rows (name, unit, description, function of the model); the
CSV header, the summaries and the plots all read that table.

Two ways to keep the samples:

* **in full** (the default): every row stays in a growable array and
  :meth:`Recorder.column` returns all of it;
* **streamed** (:meth:`Recorder.stream_to`): each row is also written to a
  CSV as it is sampled (or dropped when there is no file). With
  ``tail_rows`` memory holds only the last rows plus running sums and
  extremes of every column (:meth:`Recorder.mean`, :meth:`Recorder.maximum`),
  so it stays flat however long the run; without, every row stays.

Both ways give the same CSV bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import IO, Any, Generic, NamedTuple, TypeVar

import numpy as np

CSV_FORMAT = ".10g"
"""Number format of every CSV value (10 significant digits)."""

M = TypeVar("M")


class Column(NamedTuple, Generic[M]):
    """One observable: its name, unit, what it is, and how to read it from the model."""

    name: str
    unit: str
    description: str
    read: Callable[[M], float]


def csv_header(names: Sequence[str]) -> str:
    """The CSV header line (with its newline)."""
    return ",".join(names) + "\n"


def csv_row(row: Sequence[float]) -> str:
    """One CSV line (with its newline) of numbers, each as ``CSV_FORMAT``."""
    return ",".join(format(float(v), CSV_FORMAT) for v in row) + "\n"


class Recorder(Generic[M]):
    """Time series of ``columns`` read from ``model``, one row per :meth:`sample`.

    Args:
        model: what the columns read.
        columns: the declared columns, in CSV order.
        capacity: rows allocated at first (the array doubles when full).

    Attributes:
        n: samples taken since the start (in full mode also the rows held).
        names: the column names, in order.
    """

    def __init__(self, model: M, columns: Sequence[Column[M]], capacity: int = 1024) -> None:
        self._model = model
        self._readers = tuple(c.read for c in columns)
        self.names: tuple[str, ...] = tuple(c.name for c in columns)
        self._index = {name: i for i, name in enumerate(self.names)}
        width = len(columns)
        self._data = np.empty((capacity, width), dtype=np.float64)
        self._held = 0
        self.n = 0
        self._sum = np.zeros(width, dtype=np.float64)
        self._max = np.full(width, -np.inf, dtype=np.float64)
        self._streaming = False
        self._sink: IO[str] | None = None
        self._tail: int | None = None

    # ------------------------------------------------------------- sampling
    def sample(self) -> None:
        """Append one row with the model's current observables."""
        m = self._model
        row = np.array([read(m) for read in self._readers], dtype=np.float64)
        self.n += 1
        self._sum += row
        np.maximum(self._max, row, out=self._max)
        if self._streaming:
            self._stream(row)
            return
        self._append(row)

    def _append(self, row: np.ndarray) -> None:
        if self._held == self._data.shape[0]:
            grown = np.empty((2 * self._held, self._data.shape[1]), dtype=np.float64)
            grown[: self._held] = self._data[: self._held]
            self._data = grown
        self._data[self._held] = row
        self._held += 1

    def stream_to(self, sink: IO[str] | None, tail_rows: int | None = None) -> None:
        """From now on write each row to ``sink`` as CSV (None: drop it).

        The header and the rows taken so far are written first, so the file
        is the same as a CSV of the full record. With ``tail_rows`` only the
        last ``tail_rows`` rows stay in memory. Call once, before running.
        """
        if self._streaming:
            raise RuntimeError("the recorder is already streaming")
        self._streaming = True
        self._sink = sink
        rows = self._data[: self._held].copy()
        if sink is not None:
            sink.write(csv_header(self.names))
        if tail_rows is not None:
            self._tail = max(1, int(tail_rows))
            self._data = np.empty((2 * self._tail, len(self.names)), dtype=np.float64)
            self._held = 0
            for row in rows:
                self._stream(row)
        elif sink is not None:
            for row in rows:
                sink.write(csv_row(row))

    def _stream(self, row: np.ndarray) -> None:
        if self._sink is not None:
            self._sink.write(csv_row(row))
        if self._tail is None:
            self._append(row)
            return
        if self._held == self._data.shape[0]:  # keep the last ``tail`` rows (amortised O(1))
            self._data[: self._tail] = self._data[self._held - self._tail : self._held]
            self._held = self._tail
        self._data[self._held] = row
        self._held += 1

    # ------------------------------------------------------------ rewinding
    def checkpoint(self) -> dict[str, Any]:
        """The running figures now, without the rows: what :meth:`rewind` needs besides them."""
        return {"n": self.n, "held": self._held, "sum": self._sum.copy(), "max": self._max.copy()}

    def rewind(self, mark: dict[str, Any], rows: np.ndarray) -> None:
        """Go back (or forward) to ``mark`` (a :meth:`checkpoint`); ``rows`` the rows held then.

        ``rows`` are the last ``mark['held']`` (or more) rows taken up to that
        moment, oldest first. A recorder writing to a file cannot rewind (its
        rows are on disk).
        """
        if self._sink is not None:
            raise RuntimeError("a recorder writing rows to a file cannot rewind")
        held = int(mark["held"])
        if len(rows) < held:
            raise ValueError(f"rewind needs the last {held} rows, got {len(rows)}")
        if self._data.shape[0] < held:
            self._data = np.empty((held, self._data.shape[1]), dtype=np.float64)
        self._data[:held] = rows[len(rows) - held :]
        self._held = held
        self.n = int(mark["n"])
        self._sum[:] = mark["sum"]
        self._max[:] = mark["max"]

    # -------------------------------------------------------------- reading
    @property
    def streaming(self) -> bool:
        """True once :meth:`stream_to` was called."""
        return self._streaming

    def column(self, name: str) -> np.ndarray:
        """One observable over the rows held (a view; do not modify).

        In full mode that is every sample; when streaming with a tail, the last rows.
        """
        return self._data[: self._held, self._index[name]]

    def table(self) -> np.ndarray:
        """(rows held, n_columns) array, columns as ``names``."""
        return self._data[: self._held]

    def last(self) -> dict[str, float]:
        """The most recent sample by column name."""
        return dict(zip(self.names, self._data[self._held - 1], strict=True))

    def mean(self, name: str) -> float:
        """Mean of one observable over every sample taken (held or not)."""
        return float(self._sum[self._index[name]] / self.n) if self.n else float("nan")

    def maximum(self, name: str) -> float:
        """Largest value of one observable over every sample taken."""
        return float(self._max[self._index[name]]) if self.n else float("nan")

    def csv_text(self) -> str:
        """Header and every row held as CSV."""
        return csv_header(self.names) + "".join(csv_row(r) for r in self.table())
