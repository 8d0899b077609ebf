"""The tissue scale in the window: key M swaps the synapse for a real-time tissue cube.

:class:`TissueMode` is one room of :class:`render.app.App`. While it is on,
the scene area (and the side panel) shows :class:`render.tissue.view.TissueView`
of a :class:`sim.tissue.model.Tissue` (the ``tissue`` preset with the window's
seed, or the tissue preset the window was started with); the control bar
stays, and its SSRI slider and the blockade keys act on the tissue
(:meth:`TissueMode.set_shown_blockade` sends them to whichever model is shown).

Zooming: a click on a varicosity, or Enter on the selected one (Tab picks
another), hands over to the synapse view with its own clock; M goes back to
the tissue. Each change of scale made by the user (M, click, Enter) puts up
a card saying what changed, with the numbers of the two models (cube side
against cleft width, seconds in real time against slowed-down microseconds),
and the view entered takes the SSRI blockade of the view left: one drug, one
slider, at both scales (during a treatment course, whose days set the
synapse's drug, only out to the tissue; the cards say when the two differ). Changes made by the tour's steps say nothing (the tour's
card explains them). Whichever model is not shown waits unchanged: the
tissue clock continues from where it stopped when the view comes back.

Clock: about real time, 1 s of tissue time per wall second. Each frame's wall
time (clamped to ``MAX_FRAME_S``; in scripted runs exactly 1/``frame_fps`` s)
goes into an integer accumulator of microseconds, and the tissue advances by
the whole 2 ms steps it holds; the rest carries over. The step count is
therefore a function of the wall times alone, never of the frame count, and
never of how fast the machine draws. Only when stepping would take more than
``CPU_SHARE`` of the frame's wall time (hundreds of thousands of molecules on
a busy machine, as the SSRI level climbs) does the window step what fits and
drop the rest, so it stays responsive; the clock line then says the measured
pace (e.g. 0.76x real time) instead of "real time". Scripted runs never drop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np
import pygame

from render.common.constants import (
    BLOCKADE_STEP,
)
from render.common.keys import Action
from render.common.messages import Messages
from render.common.widgets import WidgetRows
from render.synapse.playback import Playback
from render.synapse.scene import SceneRenderer
from render.tissue.cards import TISSUE_FOOTER, Card, zoom_in_card, zoom_out_card
from render.tissue.clock import TissueClock
from render.tissue.screen import TISSUE_NOTE, TissueScreen, Window
from render.tissue.trace import keep_recent
from render.tissue.view import TissueView
from sim.params.presets import Preset, load_preset
from sim.tissue.model import Tissue

TISSUE_PRESET = "tissue"
"""The preset the tissue view is built from when the window did not start with one."""

ZOOM_PRESET = "default"
"""The synapse preset behind the tissue when the window starts with a tissue preset."""

SYNAPSE_NOTE = "Synapse scale: 20 nm cleft, slow motion"
"""What the screen says on switching back to the synapse."""

SCALE_CARD_S = 8.0
"""How long the card saying that the scale changed stays up, s of screen time."""

TISSUE_ACTIONS = frozenset(
    {"tissue", "blockade_up", "blockade_down", "help", "quit", "screenshot", "record",
     "record_gif", "projector", "fullscreen", "tour", "tour_next", "tour_back",
     "tour_start", "blank"}
)  # fmt: skip
"""Keys that work in the tissue view; the number keys also work (they go back to the synapse).
Every other key acts on the synapse, which waits unchanged: the screen says so instead."""

ZOOM_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER)
"""Zoom onto the selected varicosity's synapse (keyboard-only lecturers)."""

PICK_KEY = pygame.K_TAB
"""Select the next varicosity (Shift: the previous one), in reading order."""


def reading_order(model: Tissue) -> np.ndarray:
    """Varicosity indices top to bottom, then left to right, in the slice plane (Tab's order)."""
    x, y = model.varicosity_xyz[0], model.varicosity_xyz[1]
    return np.lexsort((x, -y))


class Timeline(Protocol):
    """The synapse's treatment timeline (:class:`render.lecture.scenario.Scenario`)."""

    @property
    def treatment(self) -> object | None:
        """The timeline on screen, or None."""


