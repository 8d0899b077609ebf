"""Every 5-HT molecule of the picture: the free ones in the cleft and those in the terminal.

Drawn by one compiled kernel straight into the frame (:mod:`render.common.splat`),
or, for surfaces that are not 32-bit, through the numpy palette layers of
:mod:`render.common.stamp`. Free molecules are shaded by depth y (nearer =
brighter, drawn on top). No Python loop runs over molecules.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from render.common.colors import Theme
from render.common.splat import DotSplatter
from render.common.stamp import (
    CODE_CLEFT,
    CODE_CYTOSOL,
    CODE_FAR,
    CODE_MID,
    CODE_NEAR,
    CODE_OUTLINE,
    CODE_OUTSIDE,
    PaletteLayer,
)
from render.synapse.view import View


def molecule_radius_px(view: View, theme: Theme) -> int:
    """Radius of a molecule dot (1 = plus, 2-3 = outlined diamond), px; grows with zoom.

    Never below the profile's ``dot_radius_px`` (projector: 2, a 5 px dot in a
    7 px outline, visible from the back of a hall).
    """
    if view.sx >= 12.0:
        r = 3
    elif view.sx >= 3.0:
        r = 2
    else:
        r = 1
    return max(r, theme.dot_radius_px)


def clip_rect(x0: float, y0: float, x1: float, y1: float, clip: pygame.Rect) -> pygame.Rect:
    """The px rectangle between (x0, y0) and (x1, y1), rounded and clipped to ``clip``."""
    a = max(int(math.floor(min(x0, x1))), clip.left)
    b = min(int(math.ceil(max(x0, x1))), clip.right)
    c = max(int(math.floor(min(y0, y1))), clip.top)
    d = min(int(math.ceil(max(y0, y1))), clip.bottom)
    if b <= a or d <= c:
        return pygame.Rect(a, c, 0, 0)
    return pygame.Rect(a, c, b - a, d - c)


class MoleculeDots:
    """Draws the molecules; holds the compiled kernel and the palette layers (caches only)."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.cleft_layer = PaletteLayer((1, 1), transparent=False)
        self.cytosol_layer = PaletteLayer((1, 1), transparent=True)
        self.splatter = DotSplatter()
        """The compiled dot kernel (32-bit targets); the palette layers serve any other."""
        self.last_dot_count = 0
        """Free molecules stamped in the last frame (for tests and the bench)."""
        self.set_theme(theme)

    def set_theme(self, theme: Theme) -> None:
        """Switch colour profile."""
        self.theme = theme
        colors = {
            CODE_FAR: theme.molecule_far,
            CODE_MID: theme.molecule_mid,
            CODE_NEAR: theme.molecule_near,
            CODE_OUTLINE: theme.molecule_edge,
            CODE_CYTOSOL: theme.cytosol_molecule,
            CODE_CLEFT: theme.cleft,
            CODE_OUTSIDE: theme.outside_sheet,
        }
        self.cleft_layer.set_colors(colors)
        self.cytosol_layer.set_colors(colors)
        self.splatter.set_colors(colors)

    def cleft_base_row(self, view: View, model, width: int) -> np.ndarray:
        """Palette codes of one row of the cleft band: cleft inside the sheet, grey outside."""
        xs = view.px_x(view.rect.left + np.arange(width) + 0.5)
        return np.where(
            np.abs(xs) <= model.params.outer_radius_nm, CODE_CLEFT, CODE_OUTSIDE
        ).astype(np.uint8)

    def draw_cleft(self, surface: pygame.Surface, view: View, model) -> None:
        """The cleft band with every free molecule, shaded by depth (nearer brighter, on top)."""
        r = view.rect
        y0 = int(max(math.floor(view.y_pre), r.top))
        y1 = int(min(math.ceil(view.y_post), r.bottom))
        self.last_dot_count = 0
        if y1 <= y0:
            return
        xyz = model.free_positions()
        n = xyz.shape[1]
        radius = molecule_radius_px(view, self.theme)
        if DotSplatter.usable(surface):
            self.splatter.draw(
                surface,
                pygame.Rect(r.left, y0, r.w, y1 - y0),
                (xyz[0], xyz[1], xyz[2]),
                (view.sx, view.sz, r.centerx - view.cx_nm * view.sx - r.left, view.y_pre - y0),
                depth_nm=0.35 * model.params.active_zone_radius_nm,
                radius=radius,
                outline=radius >= 2,
                base=self.cleft_base_row(view, model, r.w),
            )
            self.last_dot_count = n
            return
        layer = self.cleft_layer
        if layer.size != (r.w, y1 - y0):
            layer.resize((r.w, y1 - y0))
        layer.begin()
        if n:
            x, y, z = xyz[0], xyz[1], xyz[2]
            px = np.multiply(x, np.float32(view.sx), dtype=np.float32)
            px += np.float32(r.centerx - view.cx_nm * view.sx - r.left)
            py = np.multiply(z, np.float32(view.sz), dtype=np.float32)
            py += np.float32(view.y_pre - y0)
            t = np.float32(0.35 * model.params.active_zone_radius_nm)
            codes = (y < t).view(np.uint8) + (y < -t).view(np.uint8)
            codes += CODE_FAR
            layer.stamp(px, py, codes)
            self.last_dot_count = n
        layer.grow(radius, outline=radius >= 2)
        layer.finish(self.cleft_base_row(view, model, r.w))
        layer.blit(surface, (r.left, y0))

    def draw_cytosol(self, surface: pygame.Surface, view: View, model) -> None:
        """The molecules in the terminal's cytosol (one colour), clipped to the terminal's box."""
        n = model.cytosol.n
        if n == 0:
            return
        p = model.params
        rr = p.terminal_radius_nm
        box = clip_rect(
            view.x_px(-rr), view.y_pre - rr * view.sx, view.x_px(rr), view.y_pre, view.rect
        )
        if not (box.w and box.h):
            return
        pos = model.cytosol_positions()
        if DotSplatter.usable(surface):
            radius = molecule_radius_px(view, self.theme)
            self.splatter.draw(
                surface,
                box,
                (pos[:, 0], pos[:, 1], pos[:, 2]),
                (
                    view.sx,
                    view.sx,
                    view.rect.centerx - view.cx_nm * view.sx - box.left,
                    view.y_pre - box.top,
                ),
                fixed_code=CODE_CYTOSOL,
                radius=radius,
                outline=radius >= 2,
            )
            return
        layer = self.cytosol_layer
        if layer.size != (box.w, box.h):
            layer.resize((box.w, box.h))
        layer.begin()
        px = np.multiply(pos[:, 0], np.float32(view.sx), dtype=np.float32)
        px += np.float32(view.rect.centerx - view.cx_nm * view.sx - box.left)
        py = np.multiply(pos[:, 2], np.float32(view.sx), dtype=np.float32)
        py += np.float32(view.y_pre - box.top)
        # Cytosolic dots outside the visible box are clipped into the margin.
        layer.stamp(px, py, CODE_CYTOSOL)
        radius = molecule_radius_px(view, self.theme)
        layer.grow(radius, outline=radius >= 2)
        layer.finish()
        layer.blit(surface, box.topleft)
