"""The synapse picture: terminal, vesicles, membranes, sites and every 5-HT molecule (side view).

Reads a :class:`sim.Synapse`; never changes it. Positions come from the model
in nm and go through :class:`render.synapse.view.View`. The depth axis y is projected
away: free molecules are shaded by y (nearer = brighter, drawn on top) and
membrane sites are spread over a thin band around their membrane by y, so a
ring of transporters seen edge-on does not collapse into one line.

Drawing cost: free and cytosolic molecules are drawn by one compiled kernel
straight into the frame (:mod:`render.common.splat`; the numpy palette layers of
:mod:`render.common.stamp` for surfaces that are not 32-bit); sites are
pre-rendered sprites, one per (kind, state), drawn with one
``Surface.fblits`` call; vesicles (tens) and the outlines are ordinary draw
calls. No Python loop runs over molecules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pygame

from render.common.colors import Theme, mix
from render.common.constants import FLASH_S
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
from render.synapse.view import POST_DEPTH_NM, View

MEMBRANE_NM = 5.0
"""Lipid bilayer thickness, nm (drawn outside the cleft, into the cells)."""

AXON_RADIUS_FRACTION = 0.18
"""Axon neck radius as a fraction of the bouton radius (drawing only)."""

# Site sprite codes: kind base + bound (+2 if the SERT is drug-blocked).
GLYPH_RECEPTOR = 0
GLYPH_AUTORECEPTOR = 2
GLYPH_SERT = 4
N_GLYPHS = 8
_KIND_BASE = np.array([GLYPH_RECEPTOR, GLYPH_AUTORECEPTOR, GLYPH_SERT], dtype=np.int64)


@dataclass
class Flash:
    """A vesicle fusion being shown: where (model nm) and for how long already (screen s)."""

    x_nm: float
    y_nm: float
    age_s: float = 0.0


def glyph_size_px(view: View, tile_nm: float, theme: Theme) -> int:
    """Side of a site glyph in px: the tile's true size, kept legible and bounded."""
    lo = int(round(9 * theme.ui_scale))
    hi = int(round(26 * theme.ui_scale))
    return int(np.clip(round(tile_nm * view.sx * 0.85), lo, hi))


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


