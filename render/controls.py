"""Input dispatch: the widgets, and every pygame event routed to the action it means.

Keys go through the one table in :mod:`render.common.keys` (``action_for``) to
an action name, and :meth:`Controls.run` runs its entry of the action table
(``App.actions``); the buttons run the same entries. Mouse events go to the
widgets first, then to the picture (drag pans, a click follows the molecule
under the pointer, the wheel zooms).
"""

from __future__ import annotations

from collections.abc import Mapping

import pygame

from render.common.keys import REPEATABLE, Action, HeldKeys, action_for
from render.common.text import fmt_duration_us
from render.common.widgets import Button, Slider, Stepper, Widget, WidgetRows
from render.lecture.follow import FollowRoom
from render.lecture.guide import Guide
from render.media.session_log import SessionLog
from render.screen import Screen
from render.synapse.compare import Compare
from render.synapse.playback import Playback
from render.tissue.mode import TissueMode

CLICK_SLOP_PX = 5
"""A press and release closer than this is a click (follow a molecule), not a drag."""


def fmt_rate(hz: float) -> str:
    """A firing rate for the stepper: '500 Hz', '0.5 Hz', '0.156 Hz' (3 significant digits)."""
    return f"{hz:,.0f} Hz" if hz >= 1 or hz == 0 else f"{hz:.3g} Hz"


def fmt_speed(us_per_s: float) -> str:
    """A playback speed for the stepper: '200 µs/s'."""
    return f"{fmt_duration_us(us_per_s)}/s"


