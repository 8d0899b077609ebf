"""The keyboard help overlay, generated from the one key table (:mod:`render.keys`)."""

from __future__ import annotations

import numpy as np
import pygame

from .colors import Theme
from .keys import GROUPS, MOUSE_HELP, help_rows
from .legend import draw_legend, legend_height
from .text import Fonts
from .tissue_help import TISSUE_GROUP, TISSUE_HELP


def draw_help(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    caption: str,
    glyphs: list[pygame.Surface] | None = None,
) -> list[tuple[str, str, str]]:
    """Full-screen keyboard help generated from :data:`render.keys.BINDINGS`.

    Sections (one per key group, then the mouse, the tissue view's own clicks
    and keys (:mod:`render.tissue_help`), then the key to the symbols
    when ``glyphs`` are given) flow into two columns, or one if the window is
    narrow; the text shrinks if it would not fit. Returns the
    (group, keys, description) rows it drew (tests check them).
    """
    s = fonts.scale
    shade = pygame.Surface(rect.size, pygame.SRCALPHA)
    shade.fill((*theme.background, 240))
    surface.blit(shade, rect.topleft)
    rows = help_rows()
    sections: list[tuple[str, list[tuple[str, str, str]]]] = [
        (g, [r for r in rows if r[0] == g]) for g in GROUPS if any(r[0] == g for r in rows)
    ]
    sections.append(("Mouse", [("Mouse", k, d) for k, d in MOUSE_HELP]))
    sections.append((TISSUE_GROUP, [(TISSUE_GROUP, k, d) for k, d in TISSUE_HELP]))
    margin = int(30 * s)
    x0, top = rect.left + margin, rect.top + int(20 * s)
    title = fonts.blit(
        surface, "Keys and mouse  (H, F1 or Esc closes this)", (x0, top), "big", theme.text
    )
    top = title.bottom + int(8 * s)
    caption_h = 3 * fonts.line_height("small") if caption else 0
    avail_h = rect.bottom - top - caption_h - int(10 * s)
    avail_w = rect.w - 2 * margin
    legend_h = (
        legend_height(fonts, glyphs[0].get_width() - 4) + fonts.line_height("normal")
        if glyphs
        else 0
    )

    plan = None
    for size in ("normal", "small"):
        lh = fonts.line_height(size)
        key_w = max(fonts.width(k, size) for _, items in sections for _, k, _ in items) + int(
            18 * s
        )
        desc_w = max(fonts.width(d, size) for _, items in sections for _, _, d in items)
        col_w = key_w + desc_w + int(30 * s)
        heights = [lh * (1 + len(items)) + int(6 * s) for _, items in sections]
        for n_cols in (2, 1):
            if n_cols * col_w > avail_w:
                continue
            cols: list[list[int]] = [[] for _ in range(n_cols)]
            col_h = [0] * n_cols
            target = sum(heights) / n_cols
            c = 0
            for i, h in enumerate(heights):
                if c < n_cols - 1 and col_h[c] + h / 2 > target:
                    c += 1
                cols[c].append(i)
                col_h[c] += h
            if max(col_h) <= avail_h:
                plan = (size, lh, key_w, col_w, cols, col_h)
                break
        if plan:
            break
    if plan is None:
        size = "small"
        lh = fonts.line_height(size)
        key_w = max(fonts.width(k, size) for _, items in sections for _, k, _ in items) + int(
            18 * s
        )
        col_w = avail_w // 2
        half = (len(sections) + 1) // 2
        cols = [list(range(half)), list(range(half, len(sections)))]
        col_h = [0, 0]
        plan = (size, lh, key_w, col_w, cols, col_h)
    size, lh, key_w, col_w, cols, col_h = plan
    drawn: list[tuple[str, str, str]] = []
    for ci, idxs in enumerate(cols):
        x = x0 + ci * col_w
        y = top
        for i in idxs:
            heading, items = sections[i]
            fonts.blit(surface, heading, (x, y), size, theme.accent)
            y += lh
            for group, keys, desc in items:
                fonts.blit(surface, keys, (x + int(10 * s), y), size, theme.text)
                fonts.blit(surface, desc, (x + key_w, y), size, theme.text_dim)
                if group not in ("Mouse", TISSUE_GROUP):  # not in the bindings table
                    drawn.append((group, keys, desc))
                y += lh
            y += int(6 * s)
    # Key to the symbols, where there is room (below the shorter column or at the right).
    if glyphs:
        shortest = int(np.argmin(col_h)) if len(cols) > 1 else 0
        lx = x0 + shortest * col_w if len(cols) > 1 else x0 + col_w
        ly = top + col_h[shortest] if len(cols) > 1 else top
        if ly + legend_h <= rect.bottom - caption_h and lx + int(300 * s) <= rect.right:
            fonts.blit(surface, "Symbols", (lx, ly), "normal", theme.accent)
            draw_legend(
                surface,
                pygame.Rect(lx + int(10 * s), ly + fonts.line_height("normal"), int(300 * s), 0),
                theme,
                fonts,
                glyphs,
            )
    # The preset's caption, wrapped, at the bottom.
    if caption:
        words, line, lines = caption.split(), "", []
        max_w = rect.w - 2 * margin
        for w in words:
            trial = f"{line} {w}".strip()
            if fonts.width(trial, "small") > max_w and line:
                lines.append(line)
                line = w
            else:
                line = trial
        lines.append(line)
        y = rect.bottom - int(12 * s) - len(lines) * fonts.line_height("small")
        for ln in lines:
            fonts.blit(surface, ln, (x0, y), "small", theme.text_dim)
            y += fonts.line_height("small")
    return drawn
