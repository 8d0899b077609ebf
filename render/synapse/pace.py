"""How many steps a frame can afford, and the pace the window achieved.

:class:`Pace` keeps the interactive loop's running estimates, all wall
seconds: the cost of one model step, a frame's length, what drawing and
events take besides stepping, and how long the display takes to copy a
frame (the steps run behind it). From them it gives the frame's step budget
and the fastest pace the CPU can keep; it also measures the pace achieved
over the last ``ACHIEVED_WINDOW_S`` of screen time. Scripted runs use none of
it (their step counts never depend on the machine).
"""

from __future__ import annotations

from collections import deque

from render.common.constants import (
    ACHIEVED_WINDOW_S,
    MAX_FRAME_S,
    MAX_STEP_BUDGET_S,
    MIN_FPS,
    NOMINAL_FPS,
    STEP_BUDGET_S,
    WARP_CPU_SHARE,
)


class Pace:
    """The step budget's estimates and the achieved pace's window."""

    def __init__(self) -> None:
        self.step_cost_s = 2.0e-5
        """Wall time of one model step, s (moving average)."""
        self.frame_dt_s = 1.0 / NOMINAL_FPS
        """A frame's wall time, s (moving average)."""
        self.overhead_s = 0.0
        """A frame's wall time besides stepping (drawing, events, the display), s."""
        self.last_step_s = 0.0
        """Wall time stepping added to the last frame, s (behind the display: only the wait)."""
        self.hidden_s = 0.0
        """Wall time the display takes to copy a frame, s (steps run behind it)."""
        self._achieved: deque[tuple[float, int, float]] = deque()
        self._owed_us = 0.0

    # ------------------------------------------------------------- budget
    def step_budget_s(self, behind_display: bool) -> float:
        """Wall time a frame may spend stepping, s.

        ``STEP_BUDGET_S``, or more when drawing and the display leave room
        within a ``MIN_FPS`` frame (a large window on a slow display then keeps
        the pace at a lower frame rate), at most ``MAX_STEP_BUDGET_S``; plus,
        when the steps run behind the display, the time the display takes.
        """
        own = min(MAX_STEP_BUDGET_S, max(STEP_BUDGET_S, 1.0 / MIN_FPS - self.overhead_s))
        return own + (self.hidden_s if behind_display else 0.0)

    def max_steps(self, behind_display: bool) -> int:
        """Most steps the frame's budget pays for (at least one)."""
        return max(1, int(self.step_budget_s(behind_display) / max(self.step_cost_s, 1e-9)))

    def cpu_us_per_s(self, dt_us: float, behind_display: bool) -> float:
        """The fastest pace the CPU keeps at ``WARP_CPU_SHARE`` of the budget, us per screen s."""
        steps = self.step_budget_s(behind_display) / max(self.step_cost_s, 1e-9)
        return WARP_CPU_SHARE * steps * dt_us / self.frame_dt_s

    # ----------------------------------------------------------- measures
    def note_frame(self, real_dt_s: float) -> None:
        """A frame of ``real_dt_s`` wall seconds began: the frame and overhead averages move."""
        dt = min(max(real_dt_s, 1.0 / NOMINAL_FPS), MAX_FRAME_S)
        self.frame_dt_s = 0.9 * self.frame_dt_s + 0.1 * dt
        rest = max(0.0, dt - self.last_step_s)  # drawing, events, the display
        self.overhead_s = 0.9 * self.overhead_s + 0.1 * rest

    def note_steps(self, wall_s: float, done: int) -> None:
        """``done`` steps took ``wall_s``: the cost estimate moves (at most 1.6x a sample)."""
        self.last_step_s = wall_s
        # The first call loads the compiled kernel: hundreds of ms that would starve
        # the next frames' budgets, so one sample counts at most 4x the estimate.
        cost = min(wall_s / done, 4.0 * self.step_cost_s)
        self.step_cost_s = 0.8 * self.step_cost_s + 0.2 * cost

    def note_display(self, shown_s: float, waited_s: float) -> None:
        """The display took ``shown_s``; the frame then waited ``waited_s`` for its steps."""
        self.last_step_s = waited_s
        shown_s = min(shown_s, 0.1)  # the first display maps the window: not a frame's copy
        self.hidden_s = 0.9 * self.hidden_s + 0.1 * shown_s if self.hidden_s else shown_s

    # ------------------------------------------------------------ achieved
    def clear_achieved(self) -> None:
        """Start measuring the achieved pace afresh (speed, pause or models changed)."""
        self._achieved.clear()

    def note_achieved(
        self, screen_time_s: float, step_index: int, wall_s: float, set_us_per_s: float
    ) -> None:
        """A frame played: the model at ``step_index``, ``wall_s`` owed at ``set_us_per_s``."""
        self._owed_us += wall_s * set_us_per_s
        self._achieved.append((screen_time_s, step_index, self._owed_us))
        while self._achieved and screen_time_s - self._achieved[0][0] > ACHIEVED_WINDOW_S:
            self._achieved.popleft()

    def window(self, dt_us: float) -> tuple[float, float, float] | None:
        """(screen s, simulated us advanced, us owed at the set pace) over the window, or None."""
        if len(self._achieved) < 2:
            return None
        (t0, s0, o0), (t1, s1, o1) = self._achieved[0], self._achieved[-1]
        if t1 - t0 < 0.3 * ACHIEVED_WINDOW_S:
            return None
        return t1 - t0, (s1 - s0) * dt_us, o1 - o0
