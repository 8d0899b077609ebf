"""The tissue view: a slice of the tissue cube with its fibres, varicosities, 5-HT and clock.

One class, :class:`TissueView`, draws a :class:`sim.tissue.Tissue` into any
rectangle of a pygame Surface with ``draw(surface, rect, model)``; it only
reads the model. On the left, a square slice through the cube (one voxel
layer, 2 um thick by default): the extracellular 5-HT concentration of each
voxel as colour (log scale, legend below), every free molecule in the slice
as a dot, the fibres and varicosities of the whole cube projected onto the
slice plane (a varicosity flashes for 0.15 s when its fibre fires), and a
scale bar. On the right: the tissue clock in seconds, the ambient level in nM
beside the measured 50-65 nM, the SSRI blockade and the feedback switch, and
the ambient trace of the last ``trace_s`` seconds with the measured band.

For the window's owner: :meth:`TissueView.varicosity_at` maps a click to the
varicosity under it (to hand over to the synapse view), and
:data:`SCALE_NOTE` is the line to show when the scale changes.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from sim.tissue import Tissue
from sim.tissue_params import AMBIENT_RANGE_NM

from .colors import OI_BLUE, OI_SKY, OI_WHITE, OI_YELLOW, Theme, mix, theme
from .text import Fonts, nice_125, nice_ceil

SCALE_NOTE = (
    "Scale changed: tissue (um, seconds, real time) <-> synapse (nm, microseconds, slowed down)"
)
"""What the screen says when the view hands over between the tissue and the synapse."""

MAP_RANGE_NM = (5.0, 5000.0)
"""Concentrations at the two ends of the map's log colour scale, nM."""

FLASH_MS = 150.0
"""How long a varicosity flashes after its fibre fires, ms of tissue time."""

MAX_DOTS = 6000
"""Most molecule dots drawn in the slice; above it every k-th molecule is drawn (said on screen)."""


def _lut(background: tuple[int, int, int]) -> np.ndarray:
    """256 colours from the background through blue, sky and yellow to white."""
    stops = [mix(background, OI_BLUE, 0.35), OI_BLUE, OI_SKY, OI_YELLOW, OI_WHITE]
    out = np.zeros((256, 3), dtype=np.uint8)
    for i in range(256):
        x = i / 255 * (len(stops) - 1)
        k = min(int(x), len(stops) - 2)
        out[i] = mix(stops[k], stops[k + 1], x - k)
    return out


