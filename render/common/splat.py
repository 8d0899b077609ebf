"""Draw many molecule dots straight into the frame with one compiled kernel (numba).

:func:`splat` runs one pass over the molecules (screen position and depth
code, one write each: random writes are what costs), grows the dots into
diamonds by sequential 'plus' passes over the region (cache-friendly),
rings them, then writes mapped colours into a ``pygame.surfarray.pixels2d``
view of the target surface (the background row where there is no dot, when
opaque). No Python loop runs over molecules and no intermediate surface is
blitted.

Codes are those of :mod:`render.common.stamp` (a larger code wins where dots
overlap). :class:`DotSplatter` keeps the work buffer and maps the colours;
it is used for 32-bit surfaces (the window and the scripted frames), and
:mod:`render.common.stamp` remains for any other depth.
"""

from __future__ import annotations

import numpy as np
import pygame

from render.common.stamp import CODE_FAR, CODE_NONE, CODE_OUTLINE, N_CODES
from sim.common.jit import njit

MARGIN_PX = 8
"""Hidden border of the work buffers: dots (radius <= 3, outline 1) that can reach the
visible region are stamped inside it, so the kernel needs no bounds checks."""


@njit(cache=True)
def _dilate(src, dst, ww, hh):  # pragma: no cover - compiled
    """``dst`` = max of each pixel of ``src`` and its four neighbours (a 'plus'), rows of ``ww``.

    Row slices and branch-free maxima let the compiler vectorise the pass.
    """
    for j in range(1, hh - 1):
        r = j * ww
        a = src[r : r + ww]
        up = src[r - ww : r]
        down = src[r + ww : r + 2 * ww]
        out = dst[r : r + ww]
        for i in range(1, ww - 1):
            v = a[i]
            if a[i - 1] > v:
                v = a[i - 1]
            if a[i + 1] > v:
                v = a[i + 1]
            if up[i] > v:
                v = up[i]
            if down[i] > v:
                v = down[i]
            out[i] = v


@njit(cache=True)
def _scatter(work, xs, ys, zs, sx, sz, ox, oy, w, h, m, depth_nm, fixed_code):
    """One write per molecule: its code at its pixel (the larger code wins)."""
    ww = w + 2 * m
    lo = np.float32(1 - m)
    hi_x = np.float32(w + m - 1)
    hi_y = np.float32(h + m - 1)
    far = np.uint8(CODE_FAR)
    one = np.uint8(1)
    fixed = np.uint8(fixed_code)
    by_depth = fixed_code <= 0
    for k in range(xs.shape[0]):
        px = xs[k] * sx + ox
        py = zs[k] * sz + oy
        if px < lo or py < lo or px >= hi_x or py >= hi_y:
            continue
        c = int(py + m) * ww + int(px + m)
        code = fixed
        if by_depth:
            code = far
            if ys[k] < depth_nm:
                code += one
            if ys[k] < -depth_nm:
                code += one
        if work[c] < code:
            work[c] = code


@njit(cache=True)
def splat(
    pixels,
    x0,
    y0,
    w,
    h,
    xs,
    ys,
    zs,
    sx,
    sz,
    ox,
    oy,
    depth_nm,
    fixed_code,
    radius,
    outline,
    palette,
    base,
    opaque,
    work,
    spare,
):  # pragma: no cover - compiled
    """Draw dots into ``pixels[x0:x0 + w, y0:y0 + h]`` (a pixels2d view, uint32, [x, y]).

    A molecule at (x, y, z) nm lands on region pixel (x*sx + ox, z*sz + oy)
    with code ``fixed_code`` if > 0, else CODE_FAR + (y < depth) + (y < -depth)
    (nearer is brighter; the larger code wins where dots overlap). The dots
    are then grown ``radius`` times by a 'plus' (a diamond of ``radius`` px)
    and, with ``outline``, ringed in CODE_OUTLINE where nothing else is drawn.
    ``base`` is each column's background code when ``opaque``. ``work`` and
    ``spare`` are flat uint8 scratch buffers of (h + 2m) * (w + 2m).
    """
    m = MARGIN_PX
    ww = w + 2 * m
    hh = h + 2 * m
    size = hh * ww
    work[:size] = 0
    spare[:size] = 0
    _scatter(work, xs, ys, zs, sx, sz, ox, oy, w, h, m, depth_nm, fixed_code)
    cur, other = work, spare
    for _ in range(radius):
        _dilate(cur, other, ww, hh)
        cur, other = other, cur
    if outline:
        _dilate(cur, other, ww, hh)
        for i in range(size):
            if cur[i] == 0 and other[i] != 0:
                cur[i] = CODE_OUTLINE
    for j in range(h):
        row = (j + m) * ww + m
        for i in range(w):
            c = cur[row + i]
            if c != 0:
                pixels[x0 + i, y0 + j] = palette[c]
            elif opaque:
                pixels[x0 + i, y0 + j] = palette[base[i]]


