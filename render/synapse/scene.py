"""The synapse picture: terminal, vesicles, membranes, sites and every 5-HT molecule (side view).

Reads a :class:`sim.Synapse`; never changes it. Positions come from the model
in nm and go through :class:`render.synapse.view.View`. The depth axis y is projected
away: free molecules are shaded by y (nearer = brighter, drawn on top) and
membrane sites are spread over a thin band around their membrane by y, so a
ring of transporters seen edge-on does not collapse into one line.

Drawing cost: free and cytosolic molecules are drawn by one compiled kernel
(:mod:`render.synapse.molecules`); sites are pre-rendered sprites, one per
(kind, state) (:mod:`render.synapse.glyphs`), drawn with one
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
from render.synapse.glyphs import KIND_BASE, glyph_size_px, make_glyphs
from render.synapse.molecules import MoleculeDots, clip_rect
from render.synapse.view import POST_DEPTH_NM, View

MEMBRANE_NM = 5.0
"""Lipid bilayer thickness, nm (drawn outside the cleft, into the cells)."""

AXON_RADIUS_FRACTION = 0.18
"""Axon neck radius as a fraction of the bouton radius (drawing only)."""


@dataclass
class Flash:
    """A vesicle fusion being shown: where (model nm) and for how long already (screen s)."""

    x_nm: float
    y_nm: float
    age_s: float = 0.0


class SceneRenderer:
    """Draws the synapse into the view's rectangle. Holds caches only (sprites, layers)."""

    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self.dots = MoleculeDots(theme)
        """The molecules' kernel and layers (:mod:`render.synapse.molecules`)."""
        self._glyphs: dict[tuple[str, int], list[pygame.Surface]] = {}

    @property
    def last_dot_count(self) -> int:
        """Free molecules stamped in the last frame (for tests and the bench)."""
        return self.dots.last_dot_count

    def set_theme(self, theme: Theme) -> None:
        """Switch colour profile."""
        self.theme = theme
        self.dots.set_theme(theme)

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
        self.dots.draw_cleft(surface, view, model)
        self._draw_membranes(surface, view, model)
        self.dots.draw_cytosol(surface, view, model)
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
        rect = clip_rect(x0, y0, x1, y1, view.rect)
        if rect.w and rect.h:
            surface.fill(th.post_cell, rect)
        az = p.active_zone_radius_nm
        psd = clip_rect(view.x_px(-az), y0, view.x_px(az), y0 + max(4.0, 35.0 * view.sx), view.rect)
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

    def _draw_membranes(self, surface: pygame.Surface, view: View, model) -> None:
        th, r = self.theme, view.rect
        thick = max(2.0, MEMBRANE_NM * view.sx, float(th.line + 1))
        for y, sign in ((view.y_pre, -1), (view.y_post, 1)):
            a, b = (y - thick, y) if sign < 0 else (y, y + thick)
            band = clip_rect(r.left, a, r.right, b, r)
            if not (band.w and band.h):
                continue
            if thick <= 8:
                surface.fill(th.membrane, band)
            else:  # a bilayer seen close up: two head-group layers
                head = max(2, int(thick * 0.22))
                for yy in (a, b - head):
                    hb = clip_rect(r.left, yy, r.right, yy + head, r)
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
        codes = KIND_BASE[model.sites.kind.astype(np.int64)]
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
