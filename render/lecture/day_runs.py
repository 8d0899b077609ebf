"""The treatment chart's daily signal, computed in background processes and cached.

The daily receptor signal is the timeline command's measurement
(:func:`sim.course.day.run_day`, ``DAY_WINDOW_MS`` of simulated time at the
day's state), divided by the same measurement of the drug-free, naive
synapse: one series, "receptor signal, relative to before the drug".
:class:`DayRuns` computes it in background processes (one per core, two
days at once) at the window's CPU priority (:data:`DAY_NICE`), so other
programs on the machine do not starve them, and keeps every result in a
cache per preset parameters, seed and day state (in memory, and on disk when a cache folder is writable), keyed to the
model's source and the day's definition, so a lecture run the night before
shows its chart at once.

A day is the same job as ``main.py timeline``'s (same window, step and
seed), so the chart's values are the command's. Its cost is the model's
(:mod:`sim.course.day`): about 0.4 CPU-s for a day without the drug and
1 CPU-s for a day of four releases with SERT 80% blocked (the 5-HT
lingers), measured on the 2-core machine; a shorter window would
be cheaper but reads drug days 5-15% low (5-HT builds up over the window's
releases), so it is not used.
"""

from __future__ import annotations

import os

from sim.course.day import DAY_WINDOW_MS, run_day
from sim.course.day_cache import (  # noqa: F401  (re-exported: the cache lives in sim)
    DAY_DEFINITION,
    DayCache,
    _engine_sources,
    _engine_version,
    cache_file,
    day_job,
    read_cache,
)
from sim.course.timeline import DayState, baseline_state
from sim.params.synapse import Parameters

DAY_WORKERS = 2
"""Day-run processes at most (one per core on the 2-core lecture machine, never more than
the CPUs this process may use): two days compute at once."""

