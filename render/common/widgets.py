"""Small hand-written widgets (button, slider, stepper) driven by pygame events.

Each widget reads its value through a getter every frame, so the picture
always shows the model's real state (e.g. a blockade changed by a key), and
reports changes through a callback. ``handle_event`` returns True when the
event was used, so tests can post mouse events and check the model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pygame

from render.common.colors import Theme
from render.common.text import Fonts


def neighbour(choices: Sequence[float], value: float, direction: int) -> float:
    """The choice next above (``direction`` > 0) or below ``value`` (the end one if none)."""
    if direction > 0:
        bigger = [c for c in choices if c > value * (1 + 1e-9) + 1e-12]
        return bigger[0] if bigger else choices[-1]
    smaller = [c for c in choices if c < value * (1 - 1e-9) - 1e-12]
    return smaller[-1] if smaller else choices[0]


class Widget:
    """Base class: a rectangle (px) with a caption line above it."""

    def __init__(self, caption: str = "") -> None:
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.caption = caption
        self.hover = False
        self.scale = 1.0
        """Interface scale (set by the layout), multiplies inner sizes."""

    def preferred_width(self, fonts: Fonts) -> int:
        """Width this widget would like in the control bar, px."""
        return 100

    def handle_event(self, event: pygame.event.Event) -> bool:
        """React to a pygame event; True if it was used."""
        return False

    def draw(self, surface: pygame.Surface, theme: Theme, fonts: Fonts) -> None:
        """Draw the widget and its caption."""

    def _caption(
        self, surface: pygame.Surface, theme: Theme, fonts: Fonts, text: str | None = None
    ) -> None:
        text = self.caption if text is None else text
        if text:
            fonts.blit(
                surface,
                text,
                (self.rect.left, self.rect.top - 2),
                "small",
                theme.text_dim,
                "bottomleft",
            )


def _pos(event: pygame.event.Event) -> tuple[int, int]:
    return tuple(getattr(event, "pos", (-1, -1)))  # type: ignore[return-value]


def _is_left_down(event: pygame.event.Event) -> bool:
    return event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 1) == 1


def _is_left_up(event: pygame.event.Event) -> bool:
    return event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1


class Button(Widget):
    """A push button; ``on`` (optional getter) shows a toggled state.

    Args:
        label: text on the button (a getter, so it can change, e.g. Pause/Play).
        on_click: called with no arguments when clicked.
        caption: small text above the button.
        on: returns True to draw the button as switched on.
    """

    def __init__(
        self,
        label: Callable[[], str],
        on_click: Callable[[], None],
        caption: str = "",
        on: Callable[[], bool] | None = None,
    ) -> None:
        super().__init__(caption)
        self.label = label
        self.on_click = on_click
        self.on = on
        self._pressed = False

    def preferred_width(self, fonts: Fonts) -> int:
        """Text width plus padding, px."""
        return max(fonts.width(self.label(), "normal"), fonts.width(self.caption, "small")) + int(
            24 * fonts.scale
        )

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Click = press and release inside."""
        if event.type == pygame.MOUSEMOTION:
            self.hover = self.rect.collidepoint(_pos(event))
            return False
        if _is_left_down(event) and self.rect.collidepoint(_pos(event)):
            self._pressed = True
            return True
        if _is_left_up(event) and self._pressed:
            self._pressed = False
            if self.rect.collidepoint(_pos(event)):
                self.on_click()
            return True
        return False

    def draw(self, surface: pygame.Surface, theme: Theme, fonts: Fonts) -> None:
        """Rounded box with centred label."""
        is_on = bool(self.on and self.on())
        color = theme.button_on if is_on else (theme.button_hover if self.hover else theme.button)
        radius = max(3, int(6 * fonts.scale))
        pygame.draw.rect(surface, color, self.rect, border_radius=radius)
        pygame.draw.rect(
            surface, theme.panel_edge, self.rect, max(1, theme.line), border_radius=radius
        )
        text_color = theme.button_on_text if is_on else theme.button_text
        fonts.blit(surface, self.label(), self.rect.center, "normal", text_color, "center")
        self._caption(surface, theme, fonts)


