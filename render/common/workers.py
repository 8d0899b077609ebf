"""The window's background worker processes: started clean, one per kind, gone with their parent.

The window computes two things off the frame: the mean-field overlay
(``render/overlay.py``) and the treatment timeline's daily runs
(``render/treatment.py``). Both go through :class:`Worker`, which enforces:

* **spawn, not fork**: a worker is a fresh interpreter started with the
  multiprocessing ``spawn`` context; it inherits only its own job pipe, never
  another descriptor of the window (with fork, a worker kept the write end of
  ffmpeg's input pipe open, ffmpeg never saw the end of its input, and
  stopping a recording hung the window), nor its signal handlers;
* **one at a time**: a :class:`Worker` has at most one process and runs one
  job at a time; a job submitted while another runs cancels it (the process
  is terminated, SIGTERM then SIGKILL after ``STOP_GRACE_S``, and a fresh one
  started), so replaced jobs never pile up;
* **dies with its parent**: the worker asks the kernel for SIGKILL when its
  parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``) and, everywhere, a watchdog
  thread checks ``os.getppid()`` every ``PARENT_POLL_S`` and exits when the
  parent is gone; SIGTERM has its default effect (exit), SIGINT is ignored
  (Ctrl+C belongs to the window, which then closes its workers);
* **never more processes than CPUs** (:func:`budget`, at least one per
  kind): a kind may add ``spare`` workers while there is :func:`room`; a
  worker that starts when the budget is full ends a spare one first, whose
  job settles with ``gave_way`` (its owner runs it again later);
* **never blocks the frame**: :meth:`Worker.poll` and :meth:`Job.done` return at once;
* **a priority of its own from the start** (``Worker(name, nice=N)``): a
  process with ``nice`` above the window's lowers its own priority before it
  loads its jobs' modules, so not even that start-up (numpy, numba, the
  cached kernels: ~1 CPU-s) competes with the animation on equal terms. The
  kinds of today both run at the window's own: the overlay's worker (one
  short solve per change) and the treatment chart's days
  (:data:`render.lecture.day_runs.DAY_NICE` gives the measurements: at
  niceness 19 one other busy program on the 2-core machine held a K W W W
  chart back for 74 s; ``SCHED_IDLE`` was worse still, 0.3 CPU-s in 9 s).

:meth:`Worker.submit` returns a :class:`Job` with ``done()``, ``result()`` and
``cancel()`` like a ``concurrent.futures.Future``, so callers written for a
one-worker ``ProcessPoolExecutor`` change only where the worker is made.

This module imports no pygame, so a worker process stays small.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SPAWN = multiprocessing.get_context("spawn")
"""The only start method used for window workers."""

STOP_GRACE_S = 1.0
"""Wall time a terminated worker gets to exit before it is killed, s."""

PARENT_POLL_S = 0.25
"""How often a worker checks that its parent is alive, s."""

_PR_SET_PDEATHSIG = 1

_LIVE: weakref.WeakSet[Worker] = weakref.WeakSet()


@dataclass(frozen=True)
class Outcome:
    """A finished job: ``ok`` with its ``value``, or not ok with a one-line ``error``."""

    ok: bool
    value: Any = None
    error: str = ""
    gave_way: bool = False
    """The job was ended so that another kind of worker could start (``spare`` workers)."""


class WorkerError(RuntimeError):
    """A job failed in the worker or the worker died (one-line message)."""


# ------------------------------------------------------------------ child side
def _die_with_parent(parent_pid: int) -> None:
    """Exit as soon as ``parent_pid`` is no longer our parent."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # the parent died before we got here
        os._exit(0)

    def watch() -> None:
        while True:
            time.sleep(PARENT_POLL_S)
            if os.getppid() != parent_pid:
                os._exit(0)

    threading.Thread(target=watch, name="cleft-parent-watch", daemon=True).start()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _lower_priority(nice: int) -> None:
    """Raise this process's niceness to ``nice`` (no-op where there is no ``os.nice``)."""
    try:
        now = os.nice(0)
        if nice > now:
            os.nice(nice - now)
    except (AttributeError, OSError):
        pass


