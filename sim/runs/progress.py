"""Progress of many runs on the terminal (tqdm), and SIGTERM as Ctrl-C while they run."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds // 60:.0f} min {seconds % 60:02.0f} s"
    return f"{seconds // 3600:.0f} h {seconds % 3600 // 60:02.0f} min"


def _terminal_columns(stream: TextIO) -> int:
    """Width of the terminal ``stream`` writes to; 0 if it is not a terminal (or has no width)."""
    try:
        if not stream.isatty():
            return 0
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


class Progress:
    """Progress of a batch: a tqdm bar on a terminal, plain lines otherwise.

    Plain lines read ``label: done/total units (pct%), elapsed, ~left left``;
    one per finished job up to 100 jobs, then one per 1% (and the last).

    A terminal without a width (some pseudo-terminals) gets the plain lines.

    Args:
        total: jobs in the whole batch (including those already done).
        initial: jobs already done before this process started (``--resume``).
        label: what is running (``sweep``, ``timeline``).
        unit: what a job is (``run``, ``day``).
        stream: where to write (stderr by default).
        bar: force the tqdm bar on (True) or off (False); None: only on a TTY.
    """

    def __init__(
        self,
        total: int,
        initial: int = 0,
        label: str = "sweep",
        unit: str = "run",
        stream: TextIO | None = None,
        bar: bool | None = None,
    ) -> None:
        self.total, self.label, self.unit = total, label, unit
        self._stream = sys.stderr if stream is None else stream
        self._use_bar = _terminal_columns(self._stream) > 0 if bar is None else bar
        self._every = 1 if total <= 100 else math.ceil(total / 100)
        self._bar = None
        self._started = False
        self.done = self._initial = self._last = initial
        self._start = time.monotonic()

    def start(self, initial: int | None = None) -> None:
        """Start the clock (and the bar) with ``initial`` jobs already done."""
        if initial is not None:
            self.done = self._initial = self._last = initial
        self._start = time.monotonic()
        self._started = True
        if self._use_bar and self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=self.total,
                initial=self.done,
                desc=self.label,
                unit=self.unit,
                file=self._stream,
                dynamic_ncols=True,
            )

    def update(self, n: int = 1) -> None:
        """Count ``n`` more finished jobs."""
        if not self._started:
            self.start()
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        if self.done - self._last >= self._every or self.done == self.total:
            self._last = self.done
            self._stream.write(self.line() + "\n")
            self._stream.flush()

    def line(self) -> str:
        """The plain progress line for the current count."""
        elapsed = time.monotonic() - self._start
        ran = self.done - self._initial
        left = (self.total - self.done) * elapsed / ran if ran > 0 else math.inf
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return (
            f"{self.label}: {self.done}/{self.total} {self.unit}s ({pct:.0f}%), "
            f"{_clock(elapsed)} elapsed, ~{_clock(left)} left"
        )

    def close(self) -> None:
        """Close the bar (plain mode has nothing to close)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None


@contextlib.contextmanager
def stop_on_sigterm():
    """Within the block, SIGTERM (``kill PID``) raises KeyboardInterrupt like Ctrl-C.

    Only in the main thread (signal handlers cannot be set elsewhere); the
    previous handler is restored on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)