def make_glyphs(theme: Theme, g: int) -> list[pygame.Surface]:
    """Pre-render one sprite per site state (see ``GLYPH_*``), ``g`` px wide.

    Shapes, not only colours, tell the states apart: receptors are cups opening
    toward the cleft (up on the postsynaptic side, down on the presynaptic side
    for autoreceptors); SERT is a pair of bars around a pore. An empty site is
    an outlined shape; a bound site is filled and holds a 5-HT dot; a blocked
    SERT carries a diamond (the SSRI molecule) in its pore.
    """
    edge = theme.glyph_edge
    outlined = g >= 14 or theme.line > 1  # tiny glyphs read better without a dark rim
    w, h = g + 4, int(round(1.3 * g)) + 4
    dot_r = max(2, g // 4)
    t = max(2, g // 4)

    def surface() -> pygame.Surface:
        return pygame.Surface((w, h), pygame.SRCALPHA)

    def dot(s: pygame.Surface, cx: int, cy: int, r: int) -> None:
        pygame.draw.circle(s, theme.molecule_edge, (cx, cy), r + 1)
        pygame.draw.circle(s, theme.molecule_near, (cx, cy), r)

    def cup(color, bound: bool, opening_up: bool) -> pygame.Surface:
        s = surface()
        x0, x1 = 2, w - 3
        top, bot = (h - g) // 2, (h - g) // 2 + g - 1
        if opening_up:
            pts = [
                (x0, top),
                (x0 + t, top),
                (x0 + t, bot - t),
                (x1 - t, bot - t),
                (x1 - t, top),
                (x1, top),
                (x1, bot),
                (x0, bot),
            ]
        else:
            pts = [
                (x0, bot),
                (x0 + t, bot),
                (x0 + t, top + t),
                (x1 - t, top + t),
                (x1 - t, bot),
                (x1, bot),
                (x1, top),
                (x0, top),
            ]
        if bound:
            box = pygame.Rect(x0, top, x1 - x0 + 1, bot - top + 1)
            pygame.draw.rect(s, color, box)
            pygame.draw.rect(s, edge, box, 1)
            cy = top + g // 3 if opening_up else bot - g // 3
            dot(s, w // 2, cy, dot_r)
        else:
            pygame.draw.polygon(s, color, pts)
            if outlined:
                pygame.draw.polygon(s, edge, pts, 1)
        return s

    def sert(bound: bool, blocked: bool) -> pygame.Surface:
        s = surface()
        bar = max(2, (g + 2) // 3)
        top, bot = 2, h - 3
        left = pygame.Rect(2, top, bar, bot - top + 1)
        right = pygame.Rect(w - 2 - bar, top, bar, bot - top + 1)
        for rect in (left, right):
            pygame.draw.rect(s, theme.sert, rect)
            if outlined:
                pygame.draw.rect(s, edge, rect, 1)
        cx, cy = w // 2, h // 2
        if blocked:
            d = max(3, int(round(0.45 * g)))
            pts = [(cx, cy - d), (cx + d, cy), (cx, cy + d), (cx - d, cy)]
            pygame.draw.polygon(s, theme.drug, pts)
            pygame.draw.polygon(s, edge, pts, 1)
            if bound:
                dot(s, cx, cy - d, max(1, dot_r - 1))
        elif bound:
            dot(s, cx, cy, dot_r)
        return s

    return [
        cup(theme.receptor, False, True),
        cup(theme.receptor, True, True),
        cup(theme.autoreceptor, False, False),
        cup(theme.autoreceptor, True, False),
        sert(False, False),
        sert(True, False),
        sert(False, True),
        sert(True, True),
    ]


class SceneRenderer:
    """Draws the synapse into the view's rectangle. Holds caches only (sprites, layers)."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.cleft_layer = PaletteLayer((1, 1), transparent=False)
        self.cytosol_layer = PaletteLayer((1, 1), transparent=True)
        self.splatter = DotSplatter()
        """The compiled dot kernel (32-bit targets); the palette layers serve any other."""
        self._glyphs: dict[tuple[str, int], list[pygame.Surface]] = {}
        self.set_theme(theme)
        self.last_dot_count = 0
        """Free molecules stamped in the last frame (for tests and the bench)."""

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

    def glyphs(self, g: int) -> list[pygame.Surface]:
        """Site sprites at size ``g`` px (cached per theme and size)."""
        key = (self.theme.name, g)
        if key not in self._glyphs:
            if len(self._glyphs) > 16:
                self._glyphs.clear()
            self._glyphs[key] = make_glyphs(self.theme, g)
        return self._glyphs[key]

    # ------------------------------------------------------------------ draw
    def draw(
        self,
        surface: pygame.Surface,
        view: View,
        model,
        flashes: list[Flash],
        ap_glow: float,
    ) -> None:
        """Draw the whole scene of ``model`` clipped to ``view.rect``.

        Args:
            surface: target surface.
            view: camera.
            model: the :class:`sim.Synapse` (read only).
            flashes: vesicle fusions to show.
            ap_glow: 0..1 strength of the action-potential glow on the terminal.
        """
        old_clip = surface.get_clip()
        surface.set_clip(view.rect)
        th = self.theme
        surface.fill(th.tissue, view.rect)
        self._draw_post_cell(surface, view, model)
        self._draw_terminal(surface, view, model, ap_glow)
        self._draw_cleft(surface, view, model)
        self._draw_membranes(surface, view, model)
        self._draw_cytosol(surface, view, model)
        self._draw_sites(surface, view, model)
        self._draw_vesicles(surface, view, model)
        self._draw_flashes(surface, view, model, flashes)
        surface.set_clip(old_clip)

    def _visible_x(self, view: View, lo_nm: float, hi_nm: float) -> tuple[float, float] | None:
        x0 = max(lo_nm, view.px_x(view.rect.left - 4))
        x1 = min(hi_nm, view.px_x(view.rect.right + 4))
        return (x0, x1) if x1 > x0 else None

    def _draw_post_cell(self, surface: pygame.Surface, view: View, model) -> None:
        p, th = model.params, self.theme
        rng = self._visible_x(view, -p.outer_radius_nm, p.outer_radius_nm)
        if rng is None:
            return
        x0, x1 = view.x_px(rng[0]), view.x_px(rng[1])
        y0 = view.y_post
        y1 = view.z_py(p.cleft_width_nm + POST_DEPTH_NM)
        rect = _clip_rect(x0, y0, x1, y1, view.rect)
        if rect.w and rect.h:
            surface.fill(th.post_cell, rect)
        az = p.active_zone_radius_nm
        psd = _clip_rect(
            view.x_px(-az), y0, view.x_px(az), y0 + max(4.0, 35.0 * view.sx), view.rect
        )
        if psd.w and psd.h:
            surface.fill(th.psd, psd)

    def terminal_outline(self, view: View, model) -> tuple[np.ndarray, np.ndarray] | None:
        """Screen (x, y) of the bouton's membrane (with the axon neck) over the visible x, or None.

        The bouton is a hemisphere of ``terminal_radius_nm`` above z = 0 at true
        scale; the axon it hangs from rises off the top of the screen.
        """
        r = model.params.terminal_radius_nm
        rng = self._visible_x(view, -r, r)
        if rng is None:
            return None
        a = AXON_RADIUS_FRACTION * r
        sky = view.rect.top - 60.0
        n = max(16, min(400, int((rng[1] - rng[0]) * view.sx / 4)))
        xs = np.linspace(rng[0], rng[1], n)

        def curve(x: np.ndarray) -> np.ndarray:
            return view.y_pre - np.sqrt(np.maximum(r * r - x * x, 0.0)) * view.sx

        left, mid, right = xs[xs <= -a], xs[np.abs(xs) < a], xs[xs >= a]
        px, py = [left], [curve(left)]
        if rng[0] < -a < rng[1]:  # left wall of the neck
            px.append(np.array([-a, -a]))
            py.append(np.array([curve(np.array([-a]))[0], sky]))
        px.append(mid)
        py.append(np.full(len(mid), sky))
        if rng[0] < a < rng[1]:  # right wall
            px.append(np.array([a, a]))
            py.append(np.array([sky, curve(np.array([a]))[0]]))
        px.append(right)
        py.append(curve(right))
        xs_all, ys_all = np.concatenate(px), np.concatenate(py)
        lo, hi = view.rect.top - 60.0, view.rect.bottom + 60.0
        return view.x_px(xs_all), np.clip(ys_all, lo, hi)

    def _draw_terminal(self, surface: pygame.Surface, view: View, model, ap_glow: float) -> None:
        th = self.theme
        outline = self.terminal_outline(view, model)
        if outline is None:
            return
        sx_pts, top = outline
        bottom = np.full_like(
            top, np.clip(view.y_pre, view.rect.top - 60.0, view.rect.bottom + 60.0)
        )
        poly = np.concatenate(
            [np.stack([sx_pts, top], 1), np.stack([sx_pts[::-1], bottom[::-1]], 1)]
        )
        surface_pts = poly.round().astype(int).tolist()
        if len(surface_pts) >= 3:
            fill = mix(th.terminal, th.flash, 0.25 * ap_glow) if ap_glow > 0 else th.terminal
            pygame.draw.polygon(surface, fill, surface_pts)
        width = max(2, int(round(MEMBRANE_NM * view.sx)), th.line + 1)
        edge = mix(th.terminal_edge, th.flash, ap_glow) if ap_glow > 0 else th.terminal_edge
        width = width + int(round(3 * ap_glow))
        line_pts = np.stack([sx_pts, top], 1).round().astype(int).tolist()
        if len(line_pts) >= 2:
            pygame.draw.lines(surface, edge, False, line_pts, min(width, 40))

    def cleft_base_row(self, view: View, model, width: int) -> np.ndarray:
        """Palette codes of one row of the cleft band: cleft inside the sheet, grey outside."""
        xs = view.px_x(view.rect.left + np.arange(width) + 0.5)
        return np.where(
            np.abs(xs) <= model.params.outer_radius_nm, CODE_CLEFT, CODE_OUTSIDE
        ).astype(np.uint8)

    def _draw_cleft(self, surface: pygame.Surface, view: View, model) -> None:
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

    def _draw_membranes(self, surface: pygame.Surface, view: View, model) -> None:
        th, r = self.theme, view.rect
        thick = max(2.0, MEMBRANE_NM * view.sx, float(th.line + 1))
        for y, sign in ((view.y_pre, -1), (view.y_post, 1)):
            a, b = (y - thick, y) if sign < 0 else (y, y + thick)
            band = _clip_rect(r.left, a, r.right, b, r)
            if not (band.w and band.h):
                continue
            if thick <= 8:
                surface.fill(th.membrane, band)
            else:  # a bilayer seen close up: two head-group layers
                head = max(2, int(thick * 0.22))
                for yy in (a, b - head):
                    hb = _clip_rect(r.left, yy, r.right, yy + head, r)
                    if hb.w and hb.h:
                        surface.fill(th.membrane, hb)
        # Edge of the simulated sheet.
        p = model.params
        for xe in (-p.outer_radius_nm, p.outer_radius_nm):
            x = view.x_px(xe)
            if r.left <= x <= r.right:
                y0, y1 = max(view.y_pre, r.top), min(view.y_post, r.bottom)
                dash = max(6, int(8 * th.ui_scale))
                for yy in range(int(y0), int(y1), 2 * dash):
                    pygame.draw.line(
                        surface, th.text_dim, (x, yy), (x, min(yy + dash, y1)), th.line + 1
                    )

    def _draw_cytosol(self, surface: pygame.Surface, view: View, model) -> None:
        n = model.cytosol.n
        if n == 0:
            return
        p = model.params
        rr = p.terminal_radius_nm
        box = _clip_rect(
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

    def _draw_vesicles(self, surface: pygame.Surface, view: View, model) -> None:
        th = self.theme
        p = model.params
        xyz = model.vesicle_xyz
        if len(xyz) == 0:
            return
        cap = max(1, p.molecules_per_vesicle)
        frac = np.clip(model.vesicle_content / cap, 0.0, 1.0)
        sx = view.x_px(xyz[:, 0])
        sy = view.z_py(xyz[:, 2])
        rad = max(3.0, p.vesicle_radius_nm * view.sx)
        depth = np.clip(xyz[:, 1] / max(p.terminal_radius_nm, 1.0), -1.0, 1.0)
        order = np.argsort(-depth)  # far (large y) first
        docked = model.vesicle_dock >= 0
        r = view.rect.inflate(2 * rad, 2 * rad)
        edge_w = max(1, int(round(min(4.0, rad / 6))), th.line)
        for i in order.tolist():  # tens of vesicles, not molecules
            cx, cy = float(sx[i]), float(sy[i])
            if not r.collidepoint(cx, cy):
                continue
            fade = 0.45 * max(0.0, float(depth[i]))
            if frac[i] > 0:
                inner = rad * 0.88 * math.sqrt(float(frac[i]))
                pygame.draw.circle(
                    surface, mix(th.vesicle_fill, th.terminal, fade), (cx, cy), max(1.0, inner)
                )
            if docked[i]:
                pygame.draw.circle(surface, th.docked_edge, (cx, cy), rad, edge_w + 1)
            else:
                pygame.draw.circle(
                    surface, mix(th.vesicle_edge, th.terminal, fade), (cx, cy), rad, edge_w
                )

    def _draw_flashes(
        self, surface: pygame.Surface, view: View, model, flashes: list[Flash]
    ) -> None:
        if not flashes:
            return
        th = self.theme
        rad = max(4.0, model.params.vesicle_radius_nm * view.sx)
        for f in flashes:  # a handful of fusions at a time
            a = min(1.0, f.age_s / FLASH_S)
            cx, cy = float(view.x_px(f.x_nm)), float(view.y_pre)
            ring = rad * (1.0 + 2.5 * a) + 6
            width = max(2, int(round((1.0 - a) * 6 * th.ui_scale)))
            pygame.draw.circle(surface, th.flash, (cx, cy), ring, width)
            # The emptied vesicle opening into the cleft (an omega shape), fading out.
            if a < 0.6:
                pygame.draw.circle(
                    surface,
                    th.vesicle_fill,
                    (cx, cy - rad),
                    rad,
                    max(2, int(3 * th.ui_scale)),
                    draw_top_left=True,
                    draw_top_right=True,
                )
                pore = pygame.Rect(0, 0, max(6, int(rad)), max(4, int(6 * th.ui_scale)))
                pore.center = (int(cx), int(cy))
                surface.fill(th.vesicle_fill, pore)

    def site_screen_positions(self, view: View, model, g: int) -> tuple[np.ndarray, np.ndarray]:
        """Screen centres (x, y) of every membrane site, px: membrane line +- a depth band."""
        sites = model.sites
        band = 2.2 * g
        depth = 0.5 * (1.0 - np.clip(sites.y / max(model.params.outer_radius_nm, 1.0), -1.0, 1.0))
        # Spread into the cleft: far sites (large y) on the membrane line, near ones further in.
        y = np.where(sites.plane == 0, view.y_pre + depth * band, view.y_post - depth * band)
        return view.x_px(sites.x.astype(np.float64)), y

    def site_codes(self, model) -> np.ndarray:
        """Sprite code of every site from its kind, occupancy and SERT blockade."""
        codes = _KIND_BASE[model.sites.kind.astype(np.int64)]
        codes = codes + (model.site_occupant >= 0)
        return codes + 2 * model.sert_blocked.astype(np.int64)

    def _draw_sites(self, surface: pygame.Surface, view: View, model) -> None:
        if model.sites.count == 0:
            return
        g = glyph_size_px(view, model.params.tile_nm, self.theme)
        glyphs = self.glyphs(g)
        gw, gh = glyphs[0].get_size()
        x, y = self.site_screen_positions(view, model, g)
        r = view.rect
        vis = (x > r.left - gw) & (x < r.right + gw) & (y > r.top - gh) & (y < r.bottom + gh)
        idx = np.flatnonzero(vis)
        if len(idx) == 0:
            return
        idx = idx[np.argsort(-model.sites.y[idx], kind="stable")]  # far first
        codes = self.site_codes(model)[idx].tolist()
        dest = zip(
            (x[idx] - gw / 2).round().astype(int).tolist(),
            (y[idx] - gh / 2).round().astype(int).tolist(),
            strict=True,
        )
        surface.fblits(list(zip(map(glyphs.__getitem__, codes), dest, strict=True)))


def _clip_rect(x0: float, y0: float, x1: float, y1: float, clip: pygame.Rect) -> pygame.Rect:
    """Integer rectangle [x0, x1) x [y0, y1) intersected with ``clip`` (empty if none)."""
    a = max(int(math.floor(min(x0, x1))), clip.left)
    b = min(int(math.ceil(max(x0, x1))), clip.right)
    c = max(int(math.floor(min(y0, y1))), clip.top)
    d = min(int(math.ceil(max(y0, y1))), clip.bottom)
    if b <= a or d <= c:
        return pygame.Rect(a, c, 0, 0)
    return pygame.Rect(a, c, b - a, d - c)
