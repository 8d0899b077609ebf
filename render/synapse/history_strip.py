"""The history strip under the scene: the recorded past as a bar, its events, the moment shown.

One row across the scene column (both panes in compare mode): on the left the
length of the recorded span in simulated time, then the bar from its oldest
moment (left) to its newest (right) with a tick at each event mark and a
cursor at the moment shown, then how far that moment lies behind the newest
('live' at the newest), then the key to the ticks. The marks are told apart
by colour and by shape: a vesicle fusion is a full-height tick in the
vesicles' colour, the first receptor bound a lower half tick in the receptors'
colour, a capture of the followed molecule a dot above the bar in its trail's
colour.

A press on the bar shows that moment and a drag scrubs through the span
(:class:`render.synapse.scrub.Scrub`; playback pauses while the button is
held and then plays on if it was playing).
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from render.common.colors import RGB, Theme
from render.common.text import Fonts, fmt_duration_us, fmt_time_us
from render.common.widgets import Widget
from render.synapse.playback import Playback
from render.synapse.rewind import Span
from render.synapse.scrub import Scrub

KINDS: tuple[tuple[str, str], ...] = (
    ("fusion", "fusion"),
    ("first_bound", "first bound"),
    ("capture", "followed caught"),
)
"""(mark kind, its name in the strip's key), in the key's order."""

KEY_MIN_TRACK = 0.3
"""The key to the ticks is drawn only if the bar keeps at least this share of the strip's width."""


def strip_height(fonts: Fonts) -> int:
    """Height of the strip at the interface scale of ``fonts``, px."""
    return fonts.line_height("normal") + int(10 * fonts.scale)


def mark_color(theme: Theme, kind: str) -> RGB:
    """A mark's colour: the vesicles' (fusion), the receptors' (first bound), the trail's (capture)."""
    return {
        "fusion": theme.vesicle_fill,
        "first_bound": theme.receptor,
        "capture": theme.follow_trail,
    }.get(kind, theme.text_dim)


def behind_text(steps_behind: int, dt_us: float) -> str:
    """'live' at the newest moment, else how far back the moment shown lies: '-1.2340 ms'."""
    if steps_behind <= 0:
        return "live"
    return "-" + fmt_time_us(steps_behind * dt_us, dt_us)


class HistoryStrip(Widget):
    """The strip (a widget: the controls give it the mouse before the picture).

    Args:
        scrub: shows the moment under the pointer; its rewind holds the span and the marks.
    """

    def __init__(self, scrub: Scrub) -> None:
        super().__init__("")
        self.scrub = scrub
        self.dragging = False
        self._paused_by_press = False
        self.toggle_pause: Callable[[], None] = scrub.play.do_toggle_pause
        """Space's action (a session records it): the strip pauses while the button is held."""
        self.track = pygame.Rect(0, 0, 0, 0)
        """The bar, px (set when drawn; the clicks read it)."""
        self.drawn: dict[str, str] = {}
        """What the last draw wrote: 'span', 'behind' (for tests)."""

    @property
    def shown(self) -> bool:
        """The strip has a place (a history is kept and the layout gave it a rectangle)."""
        return self.scrub.rewind.on and self.rect.w > 0 and self.rect.h > 0

    def _span(self) -> Span | None:
        return self.scrub.rewind.span

    def step_at(self, x: float) -> int:
        """The recorded step under screen ``x`` (clamped to the span)."""
        span, t = self._span(), (self.track if self.track.w else self.rect)
        if span is None:
            return 0
        if t.w <= 1 or span.last <= span.first:
            return span.last
        f = min(1.0, max(0.0, (x - t.left) / (t.w - 1)))
        return span.first + int(round(f * (span.last - span.first)))

    def x_of(self, step: int) -> int:
        """Screen x of ``step`` on the bar, px."""
        span, t = self._span(), self.track
        if span is None or span.last <= span.first:
            return t.right - 1
        f = (step - span.first) / (span.last - span.first)
        return t.left + int(round(min(1.0, max(0.0, f)) * (t.w - 1)))

    # -------------------------------------------------------------- mouse
    def handle_event(self, event: pygame.event.Event) -> bool:
        """A press on the strip shows that moment; motion scrubs; the release plays on if it played."""
        if not self.shown:
            self.dragging = False
            return False
        pos = tuple(getattr(event, "pos", (-1, -1)))
        left = getattr(event, "button", 1) == 1
        play = self.scrub.play
        if event.type == pygame.MOUSEBUTTONDOWN and left and self.rect.collidepoint(pos):
            self.dragging = True
            self._paused_by_press = not play.paused
            if self._paused_by_press:
                self.toggle_pause()
            self.scrub.seek(self.step_at(pos[0]))
            return True
        if event.type == pygame.MOUSEMOTION:
            self.hover = self.rect.collidepoint(pos)
            if self.dragging:
                self.scrub.request(self.step_at(pos[0]))
            return self.dragging
        if event.type == pygame.MOUSEBUTTONUP and left and self.dragging:
            self.dragging = False
            self.scrub.seek(self.step_at(pos[0]))
            if self._paused_by_press and play.paused:
                self.toggle_pause()
            return True
        return False

    # ------------------------------------------------------------ drawing
    def draw(self, surface: pygame.Surface, theme: Theme, fonts: Fonts) -> None:
        """The strip: span length, bar with marks and cursor, how far back, the key."""
        if not self.shown:
            return
        span = self._span()
        rewind = self.scrub.rewind
        model = rewind.model
        if span is None or model is None:
            return
        s, r = fonts.scale, self.rect
        pad = int(8 * s)
        surface.fill(theme.panel, r)
        pygame.draw.rect(surface, theme.panel_edge, r, max(1, theme.line))
        dt = model.dt_us
        span_text = f"past {fmt_duration_us((span.last - span.first) * dt)}"
        behind = behind_text(rewind.steps_behind(), dt)
        self.drawn = {"span": span_text, "behind": behind}
        cy = r.centery
        x0 = fonts.blit(surface, span_text, (r.left + pad, cy), "small", theme.text_dim, "midleft")
        wide = fonts.width("-00.0000 ms", "normal")
        key_w = self._key_width(fonts)
        track_w = r.w - (x0.right - r.left) - wide - 4 * pad
        show_key = track_w - key_w >= KEY_MIN_TRACK * r.w
        if show_key:
            track_w -= key_w + pad
        bar_h = max(6, int(r.h * 0.55))
        self.track = pygame.Rect(x0.right + pad, cy - bar_h // 2, max(2, track_w), bar_h)
        pygame.draw.rect(surface, theme.plot_bg, self.track)
        pygame.draw.rect(surface, theme.plot_grid, self.track, 1)
        self._draw_marks(surface, theme, s)
        live = rewind.at_head
        color = theme.text if live else theme.warn
        fonts.blit(surface, behind, (self.track.right + pad, cy), "normal", color, "midleft")
        if show_key:
            self._draw_key(surface, theme, fonts, self.track.right + 2 * pad + wide)

    def _draw_marks(self, surface: pygame.Surface, theme: Theme, s: float) -> None:
        t = self.track
        w = max(1, int(round(1.5 * s)))
        for mark in self.scrub.rewind.marks:
            x = self.x_of(mark.step)
            color = mark_color(theme, mark.kind)
            if mark.kind == "fusion":
                pygame.draw.line(surface, color, (x, t.top + 1), (x, t.bottom - 2), w)
            elif mark.kind == "first_bound":
                pygame.draw.line(surface, color, (x, t.centery), (x, t.bottom - 2), w)
            else:
                pygame.draw.circle(
                    surface, color, (x, t.top + max(2, t.h // 5)), max(2, int(3 * s))
                )
        model = self.scrub.rewind.model
        x = self.x_of(model.step_index if model is not None else 0)
        cw = max(2, int(3 * s))
        cursor = pygame.Rect(x - cw // 2, t.top - int(3 * s), cw, t.h + int(6 * s))
        pygame.draw.rect(surface, theme.text, cursor)

    def _key_width(self, fonts: Fonts) -> int:
        sw = int(12 * fonts.scale)
        return sum(sw + fonts.width(name, "small") + int(10 * fonts.scale) for _, name in KINDS)

    def _draw_key(self, surface: pygame.Surface, theme: Theme, fonts: Fonts, x: int) -> None:
        s, cy = fonts.scale, self.rect.centery
        h = int(7 * s)
        w = max(1, int(round(1.5 * s)))
        for kind, name in KINDS:
            color = mark_color(theme, kind)
            mx = x + int(4 * s)
            if kind == "fusion":
                pygame.draw.line(surface, color, (mx, cy - h), (mx, cy + h), w)
            elif kind == "first_bound":
                pygame.draw.line(surface, color, (mx, cy), (mx, cy + h), w)
            else:
                pygame.draw.circle(surface, color, (mx, cy - h // 2), max(2, int(3 * s)))
            r = fonts.blit(surface, name, (x + int(12 * s), cy), "small", theme.text_dim, "midleft")
            x = r.right + int(10 * s)


def rewind_room(
    play: Playback, on_seek: Callable[[], None], say: Callable[[str], None]
) -> tuple[Scrub, HistoryStrip | None]:
    """The rewind keys' room for ``play`` and its strip (None when no history is kept)."""
    scrub = Scrub(play, on_seek, say)
    strip = HistoryStrip(scrub) if play.rewind.on else None
    if strip is not None:
        scrub.strip_shown = lambda: strip.shown
    return scrub, strip
