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

Fork is Linux's and macOS's; where it does not exist (Windows) the days go
through :func:`sim.runs.engine.run_jobs`. The numbers never depend on where a
day ran: :func:`sim.course.day.run_day` is a pure function of its job.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from sim.runs.engine import EngineError, run_jobs


def warm_kernels() -> None:
    """Load (or compile) the synapse kernels in this process: a 1 us run of the default model."""
    from sim.params.presets import load_preset
    from sim.synapse.model import Synapse

    Synapse(load_preset("default").params).run(0.001)


def run_local(
    func: Callable[[Any], Any], jobs: Sequence[Any], workers: int
) -> Iterator[tuple[int, Any]]:
    """Yield ``(position, func(job))`` for every job as each finishes, on ``workers`` forked processes.

    Args:
        func: a pure function of one job.
        jobs: the jobs, in the order they should start.
        workers: processes (>= 2; one process is :func:`sim.runs.engine.run_jobs` inline).

    Raises:
        EngineError: a worker process died (killed, out of memory).
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from run_jobs(func, jobs, workers=workers)
        return
    warm_kernels()
    context = multiprocessing.get_context("fork")
    n_workers = max(1, min(workers, len(jobs)))
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
    try:
        queued = iter(enumerate(jobs))
        running: dict[Any, int] = {}

        def top_up() -> None:  # a day waiting behind each running one, in the caller's order
            while len(running) < 2 * n_workers:
                nxt = next(queued, None)
                if nxt is None:
                    return
                running[pool.submit(func, nxt[1])] = nxt[0]

        top_up()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                i = running.pop(fut)
                try:
                    result = fut.result()
                except BrokenProcessPool:
                    raise EngineError(
                        f"a day's worker process died while running job {i} (out of memory?)"
                    ) from None
                yield i, result
            top_up()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
