"""Checks of a course's inputs, and its slow state per day (one line per bad input).

Shared by the synapse's and the tissue's course (:mod:`sim.course.timeline`,
:mod:`sim.course.tissue_timeline`); everything is checked before any day runs.
"""

from __future__ import annotations

import math
from typing import Any

from sim.course.dosing import dose_course
from sim.course.slow import (
    RECEPTOR_DOWN_RANGE,
    DayState,
    SlowParameters,
    slow_states,
    states_of,
)
from sim.params.drugs import sert_occupancy
from sim.params.synapse import ParameterError

WINDOW_RANGE_MS = (0.001, 1000.0)
"""Allowed day windows of the synapse's course, ms."""


def _check_whole(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ParameterError(f"{name} = {value!r} must be a whole number in [{lo}, {hi}]")
    return value


def check_window(
    window_ms: Any, limits: tuple[float, float] = WINDOW_RANGE_MS, what: str = "ms"
) -> float:
    """Validate a day's window (ms, within ``limits``; ``what`` names the range in the message)."""
    lo, hi = limits
    if (
        isinstance(window_ms, bool)
        or not isinstance(window_ms, (int, float))
        or not math.isfinite(window_ms)
        or not lo <= window_ms <= hi
    ):
        raise ParameterError(f"window_ms = {window_ms!r} must be in [{lo:g}, {hi:g}] {what}")
    return float(window_ms)


def check_course(days: Any, start_day: Any, stop_day: Any, seed: Any, drug: str, dose_nM: Any,
                 overrides: dict[str, Any], day_keys: tuple[str, ...],
                 dose_mg: Any = None, taper: str = "abrupt",
                 slow: SlowParameters | None = None) -> list[DayState]:  # fmt: skip
    """Check a course's days, seed, drug, dose and overrides; return its slow state per day.

    The drug is given either as a free concentration ``dose_nM`` (a fixed
    occupancy on days start_day..stop_day-1, :mod:`sim.params.drugs`) or, when
    ``dose_mg`` is not None, as prescribed: mg per day with a ``taper`` ending
    on the stop day (:mod:`sim.course.dosing`; ``dose_nM`` is then ignored).
    ``slow`` holds the slow state's constants (None: :class:`SlowParameters`).

    Raises:
        ParameterError: one line: days in [1, 3650], 0 <= start_day <= stop_day,
            a whole seed, a known drug and dose, no override of ``day_keys``.
    """
    _check_whole("days", days, 1, 3650)
    _check_whole("start_day", start_day, 0, 3650)
    _check_whole("stop_day", stop_day, 0, 3650)
    if not start_day <= stop_day:
        raise ParameterError(
            f"start_day = {start_day} and stop_day = {stop_day} need 0 <= start <= stop"
        )
    _check_whole("seed", seed, 0, 2**63 - 1)
    for key in day_keys:
        if key in overrides:
            raise ParameterError(
                f"--set {key}=... conflicts with the timeline, which sets it per day"
            )
    if dose_mg is None:
        return slow_states(days, sert_occupancy(drug, dose_nM), start_day, stop_day, slow)
    return dose_states(days, drug, dose_mg, start_day, stop_day, taper, slow)


def dose_states(days: int, drug: str, dose_mg: float, start_day: int, stop_day: int,
                taper: str = "abrupt", slow: SlowParameters | None = None) -> list[DayState]:  # fmt: skip
    """The slow state of days 0..days-1 under a prescription (:mod:`sim.course.dosing`).

    ``slow`` holds the slow state's constants (None: :class:`SlowParameters`).

    Raises:
        ParameterError: an unknown drug, a dose out of range or a bad taper.
    """
    course = dose_course(drug, dose_mg, days, start_day, stop_day, taper)
    return states_of(course.occupancy.tolist(), (course.dose_mg > 0).tolist(), slow,
                     doses_mg=course.dose_mg.tolist())  # fmt: skip


def slow_for(receptor_down: Any = None) -> SlowParameters:
    """The slow state's constants with ``receptor_down`` as ``receptor_down_max`` (None: the default).

    Raises:
        ParameterError: a value outside :data:`sim.course.slow.RECEPTOR_DOWN_RANGE`.
    """
    if receptor_down is None:
        return SlowParameters()
    lo, hi = RECEPTOR_DOWN_RANGE
    if (
        isinstance(receptor_down, bool)
        or not isinstance(receptor_down, (int, float))
        or not (lo <= receptor_down <= hi)
    ):
        raise ParameterError(
            f"receptor_down = {receptor_down!r}: a fraction of receptors in [{lo:g}, {hi:g}]"
        )
    return SlowParameters(receptor_down_max=float(receptor_down))
