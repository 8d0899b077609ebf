"""The tissue view's screen: the scale line, the tissue, the card, messages, the slider, help.

:class:`TissueScreen` lays the window out for the tissue (the synapse's
layout is untouched) and draws it; it reads the tissue and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

import pygame

from render.common import banner
from render.common.colors import Theme
from render.common.keyhelp import draw_help
from render.common.keys import Action
from render.common.messages import Messages
from render.common.text import Fonts
from render.common.widgets import WidgetRows
from render.synapse import hud
from render.synapse.scene import SceneRenderer
from render.tissue.cards import Card
from render.tissue.view import TissueView
from sim.params.presets import Preset
from sim.tissue.model import Tissue

TISSUE_NOTE = "Tissue scale: 20 \u00b5m of neuropil, real time"
"""What the screen says on switching to the tissue view (and its scale line)."""


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


class TissueScreen:
    """Lays out and draws the tissue view.

    Args:
        window: size, fonts, colours, the bar's place, the help switch.
        messages: the message line.
        widgets: the window's widgets (the SSRI slider is drawn here too).
        scene: the synapse's renderer (the help overlay's key to the symbols).
        actions: the action table (the help overlay lists what it runs).
        card: the card below the scene now (the scale card, the tour's, or none).
    """

    def __init__(
        self,
        window: Window,
        messages: Messages,
        widgets: WidgetRows,
        scene: SceneRenderer,
        actions: Mapping[str, Action],
        card: Callable[[], Card | None],
    ) -> None:
        self.window = window
        self.messages = messages
        self.widgets = widgets
        self.scene = scene
        self.actions = actions
        self.card_now = card
        self.view: TissueView | None = None
        """The tissue's picture (made on the first draw, again when the colours change)."""
        self.card_shown: Card | None = None
        """The card drawn under the tissue in the last frame (the tour's or the scale card)."""
        self.help_rows_drawn: list[tuple[str, str, str]] = []
        """The help overlay's rows drawn last over the tissue (for tests)."""
        self._theme: Theme | None = None

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

    def draw(
        self,
        surface: pygame.Surface,
        model: Tissue,
        selected: int | None,
        pace: float | None,
        preset: Preset,
    ) -> None:
        """Draw the tissue view, the scale line, the card, messages, the control bar and help.

        ``selected``: the varicosity Enter zooms onto; ``pace``: tissue s per wall s
        (None: real time, or not measured yet); ``preset``: the help's caption.
        """
        screen = self.window
        if screen.stale(surface.get_size()):
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
        self.view.selected = selected
        self.view.pace = pace
        self.view.draw(surface, boxes["body"], model)
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
            self.help_rows_drawn = draw_help(
                surface,
                surface.get_rect(),
                th,
                fonts,
                f"{preset.title}: {preset.caption}",
                glyphs,
                actions=self.actions,
            )
