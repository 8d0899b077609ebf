"""The treatment timeline in the window: a day counter, one SSRI course, and the daily signal.

No science lives here. The slow state of every day (SERT occupancy,
autoreceptor sensitivity, receptor density, firing) comes from
:func:`sim.course.timeline.slow_states` called over the whole history (day 0 to
today, with the course's start and stop day); the fast model shown for a day
is built from :func:`sim.course.day.day_overrides` on the drug-free base
parameters, always with the same seed. ``slow_states`` takes one course
(start day, stop day) and always starts from the naive state, so a timeline
holds one course: after the drug is stopped it cannot be restarted (load a
preset to begin a new timeline).

The daily receptor signal shown beside the timeline is computed by
:mod:`render.lecture.day_runs` (the agents, in the background) and, as a
curve at once, by :func:`sim.course.curve.course_signal` (the mean field).
"""

from __future__ import annotations

from render.lecture.prescription import Prescription
from sim.course.checks import dose_states
from sim.course.curve import course_signal
from sim.course.day import day_overrides
from sim.course.dosing import parse_taper
from sim.course.timeline import DayState, slow_states
from sim.params.synapse import Parameters

MAX_DAYS = 365
"""Longest timeline, days."""

NEVER = 10**9
"""A stop day that never comes."""

PREFETCH_DAYS = (7, 14, 21, 1, 28)
"""Days after the course starts that are computed ahead, in this order: the usual K W W W
first, then the first day after the start (D) and week 4. With day 1 second, one of the two
day workers spent the seconds between K and the first W on a day K W W W never shows."""


class Treatment:
    """A treatment timeline: today's day and one drug course.

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
        self.prescription = Prescription()
        """The drug, dose and taper of a course given in mg (no drug: ``occupancy``)."""
        self._curve: dict[DayState, float] = {}

    def curve(self) -> list[float]:
        """The mean-field receptor signal of days 0..today (:func:`sim.course.curve.course_signal`).

        Relative to the naive, drug-free synapse, like the day runs' points;
        each day state is computed once (about a millisecond a day).
        """
        states = self.states()
        missing = [st for st in states if st not in self._curve]
        if missing:
            self._curve.update(zip(missing, course_signal(self.base, missing), strict=True))
        return [self._curve[st] for st in states]

    # ------------------------------------------------------------ slow state
    def states(self, days: int | None = None) -> list[DayState]:
        """The slow state of days 0..today (or 0..``days`` - 1), ``sim.course.timeline.slow_states``."""
        start = NEVER if self.start_day is None else self.start_day
        stop = NEVER if self.stop_day is None else self.stop_day
        n = self.day + 1 if days is None else days
        return self._course_states(n, self.prescription, self.occupancy, start, stop)

    @staticmethod
    def _course_states(
        days: int, rx: Prescription, occupancy: float, start: int, stop: int
    ) -> list[DayState]:
        if rx.drug is None:
            return slow_states(days, occupancy, start, stop)
        return dose_states(days, rx.drug, rx.dose_mg, start, stop, rx.taper)

    def state(self) -> DayState:
        """Today's slow state."""
        return self.states()[-1]

    def params(self) -> Parameters:
        """Parameters of today's fast model (base + ``sim.course.day.day_overrides``)."""
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

    def start_prescription(self, rx: Prescription) -> None:
        """Start the course today as prescribed in mg (``rx.drug`` must be set)."""
        if self.start_day is not None:
            raise ValueError("the drug course has already started")
        if rx.drug is None:
            raise ValueError("the prescription names no drug")
        self.prescription = rx
        self.start_day = self.day

    def stop_drug(self) -> None:
        """Stop the course today: abruptly, or a taper's first step today.

        A taper of W weekly steps (:mod:`sim.course.dosing`) lowers the dose
        today and reaches 0 on the stop day, 7*(W - 1) days from today.
        """
        if self.start_day is None or self.stop_day is not None:
            raise ValueError("no drug course is running")
        if self.day == self.start_day:  # started and stopped on one day: no course at all
            self.start_day, self.occupancy = None, 0.0
            return
        weeks = 0
        if self.prescription.drug is not None:
            weeks = parse_taper(self.prescription.taper)[1]
        self.stop_day = self.day + 7 * max(0, weeks - 1)

    def prefetch_states(
        self,
        occupancy: float | None = None,
        rx: Prescription | None = None,
        after: tuple[int, ...] = PREFETCH_DAYS,
    ) -> list[DayState]:
        """The days worth computing ahead: ``after`` (days after the course's start, in order).

        Before the course starts, the days of a course at ``occupancy`` started
        today (None: nothing); after it is stopped, none.
        """
        if self.stop_day is not None:
            return []
        start, occ, planned = self.start_day, self.occupancy, self.prescription
        if start is None:
            if rx is not None and rx.drug is not None:
                planned, occ = rx, 0.0
            elif not occupancy:
                return []
            else:
                occ = float(occupancy)
            start = self.day
        days = [start + d for d in after if start + d <= MAX_DAYS]
        if not days:
            return []
        states = self._course_states(max(days) + 1, planned, occ, start, NEVER)
        return [states[d] for d in days]
