"""The guided tour in the window: T starts it, N goes on, B goes back (steps in :mod:`render.lecture.tour`).

:class:`Guide` holds which step is showing and what it outlines. Entering a
step sets its scene (preset or treatment course, blockade, compare, camera,
pace) and then makes its event happen while the card is up (its ``events``,
e.g. an action potential 1.5 s in); R replays the step from its start.
Ending the tour (T, Esc, N on the last step) puts back what the lecturer had
before it: the scenario or treatment day, blockade, firing rate, speed,
time-warp, compare, camera and labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from render.lecture.tour import STEPS


@dataclass
class Saved:
    """What the screen showed before the tour (restored when it ends)."""

    preset: Any
    treatment: Any
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
        app: the window.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.index: int | None = None
        """The step showing (0-based), or None when no tour runs."""
        self.highlight: str | None = None
        self.started_s = 0.0
        """Screen time at which the step showing was entered, s."""
        self._pending: list[tuple[float, str]] = []
        self._saved: Saved | None = None

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
        footer = "N next   B back   R replays this step   T or Esc ends the tour"
        return title, step["text"], footer

    # ------------------------------------------------------------- actions
    def do_tour(self) -> None:
        """Start the guided tour, or end it."""
        if self.index is None:
            self._save()
            self.index = 0
            self._apply()
        else:
            self.end()
            self.app.say("tour ended: back to what was on screen before it")

    def do_tour_next(self) -> None:
        """Next tour step (the last one ends the tour)."""
        if self.index is None:
            self.app.say("N and B step through the guided tour: press T to start it")
            return
        if self.index + 1 >= len(STEPS):
            self.end()
            self.app.say("end of the tour: back to what was on screen before it")
            return
        self.index += 1
        self._apply()

    def do_tour_back(self) -> None:
        """Previous tour step."""
        if self.index is None:
            self.app.say("N and B step through the guided tour: press T to start it")
            return
        if self.index == 0:
            self.app.say("this is the first step of the tour")
            return
        self.index -= 1
        self._apply()

    def replay(self) -> None:
        """Show the step showing again from its start (R during the tour)."""
        if self.index is not None:
            self._apply()
            self.app.say("this step again from its start")

    def end(self) -> None:
        """End the tour and put back what was on screen before it."""
        self.index = None
        self.highlight = None
        self._pending = []
        saved, self._saved = self._saved, None
        if saved is not None:
            self._restore(saved)
        self.app.screen.place_views()

    def update(self) -> None:
        """Run the step's events that are due (call once per frame)."""
        if not self._pending:
            return
        now = self.app.play.screen_time_s - self.started_s
        while self._pending and self._pending[0][0] <= now:
            _, action = self._pending.pop(0)
            if action == "fire":
                self.app.do_fire()

    # ------------------------------------------------------------ internals
    def _save(self) -> None:
        app = self.app
        v = app.screen.view
        self._saved = Saved(
            preset=app.preset,
            treatment=app.course.treatment,
            blockade=app.model.blockade,
            rate_hz=app.model.firing_rate_hz,
            speed=app.play.base_us_per_s,
            warp=app.play.warp_on,
            compare=app.compare.on,
            camera=(v.sx, v.cx_nm, v.y_pre, v.mode),
            labels=app.screen.show_labels,
        )
        app.course.treatment = None  # kept in the save; the tour's steps must not end it

    def _restore(self, saved: Saved) -> None:
        app = self.app
        if app.tissue.on:  # a tissue step was showing: back to the synapse first
            app.tissue.set(False)
        app.course.end()
        app.compare.on = saved.compare
        app.screen.place_views()
        app.preset = saved.preset
        if saved.treatment is not None:
            app.course.treatment = saved.treatment
            app.start_day_runs(saved.treatment.base)
            app.build(saved.treatment.params())
        else:
            app.build(saved.preset.params)
        if saved.blockade != app.model.blockade:  # only what was set by hand: a rate set
            app.set_blockade(saved.blockade)  # again would reschedule the first spike
        if saved.rate_hz != app.model.firing_rate_hz:
            app.set_firing_rate(saved.rate_hz)
        app.play.set_speed(saved.speed)
        app.play.set_warp(saved.warp)
        app.screen.show_labels = saved.labels
        v = app.screen.view
        v.sx, v.cx_nm, v.y_pre, v.mode = saved.camera
        app.play.paused = False
        app.caption_at = None

    def _apply(self) -> None:
        app = self.app
        step = STEPS[self.index]
        app.compare.on = bool(step.get("compare", False))
        app.screen.place_views()  # tour card and split screen first: the camera depends on them
        course = step.get("course")
        if course is not None:
            ok = app.course.open_course(
                step["preset"],
                course["occupancy"],
                course["start"],
                course["stop"],
                course["day"],
                course["days"],
            )
        else:
            ok = app.load_scenario(step["preset"], step.get("overrides"), announce=False)
        if not ok:
            return
        if app.tissue.on != bool(step.get("tissue", False)):
            app.tissue.set(not app.tissue.on)
        if step.get("blockade") is not None:
            app.set_blockade(step["blockade"])
        app.play.set_speed(step.get("speed", app.preset.playback_us_per_s))
        app.play.set_warp(step.get("warp", True))
        spec = step.get("view", {"mode": "fit"})
        view = app.screen.view
        if spec["mode"] == "cleft":
            view.zoom_cleft()
        elif spec["mode"] == "focus":
            view.focus(spec["x_nm"], spec["z_nm"], spec["zoom"])
        else:
            view.fit()
        self.highlight = step.get("highlight")
        app.play.paused = False
        self.started_s = app.play.screen_time_s
        self._pending = sorted((float(t), str(a)) for t, a in step.get("events", []))
