"""The course's days on this machine's cores: forked worker processes that start warm.

A course day costs well under a second of CPU (:mod:`sim.course.day`), so
what a local run of a course waits for is no longer the days but the
workers' start: an embedded Dask cluster took 3-9 s to start on the 2-core
machine (9 s with the cores busy), and each of its workers then imported
the model and loaded the numba kernels again. Here the parent loads the
kernels once (a tiny run) and forks its workers, which inherit them: they
take their first day within milliseconds. Days go out longest first (the
caller's order) and come back as each finishes, as with
:func:`sim.runs.engine.run_jobs`, which still runs a course on an existing
Dask cluster (``--scheduler``) or in this process (one worker).

A worker that dies (killed, out of memory) breaks the pool: the days it
and the others had not yet returned are run again, once, in a fresh pool
(a day is a pure function of its job, so a day run again gives the same
numbers); if a worker dies again the batch ends with :class:`EngineError`
naming the jobs left, and every worker is gone (nothing waits on a dead one).

Fork is Linux's and macOS's; where it does not exist (Windows) the days go
through :func:`sim.runs.engine.run_jobs`. The numbers never depend on where a
day ran: :func:`sim.course.day.run_day` is a pure function of its job.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sim.runs.engine import EngineError, run_jobs


def warm_kernels() -> None:
    """Load (or compile) the synapse kernels in this process: a 1 us run of the default model."""
    from sim.params.presets import load_preset
    from sim.synapse.model import Synapse

    Synapse(load_preset("default").params).run(0.001)


POOL_STARTS = 2
"""Pools one batch may start: the first, and one more after a worker died."""


def run_local(
    func: Callable[[Any], Any], jobs: Sequence[Any], workers: int
) -> Iterator[tuple[int, Any]]:
    """Yield ``(position, func(job))`` for every job as each finishes, on ``workers`` forked processes.

    Args:
        func: a pure function of one job.
        jobs: the jobs, in the order they should start.
        workers: processes (>= 2; one process is :func:`sim.runs.engine.run_jobs` inline).

    Raises:
        EngineError: a worker process died (killed, out of memory) in the first
            pool and again in the fresh one that ran the days left.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from run_jobs(func, jobs, workers=workers)
        return
    warm_kernels()
    left = list(range(len(jobs)))
    for _ in range(POOL_STARTS):
        returned: set[int] = set()
        died = yield from _one_pool(func, jobs, left, workers, returned)
        left = [i for i in left if i not in returned]
        if not died:
            return
    shown = ", ".join(str(i) for i in left[:8]) + (", ..." if len(left) > 8 else "")
    raise EngineError(
        f"a day's worker process died twice (killed or out of memory); "
        f"{len(left)} of {len(jobs)} jobs not run (positions {shown})"
    )


def _one_pool(
    func: Callable[[Any], Any],
    jobs: Sequence[Any],
    positions: list[int],
    workers: int,
    returned: set[int],
) -> Generator[tuple[int, Any], None, bool]:
    """Run ``jobs[i]`` for ``i`` in ``positions`` on one fresh pool; yield each result as it comes.

    Adds each yielded position to ``returned``. Returns (as the generator's
    value) True when a worker died, which ends this pool (its other days
    are not waited for), else False.
    """
    context = multiprocessing.get_context("fork")
    n_workers = max(1, min(workers, len(positions)))
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
    try:
        queued = iter(positions)
        running: dict[Any, int] = {}

        def top_up() -> None:  # a day waiting behind each running one, in the caller's order
            while len(running) < 2 * n_workers:
                nxt = next(queued, None)
                if nxt is None:
                    return
                running[pool.submit(func, jobs[nxt])] = nxt

        top_up()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            died = False
            for fut in sorted(done, key=running.__getitem__):
                i = running.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    died = True
                    continue
                returned.add(i)
                yield i, result
            if died:
                return True
            top_up()
        return False
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
