"""One frame of the window: the scene(s), the read-outs over them, the side panel and the bar.

:class:`FrameDrawer` reads the window's rooms (playback, screen, lecture
layer) and draws; it never changes the model. It keeps what it drew last
(labels, highlights, help rows) for the tests.
"""

from __future__ import annotations

from typing import Any

import pygame

from render.common import banner
from render.common.constants import AP_FLASH_S, CAPTURE_FLASH_S, TOAST_S
from render.common.keyhelp import draw_help
from render.lecture import panels
from render.sidepanel import SidePanel
from render.synapse import hud
from render.synapse.info import draw_info, info_rows
from render.synapse.labels import draw_labels, layout_labels
from render.synapse.scene import SceneRenderer, glyph_size_px


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
        self.captures_drawn = 0
        self.placed: list = []
        """Per pane with labels: (pane rect, labels placed, keep-out rects), px (for tests)."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw one frame onto ``surface`` (re-lays-out if its size changed)."""
        app = self.app
        screen, play = app.screen, app.play
        if surface.get_size() != screen.size:
            screen.layout(surface.get_size())
        if app.card_text() != screen.card_shown:  # a card came or went: the scene resizes
            screen.place_views()
        th, fonts, m = screen.theme, screen.fonts, play.model
        surface.fill(th.background)
        ap_glow = max(0.0, 1.0 - play.ap_age_s / AP_FLASH_S)
        scenes = [(screen.view, m, play.flashes)]
        if play.control is not None:
            screen.control_view.copy_camera(screen.view)
            scenes.insert(0, (screen.control_view, play.control, play.control_flashes))
        self.labels_drawn = 0
        self.highlights_drawn = 0
        self.placed = []
        keep: list[list[pygame.Rect]] = []
        captures = (
            [play.captures] if play.control is None else [play.control_captures, play.captures]
        )
        self.captures_drawn = 0
        highlight = app.guide.highlight
        named = []
        for k, ((view, model, flashes), caps) in enumerate(zip(scenes, captures, strict=True)):
            self.scene.draw(surface, view, model, flashes, ap_glow)
            if highlight:  # outlines under the read-outs; their names come later
                g = glyph_size_px(view, model.params.tile_nm, th)
                site_xy = self.scene.site_screen_positions(view, model, g)
                items = panels.highlight_items(highlight, view, model, site_xy, g)
                panels.draw_highlights(surface, view, th, fonts, items, play.screen_time_s)
                panels.draw_site_rings(surface, view, th, model, site_xy, highlight, g)
                self.highlights_drawn += len(items)
                named.append((k, view, items))
            if caps:
                g = glyph_size_px(view, model.params.tile_nm, th)
                xy = self.scene.site_screen_positions(view, model, g)
                self.captures_drawn += panels.draw_captures(
                    surface, view, th, xy, caps, g, CAPTURE_FLASH_S
                )
            keep.append(hud.draw_scale_bars(surface, view, th, fonts))
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
        keep[0].append(hud_rect.inflate(8, 8))
        v = screen.view
        band = (v.y_pre - 0.5 * v.cleft_px, v.y_post + 0.1 * v.cleft_px)  # cleft + receptors
        log_rect = panels.draw_follow_log(
            surface, v.rect, th, fonts, follower, clear_of=band, avoid=keep[-1] + [hud_rect]
        )
        if log_rect is not None:
            keep[-1].append(log_rect.inflate(8, 8))
        zone = hud.toast_zone(screen.view.rect, fonts, None if app.compare.on else hud_rect)
        keep[-1].append(zone)
        if app.video is not None and not app.scripted:  # the REC badge (drawn after capture)
            w = fonts.width("REC 00:00  (V stops and saves)  0000 frames dropped")
            h = fonts.line_height("normal") + int(8 * fonts.scale)
            x, y = self.rec_anchor()
            keep[-1].append(pygame.Rect(x - w // 2, y - h, w, h))
        for k, view, items in named:  # names of the outlines, clear of the read-outs
            keep[k] += panels.draw_highlight_names(surface, view, th, fonts, items, keep[k])
        for (view, model, _), keepout in zip(scenes, keep, strict=True):
            if screen.show_labels:
                g = glyph_size_px(view, model.params.tile_nm, th)
                site_xy = self.scene.site_screen_positions(view, model, g)
                labels = layout_labels(view, model, site_xy, fonts, keepout)
                self.placed.append((view.rect.copy(), labels, keepout))
                self.labels_drawn += draw_labels(surface, view, th, fonts, labels)
        toast = app.toast
        if toast and play.screen_time_s - toast[1] < TOAST_S:
            hud.draw_toast(surface, zone, toast[0], th, fonts)
        self.side.draw(surface)
        self._draw_bar(surface)
        if screen.card_rect is not None and screen.card_shown is not None:
            banner.draw_banner(surface, screen.card_rect, th, fonts, *screen.card_shown)
        if screen.show_info:
            draw_info(surface, screen.view.rect, th, fonts, info_rows(app))
        if screen.show_help:
            glyphs = self.scene.glyphs(int(round(16 * fonts.scale)))
            caption = f"{app.preset.title}: {app.preset.caption}"
            self.help_rows_drawn = draw_help(
                surface, surface.get_rect(), th, fonts, caption, glyphs, actions=app.actions
            )

    def draw_rec_badge(self, surface: pygame.Surface, video) -> None:
        """'REC m:ss' at the foot of the scene while an interactive recording runs (not in the video)."""
        screen = self.app.screen
        th, fonts = screen.theme, screen.fonts
        text = f"REC {int(video.seconds) // 60}:{int(video.seconds) % 60:02d}  (V stops and saves)"
        if video.frames_dropped:
            text += f"  {video.frames_dropped} frames dropped"
        fonts.blit(
            surface,
            text,
            self.rec_anchor(),
            "normal",
            th.warn,
            "midbottom",
            box=th.label_bg,
        )

    def rec_anchor(self) -> tuple[int, int]:
        """Where the REC badge sits: bottom centre of the scene, off the clock and title."""
        r = self.app.screen.view.rect
        return (r.centerx, r.bottom - int(8 * self.app.screen.fonts.scale))

    def title(self) -> str:
        """The line above the clock: the scenario, or the treatment day (ids are on X)."""
        app = self.app
        t = app.course.treatment
        if t is not None:
            drug = "on the SSRI" if t.on_drug else "no drug"
            return f"Treatment course, day {t.day} ({drug})"
        return app.preset.title

    def _draw_compare_headers(self, surface: pygame.Surface) -> None:
        screen = self.app.screen
        th, fonts = screen.theme, screen.fonts
        f = self.app.model.blockade
        right = f"SSRI: {f * 100:.0f}% of SERT blocked" if f > 0 else "your settings (no drug yet)"
        for rect, text, color in zip(
            screen.header_rects,
            ("NO DRUG (control)", right),
            (th.plot_control, th.drug),
            strict=True,
        ):
            surface.fill(th.panel, rect)
            pygame.draw.line(surface, color, rect.bottomleft, rect.bottomright, max(2, th.line + 2))
            fonts.blit(surface, text, rect.center, "big", color, "center")

    def _draw_bar(self, surface: pygame.Surface) -> None:
        screen = self.app.screen
        hud.panel(surface, screen.bar_rect, screen.theme)
        for wd in self.app.controls.bar_widgets:
            if wd.rect.w:
                wd.draw(surface, screen.theme, screen.bar_fonts)
