"""The treatment timeline in the window: a day counter, one SSRI course, and the daily signal.

No science lives here. The slow state of every day (SERT occupancy,
autoreceptor sensitivity, receptor density, firing) comes from
:func:`sim.timeline.slow_states` called over the whole history (day 0 to
today, with the course's start and stop day); the fast model shown for a day
is built from :func:`sim.timeline.day_overrides` on the drug-free base
parameters, always with the same seed. ``slow_states`` takes one course
(start day, stop day) and always starts from the naive state, so a timeline
holds one course: after the drug is stopped it cannot be restarted (load a
preset to begin a new timeline).

The daily receptor signal is measured, not computed: for every day shown the
window keeps the mean number of bound receptors the model recorded while it
was on screen (each day's model starts at t = 0, so every day starts with the
same action potential). A day is compared with the drug-free day 0 over the
same span of simulated time (the shorter of the two days watched), so
watching one day longer than another does not bias the ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim import states as S
from sim.params import Parameters
from sim.timeline import (
    TIMELINE_DT_NS,
    DayState,
    baseline_state,
    day_overrides,
    run_day,
    slow_states,
)

MAX_DAYS = 365
"""Longest timeline, days."""

NEVER = 10**9
"""A stop day that never comes."""

MAX_SEGMENT_SAMPLES = 20_000
"""A day's record is thinned to at most this many samples (its integral is kept exact)."""

TIMELINE_ISIS = 4
"""Interspike intervals per background day run, as ``main.py timeline``'s default."""

MIN_MATCH_MS = 0.002
"""Shortest common span over which two days are compared, simulated ms."""


@dataclass(frozen=True)
class Segment:
    """What the model recorded while one state of one day was on screen.

    Attributes:
        day: day of the timeline.
        on_drug: the drug was taken that day.
        t_ms: sample times from the day's start (its model restarts at 0), ms.
        cum: cumulative integral of bound receptors over ``t_ms``, receptor·ms.
    """

    day: int
    on_drug: bool
    t_ms: np.ndarray
    cum: np.ndarray

    @property
    def duration_ms(self) -> float:
        """Simulated time recorded, ms."""
        return float(self.t_ms[-1] - self.t_ms[0]) if len(self.t_ms) else 0.0

    def mean_bound(self, span_ms: float | None = None) -> float:
        """Mean bound receptors over the first ``span_ms`` (default: all of it)."""
        span = self.duration_ms if span_ms is None else min(span_ms, self.duration_ms)
        if span <= 0:
            return float("nan")
        end = float(np.interp(self.t_ms[0] + span, self.t_ms, self.cum))
        return end / span


def bound_receptors(model) -> tuple[np.ndarray, np.ndarray]:
    """(time ms, bound receptors) as recorded by ``model``."""
    rec = model.recorder
    n_receptors = int(np.count_nonzero(model.sites.kind == S.SITE_RECEPTOR))
    return rec.column("time_ms").copy(), rec.column("receptor_occupancy") * n_receptors


def segment_of(model, day: int, on_drug: bool) -> Segment:
    """The record of ``model`` (shown as ``day``) as a :class:`Segment`."""
    t, bound = bound_receptors(model)
    cum = np.zeros(len(t))
    if len(t) > 1:
        cum[1:] = np.cumsum(0.5 * (bound[1:] + bound[:-1]) * np.diff(t))
    if (
        len(t) > MAX_SEGMENT_SAMPLES
    ):  # thin out; the cumulative integral stays exact at the kept points
        keep = np.unique(np.linspace(0, len(t) - 1, MAX_SEGMENT_SAMPLES).astype(np.int64))
        t, cum = t[keep], cum[keep]
    return Segment(day, on_drug, t, cum)


