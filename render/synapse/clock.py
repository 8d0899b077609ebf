"""The fixed-step clock: an integer time accumulator with a clamp (Fiedler, "Fix Your Timestep!").

Wall-clock time comes in, a whole number of model steps goes out. Everything
is an integer, so no rounding drift accumulates and a scripted run (fixed
wall time per frame) always takes the same steps:

* wall time is counted in ticks of 1/3e9 s (both 1 ns and 1/60 s are whole ticks);
* the playback speed is an integer number of simulated picoseconds per wall second;
* the model step is an integer number of simulated picoseconds.

The accumulator holds ``ticks x ps_per_s``; each step costs
``dt_ps x TICKS_PER_S``. The frame rate therefore never changes the science:
the model only ever advances by whole calls to ``Synapse.step()``.
"""

from __future__ import annotations

import math

TICKS_PER_S = 3_000_000_000
"""Wall-clock ticks per second: 3 per ns, 50,000,000 per 1/60 s."""

PS_PER_US = 1_000_000


def ticks_from_seconds(seconds: float) -> int:
    """Wall-clock seconds -> whole ticks (rounded; negative or NaN -> 0)."""
    if not math.isfinite(seconds) or seconds <= 0:
        return 0
    return int(round(seconds * TICKS_PER_S))


def ticks_per_frame(fps: int, frame_index: int) -> int:
    """Ticks in frame ``frame_index`` at ``fps``: exact, so N frames are exactly N/fps s."""
    return (frame_index + 1) * TICKS_PER_S // fps - frame_index * TICKS_PER_S // fps


class FixedStepClock:
    """Turns wall-clock time into a whole number of fixed model steps.

    Args:
        dt_ns: the model step in simulated ns (must be a whole number of ps).
        playback_us_per_s: simulated microseconds per wall-clock second.
    """

    def __init__(self, dt_ns: float, playback_us_per_s: float) -> None:
        dt_ps = dt_ns * 1000.0
        if not math.isfinite(dt_ps) or dt_ps < 1 or abs(dt_ps - round(dt_ps)) > 1e-6 * dt_ps:
            raise ValueError(f"dt_ns = {dt_ns} must be a whole number of picoseconds (>= 0.001 ns)")
        self.dt_ps = int(round(dt_ps))
        self._step_cost = self.dt_ps * TICKS_PER_S
        self.acc = 0
        self.ps_per_s = 0
        self.clamped = False
        """The last :meth:`advance` owed more steps than ``max_steps`` (some carried over)."""
        self.dropped = False
        """The last :meth:`advance` dropped owed time: the simulation fell behind the set pace."""
        self.set_speed(playback_us_per_s)

    def set_speed(self, playback_us_per_s: float) -> None:
        """Set the playback speed, simulated us per wall second (> 0)."""
        if not math.isfinite(playback_us_per_s) or playback_us_per_s <= 0:
            raise ValueError(f"playback speed = {playback_us_per_s} us/s must be > 0")
        self.ps_per_s = max(1, int(round(playback_us_per_s * PS_PER_US)))

    @property
    def playback_us_per_s(self) -> float:
        """Current playback speed, simulated us per wall second."""
        return self.ps_per_s / PS_PER_US

    def advance(self, ticks: int, max_steps: int | None = None) -> int:
        """Add ``ticks`` of wall time; return the whole steps now owed.

        With ``max_steps`` the result is clamped; at most one more frame's
        worth (``max_steps``) of the unpaid time is carried over, so a single
        slow frame is caught up next time while a sustained overload drops the
        excess (the simulation falls behind wall time instead of spiralling).
        """
        if ticks < 0:
            raise ValueError(f"ticks = {ticks} must be >= 0")
        self.acc += ticks * self.ps_per_s
        steps, self.acc = divmod(self.acc, self._step_cost)
        self.clamped = False
        self.dropped = False
        if max_steps is not None and steps > max_steps:
            carried = min(steps - max_steps, max_steps)
            self.acc += carried * self._step_cost
            self.clamped = True
            self.dropped = steps - max_steps > carried
            steps = max_steps
        return int(steps)

    def reset(self) -> None:
        """Forget any fractional step owed."""
        self.acc = 0
