"""Input dispatch: the widgets, and every pygame event routed to the action it means.

Keys go through the one table in :mod:`render.common.keys` (``action_for``) to
``App.do(action)``; mouse events go to the widgets first, then to the picture
(drag pans, a click follows the molecule under the pointer, the wheel zooms).
"""

from __future__ import annotations

from typing import Any

import pygame

from render.common.constants import BLOCKADE_STEP
from render.common.keys import REPEATABLE, HeldKeys, action_for
from render.common.text import fmt_duration_us
from render.common.widgets import Button, Slider, Stepper, Widget

CLICK_SLOP_PX = 5
"""A press and release closer than this is a click (follow a molecule), not a drag."""


def fmt_rate(hz: float) -> str:
    """A firing rate for the stepper: '500 Hz', '0.5 Hz'."""
    return f"{hz:,.0f} Hz" if hz >= 1 or hz == 0 else f"{hz:g} Hz"


def fmt_speed(us_per_s: float) -> str:
    """A playback speed for the stepper: '200 µs/s'."""
    return f"{fmt_duration_us(us_per_s)}/s"


class Controls:
    """The control bar and side buttons, and the event handler.

    Args:
        app: the window whose actions the widgets and keys run.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self._drag_from: tuple[int, int] | None = None
        self._press_at: tuple[int, int] | None = None
        self._dragged = False
        self.held = HeldKeys()
        play, screen = app.play, app.screen
        self.pause_button = Button(
            lambda: "Play" if play.paused else "Pause", play.do_toggle_pause, "Space"
        )
        self.step_button = Button(lambda: "Step", app.do_step, "Right arrow")
        self.fire_button = Button(lambda: "Fire AP", app.do_fire, "F")
        self.reset_button = Button(lambda: "Reset", app.do_reset, "R")
        self.blockade_slider = Slider(
            "SSRI blockade of SERT (Up/Down, [ ])",
            lambda: app.shown_blockade,
            app.set_blockade,
            lambda v: f"{v * 100:.0f}%",
            ticks=((0.8, "80% = typical dose"),),
        )
        self.rate_stepper = Stepper(
            "Firing rate ( , . )",
            lambda: play.rate_choices,
            lambda: app.model.firing_rate_hz,
            app.set_firing_rate,
            fmt_rate,
        )
        self.speed_stepper = Stepper(
            "Playback ( - + )",
            lambda: play.speed_choices,
            lambda: play.base_us_per_s,
            play.set_speed,
            fmt_speed,
        )
        self.compare_button = Button(
            lambda: "Compare", app.compare.do_compare, "C", on=lambda: app.compare.on
        )
        self.tour_button = Button(
            lambda: "Tour", app.guide.do_tour, "T", on=lambda: app.guide.active
        )
        self.bar_widgets: list[Widget] = [
            self.pause_button,
            self.step_button,
            self.fire_button,
            self.reset_button,
            self.blockade_slider,
            self.rate_stepper,
            self.speed_stepper,
            self.compare_button,
            self.tour_button,
        ]
        self.side_buttons: list[Widget] = [
            Button(lambda: "Labels (L)", screen.do_labels, on=lambda: screen.show_labels),
            Button(
                lambda: "Cleft zoom (Z)",
                screen.do_zoom_cleft,
                on=lambda: screen.view.mode == "cleft",
            ),
            Button(lambda: "Projector (P)", screen.do_projector, on=lambda: screen.projector),
            Button(lambda: "Help (H)", screen.do_help, on=lambda: screen.show_help),
        ]

    # ------------------------------------------------------------- actions
    def do_blockade_up(self) -> None:
        """Blockade +5%."""
        f = self.app.shown_blockade
        self.app.set_blockade(round(f / BLOCKADE_STEP + 1) * BLOCKADE_STEP)

    def do_blockade_down(self) -> None:
        """Blockade -5%."""
        f = self.app.shown_blockade
        self.app.set_blockade(round(f / BLOCKADE_STEP - 1) * BLOCKADE_STEP)

    def do_rate_up(self) -> None:
        """Next higher firing rate."""
        self.app.set_firing_rate(self.rate_stepper.neighbour(+1))

    def do_rate_down(self) -> None:
        """Next lower firing rate."""
        self.app.set_firing_rate(self.rate_stepper.neighbour(-1))

    @property
    def widgets(self) -> list[Widget]:
        """Every widget, bar first."""
        return self.bar_widgets + self.side_buttons

    # -------------------------------------------------------------- events
    def pump(self) -> None:
        """Handle every event waiting in pygame's queue."""
        for event in pygame.event.get():
            self.handle_event(event)

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to one pygame event (keys via the bindings table, mouse via widgets/view)."""
        t = event.type
        app = self.app
        if t == pygame.QUIT:
            app.running = False
        elif t == pygame.VIDEORESIZE:
            app.screen.layout(event.size)
        elif t in (pygame.KEYDOWN, pygame.KEYUP):
            repeat = self.held.is_repeat(event)
            action = action_for(event.key, getattr(event, "mod", 0))
            if t == pygame.KEYDOWN and action is not None and (not repeat or action in REPEATABLE):
                app.do(action)
        elif t == pygame.WINDOWFOCUSLOST:
            self.held.clear()
        elif t in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            self._mouse(event)
        elif t == pygame.MOUSEWHEEL and not app.tissue.on:
            app.screen.wheel(pygame.mouse.get_pos(), getattr(event, "y", 0))

    def _mouse(self, event: pygame.event.Event) -> None:
        screen = self.app.screen
        if screen.show_help and event.type == pygame.MOUSEBUTTONDOWN:
            screen.show_help = False
            return
        tissue = self.app.tissue.on  # the tissue view: only its slider; the synapse waits
        for w in [self.blockade_slider] if tissue else self.widgets:
            if w.handle_event(event):
                return
        if tissue:
            return
        pos = getattr(event, "pos", None)
        if event.type == pygame.MOUSEBUTTONDOWN and pos and getattr(event, "button", 1) == 1:
            if screen.in_scene(pos):
                self._drag_from = tuple(pos)
                self._press_at = tuple(pos)
                self._dragged = False
        elif event.type == pygame.MOUSEMOTION and self._drag_from is not None and pos:
            if self._press_at is not None and not self._dragged:
                dx, dy = pos[0] - self._press_at[0], pos[1] - self._press_at[1]
                self._dragged = dx * dx + dy * dy > CLICK_SLOP_PX * CLICK_SLOP_PX
            screen.view.pan(pos[0] - self._drag_from[0], pos[1] - self._drag_from[1])
            self._drag_from = tuple(pos)
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            if self._press_at is not None and not self._dragged and pos:
                self.app.follow.follow_at(tuple(pos))
            self._drag_from = None
            self._press_at = None
