"""The guided tour in the window: T starts it, N goes on, B goes back (steps in :mod:`render.tour`).

:class:`Guide` holds which step is showing and what it outlines, and applies
a step (preset, blockade, compare, camera, speed) when it is entered.
"""

from __future__ import annotations

from typing import Any

from .tour import STEPS


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
        footer = "N next   B back   T or Esc ends the tour   (the keys still work)"
        return title, step["text"], footer

    # ------------------------------------------------------------- actions
    def do_tour(self) -> None:
        """Start the guided tour, or end it."""
        if self.index is None:
            self.index = 0
            self._apply()
        else:
            self.end()
            self.app.say("tour ended")

    def do_tour_next(self) -> None:
        """Next tour step (the last one ends the tour)."""
        if self.index is None:
            self.app.say("N and B step through the guided tour: press T to start it")
            return
        if self.index + 1 >= len(STEPS):
            self.end()
            self.app.say("end of the tour")
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

    def end(self) -> None:
        """End the tour."""
        self.index = None
        self.highlight = None
        self.app.screen.place_views()

    def _apply(self) -> None:
        app = self.app
        step = STEPS[self.index]
        app.compare.on = bool(step.get("compare", False))
        app.screen.place_views()  # tour card and split screen first: the camera depends on them
        if not app.load_scenario(step["preset"], step.get("overrides"), announce=False):
            return
        if step.get("blockade") is not None:
            app.set_blockade(step["blockade"])
        app.play.set_speed(step.get("speed", app.preset.playback_us_per_s))
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