class Controls:
    """The control bar and side buttons, and the event handler.

    Args:
        widgets: filled here with the bar's widgets and the side buttons.
        actions: the action table (keys and buttons run its entries).
        play: the model(s): pause, firing rate and speed steppers.
        screen: layout, cameras, the help overlay and the window's open flag.
        tissue: the tissue view (its keys first; the slider acts on the model shown).
        guide: the tour (its button; R and Esc in the tissue view).
        compare: the compare switch (its button).
        follow: a click on the picture follows a molecule.
        log: the session: the slider, steppers, clicks, drags and the wheel are recorded there.
    """

    def __init__(
        self,
        widgets: WidgetRows,
        actions: Mapping[str, Action],
        play: Playback,
        screen: Screen,
        tissue: TissueMode,
        guide: Guide,
        compare: Compare,
        follow: FollowRoom,
        log: SessionLog,
    ) -> None:
        self.actions = actions
        self.log = log
        self.play = play
        self.screen = screen
        self.tissue = tissue
        self.guide = guide
        self.follow = follow
        self._drag_from: tuple[int, int] | None = None
        self._press_at: tuple[int, int] | None = None
        self._dragged = False
        self.held = HeldKeys()
        self.pause_button = Button(
            lambda: "Play" if play.paused else "Pause", actions["toggle_pause"], "Space"
        )
        self.step_button = Button(lambda: "Step", actions["step"], "Right arrow")
        self.fire_button = Button(lambda: "Fire AP", actions["fire"], "F")
        self.reset_button = Button(lambda: "Reset", actions["reset"], "R")
        self.blockade_slider = Slider(
            "SSRI blockade of SERT (Up/Down, [ ])",
            lambda: tissue.shown_blockade,
            log.recorded("blockade", tissue.set_shown_blockade),
            lambda v: f"{v * 100:.0f}%",
            ticks=((0.8, "80% = typical dose"),),
        )
        self.rate_stepper = Stepper(
            "Firing rate ( , . )",
            lambda: play.rate_choices,
            lambda: play.model.firing_rate_hz,
            log.recorded("rate", play.set_firing_rate),
            fmt_rate,
        )
        self.speed_stepper = Stepper(
            "Playback ( - + )",
            lambda: play.speed_choices,
            lambda: play.base_us_per_s,
            log.recorded("speed", play.set_speed),
            fmt_speed,
        )
        self.compare_button = Button(
            lambda: "Compare", actions["compare"], "C", on=lambda: compare.on
        )
        self.tour_button = Button(lambda: "Tour", actions["tour"], "T", on=lambda: guide.active)
        widgets.bar[:] = [
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
        widgets.side[:] = [
            Button(lambda: "Labels (L)", actions["labels"], on=lambda: screen.show_labels),
            Button(
                lambda: "Cleft zoom (Z)",
                actions["zoom_cleft"],
                on=lambda: screen.view.mode == "cleft",
            ),
            Button(lambda: "Projector (P)", actions["projector"], on=lambda: screen.projector),
            Button(lambda: "Help (H)", actions["help"], on=lambda: screen.show_help),
        ]
        self.rows = widgets
        self._pointer_commands(log)
        widgets.blockade_slider = self.blockade_slider
        self.bar_widgets = widgets.bar
        self.side_buttons = widgets.side

    def _pointer_commands(self, log: SessionLog) -> None:
        """Clicks (follow), drags (pan), the wheel (zoom), the history strip: session commands."""
        follow, screen = self.follow, self.screen
        self._click = log.recorded("click", lambda x, y: follow.follow_at((x, y)))
        self._pan = log.recorded("pan", lambda dx, dy: screen.view.pan(dx, dy))
        self._wheel = log.recorded("wheel", lambda x, y, n: screen.wheel((x, y), n))
        log.recorded("tissue_zoom", self.tissue.zoom)
        strip = self.rows.strip
        if strip is not None:  # the history strip: its seeks, and its pause while held
            strip.scrub.seek = log.recorded("seek", strip.scrub.show)
            strip.toggle_pause = self.actions["toggle_pause"]

    @property
    def widgets(self) -> list[Widget]:
        """Every widget, bar first, then the side buttons and the history strip."""
        strip = [] if self.rows.strip is None else [self.rows.strip]
        return self.bar_widgets + self.side_buttons + strip

    # -------------------------------------------------------------- events
    def run(self, action: str) -> None:
        """Run ``action``'s entry of the action table (in the tissue view, if it works there)."""
        if self.tissue.on and not self.tissue.allows(action, touring=self.guide.active):
            return
        self.actions[action]()

    def pump(self) -> None:
        """Handle every event waiting in pygame's queue."""
        for event in pygame.event.get():
            self.handle_event(event)

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to one pygame event (the tissue view's own first, then keys, mouse)."""
        tissue_on = self.tissue.on
        if self.tissue.handle_event(event):
            if tissue_on and not self.tissue.on:  # zoomed onto a varicosity
                self.log.note("tissue_zoom", self.tissue.zoomed_onto)
            return
        t = event.type
        if t == pygame.QUIT:
            self.screen.open = False
        elif t == pygame.VIDEORESIZE:
            self.screen.layout(event.size)
        elif t in (pygame.KEYDOWN, pygame.KEYUP):
            repeat = self.held.is_repeat(event)
            action = action_for(event.key, getattr(event, "mod", 0), self.guide.active)
            if t == pygame.KEYDOWN and action is not None and (not repeat or action in REPEATABLE):
                self.run(action)
        elif t == pygame.WINDOWFOCUSLOST:
            self.held.clear()
        elif t in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            self._mouse(event)
        elif t == pygame.MOUSEWHEEL and not self.tissue.on:
            x, y = pygame.mouse.get_pos()
            self._wheel(int(x), int(y), int(getattr(event, "y", 0)))

    def _mouse(self, event: pygame.event.Event) -> None:
        screen = self.screen
        if screen.show_help and event.type == pygame.MOUSEBUTTONDOWN:
            self.actions["help"]()  # closes it
            return
        tissue = self.tissue.on  # the tissue view: only its slider; the synapse waits
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
            self._pan(int(pos[0] - self._drag_from[0]), int(pos[1] - self._drag_from[1]))
            self._drag_from = tuple(pos)
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            if self._press_at is not None and not self._dragged and pos:
                self._click(int(pos[0]), int(pos[1]))
            self._drag_from = None
            self._press_at = None
