"""The tissue view: a slice of the tissue cube with its fibres, varicosities, 5-HT and clock.

One class, :class:`TissueView`, draws a :class:`sim.tissue.model.Tissue` into any
rectangle of a pygame Surface with ``draw(surface, rect, model)``; it only
reads the model. On the left, a square slice through the cube (one voxel
layer, 2 um thick by default): the extracellular 5-HT concentration of each
voxel as colour (log scale, its colour key under the slice), every free
molecule in the slice as a dot, the fibres and varicosities of the whole
cube projected onto the slice plane (a varicosity flashes for 0.15 s when its
fibre fires; the selected one has a ring), a scale bar, and a caption
wrapped to the slice's width. On the right: the tissue clock in seconds, the
ambient level (its 1 s mean, and the value now) beside the measured
50-65 nM, the SSRI blockade and the feedback switch, and the ambient trace of
the last ``trace_s`` seconds (:mod:`render.tissue.trace`) with its key.

Layout invariant (tests check it at 1280x720, 1920x1080 and in projector
mode): every box drawn, listed in :attr:`TissueView.boxes`, lies inside the
rectangle given to ``draw`` and overlaps no other box. Optional lines are
left out, last first, when the rectangle is too small for all of them.

For the window's owner: :meth:`TissueView.varicosity_at` maps a click to the
varicosity under it (to hand over to the synapse view).
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from render.common.banner import wrap_text
from render.common.colors import OI_BLUE, OI_SKY, OI_WHITE, OI_YELLOW, Theme, mix, theme
from render.common.text import Fonts, nice_125
from render.tissue.panel import draw_panel
from sim.tissue.model import Tissue

MAP_RANGE_NM = (5.0, 5000.0)
"""Concentrations at the two ends of the map's log colour scale, nM."""

FLASH_MS = 150.0
"""How long a varicosity flashes after its fibre fires, ms of tissue time."""

MAX_DOTS = 6000
"""Most molecule dots drawn in the slice; above it every k-th molecule is drawn (said on screen)."""

SLICE_SHARE = 0.5
"""Most of the view's width the square slice takes."""

