"""The camera: maps model nanometres to screen pixels, with an honestly labelled cleft stretch.

The model's geometry is very flat: a 20 nm cleft under a 400 nm bouton, in a
sheet 2000 nm wide. The side view therefore uses two vertical scales:

* x (horizontal), the terminal above the cleft and the cell below it are drawn
  at the true scale ``sx`` (pixels per nm);
* the cleft itself (0 <= z <= W) is drawn at ``sz = max(sx, cleft_min_px / W)``:
  never thinner than a fixed share of the screen. ``exaggeration = sz / sx``
  (>= 1) is shown on screen; zoom in far enough and it becomes 1 (true scale).

Screen y grows downward: z = 0 (presynaptic membrane) is at ``y_pre``; the
postsynaptic membrane z = W is ``cleft_px`` lower.
"""

from __future__ import annotations

import numpy as np
import pygame

from render.common.constants import (
    CLEFT_MIN_FRACTION,
    CLEFT_ZOOM_FRACTION,
    MAX_ZOOM_PX_PER_NM,
    PAN_STEP_FRACTION,
)

POST_DEPTH_NM = 500.0
"""How far below the postsynaptic membrane the drawing of the cell extends, nm."""


class View:
    """Camera over the side view of the synapse.

    Args:
        width_nm: cleft width W, nm.
        terminal_radius_nm: bouton radius, nm.
        outer_radius_nm: radius of the simulated extracellular sheet, nm.
        rect: the scene rectangle on the window surface, px.

    Attributes:
        sx: horizontal (and terminal) scale, px per nm.
        cx_nm: model x at the horizontal centre of ``rect``, nm.
        y_pre: screen y of the presynaptic membrane (z = 0), px.
    """

    def __init__(
        self, width_nm: float, terminal_radius_nm: float, outer_radius_nm: float, rect: pygame.Rect
    ) -> None:
        self.width_nm = float(width_nm)
        self.terminal_radius_nm = float(terminal_radius_nm)
        self.outer_radius_nm = float(outer_radius_nm)
        self.rect = pygame.Rect(rect)
        self.sx = 1.0
        self.cx_nm = 0.0
        self.y_pre = 0.0
        self.mode = "fit"
        self.fit()

    # ---------------------------------------------------------------- scales
    @property
    def cleft_min_px(self) -> float:
        """Least height of the drawn cleft, px."""
        return CLEFT_MIN_FRACTION * self.rect.h

    @property
    def cleft_px(self) -> float:
        """Drawn height of the cleft, px."""
        return max(self.width_nm * self.sx, self.cleft_min_px)

    @property
    def sz(self) -> float:
        """Vertical scale inside the cleft, px per nm."""
        return self.cleft_px / self.width_nm

    @property
    def exaggeration(self) -> float:
        """How much taller the cleft is drawn than its true scale (1 = true scale)."""
        return self.sz / self.sx

    @property
    def y_post(self) -> float:
        """Screen y of the postsynaptic membrane (z = W), px."""
        return self.y_pre + self.cleft_px

    @property
    def fit_sx(self) -> float:
        """Scale at which the whole sheet fits the width and the bouton the height, px/nm."""
        by_width = self.rect.w / (2.0 * self.outer_radius_nm * 1.06)
        room = self.rect.h * (1.0 - CLEFT_MIN_FRACTION - 0.30)
        by_height = room / self.terminal_radius_nm
        return max(min(by_width, by_height), 1e-3)

    # ------------------------------------------------------------- transforms
    def x_px(self, x_nm):
        """Model x (nm, float or array) -> screen x (px, float or array)."""
        return self.rect.centerx + (x_nm - self.cx_nm) * self.sx

    def z_py(self, z_nm):
        """Model z (nm, float or array, any region) -> screen y (px)."""
        z = np.asarray(z_nm, dtype=np.float64)
        w = self.width_nm
        out = np.where(
            z < 0.0,
            self.y_pre + z * self.sx,
            np.where(z > w, self.y_post + (z - w) * self.sx, self.y_pre + z * self.sz),
        )
        return float(out) if out.ndim == 0 else out

    def px_x(self, px: float) -> float:
        """Screen x (px) -> model x (nm)."""
        return self.cx_nm + (px - self.rect.centerx) / self.sx

    def py_z(self, py: float) -> float:
        """Screen y (px) -> model z (nm), inverting the piecewise scale."""
        if py < self.y_pre:
            return (py - self.y_pre) / self.sx
        if py > self.y_post:
            return self.width_nm + (py - self.y_post) / self.sx
        return (py - self.y_pre) / self.sz

    # ------------------------------------------------------------- commands
    def set_rect(self, rect: pygame.Rect) -> None:
        """Move the view to a new scene rectangle (window resized); re-fit in fit mode."""
        old = pygame.Rect(self.rect)
        self.rect = pygame.Rect(rect)
        if self.mode == "fit":
            self.fit()
        elif self.mode == "cleft":
            self.zoom_cleft(keep_x=True)
        else:
            self.y_pre += self.rect.centery - old.centery
            self._clamp()

    def fit(self) -> None:
        """Show the whole sheet and the bouton, centred on the synapse."""
        self.mode = "fit"
        self.sx = self.fit_sx
        self.cx_nm = 0.0
        needed = self.terminal_radius_nm * self.sx + self.cleft_px
        top = self.rect.top + 0.5 * (self.rect.h - needed) - 0.02 * self.rect.h
        self.y_pre = top + self.terminal_radius_nm * self.sx

    def zoom_cleft(self, keep_x: bool = False) -> None:
        """Zoom so the cleft fills most of the scene height, at true scale."""
        self.mode = "cleft"
        self.sx = min(CLEFT_ZOOM_FRACTION * self.rect.h / self.width_nm, MAX_ZOOM_PX_PER_NM)
        if not keep_x:
            self.cx_nm = 0.0
        # Leave the top of the screen for the clock, over the presynaptic bilayer.
        self.y_pre = self.rect.bottom - self.cleft_px - 0.06 * self.rect.h
        self._clamp()

    def toggle_cleft(self) -> None:
        """Zoom into the cleft, or back to the overview if already there."""
        if self.mode == "cleft":
            self.fit()
        else:
            self.zoom_cleft()

    def zoom_at(self, factor: float, pos: tuple[float, float] | None = None) -> None:
        """Zoom by ``factor`` keeping the model point under ``pos`` (px) fixed."""
        px, py = pos if pos is not None else self.rect.center
        x_nm, z_nm = self.px_x(px), self.py_z(py)
        self.sx = float(np.clip(self.sx * factor, 0.6 * self.fit_sx, MAX_ZOOM_PX_PER_NM))
        self.mode = "free"
        self.cx_nm = x_nm - (px - self.rect.centerx) / self.sx
        self.y_pre += py - self.z_py(z_nm)
        self._clamp()

    def focus(self, x_nm: float, z_nm: float, zoom: float) -> None:
        """Centre model point (x, z) (nm) in the scene at ``zoom`` times the overview scale."""
        self.mode = "free"
        self.sx = float(np.clip(self.fit_sx * zoom, 0.6 * self.fit_sx, MAX_ZOOM_PX_PER_NM))
        self.cx_nm = float(x_nm)
        self.y_pre = 0.0
        self.y_pre = self.rect.centery - self.z_py(z_nm)
        self._clamp()

    def copy_camera(self, other: View) -> None:
        """Take ``other``'s scale, centre, vertical position and mode (views of equal size)."""
        self.sx, self.cx_nm, self.mode = other.sx, other.cx_nm, other.mode
        self.y_pre = other.y_pre + (self.rect.top - other.rect.top)

    def pan(self, dx_px: float, dy_px: float) -> None:
        """Move the picture by (dx, dy) screen pixels (drag direction)."""
        self.mode = "free"
        self.cx_nm -= dx_px / self.sx
        self.y_pre += dy_px
        self._clamp()

    def pan_step(self, sx: int, sy: int) -> None:
        """Keyboard pan: look ``sx``, ``sy`` (-1, 0, 1) steps to the side / up / down."""
        self.pan(-sx * PAN_STEP_FRACTION * self.rect.w, -sy * PAN_STEP_FRACTION * self.rect.h)

    def _clamp(self) -> None:
        lim = 1.1 * self.outer_radius_nm
        self.cx_nm = float(np.clip(self.cx_nm, -lim, lim))
        hi = self.rect.bottom - 20 + self.terminal_radius_nm * self.sx
        lo = self.rect.top + 20 - self.cleft_px - POST_DEPTH_NM * self.sx
        self.y_pre = float(np.clip(self.y_pre, lo, hi))

    # ---------------------------------------------------------------- queries
    def cleft_rect(self) -> pygame.Rect:
        """Screen rectangle of the drawn cleft band within the scene (may be empty)."""
        x0 = max(self.x_px(-self.outer_radius_nm), self.rect.left)
        x1 = min(self.x_px(self.outer_radius_nm), self.rect.right)
        y0 = max(self.y_pre, self.rect.top)
        y1 = min(self.y_post, self.rect.bottom)
        if x1 <= x0 or y1 <= y0:
            return pygame.Rect(int(x0), int(y0), 0, 0)
        return pygame.Rect(
            int(np.ceil(x0)), int(np.ceil(y0)), int(x1 - np.ceil(x0)), int(y1 - np.ceil(y0))
        )