class DotSplatter:
    """Work buffer and colour map for :func:`splat` on one kind of target surface."""

    def __init__(self) -> None:
        self._work = np.zeros(1, dtype=np.uint8)
        self._spare = np.zeros(1, dtype=np.uint8)
        self._colors: dict[int, tuple[int, int, int]] = {}
        self._palette: np.ndarray | None = None
        self._palette_for: tuple | None = None

    def set_colors(self, colors: dict[int, tuple[int, int, int]]) -> None:
        """Colours of the codes: ``{code: (r, g, b)}``."""
        self._colors = dict(colors)
        self._palette_for = None

    def _palette_of(self, surface: pygame.Surface) -> np.ndarray:
        key = (surface.get_bitsize(), surface.get_masks())
        if self._palette_for != key:
            pal = np.zeros(N_CODES, dtype=np.uint32)
            for code, rgb in self._colors.items():
                pal[code] = surface.map_rgb(rgb) & 0xFFFFFFFF
            self._palette, self._palette_for = pal, key
        return self._palette

    @staticmethod
    def usable(surface: pygame.Surface) -> bool:
        """The kernel can write this surface (32 bits per pixel)."""
        return surface.get_bitsize() == 32

    def draw(
        self,
        surface: pygame.Surface,
        region: pygame.Rect,
        xyz: tuple[np.ndarray, np.ndarray, np.ndarray],
        scale: tuple[float, float, float, float],
        *,
        depth_nm: float = 0.0,
        fixed_code: int = 0,
        radius: int = 1,
        outline: bool = False,
        base: np.ndarray | None = None,
    ) -> None:
        """Dots of molecules ``xyz`` (nm; y only sets depth) into ``region`` of ``surface``.

        Args:
            surface: a 32-bit target (see :meth:`usable`).
            region: the rectangle drawn (clipped to the surface), px.
            xyz: x, y, z arrays, nm.
            scale: (sx, sz, ox, oy): region pixel = (x*sx + ox, z*sz + oy).
            depth_nm: depth for the far / mid / near codes (see :func:`splat`).
            fixed_code: one code for every dot (e.g. the cytosol's), 0: by depth.
            radius: dot radius, px (0..3).
            outline: ring each dot in ``CODE_OUTLINE``.
            base: per-column background codes (opaque region); None: only dots are written.
        """
        clip = region.clip(surface.get_rect())
        if clip.w == 0 or clip.h == 0:
            return
        sx, sz, ox, oy = scale
        ox -= clip.left - region.left
        oy -= clip.top - region.top
        need = (clip.h + 2 * MARGIN_PX) * (clip.w + 2 * MARGIN_PX)  # rows of w + 2m
        if self._work.shape[0] < need:
            self._work = np.zeros(need, dtype=np.uint8)
            self._spare = np.zeros(need, dtype=np.uint8)
        if base is None:
            row = np.full(clip.w, CODE_NONE, dtype=np.uint8)
        else:
            row = np.ascontiguousarray(base[clip.left - region.left :][: clip.w], dtype=np.uint8)
        xs, ys, zs = (np.asarray(a, dtype=np.float32) for a in xyz)
        pal = self._palette_of(surface)
        pixels = pygame.surfarray.pixels2d(surface)
        try:
            splat(
                pixels,
                clip.left,
                clip.top,
                clip.w,
                clip.h,
                xs,
                ys,
                zs,
                np.float32(sx),
                np.float32(sz),
                np.float32(ox),
                np.float32(oy),
                np.float32(depth_nm),
                int(fixed_code),
                min(3, max(0, int(radius))),
                bool(outline),
                pal,
                row,
                base is not None,
                self._work,
                self._spare,
            )
        finally:
            del pixels
