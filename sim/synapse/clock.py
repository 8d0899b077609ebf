"""The synapse's step clock: whole steps of ``dt_us``, read by every process.

:class:`sim.synapse.model.Synapse` (the scheduler) advances it; the processes
read ``time_us`` to stamp their logs and schedule their events.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StepClock:
    """Simulated time as a count of fixed steps.

    Attributes:
        dt_us: the time step, us (fixed for the life of a model).
        step_index: number of completed steps.
    """

    dt_us: float
    step_index: int = 0

    @property
    def time_us(self) -> float:
        """Simulated time in us (an exact multiple of the step)."""
        return self.step_index * self.dt_us
