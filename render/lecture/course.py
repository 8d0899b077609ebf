"""The treatment course in the window: D, W and K walk one SSRI course day by day.

:class:`Course` runs the keys of a treatment timeline. The timeline itself
(the :class:`render.lecture.treatment.Treatment`: day counter, one course),
the dose planned before it opened and its background day runs belong to the
scenario on screen (:class:`render.lecture.scenario.Scenario`); the day runs
compute the timeline command's measurement of each day shown, and of the
usual weeks ahead once the course has started.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from render.common.constants import TIMELINE_BASE
from render.lecture.day_runs import DayRuns
from render.lecture.prescription import Prescription
from render.lecture.scenario import Scenario
from render.lecture.treatment import Treatment
from render.synapse.playback import Playback
from sim.course.timeline import THERAPEUTIC_OCCUPANCY
from sim.params.presets import Preset, load_preset
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


AHEAD_DAYS = (0, 7, 14, 21, 1, 28)
"""Days after the start of the course K would start, computed from the window's first frame
in this order (the usual K W W W first), at the window's CPU priority."""


class Course:
    """The treatment timeline's keys (D, W, K) and the tour's courses.

    Args:
        scenario: the scenario on screen (it holds the timeline and rebuilds the model).
        play: the model(s) on screen.
        say: shows a short message on screen.
    """

    def __init__(self, scenario: Scenario, play: Playback, say: Callable[[str], None]) -> None:
        self.scenario = scenario
        self.play = play
        self.say = say
        self._told: DayRuns | None = None
        self._ahead_for: str | None = None
        """The preset whose course days were last computed ahead."""
        self.prescription = Prescription()
        """What K starts (Shift+K, Ctrl+K and J choose it before the course starts)."""

    @property
    def treatment(self) -> Treatment | None:
        """The timeline on screen (the scenario's), or None."""
        return self.scenario.treatment

    # ------------------------------------------------------------ records
    def showing(self, params: Parameters) -> bool:
        """The model on screen is ``params`` untouched by hand (blockade, rate, sensitivity)."""
        m = self.play.model
        return (
            same_params(self.play.params, params)
            and math.isclose(m.blockade, params.blockade, abs_tol=1e-9)
            and math.isclose(m.firing_rate_hz, params.firing_rate_hz, rel_tol=1e-9)
            and math.isclose(m.autoreceptor_sensitivity, params.autoreceptor_sensitivity)
        )

    def computed_points(
        self,
    ) -> tuple[list[tuple[int, bool, float]], tuple[int, ...] | None] | None:
        """Background day runs: (points, days being computed or None), or None without runs."""
        runs = self.scenario.day_runs
        if runs is None:
            return None
        runs.poll()
        if runs.cache.problem is not None:  # once: the file is not written after it
            self.say(f"treatment chart: {runs.cache.problem}")
            runs.cache.problem = None
        if runs.error is not None and self._told is not runs:  # once per timeline
            self._told = runs
            self.say(f"treatment chart: {runs.error}; no more days are computed")
        return runs.points(), runs.computing()

    def update(self) -> None:
        """Once a frame: from the first, the days of the course K would start, in the background.

        When the window opens (no timeline yet, not a scripted run) the
        drug-free baseline and :data:`AHEAD_DAYS` of the course K would start
        (the slider's dose, else the prescription's or 80% of SERT) are
        computed in the background; the timeline takes the runs over when it
        opens, so a lecture that talks before pressing K finds its chart done.
        Another scenario (1-9) before K computes its own days instead.
        """
        sc = self.scenario
        if self._ahead_for != sc.preset.name and sc.treatment is None and sc.day_runs is None:
            self._ahead_for = sc.preset.name
            sc.stop_ahead_runs()
            self._compute_ahead()
        runs = sc.ahead_runs
        if runs is not None and runs is not sc.day_runs:
            runs.poll()

    def _compute_ahead(self) -> None:
        sc = self.scenario
        if sc.scripted or sc.tour_runs is not None:
            return
        found = self._timeline_base()
        if not isinstance(found, tuple):
            return
        base, name = found
        t = Treatment(base.params, name)
        dose = self.play.model.blockade or sc.planned_occupancy or THERAPEUTIC_OCCUPANCY
        sc.start_ahead_runs(t.base, t.prefetch_states(dose, self.prescription, AHEAD_DAYS))

    def _timeline_base(self) -> tuple[Preset, str] | str:
        """The drug-free preset a timeline opens on, and its name; or why it cannot load."""
        sc = self.scenario
        name = TIMELINE_BASE.get(sc.preset.name, sc.preset.name)
        try:
            base = sc.preset if name == sc.preset.name else load_preset(name, sc.user_overrides)
        except (ParameterError, ValueError) as exc:
            return str(exc)
        return base, name

    # ------------------------------------------------------------ commands
    def ready(self) -> bool:
        """Open the timeline if needed (at a drug-free, naive day 0); False only on an error.

        The key that opened it then acts at once (K starts the SSRI on day 0,
        W moves to day 7): the chart's reference is the background run of
        the naive, drug-free synapse, not what was watched on screen.
        """
        sc = self.scenario
        if sc.treatment is not None:
            return True
        found = self._timeline_base()
        if not isinstance(found, tuple):
            self.say(f"cannot start a timeline: {found}")
            return False
        base, name = found
        t = Treatment(base.params, name)
        sc.caption_at = None  # the scenario's caption no longer describes the screen
        if self.play.model.blockade > 0:
            sc.planned_occupancy = self.play.model.blockade
        sc.treatment = t
        sc.start_day_runs(t.base)
        if sc.day_runs is not None:  # the course K would start: its weeks, ahead of time
            dose = sc.planned_occupancy or THERAPEUTIC_OCCUPANCY
            sc.day_runs.prefetch(t.prefetch_states(dose, self.prescription))
        if not self.showing(t.params()):
            sc.build(t.params())
        return True

    def _rebuild_day(self) -> None:
        sc = self.scenario
        t = sc.treatment
        sc.build(t.params())
        st = t.state()
        if sc.day_runs is not None:
            sc.day_runs.request(st)
            sc.day_runs.prefetch(t.prefetch_states())
        drug = f"SSRI {st.occupancy * 100:.0f}% of SERT" if st.on_drug else "no drug"
        if st.dose_mg is not None and (st.on_drug or st.occupancy > 0.005):
            drug = f"{t.prescription.drug} {st.dose_mg:.3g} mg, {st.occupancy * 100:.0f}% of SERT"
        self.say(
            f"day {st.day}: {drug}, autoreceptors "
            f"{st.autoreceptor_sensitivity * 100:.0f}% sensitive, "
            f"receptors {st.receptor_density * 100:.0f}%, "
            f"firing {self.play.model.firing_rate_hz:,.0f} Hz"
        )

    def advance_days(self, days: int) -> None:
        """Move the timeline ``days`` on (opening it first if needed)."""
        if not self.ready():
            return
        if self.scenario.treatment.advance(days) == 0:
            self.say("the timeline ends here (one year)")
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
        slider = self.play.model.blockade
        if not self.ready():
            return
        t = self.scenario.treatment
        if t.course_over:
            self.say("one course per timeline: load a scenario (1-9) to start a new one")
            return
        if t.start_day is None and self.prescription.drug is not None:
            t.start_prescription(self.prescription)
        elif t.start_day is None:
            if slider > 0:
                occupancy = slider
            elif self.scenario.planned_occupancy:
                occupancy = self.scenario.planned_occupancy
            else:
                occupancy = THERAPEUTIC_OCCUPANCY
            t.start_drug(occupancy)
        else:
            t.stop_drug()
        self._rebuild_day()

    def _choose(self, rx: Prescription) -> None:
        t = self.treatment
        if t is not None and t.start_day is not None:
            self.say("the course has started: choose drug, dose and taper before K")
            return
        self.prescription = rx
        if t is not None:
            t.prescription = rx if t.start_day is None else t.prescription
        self.say(rx.text())

    def do_rx_drug(self) -> None:
        """Treatment: the drug K starts (cycles; none = the slider's share of SERT)."""
        self._choose(self.prescription.next_drug())

    def do_rx_dose(self) -> None:
        """Treatment: the daily dose K starts (cycles 1x, 2x, 0.5x the minimum dose)."""
        self._choose(self.prescription.next_dose())

    def do_rx_taper(self) -> None:
        """Treatment: how K stops the course (abrupt, hyperbolic or linear over 4 steps)."""
        self._choose(self.prescription.next_taper())

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
        sc = self.scenario
        preset = sc.load(name)
        if preset is None:
            return False
        sc.end_course()
        sc.preset = preset
        t = Treatment(preset.params, name)
        t.occupancy, t.start_day, t.stop_day = float(occupancy), int(start), stop
        t.day = int(day)
        sc.treatment = t
        sc.planned_occupancy = None
        sc.caption_at = None
        sc.start_day_runs(t.base)
        sc.build(t.params())
        if sc.day_runs is not None:
            states = t.states()
            for d in sorted({*days, day}):
                if 0 <= d < len(states):
                    sc.day_runs.request(states[d])
        return True
