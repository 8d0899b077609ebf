"""Draw many dots fast: numpy stamping into an 8-bit palette layer, then one blit.

No Python loop over molecules. For N dots the cost is a few numpy passes over
N (pixel indices, one scatter) plus a few passes over the layer's pixels (the
dot shape is grown by "plus" dilations with ``np.maximum``), then one SDL blit
that converts palette indices to screen colours.

Codes (palette indices) are small ints; a larger code wins where dots overlap,
so nearer molecules (higher code) are drawn on top of farther ones.
"""

from __future__ import annotations

import numpy as np
import pygame

MARGIN_PX = 5
"""Hidden border around the layer that absorbs dots clipped at the edges."""

CODE_NONE = 0
CODE_FAR = 1
CODE_MID = 2
CODE_NEAR = 3
CODE_OUTLINE = 4
CODE_CYTOSOL = 5
CODE_CLEFT = 6
CODE_OUTSIDE = 7
N_CODES = 8


class PaletteLayer:
    """An off-screen 8-bit surface whose pixels are written through numpy.

    Args:
        size: (width, height) px.
        transparent: code 0 is see-through (colour key) when True; when False
            the layer is opaque and :meth:`begin` paints a background row.
    """

    def __init__(self, size: tuple[int, int], transparent: bool) -> None:
        self.transparent = transparent
        self._palette: list[tuple[int, int, int]] = [(0, 0, 0)] * 256
        self.resize(size)

    def resize(self, size: tuple[int, int]) -> None:
        """Reallocate for a new (width, height), px."""
        w, h = max(1, int(size[0])), max(1, int(size[1]))
        self.size = (w, h)
        m = MARGIN_PX
        self._work = np.zeros((h + 2 * m, w + 2 * m), dtype=np.uint8)
        self._tmp = np.empty_like(self._work)
        self._raw = bytearray(w * h)
        self.pixels = np.frombuffer(self._raw, dtype=np.uint8).reshape(h, w)
        self.surface = pygame.image.frombuffer(self._raw, (w, h), "P")
        self.surface.set_palette(self._palette)
        if self.transparent:
            self.surface.set_colorkey(CODE_NONE)

    def set_colors(self, colors: dict[int, tuple[int, int, int]]) -> None:
        """Set palette entries: ``{code: (r, g, b)}``."""
        for code, rgb in colors.items():
            self._palette[code] = tuple(rgb)
        self.surface.set_palette(self._palette)

    def begin(self) -> None:
        """Start a frame: no dots yet."""
        self._work.fill(CODE_NONE)

    def stamp(self, px: np.ndarray, py: np.ndarray, codes: np.ndarray | int) -> None:
        """Put one pixel per dot at layer coordinates (px, py) (float or int arrays, px).

        Dots outside the layer are clipped into the hidden margin.
        """
        if len(px) == 0:
            return
        m = MARGIN_PX
        hh, ww = self._work.shape
        ix = np.add(px, m, dtype=np.float32)
        np.clip(ix, 0, ww - 1, out=ix)
        iy = np.add(py, m, dtype=np.float32)
        np.clip(iy, 0, hh - 1, out=iy)
        idx = iy.astype(np.intp)
        idx *= ww
        idx += ix.astype(np.intp)
        self._work.ravel()[idx] = codes

    def grow(self, radius: int, outline: bool) -> None:
        """Grow every dot to a plus / diamond of ``radius`` px, optionally outlined."""
        for _ in range(max(0, int(radius))):
            self._dilate()
        if outline:
            before = self._work.copy()
            self._dilate()
            ring = (self._work != before) & (before == CODE_NONE)
            self._work[...] = before
            self._work[ring] = CODE_OUTLINE

    def _dilate(self) -> None:
        w, t = self._work, self._tmp
        np.copyto(t, w)
        np.maximum(w[1:], t[:-1], out=w[1:])
        np.maximum(w[:-1], t[1:], out=w[:-1])
        np.maximum(w[:, 1:], t[:, :-1], out=w[:, 1:])
        np.maximum(w[:, :-1], t[:, 1:], out=w[:, :-1])

    def finish(self, base_row: np.ndarray | None = None) -> None:
        """Copy the dots into the visible surface, over ``base_row`` (codes per column) if opaque."""
        m = MARGIN_PX
        h, w = self.pixels.shape
        inner = self._work[m : m + h, m : m + w]
        if base_row is None:
            np.copyto(self.pixels, inner)
        else:
            self.pixels[...] = base_row[None, :w]
            np.copyto(self.pixels, inner, where=inner != CODE_NONE)

    def blit(self, target: pygame.Surface, pos: tuple[int, int]) -> None:
        """Draw the layer onto ``target`` with its top-left at ``pos``."""
        target.blit(self.surface, pos)
