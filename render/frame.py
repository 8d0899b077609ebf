"""One frame of the window: the scene(s), the read-outs over them, the side panel and the bar.

:class:`FrameDrawer` reads the window's rooms (playback, screen, lecture
layer) and draws; it never changes the model. It keeps what it drew last
(labels, highlights, help rows) for the tests. The order of one frame:
the scene(s) with their outlines and capture flashes (:meth:`FrameDrawer._draw_scenes`),
the read-outs over them (:meth:`FrameDrawer._draw_readouts`), the labels
clear of those, the message, the side panel, the bar, the card and the
overlays (details, help).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pygame

from render.common import banner
from render.common.constants import AP_FLASH_S, CAPTURE_FLASH_S
from render.common.keyhelp import draw_help
from render.common.keys import Action
from render.common.messages import Messages
from render.common.widgets import WidgetRows
from render.lecture import panels
from render.lecture.follow import Follower
from render.lecture.guide import Guide
from render.lecture.scenario import Scenario
from render.media.recording import VideoRecorder
from render.media.saves import Saves
from render.screen import Screen
from render.sidepanel import SidePanel
from render.synapse import hud
from render.synapse.glyphs import glyph_size_px
from render.synapse.info import draw_info, info_rows
from render.synapse.labels import draw_labels, layout_labels
from render.synapse.playback import Playback
from render.synapse.scene import SceneRenderer


class FrameDrawer:
    """Draws the window.

    Args:
        play: the model(s), their flashes and clock.
        screen: layout, colours, fonts, cameras and the view switches.
        scenario: the preset or treatment day (titles, help caption, details).
        guide: the tour (what its step outlines).
        follower: the followed molecule (trail and story).
        messages: the message line.
        saves: a running recording (its REC badge).
        widgets: the control bar's widgets.
        side: the side panel.
        scene: the synapse's renderer.
        actions: the action table (the help overlay lists what it runs).
        card: the card below the scene now (tour, caption, change of scale), or None.
    """

    def __init__(
        self,
        play: Playback,
        screen: Screen,
        scenario: Scenario,
        guide: Guide,
        follower: Follower,
        messages: Messages,
        saves: Saves,
        widgets: WidgetRows,
        side: SidePanel,
        scene: SceneRenderer,
        actions: Mapping[str, Action],
        card: Callable[[], tuple[str, str, str] | None],
    ) -> None:
        self.play = play
        self.screen = screen
        self.scenario = scenario
        self.guide = guide
        self.follower = follower
        self.messages = messages
        self.saves = saves
        self.widgets = widgets
        self.side = side
        self.scene = scene
        self.actions = actions
        self.card_now = card
        self.help_rows_drawn: list[tuple[str, str, str]] = []
        self.labels_drawn = 0
        self.highlights_drawn = 0
        self.captures_drawn = 0
        self.placed: list = []
        """Per pane with labels: (pane rect, labels placed, keep-out rects), px (for tests)."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw one frame onto ``surface`` (re-lays-out if its size changed)."""
        screen, play = self.screen, self.play
        if screen.stale(surface.get_size()):
            screen.layout(surface.get_size())
        if screen.views_stale():  # a card or a course came or went: the scene resizes
            screen.place_views()
        th, fonts = screen.theme, screen.fonts
        surface.fill(th.background)
        scenes = [(screen.view, play.model, play.shown.flashes)]
        if play.control is not None:
            screen.control_view.copy_camera(screen.view)
            scenes.insert(0, (screen.control_view, play.control, play.shown.control_flashes))
        self.labels_drawn = 0
        self.highlights_drawn = 0
        self.placed = []
        keep, named = self._draw_scenes(surface, scenes)
        zone = self._draw_readouts(surface, keep)
        for k, view, items in named:  # names of the outlines, clear of the read-outs
            keep[k] += panels.draw_highlight_names(surface, view, th, fonts, items, keep[k])
        for (view, model, _), keepout in zip(scenes, keep, strict=True):
            if screen.show_labels:
                g = glyph_size_px(view, model.params.tile_nm, th)
                site_xy = self.scene.site_screen_positions(view, model, g)
                labels = layout_labels(view, model, site_xy, fonts, keepout)
                self.placed.append((view.rect.copy(), labels, keepout))
                self.labels_drawn += draw_labels(surface, view, th, fonts, labels)
        message = self.messages.showing()
        if message is not None:
            hud.draw_toast(surface, zone, message, th, fonts)
        self.side.draw(surface)
        self._draw_bar(surface)
        if self.widgets.strip is not None:
            self.widgets.strip.draw(surface, screen.theme, fonts)
        if screen.card_rect is not None and screen.card_shown is not None:
            cf = screen.card_fonts
            banner.draw_banner(surface, screen.card_rect, th, cf, *screen.card_shown)
        if screen.show_info:
            draw_info(surface, screen.view.rect, th, fonts, self.details())
        if screen.show_help:
            glyphs = self.scene.glyphs(int(round(16 * fonts.scale)))
            preset = self.scenario.preset
            self.help_rows_drawn = draw_help(
                surface,
                surface.get_rect(),
                th,
                fonts,
                f"{preset.title}: {preset.caption}",
                glyphs,
                actions=self.actions,
            )

    def _draw_scenes(
        self, surface: pygame.Surface, scenes: list[tuple]
    ) -> tuple[list[list[pygame.Rect]], list]:
        """The pictures, the tour's outlines and the capture flashes, then the scale bars.

        ``scenes``: (view, model, flashes) of each picture, the control's first.

        Returns the keep-out rects of each picture (its scale bars so far) and
        the outlines whose names are drawn later, (picture index, view, items).
        """
        play, th, fonts = self.play, self.screen.theme, self.screen.fonts
        shown = play.shown
        ap_glow = max(0.0, 1.0 - play.shown.ap_age_s / AP_FLASH_S)
        keep: list[list[pygame.Rect]] = []
        captures = (
            [shown.captures] if play.control is None else [shown.control_captures, shown.captures]
        )
        self.captures_drawn = 0
        highlight = self.guide.highlight
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
        return keep, named

    def _draw_readouts(self, surface: pygame.Surface, keep: list[list[pygame.Rect]]) -> pygame.Rect:
        """The trail, compare headers, clock, molecule story; returns the message zone.

        Adds what it drew (and the message zone, and the REC badge's place) to ``keep``.
        """
        screen, play = self.screen, self.play
        th, fonts, m = screen.theme, screen.fonts, play.model
        panels.draw_follow(surface, screen.view, th, self.follower, fonts.scale)
        if play.compare:
            self._draw_compare_headers(surface)
        hud_rect = hud.draw_time_hud(
            surface,
            screen.control_view if play.compare else screen.view,
            th,
            fonts,
            title=self.title(),
            time_us=m.time_us,
            playback_us_per_s=play.playback_us_per_s,
            achieved_us_per_s=None if play.scripted else play.achieved_us_per_s(),
            paused=play.paused,
            dt_ns=m.params.dt_ns,
            warp=play.warp_on,
            set_us_per_s=play.set_us_per_s_recent(),
        )
        keep[0].append(hud_rect.inflate(8, 8))
        v = screen.view
        band = (v.y_pre - 0.5 * v.cleft_px, v.y_post + 0.1 * v.cleft_px)  # cleft + receptors
        log_rect = panels.draw_follow_log(
            surface, v.rect, th, fonts, self.follower, clear_of=band, avoid=keep[-1] + [hud_rect]
        )
        if log_rect is not None:
            keep[-1].append(log_rect.inflate(8, 8))
        zone = (
            hud.toast_zone(screen.view.rect, fonts, share=1.0)  # the clock is in the other pane
            if play.compare
            else hud.toast_zone(screen.view.rect, fonts, hud_rect)
        )
        keep[-1].append(zone)
        if self.saves.video is not None and not play.scripted:  # the REC badge (after capture)
            w = fonts.width("REC 00:00  (V stops and saves)  0000 frames dropped")
            h = fonts.line_height("normal") + int(8 * fonts.scale)
            x, y = self.rec_anchor()
            keep[-1].append(pygame.Rect(x - w // 2, y - h, w, h))
        return zone

    def details(self) -> list[tuple[str, str]]:
        """The rows of the details table (X): :func:`render.synapse.info.info_rows`."""
        sc, screen = self.scenario, self.screen
        return info_rows(self.play, sc.preset, sc.seed, screen.size, screen.fonts.scale)

    def draw_rec_badge(self, surface: pygame.Surface, video: VideoRecorder) -> None:
        """'REC m:ss' at the foot of the scene while an interactive recording runs (not in the video)."""
        screen = self.screen
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
        r = self.screen.view.rect
        return (r.centerx, r.bottom - int(8 * self.screen.fonts.scale))

    def title(self) -> str:
        """The line above the clock: the scenario, or the treatment day (ids are on X)."""
        t = self.scenario.treatment
        if t is not None:
            drug = "on the SSRI" if t.on_drug else "no drug"
            return f"Treatment course, day {t.day} ({drug})"
        return self.scenario.preset.title

    def _draw_compare_headers(self, surface: pygame.Surface) -> None:
        screen = self.screen
        th, fonts = screen.theme, screen.fonts
        f = self.play.model.blockade
        right = f"SSRI: {f * 100:.0f}% of SERT blocked" if f > 0 else "your settings (no drug yet)"
        for rect, text, color in zip(
            screen.header_rects,
            ("NEVER GIVEN THE DRUG (control)", right),
            (th.plot_control, th.drug),
            strict=True,
        ):
            surface.fill(th.panel, rect)
            pygame.draw.line(surface, color, rect.bottomleft, rect.bottomright, max(2, th.line + 2))
            fonts.blit(surface, text, rect.center, screen.header_size, color, "center")

    def _draw_bar(self, surface: pygame.Surface) -> None:
        screen = self.screen
        hud.panel(surface, screen.bar_rect, screen.theme)
        for wd in self.widgets.bar:
            if wd.rect.w:
                wd.draw(surface, screen.theme, screen.bar_fonts)
