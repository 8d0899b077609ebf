"""The key to the symbols (side panel and help overlay)."""

from __future__ import annotations

import pygame

from render.common.colors import Theme
from render.common.text import Fonts

LEGEND_ROWS = 6


def legend_height(fonts: Fonts, g: int, size: str = "normal") -> int:
    """Height :func:`draw_legend` needs with glyphs of size ``g`` px and text ``size``."""
    glyph_h = int(round(1.3 * g)) + 4
    lh = max(fonts.line_height(size), glyph_h + 2)
    return fonts.line_height("small") + LEGEND_ROWS * lh


def draw_legend(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    glyphs: list[pygame.Surface],
    size: str = "normal",
) -> int:
    """Key to the symbols: molecule dots, vesicles and each site glyph per state, in ``size`` text.

    Sites are a small table: one row per kind, one column per state
    (empty, bound, blocked). Returns the bottom y, px.
    """
    s = fonts.scale
    lh = max(fonts.line_height(size), glyphs[0].get_height() + 2)
    y = rect.top
    gw = glyphs[0].get_width()
    gx = rect.left + gw // 2 + 2
    tx = rect.left + gw + int(10 * s)

    def text(t: str, x: float) -> None:
        fonts.blit(surface, t, (x, y + lh // 2), size, theme.text, "midleft")

    r = max(2, int(3 * s))
    pygame.draw.circle(surface, theme.molecule_edge, (gx, y + lh // 2), r + 1)
    pygame.draw.circle(surface, theme.molecule_near, (gx, y + lh // 2), r)
    text("free 5-HT (dim: farther back)", tx)
    y += lh
    pygame.draw.circle(surface, theme.cytosol_molecule, (gx, y + lh // 2), r)
    text("5-HT inside the terminal", tx)
    y += lh
    vr = int(9 * s)
    pygame.draw.circle(surface, theme.vesicle_fill, (gx, y + lh // 2), int(vr * 0.6))
    pygame.draw.circle(surface, theme.vesicle_edge, (gx, y + lh // 2), vr, max(1, theme.line))
    text("vesicle (fill: its 5-HT)", tx)
    y += lh
    # Site table.
    name_w = max(fonts.width(n, size) for n in ("receptor", "autoreceptor", "SERT")) + int(10 * s)
    col_w = max(
        gw + int(8 * s),
        *(fonts.width(h, "small") + int(8 * s) for h in ("empty", "bound", "blocked")),
    )
    col_x = [rect.left + name_w + i * col_w + col_w // 2 for i in range(3)]
    for x, head in zip(col_x, ("empty", "bound", "blocked"), strict=True):
        fonts.blit(surface, head, (x, y), "small", theme.text_dim, "midtop")
    y += fonts.line_height("small")
    for label, ids in (("receptor", (0, 1)), ("autoreceptor", (2, 3)), ("SERT", (4, 5, 6))):
        text(label, rect.left)
        for x, gid in zip(col_x, ids, strict=False):
            g = glyphs[gid]
            surface.blit(g, g.get_rect(center=(x, y + lh // 2)))
        y += lh
    return y