DAY_NICE = 0
"""Niceness of the day workers: the window's own. Measured with the K W W W of
``main.py bench --course`` (``render.course_bench``: empty day cache, 1280x720, keys 1 s
apart) on the 2-core machine beside one busy process, in a real X window (Xvfb), with the
80 ns days of before, seconds from K to a full chart and the window's frame rate meanwhile:
niceness 19, 73.5 s at 41 fps; 1, 10.2-10.6 s at 24-29 fps; 0, 8.4-8.7 s at 24-28 fps
(alone, at 1: 5.9 s, 33 fps). With today's 160 ns days, at 0: 4.8-5.2 s at 34-43 fps.
Any niceness that lets the days through costs the window the same frames for those
seconds (one step below it, 1, protected none of them), and at 19 the other program holds
the chart back for a minute, so the days run at the window's priority."""


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class DayRuns:
    """The timeline command's measurement for each day shown, computed in worker processes.

    Runs :func:`sim.course.day.run_day` (``DAY_WINDOW_MS`` of simulated time at
    ``TIMELINE_DT_NS``, the window's seed: the job ``main.py timeline
    --seed S`` runs for that day, so the same numbers) for the days the
    window shows, in up to ``workers`` background processes at
    :data:`DAY_NICE`, one day each at a time, so the animation is never held
    up. Order: the drug-free baseline first, then always the most recently
    shown day still missing (the one the lecturer is talking about), then
    the days asked for ahead (:meth:`prefetch`, started at the next
    :meth:`poll`, so a day shown in the same frame goes first). Results come
    from the cache when they are there.

    Args:
        base: drug-free, naive parameters of the timeline.
        seed: the window's seed (every day runs with it, as the command does).
        cache: where results are kept (default: memory and :func:`cache_file`).
        workers: processes at most (default ``DAY_WORKERS``, capped at the CPUs usable).
    """

    def __init__(
        self,
        base: Parameters,
        seed: int,
        cache: DayCache | None = None,
        workers: int | None = None,
    ) -> None:
        self._base = base
        self._seed = seed
        n = DAY_WORKERS if workers is None else int(workers)
        self._slots: list = [None] * max(1, min(n, _usable_cpus()))
        self._waiting: dict[int, DayState] = {}  # insertion order = order shown
        self._ahead: dict[int, DayState] = {}
        self._running: dict[int, tuple[DayState, object, int, bool]] = {}
        """Day -> (state, job, worker slot, asked for rather than ahead)."""
        self.cache = cache if cache is not None else DayCache(cache_file())
        self.bound: dict[int, tuple[bool, float]] = {}
        """Mean bound receptors by day (-1: the naive, drug-free baseline)."""
        self.failed = False
        """A day run could not be started or failed: no more are started (``error`` says why)."""
        self.error: str | None = None
        """Why the day runs stopped, in one line (the course says it on screen once)."""
        self.submitted = 0
        """Jobs sent to the workers (cache hits are not)."""
        self.request(baseline_state())

    def serves(self, base: Parameters, seed: int) -> bool:
        """These runs compute the days of ``base`` at ``seed`` (their jobs are the same)."""
        return seed == self._seed and base.as_dict() == self._base.as_dict()

    def _job(self, state: DayState) -> dict:
        return day_job(self._base, self._seed, state, DAY_WINDOW_MS)

    def _known(self, state: DayState) -> bool:
        if self.failed or state.day in self.bound or state.day in self._running:
            return True
        hit = self.cache.get(self._job(state))
        if hit is not None:
            self.bound[state.day] = (state.on_drug, hit)
            return True
        return False

    def request(self, state: DayState) -> None:
        """Ask for ``state``'s run unless it is done or running; the latest request goes next."""
        if self._known(state):
            return
        self._ahead.pop(state.day, None)
        self._waiting.pop(state.day, None)
        self._waiting[state.day] = state
        self._start_next(ahead=False)

    def prefetch(self, states: list[DayState]) -> None:
        """Compute these days when nothing asked for is waiting (in the order given).

        They start at the next :meth:`poll`, so a day asked for in the same
        frame (K asks for today right after the timeline opens) goes first.
        """
        for st in states:
            if not self._known(st) and st.day not in self._waiting:
                self._ahead.setdefault(st.day, st)

    def _free_slot(self) -> int | None:
        from render.common.workers import room

        busy = {slot for _, _, slot, _ in self._running.values()}
        for i in range(len(self._slots)):
            if i in busy:
                continue
            w = self._slots[i]
            if i == 0 or (w is not None and w.alive) or room() > 0:  # spares need a CPU
                return i
        return None

    def _start_next(self, ahead: bool = True) -> None:
        while not self.failed:
            slot = self._free_slot()
            if slot is None:
                return
            if self._waiting:
                day = -1 if -1 in self._waiting else next(reversed(self._waiting))
                state, asked = self._waiting.pop(day), True
            elif ahead and self._ahead:
                state, asked = self._ahead.pop(next(iter(self._ahead))), False
            else:
                return
            try:
                if self._slots[slot] is None:
                    from render.common.workers import Worker

                    # spawned, one job at a time, dies with us, at DAY_NICE from the start;
                    # the second one is spare: it gives way to the overlay's worker
                    name = f"treatment-{slot + 1}"
                    self._slots[slot] = Worker(name, nice=DAY_NICE, spare=slot > 0)
                job = self._slots[slot].submit(run_day, self._job(state))
            except (OSError, RuntimeError) as exc:
                self._fail(f"cannot start a day run: {exc}")
                return
            self._running[state.day] = (state, job, slot, asked)
            self.submitted += 1

    def poll(self) -> None:
        """Collect finished runs and start the next ones (never blocks)."""
        for day, (state, job, _, asked) in list(self._running.items()):
            if not job.done():
                continue
            del self._running[day]
            if job.gave_way:  # its worker made room for another kind: run it again later
                (self._waiting if asked else self._ahead)[state.day] = state
                continue
            try:
                value = float(job.result()["receptors_bound_mean"])
                self.bound[state.day] = (state.on_drug, value)
                self.cache.put(self._job(state), value)
            except Exception as exc:  # a failed worker must not take the window down
                self._fail(f"day {state.day} failed: {exc}")
        self._start_next()

    def _fail(self, why: str) -> None:
        self.failed = True
        self.error = self.error or (why.splitlines()[0] if why else "a day run failed")

    def wait(self) -> None:
        """Block until every run asked for, and every run started, has finished (tests)."""
        while (self._running or self._waiting) and not self.failed:
            for _, job, _, _ in list(self._running.values()):
                try:
                    job.result()
                except Exception:  # poll() records the failure
                    pass
            self.poll()

    @property
    def busy(self) -> int:
        """Runs asked for (not ahead) still waiting or running."""
        asked = sum(1 for *_, was_asked in self._running.values() if was_asked)
        return len(self._waiting) + asked

    def computing(self) -> tuple[int, ...] | None:
        """The days being computed now, sorted (-1: the baseline), or None when idle."""
        return tuple(sorted(self._running)) or None

    def points(self) -> list[tuple[int, bool, float]]:
        """(day, on drug, bound receptors / baseline) for the days computed so far."""
        base = self.bound.get(-1)
        if base is None or not base[1] > 0:
            return []
        return [
            (day, on, value / base[1])
            for day, (on, value) in sorted(self.bound.items())
            if day >= 0
        ]

    def close(self) -> None:
        """Stop the workers (waiting runs are dropped; running days are ended, not left running)."""
        for i, worker in enumerate(self._slots):
            if worker is not None:
                worker.close()
                self._slots[i] = None
        self._waiting.clear()
        self._ahead.clear()
        self._running.clear()