class Slider(Widget):
    """A horizontal slider over [0, 1] with mouse drag; value shown by ``fmt``.

    Args:
        caption: text above the slider.
        get: returns the current value in [0, 1].
        set_: called with the new value in [0, 1] while dragging.
        fmt: value -> text shown at the right end.
        ticks: positions in [0, 1] to mark (e.g. 0.8 = therapeutic SSRI occupancy).
    """

    def __init__(
        self,
        caption: str,
        get: Callable[[], float],
        set_: Callable[[float], None],
        fmt: Callable[[float], str],
        ticks: Sequence[tuple[float, str]] = (),
        width_px: int = 200,
    ) -> None:
        super().__init__(caption)
        self.get = get
        self.set = set_
        self.fmt = fmt
        self.ticks = tuple(ticks)
        self.width_px = width_px
        self.dragging = False

    def preferred_width(self, fonts: Fonts) -> int:
        """Track plus room for the value text, px."""
        return int(self.width_px * fonts.scale) + int(84 * fonts.scale)

    def track_rect(self) -> pygame.Rect:
        """The draggable track, px (left part of the widget)."""
        pad = int(12 * self.scale)
        value_w = int(72 * self.scale)
        return pygame.Rect(
            self.rect.left + pad, self.rect.centery - 3, self.rect.w - 2 * pad - value_w, 6
        )

    def value_at(self, x: float) -> float:
        """Slider value under screen x (clamped to [0, 1])."""
        t = self.track_rect()
        if t.w <= 0:
            return 0.0
        return min(1.0, max(0.0, (x - t.left) / t.w))

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Press on the slider jumps there and starts a drag; motion drags; release ends."""
        if _is_left_down(event) and self.rect.collidepoint(_pos(event)):
            self.dragging = True
            self.set(self.value_at(_pos(event)[0]))
            return True
        if event.type == pygame.MOUSEMOTION:
            self.hover = self.rect.collidepoint(_pos(event))
            if self.dragging:
                self.set(self.value_at(_pos(event)[0]))
                return True
            return False
        if _is_left_up(event) and self.dragging:
            self.dragging = False
            self.set(self.value_at(_pos(event)[0]))
            return True
        return False

    def draw(self, surface: pygame.Surface, theme: Theme, fonts: Fonts) -> None:
        """Track, filled part, tick marks, knob and value text."""
        s = self.scale
        t = self.track_rect()
        v = min(1.0, max(0.0, self.get()))
        pygame.draw.rect(surface, theme.widget_track, t.inflate(0, int(4 * s)), border_radius=4)
        fill = pygame.Rect(t.left, t.top, int(v * t.w), t.h).inflate(0, int(4 * s))
        pygame.draw.rect(surface, theme.widget_fill, fill, border_radius=4)
        for pos, label in self.ticks:
            x = t.left + pos * t.w
            pygame.draw.line(
                surface,
                theme.text_dim,
                (x, t.top - 8 * s),
                (x, t.bottom + 8 * s),
                max(1, theme.line),
            )
            if label:
                fonts.blit(surface, label, (x, t.bottom + 9 * s), "small", theme.text_dim, "midtop")
        knob = (t.left + v * t.w, t.centery)
        kr = int(10 * s)
        pygame.draw.circle(surface, theme.widget_knob, knob, kr)
        pygame.draw.circle(surface, theme.widget_fill, knob, kr, max(2, int(3 * s)))
        fonts.blit(
            surface,
            self.fmt(v),
            (self.rect.right - 4, self.rect.centery),
            "big",
            theme.text,
            "midright",
        )
        self._caption(surface, theme, fonts)


class Stepper(Widget):
    """A value chosen from a list with [-] and [+] buttons.

    Args:
        caption: text above.
        choices: the allowed values (or a function returning them, read every frame).
        get: current value (need not be exactly a choice).
        set_: called with the new value.
        fmt: value -> text.
    """

    def __init__(
        self,
        caption: str,
        choices: Sequence[float] | Callable[[], Sequence[float]],
        get: Callable[[], float],
        set_: Callable[[float], None],
        fmt: Callable[[float], str],
    ) -> None:
        super().__init__(caption)
        self._choices = choices if callable(choices) else (lambda c=tuple(choices): c)
        self.get = get
        self.set = set_
        self.fmt = fmt
        self._pressed: int = 0

    def preferred_width(self, fonts: Fonts) -> int:
        """Two square buttons and the widest value text, px."""
        widest = max(fonts.width(self.fmt(c), "normal") for c in self.choices)
        return max(
            widest + 2 * self._button_w(fonts.scale) + int(16 * fonts.scale),
            fonts.width(self.caption, "small") + 8,
        )

    @staticmethod
    def _button_w(scale: float) -> int:
        return int(30 * scale)

    def buttons(self) -> tuple[pygame.Rect, pygame.Rect]:
        """Rectangles of the [-] and [+] buttons, px."""
        bw = self._button_w(self.scale)
        minus = pygame.Rect(self.rect.left, self.rect.top, bw, self.rect.h)
        plus = pygame.Rect(self.rect.right - bw, self.rect.top, bw, self.rect.h)
        return minus, plus

    @property
    def choices(self) -> tuple[float, ...]:
        """The allowed values, ascending."""
        return tuple(sorted(set(self._choices())))

    def neighbour(self, direction: int) -> float:
        """The next choice above (+1) or below (-1) the current value."""
        return neighbour(self.choices, self.get(), direction)

    def step(self, direction: int) -> None:
        """Move one choice up (+1) or down (-1)."""
        self.set(self.neighbour(direction))

    def handle_event(self, event: pygame.event.Event) -> bool:
        """Clicks on [-] / [+]."""
        minus, plus = self.buttons()
        if event.type == pygame.MOUSEMOTION:
            self.hover = self.rect.collidepoint(_pos(event))
            return False
        if _is_left_down(event):
            if minus.collidepoint(_pos(event)):
                self._pressed = -1
                return True
            if plus.collidepoint(_pos(event)):
                self._pressed = 1
                return True
        if _is_left_up(event) and self._pressed:
            direction, self._pressed = self._pressed, 0
            target = minus if direction < 0 else plus
            if target.collidepoint(_pos(event)):
                self.step(direction)
            return True
        return False

    def draw(self, surface: pygame.Surface, theme: Theme, fonts: Fonts) -> None:
        """[-] value [+]."""
        minus, plus = self.buttons()
        radius = max(3, int(6 * fonts.scale))
        for rect, sign in ((minus, "-"), (plus, "+")):
            pygame.draw.rect(surface, theme.button, rect, border_radius=radius)
            pygame.draw.rect(
                surface, theme.panel_edge, rect, max(1, theme.line), border_radius=radius
            )
            fonts.blit(surface, sign, rect.center, "big", theme.button_text, "center")
        fonts.blit(surface, self.fmt(self.get()), self.rect.center, "normal", theme.text, "center")
        self._caption(surface, theme, fonts)


@dataclass
class WidgetRows:
    """The window's widgets: the control bar, left to right, the side panel's buttons, the strip.

    Filled once by :class:`render.controls.Controls` (which makes the widgets
    and their commands); the layout (:mod:`render.screen`) places them and the
    frame draws them. The SSRI slider is also drawn in the tissue view.
    """

    bar: list[Widget] = field(default_factory=list)
    side: list[Widget] = field(default_factory=list)
    blockade_slider: Slider | None = None
    strip: Widget | None = None
    """The history strip under the scene (None: no history is kept); placed with the views."""
