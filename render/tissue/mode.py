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
slider, at both scales (not during a treatment course, whose days set the
synapse's drug). Changes made by the tour's steps say nothing (the tour's
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

import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Protocol

import numpy as np
import pygame

from render.common import banner
from render.common.colors import Theme
from render.common.constants import (
    BLOCKADE_STEP,
    MAX_FRAME_S,
    NOMINAL_FPS,
    WARP_FAST_FACTOR,
    WARP_SLOW_FRACTION,
)
from render.common.keyhelp import draw_help
from render.common.keys import Action
from render.common.messages import Messages
from render.common.text import Fonts
from render.common.widgets import WidgetRows
from render.synapse import hud
from render.synapse.playback import Playback
from render.synapse.scene import SceneRenderer
from render.tissue.view import TissueView
from sim.params.presets import Preset, load_preset
from sim.tissue.model import Tissue

TISSUE_PRESET = "tissue"
"""The preset the tissue view is built from when the window did not start with one."""

ZOOM_PRESET = "default"
"""The synapse preset behind the tissue when the window starts with a tissue preset."""

TISSUE_NOTE = "Tissue scale: 20 \u00b5m of neuropil, real time"
"""What the screen says on switching to the tissue view."""

SYNAPSE_NOTE = "Synapse scale: 20 nm cleft, slow motion"
"""What the screen says on switching back to the synapse."""

CPU_SHARE = 0.6
"""Most of a frame's wall time (at least 1/``NOMINAL_FPS``, at most ``MAX_FRAME_S``) spent
stepping the tissue; what would take longer is dropped and the clock line says the pace."""

PACE_WINDOW_S = 2.0
"""Wall seconds over which the tissue's pace (tissue s per wall s) is measured."""

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


def tissue_steps(owed_us: int, wall_s: float, dt_ms: float) -> tuple[int, int]:
    """Whole tissue steps owed after ``wall_s`` more wall seconds at real time.

    Args:
        owed_us: tissue time owed but not yet stepped, integer us.
        wall_s: this frame's wall time, s; clamped to [0, ``MAX_FRAME_S``].
        dt_ms: the model's step, ms.

    Returns:
        (steps to take now, us still owed afterwards: 0 <= rest < one step).
    """
    step_us = max(1, int(round(dt_ms * 1000.0)))
    owed_us += int(round(min(max(wall_s, 0.0), MAX_FRAME_S) * 1e6))
    steps = owed_us // step_us
    return steps, owed_us - steps * step_us


def reading_order(model: Tissue) -> np.ndarray:
    """Varicosity indices top to bottom, then left to right, in the slice plane (Tab's order)."""
    x, y = model.varicosity_xyz[0], model.varicosity_xyz[1]
    return np.lexsort((x, -y))


Card = tuple[str, str, str]
"""(title, text, footer) of a card below the scene."""


class Window(Protocol):
    """The window as the tissue view uses it (:class:`render.screen.Screen`)."""

    size: tuple[int, int]
    bar_rect: pygame.Rect
    theme: Theme
    fonts: Fonts
    bar_fonts: Fonts
    show_help: bool

    def layout(self, size: tuple[int, int] | None = None, force: bool = False) -> None:
        """Place everything for a window ``size``, px."""


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
        owed_us: tissue time owed to the clock, us (below one step after each frame).
        last_steps: tissue steps taken in the last frame.
        selected: the varicosity Enter zooms onto (None before the tissue is built).
        step_cost_s: measured wall time per tissue step, s (moving average; sets the cap).
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
        self.scene = scene
        self.actions = actions
        self.card_now = card
        self.seed = seed
        self.scripted = scripted
        self.help_rows_drawn: list[tuple[str, str, str]] = []
        """The help overlay's rows drawn last over the tissue (for tests)."""
        self.on = False
        self.model: Tissue | None = None
        self.owed_us = 0
        self.last_steps = 0
        self.view: TissueView | None = None
        self.preset: Preset | None = None
        self.selected: int | None = None
        self.zoomed_onto: int | None = None
        self.card: tuple[tuple[str, str, str], float] | None = None
        self.step_cost_s = 5.0e-4
        self._timed = False
        self._wall_s = 0.0
        self._pace: deque[tuple[float, float]] = deque()
        self.card_shown: tuple[str, str, str] | None = None
        """The card drawn under the tissue in the last frame (the tour's or the scale card)."""
        self._theme = None

    # ------------------------------------------------------------ actions
    def do_tissue(self) -> None:
        """M: tissue view on / off (the other model waits); the card says the scale changed."""
        self.switch(not self.on)

    def start(self, preset: Preset) -> None:
        """Open the window on the tissue of ``preset`` (a tissue preset), window seed, t = 0."""
        self.preset = preset
        self.model = Tissue(preset.params, seed=self.seed)
        self._select_default()
        self.on = True
        self.owed_us = 0
        if not self.scripted:  # like the synapse's caption: not in scripted runs
            self.card = ((preset.title, preset.caption, self._tissue_footer()), 0.0)

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
        self.owed_us = 0
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
        if self.timeline.treatment is None and self.shown_blockade != before:
            self.set_shown_blockade(before)  # one drug at both scales
        self.zoomed_onto = onto if not on else None
        self.card = (self._zoom_in_card(onto) if not on else self._zoom_out_card(),
                     self.play.screen_time_s)  # fmt: skip
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
        return Tissue(self.preset.params, seed=self.seed)

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

    def _tissue_footer(self) -> str:
        return "Click a varicosity (or Tab, Enter) to zoom onto its synapse   H lists every key"

    def _zoom_in_card(self, onto: int | None) -> tuple[str, str, str]:
        m = self.model
        p = self.play.model.params
        us_per_s = self.play.base_us_per_s
        slowed = 1e6 / us_per_s
        warp = ""
        if self.play.warp_on:  # the time-warp's range around the base pace (render.synapse.warp)
            warp = (f" (the time-warp varies it from {slowed / WARP_FAST_FACTOR:,.0f}x to "
                    f"{slowed / WARP_SLOW_FRACTION:,.0f}x)")  # fmt: skip
        ratio = m.side_um * 1000.0 / p.cleft_width_nm
        which = (f"varicosity {onto + 1} of {m.varicosity_xyz.shape[1]}" if onto is not None
                 else "a varicosity")  # fmt: skip
        title = ("Zoomed in: one varicosity's synapse (the scale changed)" if onto is not None
                 else "Synapse scale (the scale changed)")  # fmt: skip
        text = (
            f"From the {m.side_um:g} \u00b5m cube of tissue to the synapse of {which}: a "
            f"{p.cleft_width_nm:g} nm cleft, {ratio:,.0f} times smaller. The clock is now in "
            f"microseconds: 1 s on screen is {us_per_s:g} \u00b5s, slowed {slowed:,.0f}x{warp}. "
            "Most 5-HT varicosities face no synapse; this model gives one a postsynaptic side. "
            f"SSRI blockade {self.shown_blockade:.0%} at both scales."
        )
        return (
            title,
            text,
            f"M zooms back out to the tissue (its clock waits at t = {m.time_s:.2f} s)",
        )

    def _zoom_out_card(self) -> tuple[str, str, str]:
        m = self.model
        cleft = self.play.model.params.cleft_width_nm
        text = (
            f"From the {cleft:g} nm cleft back to a {m.side_um:g} \u00b5m cube of neuropil, "
            f"{m.side_um * 1000.0 / cleft:,.0f} times larger. The clock is in seconds again and "
            f"runs at real time (1 s on screen is 1 s); the tissue continues from "
            f"t = {m.time_s:.2f} s. SSRI blockade {m.blockade:.0%} at both scales."
        )
        return "Zoomed out: the tissue (the scale changed)", text, self._tissue_footer()

    # --------------------------------------------------------------- loop
    def update(self, real_dt_s: float) -> int:
        """Advance the tissue by this frame's wall time (scripted: 1/``frame_fps`` s).

        The synapse is not stepped; the window's screen time still runs (the
        playback is held paused for the frame) so messages expire as usual.
        Returns the tissue steps taken.
        """
        play = self.play
        wall_s = 1.0 / play.frame_fps if self.scripted else real_dt_s
        was_paused, play.paused = play.paused, True
        try:
            play.update(real_dt_s)
        finally:
            play.paused = was_paused
        steps, self.owed_us = tissue_steps(self.owed_us, wall_s, self.model.dt_ms)
        if not self.scripted:  # keep the window responsive: drop what cannot be stepped
            budget_s = CPU_SHARE * min(max(real_dt_s, 1.0 / NOMINAL_FPS), MAX_FRAME_S)
            cap = max(1, int(budget_s / self.step_cost_s))
            if steps > cap:
                steps, self.owed_us = cap, 0
        t0 = time.perf_counter()
        self.model.run_steps(steps)
        if steps and self._timed:  # (the first call may load the kernel: not timed)
            cost = (time.perf_counter() - t0) / steps
            self.step_cost_s = 0.7 * self.step_cost_s + 0.3 * cost
        self._timed = self._timed or steps > 0
        self.last_steps = steps
        self._wall_s += max(0.0, real_dt_s)
        self._pace.append((self._wall_s, self.model.time_ms))
        while self._wall_s - self._pace[0][0] > PACE_WINDOW_S:
            self._pace.popleft()
        return steps

    @property
    def pace(self) -> float | None:
        """Tissue seconds per wall second over the last ``PACE_WINDOW_S`` (None: not measured).

        1 while the machine keeps real time; below 1 when stepping the
        molecules takes longer than the budget a frame has for it.
        Scripted runs are real time by construction (None).
        """
        if self.scripted or len(self._pace) < 2:
            return None
        (w0, t0), (w1, t1) = self._pace[0], self._pace[-1]
        if w1 - w0 < 0.5:
            return None
        return (t1 - t0) / 1000.0 / (w1 - w0)

    # ------------------------------------------------------------ drawing
    def area(self) -> pygame.Rect:
        """Where the tissue is drawn: the scene and the side panel (above the bar), px."""
        window = self.window
        return pygame.Rect(0, 0, window.size[0], window.bar_rect.top)

    def layout(self) -> dict[str, pygame.Rect]:
        """The tissue screen's blocks: strip (scale line), body (the view), card (if up), bar, px."""
        screen = self.window
        fonts = screen.fonts
        area = self.area()
        strip_h = fonts.line_height("normal") + int(10 * fonts.scale)
        out = {"strip": pygame.Rect(area.x, area.y, area.w, strip_h)}
        body = pygame.Rect(area.x, area.y + strip_h, area.w, area.h - strip_h)
        card = self.card_now()  # the tour's, or the one saying that the scale changed
        if card is not None:  # under the tissue, not over it (the synapse's layout is untouched)
            m = int(8 * fonts.scale)
            h = min(banner.banner_height(fonts, body.w - 2 * m, *card[1:]), body.h // 2)
            body.h -= h + m
            out["card"] = pygame.Rect(body.x + m, body.bottom, body.w - 2 * m, h)
        self.card_shown = card
        out["body"] = body
        out["bar"] = pygame.Rect(screen.bar_rect)
        return out

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the tissue view, the scale line, the card, messages, the control bar and help."""
        screen = self.window
        if surface.get_size() != screen.size:
            screen.layout(surface.get_size())
        th, fonts = screen.theme, screen.fonts
        if self.view is None or self._theme is not th:
            self.view = TissueView(th, fonts)
            self._theme = th
        surface.fill(th.background)
        boxes = self.layout()
        strip = boxes["strip"]
        hud.panel(surface, strip, th)
        fonts.blit(
            surface,
            f"{TISSUE_NOTE}   -   M: back to the synapse",
            (strip.x + int(10 * fonts.scale), strip.centery),
            "normal",
            th.text,
            "midleft",
        )
        self.view.selected = self.selected
        self.view.pace = self.pace
        self.view.draw(surface, boxes["body"], self.model)
        if "card" in boxes:
            banner.draw_banner(surface, boxes["card"], th, fonts, *self.card_shown)
        message = self.messages.showing()
        if message is not None:
            zone = pygame.Rect(strip.centerx, strip.y, strip.w // 2, strip.h)  # off the clock
            hud.draw_toast(surface, zone, message, th, fonts)
        hud.panel(surface, screen.bar_rect, th)
        slider = self.widgets.blockade_slider  # the one control that acts on the tissue
        if slider is not None and slider.rect.w:
            slider.draw(surface, th, screen.bar_fonts)
        if screen.show_help:
            glyphs = self.scene.glyphs(int(round(16 * fonts.scale)))
            p = self.preset
            self.help_rows_drawn = draw_help(
                surface,
                surface.get_rect(),
                th,
                fonts,
                f"{p.title}: {p.caption}",
                glyphs,
                actions=self.actions,
            )