def _child_main(conn, parent_pid: int, nice: int = 0) -> None:
    """Worker process: run jobs from ``conn`` until it closes or the parent dies."""
    _lower_priority(nice)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent_pid)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, args = job
        try:
            reply = Outcome(True, fn(*args))
        except Exception as exc:
            reply = Outcome(False, error=_one_line(exc))
        try:
            conn.send(reply)
        except (OSError, EOFError):
            return
        except Exception as exc:  # the value could not be pickled
            conn.send(Outcome(False, error=_one_line(exc)))


# ----------------------------------------------------------------- parent side
class Job:
    """One submitted job, with the part of the ``concurrent.futures.Future`` API the window uses."""

    def __init__(self, worker: Worker) -> None:
        self._worker = worker
        self._outcome: Outcome | None = None

    def _settle(self, outcome: Outcome) -> None:
        if self._outcome is None:
            self._outcome = outcome

    def done(self) -> bool:
        """True once the job finished, failed or was cancelled (never blocks)."""
        if self._outcome is None:
            self._worker.poll()
        return self._outcome is not None

    def result(self, timeout: float | None = None) -> Any:
        """The job's value, waiting up to ``timeout`` s (None: as long as it takes).

        Raises:
            WorkerError: the job failed, was cancelled, the worker died, or the wait timed out.
        """
        if self._outcome is None:
            self._worker.wait(timeout)
        out = self._outcome
        if out is None:
            raise WorkerError(f"{self._worker.name} worker: no result after {timeout} s")
        if not out.ok:
            raise WorkerError(out.error)
        return out.value

    def cancel(self) -> None:
        """Abandon the job (ends the worker process if the job is running)."""
        if self._outcome is None:
            self._worker.cancel()

    @property
    def gave_way(self) -> bool:
        """The job ended unfinished because its spare worker made room (run it again later)."""
        return self._outcome is not None and self._outcome.gave_way


