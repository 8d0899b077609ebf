"""The screen and its layout: colour profile, fonts, and where the scene, panels and bar go.

:class:`Screen` owns everything about the window's geometry: its size, the
interface scale, the colour profile (default or projector), the fonts, the
rectangles of the scene, side panel, control bar and tour card, and the two
cameras (the model's and, in compare mode, the control's). The view keys
(zoom, pan, labels, projector, help) act here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pygame

from render.common.colors import theme as get_theme
from render.common.constants import REFERENCE_SIZE_PX, ZOOM_STEP
from render.common.text import Fonts
from render.common.widgets import Widget, WidgetRows
from render.stage import Stage, share_column
from render.synapse.history_strip import strip_height
from render.synapse.playback import Playback
from render.synapse.scene import SceneRenderer
from render.synapse.view import View
from sim.common.display import MIN_SIZE

BAR_MIN_SCALE = 0.8
"""The control bar's text may shrink to this share of the interface scale to stay one row."""


class Screen:
    """Window geometry, colour profile, fonts and cameras.

    Args:
        play: the model(s): their dimensions, and the compare switch (two pictures).
        size: window size (width, height), px.
        projector: start in the projector colour profile.
        card: the card below the scene now (tour, caption, change of scale), or None.
        course: a treatment course is open (its chart takes a strip below the scene).
        wide_bar: the control bar spans the whole width (the tissue view: no side panel);
            otherwise it lies under the scene and the side panel has the full height.
        widgets: the control bar and side buttons to place.
        scene: the synapse's renderer (it takes the colour profile).
    """

    def __init__(
        self,
        play: Playback,
        size: tuple[int, int],
        projector: bool = False,
        *,
        card: Callable[[], tuple[str, str, str] | None],
        course: Callable[[], bool] = lambda: False,
        wide_bar: Callable[[], bool] = lambda: False,
        widgets: WidgetRows,
        scene: SceneRenderer,
    ) -> None:
        self.play = play
        self.card_now = card
        self.course_now = course
        self.wide_bar_now = wide_bar
        self.bar_wide = False
        self.widgets = widgets
        self.scene = scene
        self.projector = projector
        self.theme = get_theme(projector)
        self.show_labels = False
        self.show_help = False
        self.show_info = False
        """X: the details for the curious (ids, step, raw factors, counters)."""
        self.open = True
        """The window stays open (the close button and Esc, at last, end it)."""
        self.fullscreen_requested = False
        self.blank = False
        """B (or a remote's black-screen button): the window shows black until pressed again."""
        self.size = (0, 0)
        self.fonts = Fonts(1.0)
        self.bar_fonts = Fonts(1.0)
        """The control bar's fonts (a little smaller than ``fonts`` when that keeps it one row)."""
        p = play.params
        self.view = View(
            p.cleft_width_nm, p.terminal_radius_nm, p.outer_radius_nm, pygame.Rect(0, 0, 640, 360)
        )
        self.control_view = View(
            p.cleft_width_nm, p.terminal_radius_nm, p.outer_radius_nm, pygame.Rect(0, 0, 320, 360)
        )
        self.scene_rect = pygame.Rect(0, 0, 640, 360)
        self.side_rect = pygame.Rect(0, 0, 0, 0)
        self.bar_rect = pygame.Rect(0, 0, 0, 0)
        self.card_rect: pygame.Rect | None = None
        """The tour card or scenario caption below the scene (the scene is shrunk for it)."""
        self.card_shown: tuple[str, str, str] | None = None
        self.treatment_rect: pygame.Rect | None = None
        """The treatment chart's strip across the scene column in a course (above the card)."""
        self.strip_rect: pygame.Rect | None = None
        """The history strip right under the picture(s), above the course chart and the card."""
        self.header_rects: list[pygame.Rect] = []
        self.header_size = "big"
        """The compare headers' font (``normal`` when the picture needs their room)."""
        self.card_fonts = self.fonts
        """The card's fonts (smaller than ``fonts`` when the picture needs the room)."""
        self.stage: Stage | None = None
        """How the scene column was last shared (:func:`render.stage.share_column`)."""
        self.course_shown = False
        self._requested_size = size

    # ------------------------------------------------------------ geometry
    def set_geometry(self, params) -> None:
        """Give both cameras the synapse's dimensions (a new model was built)."""
        for v in (self.view, self.control_view):
            v.width_nm = params.cleft_width_nm
            v.terminal_radius_nm = params.terminal_radius_nm
            v.outer_radius_nm = params.outer_radius_nm

    def ui_scale(self, size: tuple[int, int]) -> float:
        """Interface scale for a window size: 1 at 1280x720, times the profile's factor."""
        w, h = size
        base = min(w / REFERENCE_SIZE_PX[0], h / REFERENCE_SIZE_PX[1])
        return float(np.clip(base, 0.7, 2.4)) * self.theme.ui_scale

    def layout(self, size: tuple[int, int] | None = None, force: bool = False) -> None:
        """Place the scene, the side panel and the control bar for a window ``size`` (px)."""
        if size is None:
            size = self._requested_size if self.size == (0, 0) else self.size
        size = (max(MIN_SIZE[0], int(size[0])), max(MIN_SIZE[1], int(size[1])))
        if not force and not self.stale(size):
            return
        self.size = size
        self.bar_wide = self.wide_bar_now()
        w, h = size
        s = self.ui_scale(size)
        if force or abs(self.fonts.scale - s) > 1e-6:
            self.fonts = Fonts(s)
        widgets = self.widgets
        for wd in widgets.side:
            wd.scale = s
        side_w = int(min(max(300 * s, 0.23 * w), 0.45 * w))
        scene_w = w - side_w
        bar_w = w if self.bar_wide else scene_w
        # Control bar under the scene (the side panel keeps the full height for its charts; the
        # tissue view, with no side panel, has it across the whole width): one row if the widgets fit at down to
        # BAR_MIN_SCALE of the interface scale, else flowed into rows (all kept).
        need = sum(wd.preferred_width(self.fonts) + int(12 * s) for wd in widgets.bar)
        shrink = min(1.0, max(BAR_MIN_SCALE, (bar_w - int(12 * s)) / max(need, 1)))
        bs = s * shrink
        if abs(self.bar_fonts.scale - bs) > 1e-6 or force:
            self.bar_fonts = Fonts(bs)
        bf = self.bar_fonts
        for wd in widgets.bar:
            wd.scale = bs
        cap_h = bf.line_height("small") + int(4 * bs)
        wid_h = int(34 * bs)
        row_h = cap_h + wid_h + int(10 * bs) + bf.line_height("small")
        gap = int(12 * bs)
        rows: list[list[tuple[Widget, int]]] = [[]]
        x = gap
        for wd in widgets.bar:
            pw = wd.preferred_width(bf)
            if x + pw > bar_w - gap and rows[-1]:  # wrap: every widget is kept
                rows.append([])
                x = gap
            rows[-1].append((wd, pw))
            x += pw + gap
        bar_h = row_h * len(rows)
        self.bar_rect = pygame.Rect(0, h - bar_h, bar_w, bar_h)
        for ri, row in enumerate(rows):
            x = gap
            y = self.bar_rect.top + ri * row_h + cap_h + int(2 * bs)
            for wd, pw in row:
                wd.rect = pygame.Rect(x, y, pw, wid_h)
                x += pw + gap
        self.side_rect = pygame.Rect(scene_w, 0, side_w, h - (bar_h if self.bar_wide else 0))
        self.scene_rect = pygame.Rect(0, 0, scene_w, h - bar_h)
        if not self.bar_wide:  # the tissue view leaves the synapse's cameras as they were
            self.place_views()
        # Side buttons: a 2 x 2 grid at the bottom of the side panel.
        pad = int(10 * s)
        bw = (side_w - 3 * pad) // 2
        bh = int(32 * s)
        for i, b in enumerate(widgets.side):
            col, row = i % 2, i // 2
            b.rect = pygame.Rect(
                scene_w + pad + col * (bw + pad),
                self.side_rect.bottom - (2 - row) * (bh + pad),
                bw,
                bh,
            )

    def place_views(self) -> None:
        """Scene rectangles: card at the bottom, the course's chart above it, split screen to compare.

        The tour card or caption, then in a treatment course the treatment chart's strip, then
        the history strip take the bottom of the scene column; in compare mode the rest is
        split in two panes. :func:`render.stage.share_column` keeps the picture its least
        height (``render.stage.PICTURE_SHARE`` of the window) when it can.
        """
        self.card_shown = self.card_now()
        self.course_shown = self.course_now()
        strip = self.widgets.strip
        stage = share_column(
            self.scene_rect,
            self.fonts,
            self.size[1],
            (self.card_shown, self.course_shown, self.play.compare),
            None if strip is None else strip_height(self.fonts),
        )
        self.stage = stage
        self.card_rect, self.treatment_rect = stage.card, stage.course
        self.card_fonts = stage.card_fonts or self.fonts
        self.header_size, self.header_rects = stage.header_size, stage.headers
        self.strip_rect = stage.strip
        if strip is not None:
            strip.rect = pygame.Rect(stage.strip or (0, 0, 0, 0))
            strip.scale = self.fonts.scale
        if self.play.compare:
            self.control_view.set_rect(stage.panes[0])
            self.view.set_rect(stage.panes[1])
            self.control_view.copy_camera(self.view)
        else:
            self.view.set_rect(stage.panes[0])

    def stale(self, size: tuple[int, int]) -> bool:
        """The layout is not that of a window ``size`` (px) and the bar it needs now."""
        return tuple(size) != self.size or self.wide_bar_now() != self.bar_wide

    def views_stale(self) -> bool:
        """The card or the course changed since the views were placed (the scene resizes)."""
        return self.card_now() != self.card_shown or self.course_now() != self.course_shown

    def in_scene(self, pos: tuple[int, int]) -> bool:
        """``pos`` (px) lies in a picture of the synapse."""
        return self.view.rect.collidepoint(pos) or (
            self.play.compare and self.control_view.rect.collidepoint(pos)
        )

    def wheel(self, pos: tuple[int, int], notches: float) -> None:
        """Zoom by mouse-wheel ``notches`` at ``pos`` (the control's picture maps onto the model's)."""
        if self.play.compare and self.control_view.rect.collidepoint(pos):
            pos = (pos[0] + self.view.rect.left - self.control_view.rect.left, pos[1])
        if not self.view.rect.collidepoint(pos):
            pos = self.view.rect.center
        self.view.zoom_at(ZOOM_STEP**notches, pos)

    # ------------------------------------------------------------- actions
    def do_zoom_in(self) -> None:
        """Zoom in about the scene centre."""
        self.view.zoom_at(ZOOM_STEP)

    def do_zoom_out(self) -> None:
        """Zoom out about the scene centre."""
        self.view.zoom_at(1.0 / ZOOM_STEP)

    def do_zoom_cleft(self) -> None:
        """Fill the screen with the cleft (true scale), or go back."""
        self.view.toggle_cleft()

    def do_fit(self) -> None:
        """Overview of the whole synapse."""
        self.view.fit()

    def do_pan_left(self) -> None:
        """Look further left."""
        self.view.pan_step(-1, 0)

    def do_pan_right(self) -> None:
        """Look further right."""
        self.view.pan_step(1, 0)

    def do_pan_up(self) -> None:
        """Look further up (into the terminal)."""
        self.view.pan_step(0, -1)

    def do_pan_down(self) -> None:
        """Look further down (into the postsynaptic cell)."""
        self.view.pan_step(0, 1)

    def do_labels(self) -> None:
        """Structure names on / off."""
        self.show_labels = not self.show_labels

    def set_projector(self, on: bool) -> None:
        """Switch to the projector profile (``on``) or the default one."""
        self.projector = bool(on)
        self.theme = get_theme(self.projector)
        self.scene.set_theme(self.theme)
        self.layout(self.size, force=True)

    def do_projector(self) -> None:
        """Switch between the default and the projector profile."""
        self.set_projector(not self.projector)

    def do_fullscreen(self) -> None:
        """Ask the window loop to toggle fullscreen."""
        self.fullscreen_requested = True

    def do_info(self) -> None:
        """Details for the curious on / off: preset id, seed, step, raw factors, counters."""
        self.show_info = not self.show_info

    def do_blank(self) -> None:
        """Black screen (the hall looks at the lecturer) / back."""
        self.blank = not self.blank

    def do_help(self) -> None:
        """Help overlay on / off."""
        self.show_help = not self.show_help