class TissueMode:
    """The tissue view's state: on or off, its model, its clock, its selection and its card.

    Args:
        play: the synapse's playback (held paused while the tissue is shown; its screen time).
        timeline: the synapse's treatment timeline (its days set the synapse's drug).
        window: size, fonts, colours, the bar's place, the help switch.
        messages: the message line.
        widgets: the window's widgets (the SSRI slider is drawn here too).
        scene: the synapse's renderer (the help overlay's key to the symbols).
        actions: the action table (the help overlay lists what it runs).
        card: the card below the scene now (the scale card, the tour's, or none).
        seed: the window's seed (the tissue is built with it).
        scripted: a scripted run (exact frame times, no caption card at start).

    Attributes:
        on: the tissue view is shown.
        model: the tissue (built on first use, kept while the window lives).
        clock: time owed to the tissue, the cost of a step, the pace achieved.
        selected: the varicosity Enter zooms onto (None before the tissue is built).
        zoomed_onto: the varicosity of the last zoom (None: the synapse was not entered by one).
        card: (title, text, footer) saying that the scale changed, and the screen time it
            went up; None when there is none.
    """

    def __init__(
        self,
        play: Playback,
        timeline: Timeline,
        window: Window,
        messages: Messages,
        widgets: WidgetRows,
        scene: SceneRenderer,
        actions: Mapping[str, Action],
        card: Callable[[], Card | None],
        *,
        seed: int,
        scripted: bool,
    ) -> None:
        self.play = play
        self.timeline = timeline
        self.window = window
        self.messages = messages
        self.say = messages.say
        self.widgets = widgets
        self.seed = seed
        self.scripted = scripted
        self.on = False
        self.model: Tissue | None = None
        self.clock = TissueClock(scripted)
        """Tissue time owed, the step cost and the pace (:mod:`render.tissue.clock`)."""
        self.preset: Preset | None = None
        self.selected: int | None = None
        self.zoomed_onto: int | None = None
        self.card: tuple[tuple[str, str, str], float] | None = None
        self.screen = TissueScreen(window, messages, widgets, scene, actions, card)
        """Lays out and draws the tissue view (:mod:`render.tissue.screen`)."""

    # ------------------------------------------------------------ actions
    def do_tissue(self) -> None:
        """M: tissue view on / off (the other model waits); the card says the scale changed."""
        self.switch(not self.on)

    def start(self, preset: Preset) -> None:
        """Open the window on the tissue of ``preset`` (a tissue preset), window seed, t = 0."""
        self.preset = preset
        self.model = keep_recent(Tissue(preset.params, seed=self.seed))
        self._select_default()
        self.on = True
        self.clock.owed_us = 0
        if not self.scripted:  # like the synapse's caption: not in scripted runs
            self.card = ((preset.title, preset.caption, TISSUE_FOOTER), 0.0)

    def set(self, on: bool) -> bool:
        """Show the tissue (``on``) or the synapse, with a short message (the tour uses this).

        Returns False (and says why) if the tissue model cannot be built.
        """
        if on and self.model is None:
            try:
                self.model = self.build()
            except (ValueError, OSError) as exc:
                self.say(f"cannot show the tissue: {exc}")
                return False
            self._select_default()
        self.on = bool(on)
        self.clock.owed_us = 0
        self.say(TISSUE_NOTE if self.on else SYNAPSE_NOTE)
        return True

    def switch(self, on: bool, onto: int | None = None) -> bool:
        """A change of scale asked for by the user: ``set(on)``, the blockade carried, the card.

        ``onto`` is the varicosity zoomed onto (entering the synapse).
        """
        if on == self.on:
            return True
        before = self.shown_blockade
        if not self.set(on):
            return False
        if self.shown_blockade != before and (on or self.timeline.treatment is None):
            self.set_shown_blockade(before)  # one drug at both scales (a course's day sets the
            # synapse's: out to the tissue it is carried, back in the day's stays)
        self.zoomed_onto = onto if not on else None
        play = self.play
        if on:
            card = zoom_out_card(self.model, play.model.params.cleft_width_nm, play.model.blockade)
        else:
            card = zoom_in_card(self.model, play.model.params, play.base_us_per_s,
                                play.warp_on, self.shown_blockade, onto)  # fmt: skip
        self.card = (card, play.screen_time_s)
        if not on and onto is not None:
            self.say(f"zoomed onto varicosity {onto + 1}: synapse scale")
        return True

    def zoom(self, index: int | None = None) -> bool:
        """Hand over from the tissue to the synapse of varicosity ``index`` (default: selected)."""
        if not self.on or self.model is None:
            return False
        index = self.selected if index is None else index
        if index is None:
            return False
        self.selected = int(index)
        return self.switch(False, onto=int(index))

    def build(self) -> Tissue:
        """A fresh tissue from the ``tissue`` preset, the window's seed, at t = 0."""
        self.preset = load_preset(TISSUE_PRESET)
        return keep_recent(Tissue(self.preset.params, seed=self.seed))

    def set_blockade(self, fraction: float) -> None:
        """SSRI blockade of the tissue's SERT, fraction 0..1, from the next step on."""
        if self.model is not None:
            self.model.set_blockade(float(min(1.0, max(0.0, fraction))))

    def set_shown_blockade(self, fraction: float) -> None:
        """The SSRI slider: blockade of the model shown (the tissue's here, else the synapse's).

        Clamped to 0..1 and rounded to 1e-6; the synapse follows at once (not the control).
        """
        f = round(float(min(1.0, max(0.0, fraction))), 6)
        if self.on:  # the tissue view is shown: the slider and keys act on the tissue
            self.set_blockade(f)
            return
        self.play.model.set_blockade(f)

    @property
    def shown_blockade(self) -> float:
        """The blockade of the model on screen (the tissue's in the tissue view), fraction."""
        return self.blockade if self.on else self.play.model.blockade

    def do_blockade_up(self) -> None:
        """Blockade +5% of SERT, of the model shown."""
        self.set_shown_blockade(round(self.shown_blockade / BLOCKADE_STEP + 1) * BLOCKADE_STEP)

    def do_blockade_down(self) -> None:
        """Blockade -5% of SERT, of the model shown."""
        self.set_shown_blockade(round(self.shown_blockade / BLOCKADE_STEP - 1) * BLOCKADE_STEP)

    def allows(self, action: str, touring: bool) -> bool:
        """Whether ``action`` runs in the tissue view (else the screen says why not).

        ``touring``: a guided tour runs (R then replays its step).
        """
        if action in TISSUE_ACTIONS or action.startswith("preset_"):
            return True
        if action == "reset" and touring:  # R replays the tour's step
            return True
        self.say("that key acts on the synapse: M goes back to it")
        return False

    @property
    def blockade(self) -> float:
        """The tissue's present blockade (0 before it is built)."""
        return self.model.blockade if self.model is not None else 0.0

    # ------------------------------------------------------------- events
    def handle_event(self, event: pygame.event.Event) -> bool:
        """The tissue view's own input (while it is shown); True if ``event`` was used.

        A left click on a varicosity zooms onto it; the pointer over one
        selects it; Tab / Shift+Tab select the next / previous one; Enter
        zooms onto the selected one. Everything else goes to the controls.
        """
        if not self.on or self.model is None or self.view is None:
            return False
        if self.window.show_help:
            return False
        t = event.type
        if t == pygame.KEYDOWN and event.key in ZOOM_KEYS:
            return self.zoom()
        if t == pygame.KEYDOWN and event.key == PICK_KEY:
            back = bool(getattr(event, "mod", 0) & pygame.KMOD_SHIFT)
            self.pick(-1 if back else 1)
            return True
        pos = getattr(event, "pos", None)
        if pos is None or t not in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEMOTION):
            return False
        hit = self.view.varicosity_at(self.model, tuple(pos))
        if hit is None:
            return False
        self.selected = hit
        if t == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 1) == 1:
            return self.zoom(hit)
        return False  # motion: selected, and the controls still see it (slider drags)

    def pick(self, step: int) -> None:
        """Select the varicosity ``step`` places on in reading order (wraps round)."""
        order = reading_order(self.model)
        if order.size == 0:
            return
        here = np.flatnonzero(order == self.selected)
        k = (int(here[0]) + step) % order.size if here.size else 0
        self.selected = int(order[k])
        self.say(f"varicosity {self.selected + 1} of {order.size} selected: Enter zooms onto it")

    def _select_default(self) -> None:
        """Select the varicosity nearest the middle of the slice plane."""
        m = self.model
        if m.varicosity_xyz.shape[1] == 0:
            self.selected = None
            return
        d2 = (m.varicosity_xyz[0] - m.side_um / 2) ** 2 + (m.varicosity_xyz[1] - m.side_um / 2) ** 2
        self.selected = int(np.argmin(d2))

    # -------------------------------------------------------------- cards
    def card_text(self) -> tuple[str, str, str] | None:
        """The card saying that the scale changed, while it is up (None otherwise)."""
        if self.card is None:
            return None
        if self.play.screen_time_s - self.card[1] >= SCALE_CARD_S:
            self.card = None
            return None
        return self.card[0]

    # --------------------------------------------------------------- loop
    def update(self, real_dt_s: float) -> int:
        """Advance the tissue by this frame's wall time (scripted: 1/``frame_fps`` s).

        The synapse is not stepped; the window's screen time still runs (the
        playback is held paused for the frame) so messages expire as usual.
        Returns the tissue steps taken (:class:`render.tissue.clock.TissueClock`).
        """
        play = self.play
        wall_s = 1.0 / play.frame_fps if self.scripted else real_dt_s
        was_paused, play.paused = play.paused, True
        try:
            play.update(real_dt_s)
        finally:
            play.paused = was_paused
        return self.clock.advance(self.model, real_dt_s, wall_s)

    # ------------------------------------------------------------ drawing
    @property
    def view(self) -> TissueView | None:
        """The tissue's picture (None before the first draw)."""
        return self.screen.view

    @property
    def card_shown(self) -> Card | None:
        """The card drawn under the tissue in the last frame."""
        return self.screen.card_shown

    def layout(self) -> dict[str, pygame.Rect]:
        """The tissue screen's blocks, px (:meth:`render.tissue.screen.TissueScreen.layout`)."""
        return self.screen.layout()

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the tissue view (:class:`render.tissue.screen.TissueScreen`)."""
        self.screen.draw(surface, self.model, self.selected, self.clock.pace, self.preset)
