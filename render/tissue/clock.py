"""The tissue view's clock: about real time, and the measured pace when the CPU falls short.

Each frame's wall time (clamped to ``MAX_FRAME_S``; in scripted runs exactly
1/``frame_fps`` s) goes into an integer accumulator of microseconds, and the
tissue advances by the whole 2 ms steps it holds; the rest carries over. The
step count is therefore a function of the wall times alone, never of the
frame count. Only when stepping would take more than ``CPU_SHARE`` of the
frame's wall time does :class:`TissueClock` step what fits and drop the rest,
so the window stays responsive; :attr:`TissueClock.pace` then says the pace
measured. Scripted runs never drop.
"""

from __future__ import annotations

import time
from collections import deque

from render.common.constants import MAX_FRAME_S, NOMINAL_FPS
from sim.tissue.model import Tissue

CPU_SHARE = 0.6
"""Most of a frame's wall time (at least 1/``NOMINAL_FPS``, at most ``MAX_FRAME_S``) spent
stepping the tissue; what would take longer is dropped and the clock line says the pace."""

PACE_WINDOW_S = 2.0
"""Wall seconds over which the tissue's pace (tissue s per wall s) is measured."""


def tissue_steps(owed_us: int, wall_s: float, dt_ms: float) -> tuple[int, int]:
    """Whole tissue steps owed after ``wall_s`` more wall seconds at real time.

    Args:
        owed_us: tissue time owed but not yet stepped, integer us.
        wall_s: this frame's wall time, s; clamped to [0, ``MAX_FRAME_S``].
        dt_ms: the model's step, ms.

    Returns:
        (steps to take now, us still owed afterwards: 0 <= rest < one step).
    """
    step_us = max(1, int(round(dt_ms * 1000.0)))
    owed_us += int(round(min(max(wall_s, 0.0), MAX_FRAME_S) * 1e6))
    steps = owed_us // step_us
    return steps, owed_us - steps * step_us


class TissueClock:
    """Time owed to the tissue, the cost of a step, and the pace achieved.

    Args:
        scripted: exact frame times and no cap (the step count never depends on the machine).

    Attributes:
        owed_us: tissue time owed to the clock, us (below one step after each frame).
        dropped_us: tissue time dropped so far because the CPU fell short, us (the
            steps taken, ``owed_us`` and this always add up to the wall time fed in).
        last_steps: tissue steps taken in the last frame.
        step_cost_s: measured wall time per tissue step, s (moving average; sets the cap).
    """

    def __init__(self, scripted: bool) -> None:
        self.scripted = scripted
        self.owed_us = 0
        self.dropped_us = 0
        self.last_steps = 0
        self.step_cost_s = 5.0e-4
        self._timed = False
        self._wall_s = 0.0
        self._pace: deque[tuple[float, float]] = deque()

    def advance(self, model: Tissue, real_dt_s: float, wall_s: float) -> int:
        """Step ``model`` by the ``wall_s`` owed (capped interactively); returns the steps taken."""
        steps, self.owed_us = tissue_steps(self.owed_us, wall_s, model.dt_ms)
        if not self.scripted:  # keep the window responsive: drop what cannot be stepped
            budget_s = CPU_SHARE * min(max(real_dt_s, 1.0 / NOMINAL_FPS), MAX_FRAME_S)
            cap = max(1, int(budget_s / self.step_cost_s))
            if steps > cap:
                step_us = max(1, int(round(model.dt_ms * 1000.0)))
                self.dropped_us += (steps - cap) * step_us + self.owed_us
                steps, self.owed_us = cap, 0
        t0 = time.perf_counter()
        model.run_steps(steps)
        if steps and self._timed:  # (the first call may load the kernel: not timed)
            cost = (time.perf_counter() - t0) / steps
            self.step_cost_s = 0.7 * self.step_cost_s + 0.3 * cost
        self._timed = self._timed or steps > 0
        self.last_steps = steps
        self._wall_s += max(0.0, real_dt_s)
        self._pace.append((self._wall_s, model.time_ms))
        while self._wall_s - self._pace[0][0] > PACE_WINDOW_S:
            self._pace.popleft()
        return steps

    @property
    def pace(self) -> float | None:
        """Tissue seconds per wall second over the last ``PACE_WINDOW_S`` (None: not measured).

        1 while the machine keeps real time; below 1 when stepping the
        molecules takes longer than the budget a frame has for it.
        Scripted runs are real time by construction (None).
        """
        if self.scripted or len(self._pace) < 2:
            return None
        (w0, t0), (w1, t1) = self._pace[0], self._pace[-1]
        if w1 - w0 < 0.5:
            return None
        return (t1 - t0) / 1000.0 / (w1 - w0)
