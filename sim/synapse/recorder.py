"""The recorder: every observable declared in one place, sampled at fixed intervals.

``COLUMNS`` lists (name, unit, description, function of the model). Adding an
observable means adding one row here; the CSV header, the JSON summary and
the plots all read this table.

Two ways to keep the samples:

* **in full** (the default; the window, tests, sweeps): every row stays in a
  growable array and :meth:`Recorder.column` returns all of it;
* **streamed** (:meth:`Recorder.stream_to`, headless runs of any length): each
  row is written to a CSV file as it is sampled (or dropped when there is no
  file) and memory holds only the last ``TAIL_ROWS`` rows, running sums and
  extremes of every column (:meth:`Recorder.mean`, :meth:`Recorder.maximum`),
  and the rows between the first release and the next one, which the
  clearance fit of the JSON summary reads (:meth:`Recorder.release_window`,
  at most ``RELEASE_WINDOW_ROWS`` rows). Memory stays flat however long the run.

Both ways give the same CSV bytes and the same summary numbers (up to the
last bits of the floating-point means: running sums instead of numpy's
pairwise sums).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Protocol

import numpy as np

from sim.synapse import states as S
from sim.synapse.pool import FreePool


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


CSV_FORMAT = ".10g"
"""Number format of every CSV value (10 significant digits)."""

TAIL_ROWS = 4096
"""Rows a streamed recorder keeps in memory (the most recent), for ``column`` and ``last``."""

RELEASE_WINDOW_ROWS = 1_000_000
"""Most rows a streamed recorder keeps between the first and the second release
(16 MB of time and free count; 1 s of simulated time at 1 us sampling)."""

_TIME = COLUMN_NAMES.index("time_ms")
_FREE = COLUMN_NAMES.index("n_free")


def csv_header() -> str:
    """The CSV header line (with its newline)."""
    return ",".join(COLUMN_NAMES) + "\n"


def csv_row(row) -> str:
    """One CSV line (with its newline) for a row of ``COLUMN_NAMES`` values."""
    return ",".join(format(float(v), CSV_FORMAT) for v in row) + "\n"


class Recorder:
    """Time series of all ``COLUMNS``, one row per sample.

    Attributes:
        n: samples taken since the start (in full mode also the rows held).
    """

    def __init__(self, model: Synapse, capacity: int = 1024) -> None:
        self._model = model
        width = len(COLUMNS)
        self._data = np.empty((capacity, width), dtype=np.float64)
        self._held = 0
        self.n = 0
        self._sum = np.zeros(width, dtype=np.float64)
        self._max = np.full(width, -np.inf, dtype=np.float64)
        self._streaming = False
        self._sink: IO[str] | None = None
        self._tail = TAIL_ROWS
        self._window = np.empty((0, 2), dtype=np.float64)
        self._window_n = 0
        self._releases: list[float] = []
        self._spikes_seen = 0
        self._window_closed = False

    # ------------------------------------------------------------- sampling
    def sample(self) -> None:
        """Append one row with the model's current observables."""
        m = self._model
        row = np.array([fn(m) for *_, fn in COLUMNS], dtype=np.float64)
        self.n += 1
        self._sum += row
        np.maximum(self._max, row, out=self._max)
        if self._streaming:
            self._stream(row)
            return
        if self._held == self._data.shape[0]:
            grown = np.empty((2 * self._held, self._data.shape[1]), dtype=np.float64)
            grown[: self._held] = self._data[: self._held]
            self._data = grown
        self._data[self._held] = row
        self._held += 1

    def stream_to(self, sink: IO[str] | None, tail_rows: int = TAIL_ROWS) -> None:
        """From now on write each row to ``sink`` as CSV (None: drop it) and keep little in memory.

        The header and the rows taken so far are written first, so the file
        is the same as a CSV of the full record. Call once, before running.
        """
        if self._streaming:
            raise RuntimeError("the recorder is already streaming")
        self._streaming = True
        self._sink = sink
        self._tail = max(1, int(tail_rows))
        rows = self._data[: self._held].copy()
        if sink is not None:
            sink.write(csv_header())
        self._data = np.empty((2 * self._tail, len(COLUMNS)), dtype=np.float64)
        self._held = 0
        for row in rows:
            self._stream(row)

    def _stream(self, row: np.ndarray) -> None:
        if self._sink is not None:
            self._sink.write(csv_row(row))
        if self._held == self._data.shape[0]:  # keep the last ``tail`` rows (amortised O(1))
            self._data[: self._tail] = self._data[self._held - self._tail : self._held]
            self._held = self._tail
        self._data[self._held] = row
        self._held += 1
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

    # -------------------------------------------------------------- reading
    @property
    def streaming(self) -> bool:
        """True once :meth:`stream_to` was called (``column`` then holds only the tail)."""
        return self._streaming

    def column(self, name: str) -> np.ndarray:
        """One observable over the rows held (a view; do not modify).

        In full mode that is every sample; when streaming, the last ``TAIL_ROWS``.
        """
        return self._data[: self._held, COLUMN_NAMES.index(name)]

    def table(self) -> np.ndarray:
        """(rows held, n_columns) array, columns as ``COLUMN_NAMES``."""
        return self._data[: self._held]

    def last(self) -> dict[str, float]:
        """The most recent sample by column name."""
        return dict(zip(COLUMN_NAMES, self._data[self._held - 1], strict=True))

    def mean(self, name: str) -> float:
        """Mean of one observable over every sample taken (held or not)."""
        return float(self._sum[COLUMN_NAMES.index(name)] / self.n) if self.n else float("nan")

    def maximum(self, name: str) -> float:
        """Largest value of one observable over every sample taken."""
        return float(self._max[COLUMN_NAMES.index(name)]) if self.n else float("nan")

    def release_window(self) -> tuple[np.ndarray, np.ndarray]:
        """(time ms, free molecules) of the samples from the first release to the next one.

        Exact in full mode; when streaming, the rows kept while streaming (at
        most ``RELEASE_WINDOW_ROWS``).
        """
        if not self._streaming:
            return self.column("time_ms"), self.column("n_free")
        w = self._window[: self._window_n]
        return w[:, 0], w[:, 1]