class TissueView:
    """Draws a tissue model; keeps nothing of it between frames but the fibres' polylines.

    Args:
        colors: the window's theme (default: the dark profile).
        fonts: the window's font cache (default: a new one at scale 1).
        trace_s: seconds of ambient trace shown.
    """

    def __init__(
        self, colors: Theme | None = None, fonts: Fonts | None = None, trace_s: float = 10.0
    ) -> None:
        self.colors = colors or theme(False)
        if fonts is None:
            pygame.font.init()
            fonts = Fonts(self.colors.ui_scale)
        self.fonts = fonts
        self.trace_s = trace_s
        self.slab: int | None = None
        """Voxel layer shown (None: the middle one)."""
        self._lut = _lut(self.colors.background)
        self._square = pygame.Rect(0, 0, 1, 1)
        self._fibre_key: tuple | None = None
        self._fibre_lines: list[list[tuple[float, float]]] = []
        self.dot_stride = 1
        """Every how many molecules of the slice one dot was drawn (1: all)."""
        self._side_um = 1.0

    # ------------------------------------------------------------ geometry
    def to_screen(self, x_um: np.ndarray, y_um: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates of slice-plane points (um) in the last drawn square."""
        sq, s = self._square, self._square.w / self._side_um
        return sq.x + np.asarray(x_um) * s, sq.bottom - np.asarray(y_um) * s

    def varicosity_at(self, model: Tissue, pos: tuple[int, int], radius_px: float = 8.0):
        """Index of the varicosity drawn within ``radius_px`` of ``pos`` (None if none)."""
        if model.varicosity_xyz.shape[1] == 0 or not self._square.collidepoint(pos):
            return None
        sx, sy = self.to_screen(model.varicosity_xyz[0], model.varicosity_xyz[1])
        d2 = (sx - pos[0]) ** 2 + (sy - pos[1]) ** 2
        i = int(np.argmin(d2))
        return i if d2[i] <= radius_px**2 else None

    def _slab(self, model: Tissue) -> int:
        k = model.n_side // 2 if self.slab is None else self.slab
        return int(min(max(k, 0), model.n_side - 1))

    # --------------------------------------------------------------- drawing
    def draw(self, surface: pygame.Surface, rect: pygame.Rect, model: Tissue) -> None:
        """Draw ``model`` into ``rect`` of ``surface``."""
        c, f = self.colors, self.fonts
        rect = pygame.Rect(rect)
        surface.fill(c.background, rect)
        pad = max(6, int(10 * c.ui_scale))
        caption_h = 2 * f.line_height("small") + pad
        side = max(40, min(rect.h - 2 * pad - caption_h, int(rect.w * 0.58)))
        self._square = pygame.Rect(rect.x + pad, rect.y + pad, side, side)
        self._side_um = model.side_um
        self._draw_slice(surface, model)
        k = self._slab(model)
        z0, z1 = k * model.cell_um, (k + 1) * model.cell_um
        cap_y = self._square.bottom + pad // 2
        dots = "5-HT molecules (dots)" if self.dot_stride == 1 else (
            f"1 in {self.dot_stride} 5-HT molecules (dots)")  # fmt: skip
        f.blit(surface, f"Slice z = {z0:g}-{z1:g} um of a {model.side_um:g} um cube of "
               f"tissue (periodic faces): {dots}, concentration (colour)",
               (self._square.x, cap_y), "small", c.text_dim)  # fmt: skip
        f.blit(surface, "Fibres and varicosities of the whole cube, projected; a varicosity "
               "flashes when its axon fires", (self._square.x, cap_y + f.line_height("small")),
               "small", c.text_dim)  # fmt: skip
        panel = pygame.Rect(self._square.right + 2 * pad, rect.y + pad, 0, 0)
        panel.w = rect.right - pad - panel.x
        panel.h = rect.bottom - pad - panel.y
        if panel.w > 60:
            self._draw_panel(surface, panel, model)

    @staticmethod
    def ms_since_spike(model: Tissue) -> np.ndarray:
        """Per fibre, tissue ms since its last action potential (inf before the first).

        A fibre's phase grows at rate * dt per step and wraps at each action
        potential, so the time since the last one is phase / rate: exact,
        whatever the frame rate, with no state kept between frames.
        """
        rate = model.firing_rate_hz
        if rate <= 0:
            return np.full(model.fibre_count.shape[0], math.inf)
        since = model.fibre_phase / rate * 1000.0
        return np.where(since <= model.time_ms, since, math.inf)

    def _draw_slice(self, surface: pygame.Surface, model: Tissue) -> None:
        c, sq = self.colors, self._square
        k = self._slab(model)
        layer = model.concentration_map_nM()[:, :, k]  # [x, y]
        lo, hi = MAP_RANGE_NM
        t = np.log(np.clip(layer, lo, hi) / lo) / math.log(hi / lo)
        idx = np.where(layer > 0, 1 + np.round(t * 254), 0).astype(np.int64)
        rgb = self._lut[idx][:, ::-1, :]  # screen y grows downward
        surface.blit(pygame.transform.scale(pygame.surfarray.make_surface(rgb), sq.size), sq)
        # molecules in the slab, one pixel each (every k-th above MAX_DOTS)
        xyz = model.free_positions()
        z0, z1 = k * model.cell_um, (k + 1) * model.cell_um
        sel = np.flatnonzero((xyz[2] >= z0) & (xyz[2] < z1))
        self.dot_stride = max(1, -(-sel.size // MAX_DOTS))
        sel = sel[:: self.dot_stride]
        sx, sy = self.to_screen(xyz[0, sel], xyz[1, sel])
        dots = pygame.Surface(sq.size, 0, 32)
        dots.set_colorkey((0, 0, 0))
        px = pygame.surfarray.pixels2d(dots)
        ix = np.clip((sx - sq.x).astype(np.int64), 0, sq.w - 1)
        iy = np.clip((sy - sq.y).astype(np.int64), 0, sq.h - 1)
        px[ix, iy] = dots.map_rgb(c.molecule_near)
        del px
        surface.blit(dots, sq)
        self._draw_fibres(surface, model)
        pygame.draw.rect(surface, c.panel_edge, sq, max(1, c.line))
        self._scale_bar(surface, model)

    def _draw_fibres(self, surface: pygame.Surface, model: Tissue) -> None:
        c, sq, side = self.colors, self._square, model.side_um
        width = max(1, c.line)
        prev = surface.get_clip()
        surface.set_clip(sq)
        key = (id(model), tuple(sq))
        if self._fibre_key != key:  # the fibres never move: their polylines are cached
            self._fibre_key, self._fibre_lines = key, []
            for start, direction, length in zip(
                model.fibre_start, model.fibre_direction, model.fibre_length, strict=True
            ):
                pts = start[:2] + np.linspace(0.0, length, 64)[:, None] * direction[:2]
                wrapped = np.mod(pts, side)
                jumps = np.abs(np.diff(wrapped, axis=0)).max(axis=1) > side / 2
                for piece in np.split(wrapped, np.flatnonzero(jumps) + 1):
                    if len(piece) >= 2:
                        sx, sy = self.to_screen(piece[:, 0], piece[:, 1])
                        self._fibre_lines.append(list(zip(sx, sy, strict=True)))
        for line in self._fibre_lines:
            pygame.draw.lines(surface, c.terminal_edge, False, line, width)
        fibre = model.fibre_of_varicosity()
        sx, sy = self.to_screen(model.varicosity_xyz[0], model.varicosity_xyz[1])
        r = max(3, int(4 * c.ui_scale))
        lit_fibre = self.ms_since_spike(model) < FLASH_MS
        for i in range(sx.shape[0]):
            lit = lit_fibre[fibre[i]]
            centre = (int(sx[i]), int(sy[i]))
            if lit:
                pygame.draw.circle(surface, c.flash, centre, 2 * r)
            pygame.draw.circle(surface, c.autoreceptor, centre, r)
            pygame.draw.circle(surface, c.glyph_edge, centre, r, 1)
        surface.set_clip(prev)

    def _scale_bar(self, surface: pygame.Surface, model: Tissue) -> None:
        c, f, sq = self.colors, self.fonts, self._square
        um = nice_125(model.side_um / 4.0)
        px = um * sq.w / model.side_um
        y = sq.bottom - max(8, int(12 * c.ui_scale))
        x0 = sq.x + max(8, int(12 * c.ui_scale))
        pygame.draw.line(surface, OI_WHITE, (x0, y), (x0 + px, y), max(2, 2 * c.line))
        f.blit(surface, f"{um:g} um", (x0 + px / 2, y - 3), "small", OI_WHITE, "midbottom",
               box=c.label_bg)  # fmt: skip

    def _draw_panel(self, surface: pygame.Surface, panel: pygame.Rect, model: Tissue) -> None:
        c, f = self.colors, self.fonts
        x, y = panel.x, panel.y
        y = f.blit(surface, f"t = {model.time_s:.2f} s", (x, y), "huge", c.text).bottom
        y = f.blit(surface, "tissue clock (seconds; runs at about real time)", (x, y), "small",
                   c.text_dim).bottom + 8  # fmt: skip
        lo, hi = AMBIENT_RANGE_NM
        y = f.blit(surface, f"ambient 5-HT {model.ambient_nM():6.1f} nM", (x, y), "big",
                   c.plot_conc).bottom  # fmt: skip
        y = f.blit(surface, f"measured in the brain: {lo:g}-{hi:g} nM (Abdalla et al. 2017)",
                   (x, y), "small", c.text_dim).bottom + 6  # fmt: skip
        fb = "on" if model.feedback else "off"
        drug = c.drug if model.blockade > 0 else c.text
        y = f.blit(surface, f"SSRI blockade {model.blockade:.0%}   5-HT1B feedback {fb}",
                   (x, y), "normal", drug).bottom  # fmt: skip
        y = f.blit(surface, f"firing {model.firing_rate_hz:g} Hz; release "
                   f"{model.vesicles_per_action_potential():.2f} vesicles per varicosity per "
                   "spike", (x, y), "small", c.text_dim).bottom + 10  # fmt: skip
        y += f.line_height("small") + 2  # the plot's title
        legend_h = 2 * f.line_height("small") + 14
        plot = pygame.Rect(x, y, panel.w, max(40, panel.bottom - y - legend_h))
        self._draw_trace(surface, plot, model)
        self._draw_legend(surface, pygame.Rect(x, plot.bottom + 8, min(panel.w, 260), 10))

    def _draw_trace(self, surface: pygame.Surface, plot: pygame.Rect, model: Tissue) -> None:
        c, f = self.colors, self.fonts
        surface.fill(c.plot_bg, plot)
        rec = model.recorder
        t_s = rec.column("time_ms") / 1000.0
        amb = rec.column("ambient_nM")
        blk = rec.column("blockade")
        t_end = max(self.trace_s, model.time_s)
        t_start = t_end - self.trace_s
        keep = t_s >= t_start
        t_s, amb, blk = t_s[keep], amb[keep], blk[keep]
        lo, hi = AMBIENT_RANGE_NM
        top = nice_ceil(max(100.0, float(amb.max()) * 1.1 if amb.size else 100.0))

        def sy(v):
            return plot.bottom - np.asarray(v) / top * plot.h

        def sx(t):
            return plot.x + (np.asarray(t) - t_start) / self.trace_s * plot.w

        band = pygame.Rect(plot.x, int(sy(hi)), plot.w, max(1, int(sy(lo) - sy(hi))))
        surface.fill(mix(c.plot_bg, c.receptor, 0.25), band)
        step = nice_125(top / 4.0)
        for v in np.arange(0.0, top - 0.5 * step, step):
            yy = int(sy(v))
            pygame.draw.line(surface, c.plot_grid, (plot.x, yy), (plot.right, yy))
            f.blit(surface, f"{v:g}", (plot.x + 3, yy - 1), "small", c.text_dim, "bottomleft")
        on = blk > 0
        if on.any():
            xs = sx(t_s)
            for i in np.flatnonzero(on):
                x0 = int(xs[i])
                x1 = int(xs[i + 1]) if i + 1 < len(xs) else plot.right
                surface.fill(c.plot_blockade, pygame.Rect(x0, plot.bottom - 4, max(1, x1 - x0), 4))
        if len(t_s) >= 2:
            pts = list(zip(sx(t_s), np.maximum(sy(amb), plot.y), strict=True))
            pygame.draw.lines(surface, c.plot_conc, False, pts, max(2, 2 * c.line))
        pygame.draw.rect(surface, c.panel_edge, plot, 1)
        f.blit(surface, "ambient 5-HT (nM) over the last "
               f"{self.trace_s:g} s; green band: measured range; bar: SSRI on",
               (plot.x, plot.y - 2), "small", c.text_dim, "bottomleft")  # fmt: skip

    def _draw_legend(self, surface: pygame.Surface, bar: pygame.Rect) -> None:
        c, f = self.colors, self.fonts
        ramp = self._lut[np.linspace(1, 255, bar.w).astype(np.int64)]
        img = pygame.surfarray.make_surface(np.repeat(ramp[:, None, :], bar.h, axis=1))
        surface.blit(img, bar)
        lo, hi = MAP_RANGE_NM
        f.blit(surface, f"{lo:g} nM", (bar.x, bar.bottom + 2), "small", c.text_dim)
        f.blit(surface, f"{hi / 1000:g} uM", (bar.right, bar.bottom + 2), "small", c.text_dim,
               "topright")  # fmt: skip
        f.blit(surface, "voxel concentration (log)", (bar.centerx, bar.bottom + 2), "small",
               c.text_dim, "midtop")  # fmt: skip
