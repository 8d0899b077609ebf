"""The guided tour in the window: T starts it, N goes on, B goes back (steps in :mod:`render.lecture.tour`).

:class:`Guide` holds which step is showing and what it outlines. Entering a
step sets its scene (preset or treatment course, blockade, compare, camera,
pace) and then makes its event happen while the card is up (its ``events``,
e.g. an action potential 1.5 s in); R replays the step from its start.
Ending the tour (T, Esc, N on the last step) puts back what the lecturer had
before it: the scenario or treatment day, blockade, firing rate, speed,
time-warp, compare, camera and labels. From its first step the tour computes
the days its course steps show in the background (:meth:`Guide.start_runs`),
so their charts are filled, or nearly, when the lecture gets there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from render.lecture.course import Course
from render.lecture.day_runs import DayRuns
from render.lecture.scenario import Scenario
from render.lecture.tour import STEPS
from render.lecture.treatment import Treatment
from render.synapse.compare import Compare
from render.synapse.playback import Playback
from render.synapse.view import View
from sim.params.presets import Preset


class Stage(Protocol):
    """What the tour sets on the screen (:class:`render.screen.Screen`)."""

    view: View
    show_labels: bool

    def place_views(self) -> None:
        """Lay the scene out again (tour card, one picture or two)."""


class Scale(Protocol):
    """The tissue view as the tour uses it (:class:`render.tissue.mode.TissueMode`)."""

    on: bool

    def set(self, on: bool) -> bool:
        """Show the tissue (``on``) or the synapse."""

    def set_shown_blockade(self, fraction: float) -> None:
        """SSRI blockade of the model shown, fraction of SERT."""


NOT_IN_TOUR = "N / Page Down and Page Up step through the guided tour: T or F5 starts it"


@dataclass
class Saved:
    """What the screen showed before the tour (restored when it ends)."""

    preset: Preset
    treatment: Treatment | None
    blockade: float
    rate_hz: float
    speed: float
    warp: bool
    compare: bool
    camera: tuple[float, float, float, str]
    labels: bool


class Guide:
    """The tour's state and keys.

    Args:
        scenario: the scenario on screen (each step loads its own).
        course: opens a step's treatment course.
        play: the model(s), speed, time-warp and pause.
        compare: the compare switch.
        tissue: the tissue view (a step may show it).
        stage: the cameras, labels and layout.
        say: shows a short message on screen.
    """

    def __init__(
        self,
        scenario: Scenario,
        course: Course,
        play: Playback,
        compare: Compare,
        tissue: Scale,
        stage: Stage,
        say: Callable[[str], None],
    ) -> None:
        self.scenario = scenario
        self.course = course
        self.play = play
        self.compare = compare
        self.tissue = tissue
        self.stage = stage
        self.say = say
        self.index: int | None = None
        """The step showing (0-based), or None when no tour runs."""
        self.highlight: str | None = None
        self.started_s = 0.0
        """Screen time at which the step showing was entered, s."""
        self._pending: list[tuple[float, str]] = []
        self._saved: Saved | None = None
        self.timed_fire: Callable[[], None] = play.fire
        """Runs a step's timed action potential (a session records it; a replay skips it)."""

    @property
    def active(self) -> bool:
        """A tour is running."""
        return self.index is not None

    def card_text(self) -> tuple[str, str, str] | None:
        """(title, text, footer) of the tour card, or None when no tour runs."""
        if self.index is None:
            return None
        step = STEPS[self.index]
        title = f"Guided tour {self.index + 1}/{len(STEPS)}: {step['title']}"
        footer = "N or Page Down next   Page Up back   R replays this step   T or Esc ends the tour"
        return title, step["text"], footer

    # ------------------------------------------------------------- actions
    def do_tour(self) -> None:
        """Start the guided tour, or end it."""
        if self.index is None:
            self._save()
            self.index = 0
            self.start_runs()
            self._apply()
        else:
            self.end()
            self.say("tour ended: back to what was on screen before it")

    def do_tour_start(self) -> None:
        """Start the guided tour (a remote's F5; the tour showing goes on)."""
        if self.index is None:
            self.do_tour()

    def do_tour_next(self) -> None:
        """Next tour step (the last one ends the tour)."""
        if self.index is None:
            self.say(NOT_IN_TOUR)
            return
        if self.index + 1 >= len(STEPS):
            self.end()
            self.say("end of the tour: back to what was on screen before it")
            return
        self.index += 1
        self._apply()

    def do_tour_back(self) -> None:
        """Previous tour step."""
        if self.index is None:
            self.say(NOT_IN_TOUR)
            return
        if self.index == 0:
            self.say("this is the first step of the tour")
            return
        self.index -= 1
        self._apply()

    def do_reset(self) -> None:
        """R: restart at t = 0 (same seed, hand-set blockade and rate kept); in the tour: replay."""
        if self.index is not None:
            self.replay()
            return
        self.scenario.restart()
        self.say("restarted at t = 0 (same seed)")

    def load_preset_key(self, name: str) -> None:
        """A number key: end the tour, leave the tissue view, load scenario ``name`` (same seed)."""
        if self.active:
            self.end()
        if self.tissue.on:
            self.tissue.set(False)
        self.scenario.load_scenario(name)

    def replay(self) -> None:
        """Show the step showing again from its start (R during the tour)."""
        if self.index is not None:
            self._apply()
            self.say("this step again from its start")

    def start_runs(self) -> None:
        """Compute the days of the tour's course steps in the background, in step order.

        Not in scripted runs. The course steps' timelines use these runs
        (:meth:`render.lecture.scenario.Scenario.start_day_runs`), so a day
        computed ahead is not computed again.
        """
        sc = self.scenario
        if sc.scripted or sc.tour_runs is not None:
            return
        sc.stop_ahead_runs()  # the tour's days come first: the workers are its
        runs: DayRuns | None = None
        for step in STEPS:
            course = step.get("course")
            preset = sc.load(step["preset"]) if course is not None else None
            if preset is None:
                continue
            t = Treatment(preset.params, step["preset"])
            t.occupancy, t.start_day, t.stop_day = (
                course["occupancy"],
                course["start"],
                course["stop"],
            )
            if runs is None:
                runs = DayRuns(t.base, sc.seed)
            elif not runs.serves(t.base, sc.seed):
                continue
            states = t.states(max([*course["days"], course["day"]]) + 1)
            runs.prefetch([states[d] for d in sorted({*course["days"], course["day"]})])
        sc.tour_runs = runs

    def stop_runs(self) -> None:
        """Stop the tour's background day runs."""
        sc = self.scenario
        runs, sc.tour_runs = sc.tour_runs, None
        if runs is not None:
            if sc.day_runs is runs:
                sc.day_runs = None
            runs.close()

    def end(self) -> None:
        """End the tour and put back what was on screen before it."""
        self.index = None
        self.highlight = None
        self._pending = []
        self.stop_runs()
        saved, self._saved = self._saved, None
        if saved is not None:
            self._restore(saved)
        self.stage.place_views()

    def update(self) -> None:
        """Run the step's events that are due; collect the days computed ahead (once per frame).

        The course's own days ahead (:meth:`render.lecture.course.Course.update`) too.
        """
        self.course.update()
        runs = self.scenario.tour_runs
        if runs is not None and runs is not self.scenario.day_runs:
            runs.poll()
        if not self._pending:
            return
        now = self.play.screen_time_s - self.started_s
        while self._pending and self._pending[0][0] <= now:
            _, action = self._pending.pop(0)
            if action == "fire":
                self.timed_fire()

    # ------------------------------------------------------------ internals
    def _save(self) -> None:
        sc, play, v = self.scenario, self.play, self.stage.view
        self._saved = Saved(
            preset=sc.preset,
            treatment=sc.treatment,
            blockade=play.model.blockade,
            rate_hz=play.model.firing_rate_hz,
            speed=play.base_us_per_s,
            warp=play.warp_on,
            compare=self.compare.on,
            camera=(v.sx, v.cx_nm, v.y_pre, v.mode),
            labels=self.stage.show_labels,
        )
        sc.treatment = None  # kept in the save; the tour's steps must not end it

    def _restore(self, saved: Saved) -> None:
        sc, play, stage = self.scenario, self.play, self.stage
        if self.tissue.on:  # a tissue step was showing: back to the synapse first
            self.tissue.set(False)
        sc.end_course()
        self.compare.on = saved.compare
        stage.place_views()
        sc.preset = saved.preset
        if saved.treatment is not None:
            sc.treatment = saved.treatment
            sc.start_day_runs(saved.treatment.base)
            sc.build(saved.treatment.params())
        else:
            sc.build(saved.preset.params)
        if saved.blockade != play.model.blockade:  # only what was set by hand: a rate set
            self.tissue.set_shown_blockade(saved.blockade)  # again would reschedule the first spike
        if saved.rate_hz != play.model.firing_rate_hz:
            play.set_firing_rate(saved.rate_hz)
        play.set_speed(saved.speed)
        play.set_warp(saved.warp)
        stage.show_labels = saved.labels
        v = stage.view
        v.sx, v.cx_nm, v.y_pre, v.mode = saved.camera
        play.paused = False
        sc.caption_at = None

    def _apply(self) -> None:
        sc, play = self.scenario, self.play
        step = STEPS[self.index]
        self.compare.on = bool(step.get("compare", False))
        self.stage.place_views()  # tour card and split screen first: the camera depends on them
        course = step.get("course")
        if course is not None:
            ok = self.course.open_course(
                step["preset"],
                course["occupancy"],
                course["start"],
                course["stop"],
                course["day"],
                course["days"],
            )
        else:
            ok = sc.load_scenario(step["preset"], step.get("overrides"), announce=False)
        if not ok:
            return
        if self.tissue.on != bool(step.get("tissue", False)):
            self.tissue.set(not self.tissue.on)
        if step.get("blockade") is not None:
            self.tissue.set_shown_blockade(step["blockade"])
        play.set_speed(step.get("speed", sc.preset.playback_us_per_s))
        play.set_warp(step.get("warp", True))
        spec = step.get("view", {"mode": "fit"})
        view = self.stage.view
        if spec["mode"] == "cleft":
            view.zoom_cleft()
        elif spec["mode"] == "focus":
            view.focus(spec["x_nm"], spec["z_nm"], spec["zoom"])
        else:
            view.fit()
        self.highlight = step.get("highlight")
        play.paused = False
        self.started_s = play.screen_time_s
        self._pending = sorted((float(t), str(a)) for t, a in step.get("events", []))
