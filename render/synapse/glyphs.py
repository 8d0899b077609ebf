"""The site sprites: one pre-rendered glyph per (site kind, state), and their size.

Shapes, not only colours, tell the states apart: receptors are cups opening
toward the cleft (up on the postsynaptic side, down on the presynaptic side
for autoreceptors); SERT is a pair of bars around a pore. An empty site is an
outlined shape; a bound site is filled and holds a 5-HT dot; a blocked SERT
carries a diamond (the SSRI molecule) in its pore. The scene draws them with
one ``Surface.fblits`` call (:mod:`render.synapse.scene`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pygame

from render.common.colors import Theme
from render.synapse.view import View

# Site sprite codes: kind base + bound (+2 if the SERT is drug-blocked).
GLYPH_RECEPTOR = 0
GLYPH_AUTORECEPTOR = 2
GLYPH_SERT = 4
N_GLYPHS = 8
KIND_BASE = np.array([GLYPH_RECEPTOR, GLYPH_AUTORECEPTOR, GLYPH_SERT], dtype=np.int64)


def glyph_size_px(view: View, tile_nm: float, theme: Theme) -> int:
    """Side of a site glyph in px: the tile's true size, kept legible and bounded."""
    lo = int(round(9 * theme.ui_scale))
    hi = int(round(26 * theme.ui_scale))
    return int(np.clip(round(tile_nm * view.sx * 0.85), lo, hi))


class _Style(NamedTuple):
    """One glyph set's geometry and colours (px)."""

    theme: Theme
    g: int
    w: int
    h: int
    dot_r: int
    t: int
    outlined: bool


def _dot(s: pygame.Surface, st: _Style, cx: int, cy: int, r: int) -> None:
    pygame.draw.circle(s, st.theme.molecule_edge, (cx, cy), r + 1)
    pygame.draw.circle(s, st.theme.molecule_near, (cx, cy), r)


def _cup(st: _Style, color, bound: bool, opening_up: bool) -> pygame.Surface:
    """A receptor: a cup opening up (postsynaptic) or down (autoreceptor)."""
    g, w, h, t, edge = st.g, st.w, st.h, st.t, st.theme.glyph_edge
    s = pygame.Surface((w, h), pygame.SRCALPHA)
    x0, x1 = 2, w - 3
    top, bot = (h - g) // 2, (h - g) // 2 + g - 1
    if opening_up:
        pts = [(x0, top), (x0 + t, top), (x0 + t, bot - t), (x1 - t, bot - t),
               (x1 - t, top), (x1, top), (x1, bot), (x0, bot)]  # fmt: skip
    else:
        pts = [(x0, bot), (x0 + t, bot), (x0 + t, top + t), (x1 - t, top + t),
               (x1 - t, bot), (x1, bot), (x1, top), (x0, top)]  # fmt: skip
    if bound:
        box = pygame.Rect(x0, top, x1 - x0 + 1, bot - top + 1)
        pygame.draw.rect(s, color, box)
        pygame.draw.rect(s, edge, box, 1)
        cy = top + g // 3 if opening_up else bot - g // 3
        _dot(s, st, w // 2, cy, st.dot_r)
    else:
        pygame.draw.polygon(s, color, pts)
        if st.outlined:
            pygame.draw.polygon(s, edge, pts, 1)
    return s


def _sert(st: _Style, bound: bool, blocked: bool) -> pygame.Surface:
    """A transporter: two bars around a pore (a diamond in it when an SSRI blocks it)."""
    g, w, h, edge, theme = st.g, st.w, st.h, st.theme.glyph_edge, st.theme
    s = pygame.Surface((w, h), pygame.SRCALPHA)
    bar = max(2, (g + 2) // 3)
    top, bot = 2, h - 3
    left = pygame.Rect(2, top, bar, bot - top + 1)
    right = pygame.Rect(w - 2 - bar, top, bar, bot - top + 1)
    for rect in (left, right):
        pygame.draw.rect(s, theme.sert, rect)
        if st.outlined:
            pygame.draw.rect(s, edge, rect, 1)
    cx, cy = w // 2, h // 2
    if blocked:
        d = max(3, int(round(0.45 * g)))
        pts = [(cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy)]
        pygame.draw.polygon(s, theme.drug, pts)
        pygame.draw.polygon(s, edge, pts, 1)
        if bound:
            _dot(s, st, cx, cy - d, max(1, st.dot_r - 1))
    elif bound:
        _dot(s, st, cx, cy, st.dot_r)
    return s


def make_glyphs(theme: Theme, g: int) -> list[pygame.Surface]:
    """Pre-render one sprite per site state (see ``GLYPH_*``), ``g`` px wide."""
    outlined = g >= 14 or theme.line > 1  # tiny glyphs read better without a dark rim
    st = _Style(theme, g, g + 4, int(round(1.3 * g)) + 4, max(2, g // 4), max(2, g // 4), outlined)
    return [
        _cup(st, theme.receptor, False, True),
        _cup(st, theme.receptor, True, True),
        _cup(st, theme.autoreceptor, False, False),
        _cup(st, theme.autoreceptor, True, False),
        _sert(st, False, False),
        _sert(st, True, False),
        _sert(st, False, True),
        _sert(st, True, True),
    ]
