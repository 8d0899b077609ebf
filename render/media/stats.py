"""Diagnostics of a window run for the lecture machine: does the simulation keep the set pace.

:class:`RunStats` is fed one record per frame by the window loop and gives
the figures ``--stats PATH`` writes as JSON:

``wall_s``
    wall-clock seconds of the run loop (first frame to last).
``frames``
    frames drawn.
``fps_median``
    median frames per second (1 / median wall time between frames).
``sim_us``
    simulated time advanced on screen, us (summed over every model shown:
    loading a scenario restarts the clock at 0 but not this sum).
``behind_fraction``
    share of the playing wall time (not paused) in frames where the
    simulation fell behind the set pace: the steps owed exceeded the frame's
    CPU budget by more than the one frame of debt the clock carries over, or
    the frame took longer than the clock accepts (``MAX_FRAME_S``), so
    simulated time was dropped (a slow frame caught up by the next one is not
    behind).
``mean_set_us_per_s``
    time-weighted mean of the set pace while playing, simulated us per
    wall second (with time-warp, the pace it asked for from moment to moment).

Every figure is measured; none is estimated from the parameters.
"""

from __future__ import annotations

import json
import statistics
from array import array
from pathlib import Path

from sim.runs.outputs import atomic_output


class RunStats:
    """Per-frame records of a window run."""

    def __init__(self) -> None:
        self.frames = 0
        self.wall_s = 0.0
        self.sim_us = 0.0
        self.playing_s = 0.0
        self.behind_s = 0.0
        self.set_weighted = 0.0
        self._dts = array("d")  # 8 bytes a frame: 0.9 MB for 30 min at 60 fps

    def frame(
        self, dt_s: float, playing: bool, set_us_per_s: float, advanced_us: float, behind: bool
    ) -> None:
        """One frame: its wall time (s), whether playing, the set pace, the sim time advanced (us)."""
        self.frames += 1
        dt = max(0.0, float(dt_s))
        self.wall_s += dt
        self.sim_us += float(advanced_us)
        if self.frames > 1:  # the first frame's time is the start-up, not a frame interval
            self._dts.append(dt)
        if playing:
            self.playing_s += dt
            self.set_weighted += dt * float(set_us_per_s)
            if behind:
                self.behind_s += dt

    def summary(self) -> dict[str, float | int]:
        """The figures of the module docstring."""
        med = statistics.median(self._dts) if self._dts else 0.0
        return {
            "wall_s": round(self.wall_s, 4),
            "frames": self.frames,
            "fps_median": round(1.0 / med, 2) if med > 0 else 0.0,
            "sim_us": round(self.sim_us, 4),
            "behind_fraction": round(self.behind_s / self.playing_s, 4) if self.playing_s else 0.0,
            "mean_set_us_per_s": round(self.set_weighted / self.playing_s, 3)
            if self.playing_s
            else 0.0,
        }

    def write(self, path: str | Path) -> None:
        """Write :meth:`summary` as JSON to ``path`` (whole or not at all)."""
        with atomic_output(Path(path), "w") as fh:
            json.dump(self.summary(), fh, indent=2)
            fh.write("\n")
