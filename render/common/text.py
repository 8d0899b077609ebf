"""Text on screen: the font cache and the number formats (every number with its unit).

Text surfaces are cached (fonts render slowly; most strings repeat frame to
frame).
"""

from __future__ import annotations

import math

import pygame

from render.common.colors import OI_WHITE

TEXT_CACHE_ENTRIES = 512
"""Rendered strings kept (least recently drawn dropped first): a screen shows a few hundred,
and a clock's new string each frame must not pile up surfaces."""


class Fonts:
    """The default pygame font at four sizes, with a cache of rendered strings.

    Args:
        scale: interface scale (1 at 1280x720 in the default profile).
    """

    BASE = {"small": 17, "normal": 21, "big": 28, "huge": 40}

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.fonts = {
            k: pygame.font.Font(None, max(10, int(round(v * scale)))) for k, v in self.BASE.items()
        }
        self._cache: dict[tuple[str, str, tuple[int, int, int]], pygame.Surface] = {}

    def scaled(self, factor: float) -> Fonts:
        """These fonts at ``factor`` of the scale, built once and kept (and freed) with this one."""
        key = round(factor, 4)
        cache = self.__dict__.setdefault("_scaled", {})
        if key not in cache:
            cache[key] = Fonts(self.scale * key)
        return cache[key]

    def line_height(self, size: str = "normal") -> int:
        """Height of one line of text at ``size``, px."""
        return self.fonts[size].get_linesize()

    def render(self, text: str, size: str, color: tuple[int, int, int]) -> pygame.Surface:
        """Rendered (antialiased) text, cached."""
        key = (text, size, tuple(color))
        surf = self._cache.pop(key, None)
        if surf is None:
            surf = self.fonts[size].render(text, True, color)
            if len(self._cache) >= TEXT_CACHE_ENTRIES:  # the least recently drawn goes
                del self._cache[next(iter(self._cache))]
        self._cache[key] = surf  # most recent last
        return surf

    def width(self, text: str, size: str = "normal") -> int:
        """Width of ``text`` at ``size``, px."""
        return self.fonts[size].size(text)[0]

    def blit(
        self,
        surface: pygame.Surface,
        text: str,
        pos: tuple[float, float],
        size: str = "normal",
        color: tuple[int, int, int] = OI_WHITE,
        anchor: str = "topleft",
        box: tuple[int, int, int] | None = None,
    ) -> pygame.Rect:
        """Draw ``text`` with its ``anchor`` point at ``pos``; optional backing ``box`` colour."""
        img = self.render(text, size, color)
        rect = img.get_rect(**{anchor: (int(pos[0]), int(pos[1]))})
        if box is not None:
            pad = max(2, int(3 * self.scale))
            surface.fill(box, rect.inflate(2 * pad, pad))
        surface.blit(img, rect)
        return rect


# ----------------------------------------------------------------- formats
def fmt_time_us(t_us: float, step_us: float | None = None) -> str:
    """Simulated time in µs, ms or s; with ``step_us``, enough digits that one step shows.

    Without ``step_us``: 2 decimals of µs, 4 of ms, 5 of s. With it (the
    model's step, µs), more decimals where one step would not change the text.
    """
    need = 0 if not step_us else max(0, math.ceil(-math.log10(step_us) - 1e-9))  # of µs
    if t_us < 1000.0:
        return f"{t_us:.{max(2, need)}f} µs"
    if t_us < 1.0e6:
        return f"{t_us / 1000.0:.{max(4, need + 3)}f} ms"
    return f"{t_us / 1.0e6:.{max(5, need + 6)}f} s"


def fmt_duration_us(t_us: float) -> str:
    """A duration such as a playback rate: '20 µs', '1.5 ms', '2 s'."""
    if t_us < 1.0:
        return f"{t_us * 1000.0:.3g} ns"
    if t_us < 1000.0:
        return f"{t_us:.3g} µs"
    if t_us < 1.0e6:
        return f"{t_us / 1000.0:.3g} ms"
    return f"{t_us / 1.0e6:.3g} s"


def fmt_count(n: float) -> str:
    """Whole number with thousands separators."""
    return f"{int(round(n)):,}"


def fmt_factor(f: float) -> str:
    """A slow-motion factor: '×50,000' or '×1.2 million'."""
    if f >= 1.0e6:
        return f"×{f / 1.0e6:.3g} million"
    if f >= 100:
        return f"×{int(round(f, -int(math.floor(math.log10(f))) + 2)):,}"
    return f"×{f:.3g}"


def nice_125(x: float) -> float:
    """Largest 1-2-5 multiple of a power of ten not above ``x`` (x > 0)."""
    e = math.floor(math.log10(x))
    for m in (5.0, 2.0, 1.0):
        if m * 10.0**e <= x:
            return m * 10.0**e
    return 10.0**e


def nice_ceil(x: float) -> float:
    """Smallest 1-2-5 multiple of a power of ten not below ``x`` (x > 0)."""
    e = math.floor(math.log10(x))
    for m in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if m * 10.0**e >= x * (1 - 1e-9):
            return m * 10.0**e
    return 10.0 ** (e + 1)


def fmt_nm(nm: float) -> str:
    """A length for a scale bar: '100 nm', '1 µm', '0.5 nm'."""
    if nm >= 1000.0:
        return f"{nm / 1000.0:g} µm"
    return f"{nm:g} nm"
