"""The distributed engine: pure jobs run on Dask, results delivered as each one finishes.

Every batch tool (``sweep``, ``timeline``) describes its work as a list of
plain, picklable job dicts and one pure, importable function of a job
(:func:`sim.runs.sweep.run_one`, :func:`sim.course.day.run_day`). :func:`run_jobs`
runs them and yields ``(position, result)`` pairs in completion order, so the
caller can write each result the moment it exists:

- ``scheduler=None, workers=1``: in this process, one job after another (no
  cluster to start; the same function, so the same results).
- ``scheduler=None, workers=K > 1``: an embedded Dask ``LocalCluster`` of K
  worker processes with one thread each, on 127.0.0.1, no dashboard.
- ``scheduler="tcp://HOST:PORT"``: an existing Dask cluster (``dask scheduler``
  plus ``dask worker``, or any Dask deployment). Before any job is sent, the
  workers must import this very ``sim`` package: :func:`code_fingerprint`
  (a hash of the ``sim/`` sources and the numerical libraries' versions) must
  match on every worker, so a cluster never returns numbers of another version.

A worker process that dies (killed, out of memory) is restarted by its nanny
and the scheduler re-runs its jobs on the workers left (Dask's
``allowed-failures``, 3 deaths per job); a job that raises is retried
``retries`` times and then its exception (e.g. a ``ParameterError`` the model
raised) reaches the caller. Results do not depend on where a job ran: the
jobs are pure functions of their parameters and seed.

:class:`Progress` shows a tqdm bar on a terminal and plain, throttled lines
in a log. :func:`stop_on_sigterm` turns ``kill``'s SIGTERM into
``KeyboardInterrupt`` so that a stopped batch closes its cluster and keeps
what it wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any, TextIO

from sim.params.synapse import ParameterError

DEFAULT_WORKERS = 2
"""Worker processes of the embedded cluster unless told otherwise (this machine has 2 cores)."""

WORKERS_RANGE = (1, 64)
"""Allowed ``--workers`` values."""

DEFAULT_RETRIES = 2
"""Extra attempts for a job that raised (worker deaths are handled by the scheduler)."""

CONNECT_TIMEOUT_S = 10.0
"""How long to try to reach a scheduler, and to wait for its first worker, s."""

SIM_DIR = Path(__file__).resolve().parents[1]

_ADDRESS = re.compile(r"^tcp://(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):(?P<port>[0-9]{1,5})$")


class EngineError(ParameterError):
    """The engine cannot run the jobs (one-line message).

    A bad or unreachable scheduler, mismatched workers, or a job that kept
    killing its workers.
    """


def check_scheduler(address: str | None) -> str | None:
    """Validate a ``tcp://HOST:PORT`` scheduler address (None: no scheduler).

    Raises:
        EngineError: the address is not of that form or the port is not in 1..65535.
    """
    if address is None:
        return None
    text = str(address).strip()
    m = _ADDRESS.match(text)
    if m is None or not 1 <= int(m.group("port")) <= 65535:
        raise EngineError(
            f"--scheduler {address!r}: expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786"
        )
    return text


def check_workers(workers: int | None, scheduler: str | None) -> int:
    """The number of local worker processes (``DEFAULT_WORKERS`` when None).

    Raises:
        EngineError: workers not a whole number in ``WORKERS_RANGE``, or given
            together with a scheduler (whose cluster has its own workers).
    """
    if workers is None:
        return DEFAULT_WORKERS
    if scheduler is not None:
        raise EngineError(
            "--workers sizes the local cluster; with --scheduler the cluster's workers run the jobs"
        )
    lo, hi = WORKERS_RANGE
    if isinstance(workers, bool) or not isinstance(workers, int) or not lo <= workers <= hi:
        raise EngineError(f"--workers = {workers!r} must be a whole number in [{lo}, {hi}]")
    return workers


def code_fingerprint() -> str:
    """A hash of this ``sim`` package's sources and the numerical libraries' versions.

    Two processes with the same fingerprint compute the same numbers for the
    same job. Runs on workers too (it is importable by reference).
    """
    import numpy

    h = hashlib.sha256()
    for path in sorted(SIM_DIR.rglob("*.py")):
        h.update(path.relative_to(SIM_DIR).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    versions = [sys.version.split()[0], numpy.__version__]
    try:
        import numba

        versions.append(numba.__version__)
    except ImportError:  # pragma: no cover - numba is pinned; a worker without it differs
        versions.append("no numba")
    h.update(" ".join(versions).encode())
    return h.hexdigest()[:16]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


@contextlib.contextmanager
def _quiet_distributed():
    """Keep Dask's own log lines (worker restarts, task errors, a lost scheduler) off stderr.

    Dask's configuration gives some of its loggers their own level
    (``distributed.client: warning``), so each ``distributed`` logger is quietened,
    not only the parent.
    """
    import distributed  # noqa: F401  (its loggers exist once it is imported)

    names = ["distributed"] + [
        n for n in list(logging.root.manager.loggerDict) if n.startswith("distributed.")
    ]
    loggers = [logging.getLogger(n) for n in names]
    old = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, old, strict=True):
            lg.setLevel(level)


@contextlib.contextmanager
def _workers_ignore_sigint():
    """Start worker processes with Ctrl-C ignored; this process keeps its own handler.

    Ctrl-C in a terminal goes to the whole process group: the workers would
    each print a traceback. An ignored signal stays ignored in a spawned
    process (and Python then installs no KeyboardInterrupt handler), so only
    this process reacts: it stops the batch, keeps what is done, says so in
    one line and closes the cluster. (A Ctrl-C during the few seconds the
    cluster takes to start is ignored: press it again.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


def _check_remote(client, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except (TimeoutError, OSError):
        raise EngineError(
            f"no Dask worker joined the scheduler at {address} within {CONNECT_TIMEOUT_S:g} s"
        ) from None
    mine = code_fingerprint()
    try:
        on_scheduler = client.run_on_scheduler(code_fingerprint)
    except Exception as exc:  # the scheduler unpickles every task: it needs 'sim' too
        raise EngineError(
            f"the Dask scheduler at {address} cannot import Cleft's 'sim' package "
            f"({_one_line(exc)}); start it with the repository on PYTHONPATH"
        ) from None
    if on_scheduler != mine:
        raise EngineError(
            f"the Dask scheduler at {address} runs other Cleft sources or library versions "
            f"(fingerprint {on_scheduler} against {mine}); start it from this checkout"
        )
    try:
        theirs = client.run(code_fingerprint)
    except Exception as exc:  # the workers cannot even unpickle sim.runs.engine.code_fingerprint
        raise EngineError(
            f"the workers at {address} cannot import Cleft's 'sim' package "
            f"({_one_line(exc)}); start them with the repository on PYTHONPATH"
        ) from None
    bad = sorted(w for w, fp in theirs.items() if fp != mine)
    if bad:
        raise EngineError(
            f"{len(bad)} of {len(theirs)} worker(s) at {address} run other Cleft sources or "
            f"library versions (fingerprint {theirs[bad[0]]} against {mine}); "
            "start them from this checkout"
        )


def _inline(func: Callable[[Any], Any], jobs: Sequence[Any]) -> Iterator[tuple[int, Any]]:
    for i, job in enumerate(jobs):
        yield i, func(job)


def _dask(
    func: Callable[[Any], Any], jobs: Sequence[Any], client, retries: int
) -> Iterator[tuple[int, Any]]:
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    futures = client.map(func, list(jobs), retries=retries)
    where = {f.key: i for i, f in enumerate(futures)}
    try:
        for fut in as_completed(futures):
            i = where[fut.key]
            try:
                result = fut.result()
            except RuntimeError as exc:
                if "deserializ" not in str(exc):
                    raise
                raise EngineError(
                    f"the Dask cluster cannot read job {i}: {_one_line(exc)}"
                ) from None
            except KilledWorker:
                raise EngineError(
                    f"job {i} was running on every worker that died ({fut.key}); "
                    "it is not retried again (out of memory?)"
                ) from None
            except CancelledError as exc:  # the scheduler went away (or cancelled the job)
                why = _one_line(exc)
                if "connection-lost" in why:
                    why = "the connection to it was lost"
                raise EngineError(
                    f"the Dask scheduler stopped running the jobs ({why}); "
                    "what finished is kept (a sweep's --resume completes it)"
                ) from None
            fut.release()
            yield i, result
    finally:
        with contextlib.suppress(Exception):  # nothing left to cancel on a lost scheduler
            client.cancel(futures)


def run_jobs(
    func: Callable[[Any], Any],
    jobs: Sequence[Any],
    *,
    workers: int = DEFAULT_WORKERS,
    scheduler: str | None = None,
    retries: int = DEFAULT_RETRIES,
) -> Iterator[tuple[int, Any]]:
    """Run ``func(job)`` for every job; yield ``(position in jobs, result)`` as each finishes.

    Args:
        func: a pure, importable (picklable by reference) function of one job.
        jobs: plain picklable jobs (dicts).
        workers: local worker processes when ``scheduler`` is None; 1 runs the
            jobs in this process, in order.
        scheduler: ``tcp://HOST:PORT`` of an existing Dask scheduler, or None.
        retries: extra attempts for a job that raised.

    Yields:
        ``(i, func(jobs[i]))`` in completion order (in order when inline). If
        the consumer stops early (an exception, Ctrl-C, ``close()``), the jobs
        still queued are cancelled and an embedded cluster is shut down.

    Raises:
        EngineError: unreachable scheduler, mismatched workers, a job whose
            worker kept dying. A job's own exception is re-raised as it is.
    """
    scheduler = check_scheduler(scheduler)
    if not jobs:
        return
    if scheduler is None and workers <= 1:
        yield from _inline(func, jobs)
        return
    with _quiet_distributed(), contextlib.ExitStack() as stack:
        from distributed import Client, LocalCluster

        if scheduler is None:
            try:
                with _workers_ignore_sigint():
                    cluster = stack.enter_context(
                        LocalCluster(
                            n_workers=min(workers, len(jobs)),
                            threads_per_worker=1,
                            processes=True,
                            host="127.0.0.1",
                            dashboard_address=None,
                            # the scheduler's HTTP routes (health checks) on a free local port,
                            # not 8787 on every interface
                            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                            silence_logs=logging.CRITICAL,
                            env={"NUMBA_NUM_THREADS": "1"},
                        )
                    )
            except (OSError, RuntimeError, TimeoutError) as exc:
                raise EngineError(
                    f"cannot start the local Dask cluster of {workers} processes: "
                    f"{_one_line(exc)} (--workers 1 runs without one)"
                ) from None
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT_S))
            except (OSError, TimeoutError) as exc:
                raise EngineError(
                    f"cannot reach the Dask scheduler at {scheduler}: {_one_line(exc)}"
                ) from None
            _check_remote(client, scheduler)
        yield from _dask(func, jobs, client, retries)


# ------------------------------------------------------------------ progress
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
