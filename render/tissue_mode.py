"""The tissue scale in the window: key M swaps the synapse for a real-time tissue cube.

:class:`TissueMode` is one room of :class:`render.app.App`. While it is on,
the scene area (and the side panel) shows :class:`render.tissue_view.TissueView`
of a :class:`sim.tissue.Tissue` built from the ``tissue`` preset with the
window's seed; the control bar stays, and its SSRI slider and the blockade
keys act on the tissue (``App.set_blockade`` asks :meth:`TissueMode.set_blockade`).
The synapse is left exactly as it was (not stepped, same camera, same pause
state), so toggling back shows it unchanged.

Clock: about real time, 1 s of tissue time per wall second. Each frame's wall
time (clamped to ``MAX_FRAME_S``; in scripted runs exactly 1/``frame_fps`` s)
goes into an integer accumulator of microseconds, and the tissue advances by
the whole 2 ms steps it holds; the rest carries over. The step count is
therefore a function of the wall times alone, never of the frame count, and
never of how fast the machine draws.
"""

from __future__ import annotations

from typing import Any

import pygame

from sim.presets import load_preset
from sim.tissue import Tissue

from . import hud, panels
from .constants import MAX_FRAME_S, TOAST_S
from .keyhelp import draw_help
from .tissue_view import TissueView

TISSUE_PRESET = "tissue"
"""The preset the tissue view is built from (``assets/presets/tissue.toml``)."""

TISSUE_NOTE = "Tissue scale: 20 \u00b5m of neuropil, real time"
"""What the screen says on switching to the tissue view."""

SYNAPSE_NOTE = "Synapse scale: 20 nm cleft, slow motion"
"""What the screen says on switching back to the synapse."""

TISSUE_ACTIONS = frozenset(
    {"tissue", "blockade_up", "blockade_down", "help", "quit", "screenshot", "record",
     "record_gif", "projector", "fullscreen", "tour", "tour_next", "tour_back"}
)  # fmt: skip
"""Keys that work in the tissue view; the number keys also work (they go back to the synapse).
Every other key acts on the synapse, which waits unchanged: the screen says so instead."""


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


class TissueMode:
    """The tissue view's state: on or off, its model, its clock and its drawing.

    Args:
        app: the window.

    Attributes:
        on: the tissue view is shown.
        model: the tissue (built on first use, kept while the window lives).
        owed_us: tissue time owed to the clock, us (below one step after each frame).
        last_steps: tissue steps taken in the last frame.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.on = False
        self.model: Tissue | None = None
        self.owed_us = 0
        self.last_steps = 0
        self.view: TissueView | None = None
        self.preset = None
        self._theme = None

    # ------------------------------------------------------------ actions
    def do_tissue(self) -> None:
        """Tissue view on / off (the synapse stays as it was)."""
        self.set(not self.on)

    def set(self, on: bool) -> bool:
        """Show the tissue (``on``) or the synapse; says on screen that the scale changed.

        Returns False (and says why) if the tissue model cannot be built.
        """
        app = self.app
        if on and self.model is None:
            try:
                self.model = self.build()
            except (ValueError, OSError) as exc:
                app.say(f"cannot show the tissue: {exc}")
                return False
        self.on = bool(on)
        self.owed_us = 0
        app.say(TISSUE_NOTE if self.on else SYNAPSE_NOTE)
        return True

    def build(self) -> Tissue:
        """A fresh tissue from the ``tissue`` preset, the window's seed, at t = 0."""
        self.preset = load_preset(TISSUE_PRESET)
        return Tissue(self.preset.params, seed=self.app.seed)

    def set_blockade(self, fraction: float) -> None:
        """SSRI blockade of the tissue's SERT, fraction 0..1, from the next step on."""
        if self.model is not None:
            self.model.set_blockade(float(min(1.0, max(0.0, fraction))))

    def allows(self, action: str) -> bool:
        """Whether ``action`` runs in the tissue view (else the screen says why not)."""
        if action in TISSUE_ACTIONS or action.startswith("preset_"):
            return True
        if action == "reset" and self.app.guide.active:  # R replays the tour's step
            return True
        self.app.say("that key acts on the synapse: M goes back to it")
        return False

    @property
    def blockade(self) -> float:
        """The tissue's present blockade (0 before it is built)."""
        return self.model.blockade if self.model is not None else 0.0

    # --------------------------------------------------------------- loop
    def update(self, real_dt_s: float) -> int:
        """Advance the tissue by this frame's wall time (scripted: 1/``frame_fps`` s).

        The synapse is not stepped; the window's screen time still runs (the
        playback is held paused for the frame) so messages expire as usual.
        Returns the tissue steps taken.
        """
        play = self.app.play
        wall_s = 1.0 / play.frame_fps if self.app.scripted else real_dt_s
        was_paused, play.paused = play.paused, True
        try:
            play.update(real_dt_s)
        finally:
            play.paused = was_paused
        steps, self.owed_us = tissue_steps(self.owed_us, wall_s, self.model.dt_ms)
        self.model.run_steps(steps)
        self.last_steps = steps
        return steps

    # ------------------------------------------------------------ drawing
    def area(self) -> pygame.Rect:
        """Where the tissue is drawn: the scene and the side panel (above the bar), px."""
        screen = self.app.screen
        return pygame.Rect(0, 0, screen.size[0], screen.bar_rect.top)

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the tissue view, the scale line, messages, the control bar and the help."""
        app = self.app
        screen = app.screen
        if surface.get_size() != screen.size:
            screen.layout(surface.get_size())
        th, fonts = screen.theme, screen.fonts
        if self.view is None or self._theme is not th:
            self.view = TissueView(th, fonts)
            self._theme = th
        surface.fill(th.background)
        area = self.area()
        strip_h = fonts.line_height("normal") + int(10 * fonts.scale)
        strip = pygame.Rect(area.x, area.y, area.w, strip_h)
        hud.panel(surface, strip, th)
        fonts.blit(
            surface,
            f"{TISSUE_NOTE}   -   M: back to the synapse",
            (strip.x + int(10 * fonts.scale), strip.centery),
            "normal",
            th.text,
            "midleft",
        )
        body = pygame.Rect(area.x, strip.bottom, area.w, area.h - strip_h)
        if app.card_text() != screen.card_shown:  # the tour's card came or went
            screen.place_views()
        card = screen.card_shown if app.guide.active and screen.card_rect else None
        if card is not None:  # the tour's card under the tissue, not over it
            m = int(8 * fonts.scale)
            body.h -= screen.card_rect.h + m
            box = pygame.Rect(body.x + m, body.bottom, body.w - 2 * m, screen.card_rect.h)
        self.view.draw(surface, body, self.model)
        if card is not None:
            panels.draw_banner(surface, box, th, fonts, *card)
        toast = app.toast
        if toast and app.play.screen_time_s - toast[1] < TOAST_S:
            zone = pygame.Rect(strip.centerx, strip.y, strip.w // 2, strip.h)  # off the clock
            hud.draw_toast(surface, zone, toast[0], th, fonts)
        hud.panel(surface, screen.bar_rect, th)
        slider = app.controls.blockade_slider  # the one control that acts on the tissue
        if slider.rect.w:
            slider.draw(surface, th, screen.bar_fonts)
        if screen.show_help:
            glyphs = app.frame.scene.glyphs(int(round(16 * fonts.scale)))
            p = self.preset
            app.frame.help_rows_drawn = draw_help(
                surface, surface.get_rect(), th, fonts, f"{p.title}: {p.caption}", glyphs
            )
