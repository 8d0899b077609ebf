"""The treatment course in the window: D, W and K walk one SSRI course day by day.

:class:`Course` holds the window's side of a treatment timeline: the
:class:`render.lecture.treatment.Treatment` (day counter, one course) and the dose
planned before the timeline opened. The background day runs (``App.day_runs``, started and
stopped by the window) compute the timeline command's measurement of each
day shown, and of the usual weeks ahead once the course has started.
"""

from __future__ import annotations

import math
from typing import Any

from render.common.constants import TIMELINE_BASE
from render.lecture.treatment import Treatment
from sim.course.timeline import THERAPEUTIC_OCCUPANCY
from sim.params.presets import load_preset
from sim.params.synapse import ParameterError, Parameters


def same_params(a: Parameters, b: Parameters) -> bool:
    """Equal parameter sets (floats to 1e-9 relative: day states are computed)."""
    da, db = a.as_dict(), b.as_dict()
    for k, va in da.items():
        vb = db[k]
        if isinstance(va, float) or isinstance(vb, float):
            if not math.isclose(float(va), float(vb), rel_tol=1e-9, abs_tol=1e-12):
                return False
        elif va != vb:
            return False
    return True


class Course:
    """The treatment timeline on screen (D, W, K).

    Args:
        app: the window.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.treatment: Treatment | None = None
        self.planned_occupancy: float | None = None
        """A blockade set by hand before the timeline opened: the dose K starts with."""

    # ------------------------------------------------------------ records
    def showing(self, params: Parameters) -> bool:
        """The model on screen is ``params`` untouched by hand (blockade, rate, sensitivity)."""
        m = self.app.model
        return (
            same_params(self.app.play.params, params)
            and math.isclose(m.blockade, params.blockade, abs_tol=1e-9)
            and math.isclose(m.firing_rate_hz, params.firing_rate_hz, rel_tol=1e-9)
            and math.isclose(m.autoreceptor_sensitivity, params.autoreceptor_sensitivity)
        )

    def computed_points(
        self,
    ) -> tuple[list[tuple[int, bool, float]], tuple[int, ...] | None] | None:
        """Background day runs: (points, days being computed or None), or None without runs."""
        runs = self.app.day_runs
        if runs is None:
            return None
        runs.poll()
        return runs.points(), runs.computing()

    # ------------------------------------------------------------ commands
    def end(self) -> None:
        """Close the timeline (a scenario was loaded) and stop its background runs."""
        self.treatment = None
        self.app.stop_day_runs()

    def ready(self) -> bool:
        """Open the timeline if needed (at a drug-free, naive day 0); False only on an error.

        The key that opened it then acts at once (K starts the SSRI on day 0,
        W moves to day 7): the chart's reference is the background run of
        the naive, drug-free synapse, not what was watched on screen.
        """
        if self.treatment is not None:
            return True
        app = self.app
        name = TIMELINE_BASE.get(app.preset.name, app.preset.name)
        try:
            base = app.preset if name == app.preset.name else load_preset(name, app.user_overrides)
        except (ParameterError, ValueError) as exc:
            app.say(f"cannot start a timeline: {exc}")
            return False
        t = Treatment(base.params, name)
        app.caption_at = None  # the scenario's caption no longer describes the screen
        if app.model.blockade > 0:
            self.planned_occupancy = app.model.blockade
        self.treatment = t
        app.start_day_runs(t.base)
        if app.day_runs is not None:  # the course K would start: its weeks, ahead of time
            dose = self.planned_occupancy or THERAPEUTIC_OCCUPANCY
            app.day_runs.prefetch(t.prefetch_states(dose))
        if not self.showing(t.params()):
            app.build(t.params())
        return True

    def _rebuild_day(self) -> None:
        t = self.treatment
        app = self.app
        app.build(t.params())
        st = t.state()
        if app.day_runs is not None:
            app.day_runs.request(st)
            app.day_runs.prefetch(t.prefetch_states())
        drug = f"SSRI {st.occupancy * 100:.0f}% of SERT" if st.on_drug else "no drug"
        app.say(
            f"day {st.day}: {drug}, autoreceptors "
            f"{st.autoreceptor_sensitivity * 100:.0f}% sensitive, "
            f"firing {app.model.firing_rate_hz:,.0f} Hz"
        )

    def advance_days(self, days: int) -> None:
        """Move the timeline ``days`` on (opening it first if needed)."""
        if not self.ready():
            return
        if self.treatment.advance(days) == 0:
            self.app.say("the timeline ends here (one year)")
            return
        self._rebuild_day()

    def do_day(self) -> None:
        """Treatment timeline: next day."""
        self.advance_days(1)

    def do_week(self) -> None:
        """Treatment timeline: seven days on."""
        self.advance_days(7)

    def do_drug(self) -> None:
        """Start the SSRI today (dose: the slider, else 80% of SERT), or stop it today."""
        slider = self.app.model.blockade
        if not self.ready():
            return
        t = self.treatment
        if t.course_over:
            self.app.say("one course per timeline: load a scenario (1-9) to start a new one")
            return
        if t.start_day is None:
            if slider > 0:
                occupancy = slider
            elif self.planned_occupancy:
                occupancy = self.planned_occupancy
            else:
                occupancy = THERAPEUTIC_OCCUPANCY
            t.start_drug(occupancy)
        else:
            t.stop_drug()
        self._rebuild_day()

    def open_course(
        self,
        name: str,
        occupancy: float,
        start: int,
        stop: int | None,
        day: int,
        days: list[int],
    ) -> bool:
        """Open a timeline on preset ``name`` with one course and show ``day`` (the tour does).

        The SSRI blocks ``occupancy`` of SERT from day ``start`` until day
        ``stop`` (None: never stopped). The background runs are asked for
        each of ``days`` (and ``day``), so the chart fills in week by week.
        Returns False (and says why) if the preset cannot be loaded.
        """
        app = self.app
        try:
            preset = load_preset(name, app.user_overrides)
        except (ParameterError, ValueError) as exc:
            app.say(f"cannot load '{name}': {exc}")
            return False
        self.end()
        app.preset = preset
        t = Treatment(preset.params, name)
        t.occupancy, t.start_day, t.stop_day = float(occupancy), int(start), stop
        t.day = int(day)
        self.treatment = t
        self.planned_occupancy = None
        app.caption_at = None
        app.start_day_runs(t.base)
        app.build(t.params())
        if app.day_runs is not None:
            states = t.states()
            for d in sorted({*days, day}):
                if 0 <= d < len(states):
                    app.day_runs.request(states[d])
        return True
