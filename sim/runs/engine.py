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
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

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
    from distributed.comm.core import CommClosedError
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
            except (CancelledError, CommClosedError, ConnectionError) as exc:
                # the scheduler went away (or cancelled the job); gathering a result from a
                # scheduler killed at that moment fails with the connection instead
                why = _one_line(exc)
                if "connection-lost" in why or not isinstance(exc, CancelledError):
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
