"""The caption banner: a boxed title, word-wrapped text and a footer (captions, tour cards).

Sizes in pixels scale with :attr:`Fonts.scale`; the banner never draws outside its rect.
"""

from __future__ import annotations

import pygame

from render.common.colors import Theme
from render.common.text import Fonts


def wrap_text(fonts: Fonts, text: str, size: str, max_w: int) -> list[str]:
    """Greedy word wrap of ``text`` into lines at most ``max_w`` px wide."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and fonts.width(trial, size) > max_w:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines


def banner_height(fonts: Fonts, width: int, text: str, footer: str = "") -> int:
    """Height :func:`draw_banner` needs at ``width`` px for ``text`` and ``footer`` (one title line)."""
    s = fonts.scale
    pad = int(12 * s)
    n = len(wrap_text(fonts, text, "normal", width - 2 * pad))
    h = 2 * pad + fonts.line_height("big") + n * fonts.line_height("normal")
    if footer:
        h += fonts.line_height("small") + int(4 * s)
    return h


def draw_banner(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    title: str,
    text: str,
    footer: str = "",
    alpha: int = 238,
) -> pygame.Rect:
    """A boxed title, wrapped text and a small footer filling ``rect``; returns ``rect``."""
    s = fonts.scale
    pad = int(12 * s)
    shade = pygame.Surface(rect.size, pygame.SRCALPHA)
    shade.fill((*theme.panel, alpha))
    surface.blit(shade, rect.topleft)
    pygame.draw.rect(surface, theme.accent, rect, max(2, int(2 * s)))
    y = rect.top + pad
    y = fonts.blit(surface, title, (rect.left + pad, y), "big", theme.text).bottom
    for line in wrap_text(fonts, text, "normal", rect.w - 2 * pad):
        fonts.blit(surface, line, (rect.left + pad, y), "normal", theme.text)
        y += fonts.line_height("normal")
    if footer:
        fonts.blit(surface, footer, (rect.left + pad, y + int(4 * s)), "small", theme.text_dim)
    return rect