class Worker:
    """At most one spawned process running at most one job at a time.

    Args:
        name: shown in the process name and in messages (e.g. "overlay").
        nice: niceness the process takes before anything else (0: the parent's).
        spare: an extra worker of a kind that already has one: it is ended
            (:meth:`give_way`) when another worker needs its process slot
            (at most :func:`budget` live workers).
    """

    def __init__(self, name: str, nice: int = 0, spare: bool = False) -> None:
        self.name = name
        self.nice = int(nice)
        self.spare = bool(spare)
        self._proc = None
        self._conn = None
        self._job: Job | None = None
        self.started = 0
        """Processes started so far."""
        self.cancelled = 0
        """Jobs cancelled by a newer one, by :meth:`cancel` or by :meth:`close`."""
        _LIVE.add(self)

    # ----------------------------------------------------------------- state
    @property
    def busy(self) -> bool:
        """A job is running."""
        return self._job is not None

    @property
    def alive(self) -> bool:
        """The worker process exists and runs."""
        return self._proc is not None and self._proc.is_alive()

    @property
    def pid(self) -> int | None:
        """The worker process id, or None."""
        return self._proc.pid if self._proc is not None else None

    # -------------------------------------------------------------- commands
    def submit(self, fn: Callable[..., Any], *args: Any) -> Job:
        """Run ``fn(*args)`` in the worker; a running job is cancelled first.

        ``fn`` must be importable by name (a module-level function) and its
        arguments and result picklable.

        Raises:
            WorkerError: the process could not be started.
        """
        self.cancel()
        if not self.alive:
            self._start()
        try:
            self._conn.send((fn, args))
        except (OSError, ValueError) as exc:
            self._stop()
            raise WorkerError(f"{self.name} worker: {_one_line(exc)}") from None
        self._job = Job(self)
        return self._job

    def poll(self) -> Outcome | None:
        """The running job's outcome if it just finished, else None. Never blocks."""
        job = self._job
        if job is None:
            return None
        try:
            ready = self._conn.poll()
            out = self._conn.recv() if ready else None
        except (OSError, EOFError) as exc:  # the worker died (its end of the pipe closed)
            proc = self._proc
            if proc is not None:
                proc.join(STOP_GRACE_S)
            code = None if proc is None else proc.exitcode
            why = f"exited (code {code})" if code is not None else _one_line(exc)
            out = Outcome(False, error=f"{self.name} worker {why}")
            self._stop()
        if out is None and not self.alive:
            code = None if self._proc is None else self._proc.exitcode
            out = Outcome(False, error=f"{self.name} worker exited (code {code})")
            self._stop()
        if out is not None:
            self._job = None
            job._settle(out)
        return out

    def wait(self, timeout_s: float | None = None) -> Outcome | None:
        """Block until the running job finishes; None on timeout or when idle."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while self._job is not None:
            out = self.poll()
            if out is not None:
                return out
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            try:
                self._conn.poll(0.05 if left is None else max(0.0, min(0.05, left)))
            except (OSError, EOFError, AttributeError):
                pass
        return None

    def cancel(self) -> None:
        """Abandon the running job (its process is ended; the next job starts a fresh one)."""
        job, self._job = self._job, None
        if job is not None:
            self.cancelled += 1
            job._settle(Outcome(False, error=f"{self.name} job cancelled"))
            self._stop()

    def give_way(self) -> None:
        """End this (spare) worker now; its running job settles with ``gave_way``."""
        job, self._job = self._job, None
        if job is not None:
            job._settle(Outcome(False, error=f"{self.name} gave way", gave_way=True))
        self._stop()

    def close(self) -> None:
        """End the worker process (a running job is abandoned). Safe to call twice."""
        self.cancel()
        self._stop()

    # ------------------------------------------------------------- internals
    def _start(self) -> None:
        self._stop()
        if not self.spare:
            _make_room(self)
        parent, child = SPAWN.Pipe(duplex=True)
        proc = SPAWN.Process(
            target=_child_main,
            args=(child, os.getpid(), self.nice),
            name=f"cleft-{self.name}",
            daemon=True,
        )
        try:
            proc.start()
        except (OSError, RuntimeError) as exc:
            parent.close()
            child.close()
            raise WorkerError(f"{self.name} worker could not start: {exc}") from None
        child.close()
        self._proc, self._conn = proc, parent
        self.started += 1

    def _stop(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            try:
                conn.close()  # an idle worker sees EOF and exits
            except OSError:
                pass
        if proc is None:
            return
        if proc.is_alive():
            proc.join(0.05)
        if proc.is_alive():
            proc.terminate()
            proc.join(STOP_GRACE_S)
        if proc.is_alive():
            proc.kill()
            proc.join(STOP_GRACE_S)
        try:
            proc.close()
        except ValueError:  # still running after SIGKILL: leave it to the OS
            pass


def budget() -> int:
    """Most window workers alive at once: one per usable CPU, and at least 2 (one per kind)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(2, cpus)


def room() -> int:
    """How many more workers may start now without a spare one giving way."""
    return budget() - sum(1 for w in list(_LIVE) if w.alive)


def _make_room(starting: Worker) -> None:
    """End spare workers (newest first) so ``starting`` stays within :func:`budget`."""
    live = [w for w in list(_LIVE) if w.alive and w is not starting]
    over = len(live) + 1 - budget()
    for w in [w for w in reversed(live) if w.spare][: max(0, over)]:
        w.give_way()


def live_worker_pids() -> list[int]:
    """Process ids of every window worker alive now (tests, diagnostics)."""
    return [w.pid for w in list(_LIVE) if w.alive and w.pid is not None]


def close_all() -> None:
    """End every worker of this process (window shutdown)."""
    for w in list(_LIVE):
        w.close()