class Treatment:
    """A treatment timeline: today's day, one drug course, the days seen so far.

    Args:
        base: drug-free, naive parameters (day 0 before any drug).
        base_name: the preset they come from (for the screen).
    """

    def __init__(self, base: Parameters, base_name: str) -> None:
        self.base = base.with_overrides(blockade=0.0, autoreceptor_sensitivity=1.0)
        self.base_name = base_name
        self.day = 0
        self.occupancy = 0.0
        self.start_day: int | None = None
        self.stop_day: int | None = None
        self.segments: list[Segment] = []

    # ------------------------------------------------------------ slow state
    def states(self) -> list[DayState]:
        """The slow state of days 0..today (``sim.timeline.slow_states``)."""
        start = NEVER if self.start_day is None else self.start_day
        stop = NEVER if self.stop_day is None else self.stop_day
        return slow_states(self.day + 1, self.occupancy, start, stop)

    def state(self) -> DayState:
        """Today's slow state."""
        return self.states()[-1]

    def params(self) -> Parameters:
        """Parameters of today's fast model (base + ``sim.timeline.day_overrides``)."""
        return self.base.with_overrides(**day_overrides(self.base, self.state()))

    @property
    def on_drug(self) -> bool:
        """The drug is taken today."""
        return self.state().on_drug

    @property
    def course_over(self) -> bool:
        """The course was started and stopped (a timeline holds one course)."""
        return self.stop_day is not None

    # -------------------------------------------------------------- commands
    def record(self, segment: Segment | None) -> None:
        """Keep what was shown of the state now ending (empty records are skipped)."""
        if segment is not None and segment.duration_ms > 0:
            self.segments.append(segment)

    def advance(self, days: int) -> int:
        """Move ``days`` ahead (capped at ``MAX_DAYS``); returns the days actually moved."""
        new = min(MAX_DAYS, self.day + max(0, int(days)))
        moved = new - self.day
        self.day = new
        return moved

    def start_drug(self, occupancy: float) -> None:
        """Start the course today at SERT ``occupancy`` (0..1]."""
        if self.start_day is not None:
            raise ValueError("the drug course has already started")
        if not 0.0 < occupancy <= 1.0:
            raise ValueError(f"occupancy = {occupancy} must be in (0, 1]")
        self.occupancy = float(occupancy)
        self.start_day = self.day

    def stop_drug(self) -> None:
        """Stop the course abruptly today (no dose from today on)."""
        if self.start_day is None or self.stop_day is not None:
            raise ValueError("no drug course is running")
        if self.day == self.start_day:  # started and stopped on one day: no course at all
            self.start_day, self.occupancy = None, 0.0
            return
        self.stop_day = self.day

    # ---------------------------------------------------------------- signal
    def baseline(self) -> Segment | None:
        """The longest drug-free day-0 record, or None."""
        cands = [s for s in self.segments if s.day == 0 and not s.on_drug]
        return max(cands, key=lambda s: s.duration_ms, default=None)

    def signal(self, segment: Segment, baseline: Segment | None = None) -> float | None:
        """Mean bound receptors of ``segment`` over the baseline's span, relative to it."""
        base = self.baseline() if baseline is None else baseline
        if base is None:
            return None
        span = min(segment.duration_ms, base.duration_ms)
        if span < MIN_MATCH_MS:
            return None
        ref = base.mean_bound(span)
        if not ref > 0:
            return None
        return segment.mean_bound(span) / ref

    def signal_points(self, live: Segment | None = None) -> list[tuple[int, bool, float]]:
        """(day, on drug, signal) for every day shown; a day's last record counts.

        ``live`` is the record of the day on screen now (not yet kept).
        """
        last: dict[int, Segment] = {}
        for seg in [*self.segments, *([live] if live is not None else [])]:
            if seg.duration_ms > 0:
                last[seg.day] = seg
        base = self.baseline()
        if base is None and live is not None and live.day == 0 and not live.on_drug:
            base = live
        out = []
        for day in sorted(last):
            value = self.signal(last[day], base)
            if value is not None:
                out.append((day, last[day].on_drug, value))
        return out


class DayRuns:
    """The timeline command's measurement for each day shown, computed in a worker process.

    What the window records while a day is on screen covers only the
    microseconds watched; ``main.py timeline`` runs the fast model for
    ``TIMELINE_ISIS`` interspike intervals at the day's state
    (:func:`sim.timeline.run_day`). This runs the same jobs for the days the
    window shows in one background process, one at a time, so the animation is
    never held up: the drug-free baseline first, then always the most recently
    shown day still missing (the one the lecturer is talking about). Low-firing
    days (the first day on the drug) take longest, as in the command.

    Args:
        base: drug-free, naive parameters of the timeline.
        seed: the window's seed (every day runs with it, as the command does).
    """

    def __init__(self, base: Parameters, seed: int) -> None:
        self._overrides = {**base.as_dict(), "dt_ns": TIMELINE_DT_NS}
        self._seed = seed
        self._pool = None
        self._waiting: dict[int, DayState] = {}  # insertion order = order shown
        self._running: tuple[DayState, object] | None = None
        self.bound: dict[int, tuple[bool, float]] = {}
        """Mean bound receptors by day (-1: the naive, drug-free baseline)."""
        self.failed = False
        self.request(baseline_state())

    def _job(self, state: DayState) -> dict:
        return {
            "state": state,
            "preset": "default",
            "overrides": self._overrides,
            "seed": self._seed,
            "isis": TIMELINE_ISIS,
        }

    def request(self, state: DayState) -> None:
        """Ask for ``state``'s run unless it is done or running; the latest request goes next."""
        running = self._running is not None and self._running[0].day == state.day
        if self.failed or state.day in self.bound or running:
            return
        self._waiting.pop(state.day, None)
        self._waiting[state.day] = state
        self._start_next()

    def _start_next(self) -> None:
        if self._running is not None or not self._waiting or self.failed:
            return
        day = -1 if -1 in self._waiting else next(reversed(self._waiting))
        state = self._waiting.pop(day)
        try:
            if self._pool is None:
                from .workers import Worker

                self._pool = Worker("treatment")  # spawned, one job at a time, dies with us
            self._running = (state, self._pool.submit(run_day, self._job(state)))
        except (OSError, RuntimeError):
            self.failed = True

    def poll(self) -> None:
        """Collect a finished run and start the next (never blocks)."""
        if self._running is not None and self._running[1].done():
            state, fut = self._running
            self._running = None
            try:
                self.bound[state.day] = (state.on_drug, float(fut.result()["receptors_bound_mean"]))
            except Exception:  # a failed worker must not take the window down
                self.failed = True
        self._start_next()

    def wait(self) -> None:
        """Block until every requested run has finished (tests)."""
        while self._running is not None and not self.failed:
            self._running[1].result()
            self.poll()

    @property
    def busy(self) -> int:
        """Runs waiting or running."""
        return len(self._waiting) + (self._running is not None)

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
        """Stop the worker (waiting runs are dropped)."""
        if self._pool is not None:
            self._pool.close()  # render.workers: a running day is ended, not left running
            self._pool = None
        self._waiting.clear()
        self._running = None
