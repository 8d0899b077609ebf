"""The keyboard help overlay, generated from the one key table (:mod:`render.common.keys`)."""

from __future__ import annotations

from collections.abc import Collection

import pygame

from render.common.colors import Theme
from render.common.keys import GROUPS, MOUSE_HELP, TISSUE_GROUP, TISSUE_HELP, help_rows
from render.common.legend import draw_legend, legend_height
from render.common.text import Fonts


def draw_help(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    caption: str,
    glyphs: list[pygame.Surface] | None = None,
    boxes: list[pygame.Rect] | None = None,
    actions: Collection[str] | None = None,
) -> list[tuple[str, str, str]]:
    """Full-screen keyboard help generated from :data:`render.common.keys.BINDINGS`.

    ``actions`` (the action table's names, ``App.actions``) limits the rows to the
    bindings that run a command; None lists every binding.

    Sections (one per key group, then the mouse, the tissue view's own clicks
    and keys (:data:`render.common.keys.TISSUE_HELP`), then the key to the symbols
    when ``glyphs`` are given) flow top to bottom into as few columns as fit
    (:func:`_pack`), each as wide as its own widest row; the text shrinks
    until every section fits between the title and the caption, so nothing
    overlaps at any window size. Returns the (group, keys, description) rows
    it drew (tests check them); ``boxes``, if given, receives every text and
    legend box drawn.
    """
    boxes = [] if boxes is None else boxes
    s = fonts.scale
    shade = pygame.Surface(rect.size, pygame.SRCALPHA)
    shade.fill((*theme.background, 240))
    surface.blit(shade, rect.topleft)
    sections = _sections(actions)
    margin = int(30 * s)
    x0, top = rect.left + margin, rect.top + int(20 * s)
    title = fonts.blit(
        surface, "Keys and mouse  (H, F1 or Esc closes this)", (x0, top), "big", theme.text
    )
    boxes.append(title)
    top = title.bottom + int(8 * s)
    caption_h = 3 * fonts.line_height("small") if caption else 0
    avail_h = rect.bottom - top - caption_h - int(10 * s)
    avail_w = rect.w - 2 * margin
    legend_h = (
        legend_height(fonts, glyphs[0].get_width() - 4) + fonts.line_height("normal")
        if glyphs
        else 0
    )

    symbols = len(sections) if glyphs else None  # the key to the symbols packs as a section
    plan = _pack(fonts, sections, legend_h if glyphs else 0, int(320 * s), avail_w, avail_h)
    font, size, lh, columns = plan
    drawn: list[tuple[str, str, str]] = []
    x = x0
    for idxs, key_w, col_w in columns:
        y = top
        for i in idxs:
            if i == symbols:
                boxes.append(font.blit(surface, "Symbols", (x, y), size, theme.accent))
                area = pygame.Rect(x + int(10 * s), y + lh, int(300 * s), 0)
                draw_legend(surface, area, theme, fonts, glyphs)
                boxes.append(pygame.Rect(area.x, area.y, area.w, legend_h - lh))
                y += legend_h + int(6 * s)
                continue
            heading, items = sections[i]
            boxes.append(font.blit(surface, heading, (x, y), size, theme.accent))
            y += lh
            for group, keys, desc in items:
                boxes.append(font.blit(surface, keys, (x + int(10 * s), y), size, theme.text))
                boxes.append(font.blit(surface, desc, (x + key_w, y), size, theme.text_dim))
                if group not in ("Mouse", TISSUE_GROUP):  # not in the bindings table
                    drawn.append((group, keys, desc))
                y += lh
            y += int(6 * s)
        x += col_w
    if caption:
        _draw_caption(surface, rect, theme, fonts, caption, margin, boxes)
    return drawn


def _sections(actions: Collection[str] | None) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(heading, rows) of every help section: the key groups, then the mouse and the tissue view."""
    rows = help_rows(actions)
    sections = [(g, [r for r in rows if r[0] == g]) for g in GROUPS if any(r[0] == g for r in rows)]
    sections.append(("Mouse", [("Mouse", k, d) for k, d in MOUSE_HELP]))
    sections.append((TISSUE_GROUP, [(TISSUE_GROUP, k, d) for k, d in TISSUE_HELP]))
    return sections


def _draw_caption(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    caption: str,
    margin: int,
    boxes: list[pygame.Rect],
) -> None:
    """The preset's caption, wrapped to the width, at the bottom of ``rect``."""
    s = fonts.scale
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
        boxes.append(fonts.blit(surface, ln, (rect.left + margin, y), "small", theme.text_dim))
        y += fonts.line_height("small")


def _pack(
    fonts: Fonts,
    sections: list[tuple[str, list[tuple[str, str, str]]]],
    symbols_h: int,
    symbols_w: int,
    avail_w: int,
    avail_h: int,
) -> tuple[Fonts, str, int, list[tuple[list[int], int, int]]]:
    """Lay the sections out in columns: (fonts, size, line height, [(sections, key x, width)]).

    Sections go in order, top to bottom, a new column when the next one would
    pass ``avail_h``; a column is as wide as its widest key and description.
    The first text size (normal, small, then smaller fonts) whose columns fit
    ``avail_w`` wins. ``symbols_h`` > 0 offers the key to the symbols as a
    last section of that height and width; it is kept at a text size only if
    it fits there (the side panel shows the same key), else dropped.
    """
    s = fonts.scale
    gap = int(6 * s)
    candidates = [(fonts, "normal"), (fonts, "small")]
    candidates += [(fonts.scaled(f), "small") for f in (0.85, 0.72, 0.6, 0.5)]
    plan = None
    for font, size in candidates:
        lh = font.line_height(size)
        blocks = [
            (lh * (1 + len(items)) + gap,
             max(font.width(k, size) for _, k, _ in items) + int(18 * s),
             max(font.width(d, size) for _, _, d in items) + int(30 * s))
            for _, items in sections
        ]  # fmt: skip
        tries = [blocks + [(symbols_h + gap, 0, symbols_w)], blocks] if symbols_h else [blocks]
        for blks in tries:
            columns = _columns(blks, avail_h)
            plan = (font, size, lh, columns)
            tallest = max(sum(blks[i][0] for i in c[0]) for c in columns)
            if sum(c[2] for c in columns) <= avail_w and tallest <= avail_h:
                return plan
    return plan


def _columns(blocks: list[tuple[int, int, int]], avail_h: int) -> list[tuple[list[int], int, int]]:
    """Blocks (height, key width, rest width) in order into columns no taller than ``avail_h``."""
    columns: list[tuple[list[int], int, int]] = []
    idxs: list[int] = []
    height = key_w = rest_w = 0
    for i, (h, kw, rw) in enumerate(blocks):
        if idxs and height + h > avail_h:
            columns.append((idxs, key_w, key_w + rest_w))
            idxs, height, key_w, rest_w = [], 0, 0, 0
        idxs.append(i)
        height += h
        key_w, rest_w = max(key_w, kw), max(rest_w, rw)
    columns.append((idxs, key_w, key_w + rest_w))
    return columns