FULL_SHARE = 0.85
"""The caption's paragraphs go, last first, before the slice would be smaller than this share
of the side it has with no caption (the slice is what the view is for)."""


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

    Attributes:
        selected: index of the varicosity drawn with a ring (None: none).
        boxes: (what, rect) of every text line and block of the last draw, px.
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
        self.selected: int | None = None
        self.pace: float | None = None
        """Measured tissue s per wall s (None: real time by construction, or not measured)."""
        self.boxes: list[tuple[str, pygame.Rect]] = []
        self._lut = _lut(self.colors.background)
        self._square = pygame.Rect(0, 0, 1, 1)
        self._fibre_key: tuple | None = None
        self._fibre_lines: list[list[tuple[float, float]]] = []
        self.dot_stride = 1
        """Every how many molecules of the slice one dot was drawn (1: all)."""
        self._side_um = 1.0

    # ------------------------------------------------------------ geometry
    @property
    def square(self) -> pygame.Rect:
        """The slice's square in the last draw, px."""
        return pygame.Rect(self._square)

    def to_screen(self, x_um: np.ndarray, y_um: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates of slice-plane points (um) in the last drawn square."""
        sq, s = self._square, self._square.w / self._side_um
        return sq.x + np.asarray(x_um) * s, sq.bottom - np.asarray(y_um) * s

    def varicosity_screen(self, model: Tissue, i: int) -> tuple[int, int]:
        """Where varicosity ``i`` is drawn in the last draw, px."""
        sx, sy = self.to_screen(model.varicosity_xyz[0, i], model.varicosity_xyz[1, i])
        return int(sx), int(sy)

    def varicosity_at(self, model: Tissue, pos: tuple[int, int], radius_px: float | None = None):
        """Index of the varicosity drawn nearest ``pos`` within ``radius_px`` (None if none).

        The default radius is twice the drawn glyph's (a finger on a
        projector's touch screen, or a lecturer's mouse, need some slack).
        """
        if model.varicosity_xyz.shape[1] == 0 or not self._square.collidepoint(pos):
            return None
        if radius_px is None:
            radius_px = 2.0 * self._glyph_r()
        sx, sy = self.to_screen(model.varicosity_xyz[0], model.varicosity_xyz[1])
        d2 = (sx - pos[0]) ** 2 + (sy - pos[1]) ** 2
        i = int(np.argmin(d2))
        return i if d2[i] <= radius_px**2 else None

    def _glyph_r(self) -> int:
        return max(3, int(4 * self.fonts.scale))

    def _slab(self, model: Tissue) -> int:
        k = model.n_side // 2 if self.slab is None else self.slab
        return int(min(max(k, 0), model.n_side - 1))

    # --------------------------------------------------------------- drawing
    def _caption(self, model: Tissue) -> list[str]:
        k = self._slab(model)
        z0, z1 = k * model.cell_um, (k + 1) * model.cell_um
        dots = "dots: 5-HT molecules" if self.dot_stride == 1 else (
            f"dots: one 5-HT molecule in {self.dot_stride}")  # fmt: skip
        return [
            f"Slice z = {z0:g}-{z1:g} µm of a {model.side_um:g} µm cube of tissue (periodic "
            f"faces); {dots}; colour: the concentration of each {model.cell_um:g} µm voxel.",
            "Fibres and varicosities of the whole cube, projected; a varicosity flashes when "
            "its axon fires. Click one (or Tab to pick, Enter) to zoom onto its synapse.",
        ]

    def _legend_parts(self, width: int) -> tuple[str, int]:
        """The colour key's title (may be empty) and ramp width fitting ``width`` px."""
        f = self.fonts
        lo, hi = MAP_RANGE_NM
        ends = f.width(f"{lo:g} nM", "small") + f.width(f"{hi / 1000:g} µM", "small")
        gap = max(4, int(6 * f.scale))
        for title in ("voxel 5-HT (log scale):", "log scale:", ""):
            tw = f.width(title, "small") + gap if title else 0
            ramp = min(int(200 * f.scale), width - tw - ends - 2 * gap)
            if ramp >= int(40 * f.scale):
                return title, ramp
        return "", max(10, width - ends - 2 * gap)

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, model: Tissue) -> None:
        """Draw ``model`` into ``rect`` of ``surface`` (nothing outside it)."""
        c, f = self.colors, self.fonts
        rect = pygame.Rect(rect)
        surface.fill(c.background, rect)
        self.boxes = []
        pad = max(6, int(10 * f.scale))
        lh = f.line_height("small")
        self._side_um = model.side_um
        # The square's side: as large as fits with the colour key and the wrapped caption below.
        paragraphs = self._caption(model)

        def below(n_lines: int) -> int:  # the colour key and ``n_lines`` of caption, px
            return 2 * (pad // 2) + lh + n_lines * lh

        side = max(40, min(rect.h - 2 * pad - below(2), int(rect.w * SLICE_SHARE)))
        full = max(40, min(rect.h - 2 * pad - below(0), int(rect.w * SLICE_SHARE)))
        caption: list[str] = []
        while True:
            for _ in range(8):  # narrower -> more caption lines -> narrower: converges in a few
                caption = [ln for t in paragraphs for ln in wrap_text(f, t, "small", side)]
                fit = rect.h - 2 * pad - below(len(caption))
                if fit >= side or fit < 40:
                    break
                side = fit
            fits = side + below(len(caption)) <= rect.h - 2 * pad
            if (fits and side >= FULL_SHARE * full) or not paragraphs:
                break
            paragraphs = paragraphs[:-1]  # the slice first: the caption's last paragraph goes
            side = full
        self._square = pygame.Rect(rect.x + pad, rect.y + pad, side, side)
        self._draw_slice(surface, model)
        self.boxes.append(("slice", self.square))
        y = self._draw_legend(surface, self._square.x, self._square.bottom + pad // 2, side)
        y += pad // 2
        for line in caption:
            self.boxes.append(("caption", f.blit(surface, line, (self._square.x, y), "small",
                                                 c.text_dim)))  # fmt: skip
            y += lh
        panel = pygame.Rect(self._square.right + 2 * pad, rect.y + pad, 0, 0)
        panel.w = rect.right - pad - panel.x
        panel.h = rect.bottom - pad - panel.y
        if panel.w > 60 and panel.h > 60:
            self.boxes += draw_panel(
                surface, panel, model, self.colors, self.fonts, self.pace, self.trace_s
            )

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
        surface.set_clip(sq.clip(prev) if prev else sq)
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
        r = self._glyph_r()
        lit_fibre = self.ms_since_spike(model) < FLASH_MS
        for i in range(sx.shape[0]):
            centre = (int(sx[i]), int(sy[i]))
            if lit_fibre[fibre[i]]:
                pygame.draw.circle(surface, c.flash, centre, 2 * r)
            pygame.draw.circle(surface, c.autoreceptor, centre, r)
            pygame.draw.circle(surface, c.glyph_edge, centre, r, 1)
        if self.selected is not None and 0 <= self.selected < sx.shape[0]:
            centre = (int(sx[self.selected]), int(sy[self.selected]))
            w = max(2, 2 * c.line)  # white ring edged dark: visible on every map colour
            pygame.draw.circle(surface, c.glyph_edge, centre, 3 * r + w, w + 2)
            pygame.draw.circle(surface, OI_WHITE, centre, 3 * r + w - 1, w)
        surface.set_clip(prev)

    def _scale_bar(self, surface: pygame.Surface, model: Tissue) -> None:
        c, f, sq = self.colors, self.fonts, self._square
        um = nice_125(model.side_um / 4.0)
        px = um * sq.w / model.side_um
        y = sq.bottom - max(8, int(12 * f.scale))
        x0 = sq.x + max(8, int(12 * f.scale))
        pygame.draw.line(surface, c.glyph_edge, (x0, y + 1), (x0 + px, y + 1), max(2, 2 * c.line))
        pygame.draw.line(surface, OI_WHITE, (x0, y), (x0 + px, y), max(2, 2 * c.line))
        f.blit(surface, f"{um:g} µm", (x0 + px / 2, y - 3), "small", c.label_text, "midbottom",
               box=c.label_bg)  # fmt: skip

    def _draw_legend(self, surface: pygame.Surface, x: int, y: int, width: int) -> int:
        """The colour key of the map in one row from (x, y), at most ``width`` wide; returns its bottom."""
        c, f = self.colors, self.fonts
        lh = f.line_height("small")
        gap = max(4, int(6 * f.scale))
        title, ramp_w = self._legend_parts(width)
        lo, hi = MAP_RANGE_NM
        if title:
            self.boxes.append(("legend", f.blit(surface, title, (x, y), "small", c.text_dim)))
            x = self.boxes[-1][1].right + gap
        self.boxes.append(("legend", f.blit(surface, f"{lo:g} nM", (x, y), "small", c.text_dim)))
        bar = pygame.Rect(self.boxes[-1][1].right + gap, y + lh // 4, ramp_w, max(4, lh // 2))
        ramp = self._lut[np.linspace(1, 255, bar.w).astype(np.int64)]
        surface.blit(pygame.surfarray.make_surface(np.repeat(ramp[:, None, :], bar.h, axis=1)),
                     bar)  # fmt: skip
        self.boxes.append(("legend", bar))
        self.boxes.append(("legend", f.blit(surface, f"{hi / 1000:g} µM", (bar.right + gap, y),
                                            "small", c.text_dim)))  # fmt: skip
        return y + lh
