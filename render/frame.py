"""One frame of the window: the scene(s), the read-outs over them, the side panel and the bar.

:class:`FrameDrawer` reads the window's rooms (playback, screen, lecture
layer) and draws; it never changes the model. It keeps what it drew last
(labels, highlights, help rows) for the tests.
"""

from __future__ import annotations

from typing import Any

import pygame

from . import hud, panels
from .constants import AP_FLASH_S, TOAST_S
from .keyhelp import draw_help
from .labels import draw_labels
from .scene import SceneRenderer, glyph_size_px
from .sidepanel import SidePanel


class FrameDrawer:
    """Draws the window.

    Args:
        app: the window.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.scene = SceneRenderer(app.screen.theme)
        self.side = SidePanel(app, self.scene)
        self.help_rows_drawn: list[tuple[str, str, str]] = []
        self.labels_drawn = 0
        self.highlights_drawn = 0

    def draw(self, surface: pygame.Surface) -> None:
        """Draw one frame onto ``surface`` (re-lays-out if its size changed)."""
        app = self.app
        screen, play = app.screen, app.play
        if surface.get_size() != screen.size:
            screen.layout(surface.get_size())
        th, fonts, m = screen.theme, screen.fonts, play.model
        surface.fill(th.background)
        ap_glow = max(0.0, 1.0 - play.ap_age_s / AP_FLASH_S)
        scenes = [(screen.view, m, play.flashes)]
        if play.control is not None:
            screen.control_view.copy_camera(screen.view)
            scenes.insert(0, (screen.control_view, play.control, play.control_flashes))
        self.labels_drawn = 0
        self.highlights_drawn = 0
        highlight = app.guide.highlight
        for view, model, flashes in scenes:
            self.scene.draw(surface, view, model, flashes, ap_glow)
            g = glyph_size_px(view, model.params.tile_nm, th)
            site_xy = None
            if screen.show_labels:
                site_xy = self.scene.site_screen_positions(view, model, g)
                self.labels_drawn += draw_labels(surface, view, model, th, fonts, site_xy)
            if highlight:
                if site_xy is None:
                    site_xy = self.scene.site_screen_positions(view, model, g)
                items = panels.highlight_items(highlight, view, model, site_xy, g)
                panels.draw_highlights(surface, view, th, fonts, items, play.screen_time_s)
                panels.draw_site_rings(surface, view, th, model, site_xy, highlight, g)
                self.highlights_drawn += len(items)
            hud.draw_scale_bars(surface, view, th, fonts)
        follower = app.follow.follower
        panels.draw_follow(surface, screen.view, th, follower, fonts.scale)
        if app.compare.on:
            self._draw_compare_headers(surface)
        hud_view = screen.control_view if app.compare.on else screen.view
        hud_rect = hud.draw_time_hud(
            surface,
            hud_view,
            th,
            fonts,
            title=self.title(),
            time_us=m.time_us,
            playback_us_per_s=play.playback_us_per_s,
            achieved_us_per_s=None if app.scripted else play.achieved_us_per_s(),
            paused=play.paused,
            dt_ns=m.params.dt_ns,
            warp=play.warp_on,
            set_us_per_s=play.set_us_per_s_recent(),
        )
        panels.draw_follow_log(surface, screen.view.rect, th, fonts, follower)
        toast = app.toast
        if toast and play.screen_time_s - toast[1] < TOAST_S:
            hud.draw_toast(surface, screen.view.rect, toast[0], th, fonts, avoid=hud_rect)
        self.side.draw(surface)
        self._draw_bar(surface)
        card = app.guide.card_text()
        if screen.card_rect is not None and card is not None:
            panels.draw_banner(surface, screen.card_rect, th, fonts, *card)
        elif app.caption_visible:
            self._draw_caption(surface)
        if screen.show_help:
            glyphs = self.scene.glyphs(int(round(16 * fonts.scale)))
            caption = f"{app.preset.title}: {app.preset.caption}"
            self.help_rows_drawn = draw_help(
                surface, surface.get_rect(), th, fonts, caption, glyphs
            )

    def draw_rec_badge(self, surface: pygame.Surface, video) -> None:
        """'REC m:ss' over the scene while an interactive recording runs (not in the video)."""
        screen = self.app.screen
        th, fonts = screen.theme, screen.fonts
        text = f"REC {int(video.seconds) // 60}:{int(video.seconds) % 60:02d}  (V stops and saves)"
        if video.frames_dropped:
            text += f"  {video.frames_dropped} frames dropped"
        fonts.blit(
            surface,
            text,
            (screen.scene_rect.centerx, screen.scene_rect.top + int(8 * fonts.scale)),
            "normal",
            th.warn,
            "midtop",
            box=th.label_bg,
        )

    def title(self) -> str:
        """The line above the clock: scenario (or treatment day), preset and seed."""
        app = self.app
        t = app.course.treatment
        if t is not None:
            return f"Treatment timeline from '{t.base_name}', day {t.day}   (seed {app.seed})"
        return f"{app.preset.title}   (preset '{app.preset.name}', seed {app.seed})"

    def _draw_compare_headers(self, surface: pygame.Surface) -> None:
        screen = self.app.screen
        th, fonts = screen.theme, screen.fonts
        f = self.app.model.blockade
        right = f"SSRI: {f * 100:.0f}% of SERT blocked" if f > 0 else "your settings (no drug yet)"
        for rect, text, color in zip(
            screen.header_rects,
            ("NO DRUG (control)", right),
            (th.plot_control, th.plot_conc),
            strict=True,
        ):
            surface.fill(th.panel, rect)
            pygame.draw.line(surface, color, rect.bottomleft, rect.bottomright, max(2, th.line + 2))
            fonts.blit(surface, text, rect.center, "big", color, "center")

    def _draw_caption(self, surface: pygame.Surface) -> None:
        app = self.app
        fonts = app.screen.fonts
        m = int(8 * fonts.scale)
        r = app.screen.scene_rect
        title, text = app.preset.title, app.preset.caption
        footer = "I shows this again   H lists every key   T starts a guided tour"
        h = panels.banner_height(fonts, r.w - 2 * m, title, text, footer)
        rect = pygame.Rect(r.left + m, r.bottom - h - m, r.w - 2 * m, h)
        panels.draw_banner(surface, rect, app.screen.theme, fonts, title, text, footer)

    def _draw_bar(self, surface: pygame.Surface) -> None:
        screen = self.app.screen
        hud.panel(surface, screen.bar_rect, screen.theme)
        for wd in self.app.controls.bar_widgets:
            if wd.rect.w:
                wd.draw(surface, screen.theme, screen.fonts)
