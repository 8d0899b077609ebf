"""The Cleft window: event handling, the fixed-step loop, layout and drawing.

:class:`App` holds one :class:`sim.Synapse` and a view of it. Tests drive it
without a display: ``handle_event(event)`` (or ``pump()`` for the queue),
``update(real_dt_s)`` and ``draw(surface)``. :func:`run_app` opens the real
window (or, with ``frames``, draws that many frames deterministically and can
save the last one as PNG).

The model only ever advances through ``Synapse.step()``, a whole number of
times per frame decided by :class:`render.clock.FixedStepClock`; the same seed
and the same number of steps give the same numbers as a headless run.
"""

from __future__ import annotations

import math
import time
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np
import pygame

from sim import Synapse
from sim.presets import Preset, load_preset

from . import hud
from .clock import TICKS_PER_S, FixedStepClock, ticks_from_seconds, ticks_per_frame
from .colors import theme as get_theme
from .constants import (
    ACHIEVED_WINDOW_S,
    AP_FLASH_S,
    BLOCKADE_STEP,
    FLASH_S,
    MAX_FRAME_S,
    NOMINAL_FPS,
    PLOT_SCREEN_S,
    RATE_CHOICES_HZ,
    REFERENCE_SIZE_PX,
    SPEED_CHOICES_US_PER_S,
    STEP_BUDGET_S,
    TOAST_S,
    ZOOM_STEP,
)
from .keys import action_for
from .scene import Flash, SceneRenderer, glyph_size_px
from .view import View
from .widgets import Button, Slider, Stepper, Widget

WINDOW_TITLE = "Cleft - a serotonin synapse, molecule by molecule"
MIN_SIZE = (320, 240)
MAX_SIZE = (7680, 4320)


def _fmt_rate(hz: float) -> str:
    return f"{hz:,.0f} Hz" if hz >= 1 or hz == 0 else f"{hz:g} Hz"


def _fmt_speed(us_per_s: float) -> str:
    return f"{hud.fmt_duration_us(us_per_s)}/s"


class App:
    """The interactive visualiser, drawable on any surface.

    Args:
        preset: a resolved preset (parameters, title, playback speed).
        seed: model seed (same seed, same steps -> same numbers).
        size: window size (width, height), px.
        scripted: advance a fixed number of steps per frame (the preset's
            playback speed at a nominal 60 fps) regardless of wall time.
        projector: start in the projector colour profile.
        screenshot_dir: where the S key saves PNGs (default: current folder).
    """

    def __init__(
        self,
        preset: Preset,
        seed: int = 0,
        size: tuple[int, int] = REFERENCE_SIZE_PX,
        *,
        scripted: bool = False,
        projector: bool = False,
        screenshot_dir: str | Path | None = None,
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.preset = preset
        self.seed = seed
        self.scripted = scripted
        self.model = Synapse(preset.params, seed=seed)
        self.clock = FixedStepClock(preset.params.dt_ns, preset.playback_us_per_s)
        self.paused = False
        self.running = True
        self.projector = projector
        self.theme = get_theme(projector)
        self.show_labels = False
        self.show_help = False
        self.frame_index = 0
        self.screen_time_s = 0.0
        self.flashes: list[Flash] = []
        self.ap_age_s = math.inf
        self.toast: tuple[str, float] | None = None
        self.fullscreen_requested = False
        self.screenshot_dir = Path(screenshot_dir) if screenshot_dir else Path.cwd()
        self.last_screenshot: Path | None = None
        self._screenshot_pending = False
        self._step_cost_s = 2.0e-5
        self._achieved: deque[tuple[float, int]] = deque()
        self._drag_from: tuple[int, int] | None = None
        self.help_rows_drawn: list[tuple[str, str, str]] = []
        self.labels_drawn = 0

        p = preset.params
        self.speed_choices = tuple(sorted({*SPEED_CHOICES_US_PER_S, preset.playback_us_per_s}))
        self.rate_choices = tuple(sorted({*RATE_CHOICES_HZ, float(p.firing_rate_hz)}))
        self.scene = SceneRenderer(self.theme)
        self.size = (0, 0)
        self.fonts = hud.Fonts(1.0)
        self.view = View(
            p.cleft_width_nm, p.terminal_radius_nm, p.outer_radius_nm, pygame.Rect(0, 0, 640, 360)
        )
        self._build_widgets()
        self.layout(size)

    # ----------------------------------------------------------------- model
    @property
    def playback_us_per_s(self) -> float:
        """Set playback speed: simulated us per second on screen."""
        return self.clock.playback_us_per_s

    def set_blockade(self, fraction: float) -> None:
        """SSRI blockade, fraction of SERT 0..1; the model follows at once."""
        f = float(min(1.0, max(0.0, fraction)))
        self.model.set_blockade(round(f, 6))

    def set_firing_rate(self, hz: float) -> None:
        """Action-potential rate from now on, Hz."""
        self.model.set_firing_rate(float(hz))

    def set_speed(self, us_per_s: float) -> None:
        """Playback speed, simulated us per second on screen."""
        self.clock.set_speed(float(us_per_s))
        self._achieved.clear()

    def reset(self) -> None:
        """Restart the model at t = 0 with the same seed, keeping blockade, rate and speed."""
        blockade, rate = self.model.blockade, self.model.firing_rate_hz
        self.model = Synapse(self.preset.params, seed=self.seed)
        if blockade != self.model.blockade:
            self.model.set_blockade(blockade)
        if rate != self.model.firing_rate_hz:
            self.model.set_firing_rate(rate)
        self.clock.reset()
        self.flashes.clear()
        self.ap_age_s = math.inf
        self._achieved.clear()

    def _advance(self, n_steps: int) -> None:
        """Step the model ``n_steps`` times and note fusions and action potentials to show."""
        if n_steps <= 0:
            return
        m = self.model
        dock_before = m.dock_vesicle.copy()
        spikes_before = len(m.spike_log)
        t0 = time.perf_counter()
        for _ in range(n_steps):
            m.step()
        cost = (time.perf_counter() - t0) / n_steps
        self._step_cost_s = 0.8 * self._step_cost_s + 0.2 * cost
        if len(m.spike_log) > spikes_before:
            self.ap_age_s = 0.0
            _, fused, p_rel = m.spike_log[-1]
            fused_total = sum(s[1] for s in m.spike_log[spikes_before:])
            n_ap = len(m.spike_log) - spikes_before
            what = "action potential" if n_ap == 1 else f"{n_ap} action potentials"
            self.toast = (
                f"{what}: {fused_total} vesicle{'s' if fused_total != 1 else ''} fused "
                f"(p = {p_rel:.2f} per docked vesicle)",
                self.screen_time_s,
            )
        # A vesicle leaves its dock only by fusing (sim/model.py _action_potential).
        had = np.flatnonzero(dock_before >= 0)
        left = had[m.vesicle_dock[dock_before[had]] != had]
        for d in left.tolist():
            self.flashes.append(Flash(float(m.dock_xyz[d, 0]), float(m.dock_xyz[d, 1])))

    def achieved_us_per_s(self) -> float | None:
        """Playback speed actually achieved over the last second of screen time, or None."""
        if len(self._achieved) < 2:
            return None
        (t0, s0), (t1, s1) = self._achieved[0], self._achieved[-1]
        if t1 - t0 < 0.3 * ACHIEVED_WINDOW_S:
            return None
        return (s1 - s0) * self.model.dt_us / (t1 - t0)

    # ----------------------------------------------------------------- loop
    def update(self, real_dt_s: float) -> int:
        """Advance by one frame of ``real_dt_s`` wall seconds; returns model steps taken.

        Interactive: the wall time (clamped to ``MAX_FRAME_S``) feeds the
        integer accumulator, and the steps are capped to a CPU budget (the
        on-screen 'achieved' speed then drops). Scripted: exactly 1/60 s per
        frame, no cap, so the step count never depends on the machine.
        """
        if self.scripted:
            ticks = ticks_per_frame(NOMINAL_FPS, self.frame_index)
            max_steps = None
        else:
            ticks = ticks_from_seconds(min(max(real_dt_s, 0.0), MAX_FRAME_S))
            max_steps = max(1, int(STEP_BUDGET_S / max(self._step_cost_s, 1e-9)))
        wall_s = ticks / TICKS_PER_S
        self.frame_index += 1
        self.screen_time_s += wall_s
        self.ap_age_s += wall_s
        for f in self.flashes:
            f.age_s += wall_s
        self.flashes = [f for f in self.flashes if f.age_s < FLASH_S]
        steps = 0
        if not self.paused:
            steps = self.clock.advance(ticks, max_steps)
            self._advance(steps)
            self._achieved.append((self.screen_time_s, self.model.step_index))
            while self._achieved and self.screen_time_s - self._achieved[0][0] > ACHIEVED_WINDOW_S:
                self._achieved.popleft()
        return steps

    # --------------------------------------------------------------- events
    def pump(self) -> None:
        """Handle every event waiting in pygame's queue."""
        for event in pygame.event.get():
            self.handle_event(event)

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to one pygame event (keys via the bindings table, mouse via widgets/view)."""
        t = event.type
        if t == pygame.QUIT:
            self.running = False
        elif t == pygame.VIDEORESIZE:
            self.layout(event.size)
        elif t == pygame.KEYDOWN:
            action = action_for(event.key, getattr(event, "mod", 0))
            if action is not None:
                self.do(action)
        elif t in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            self._mouse(event)
        elif t == pygame.MOUSEWHEEL:
            pos = pygame.mouse.get_pos()
            if not self.view.rect.collidepoint(pos):
                pos = self.view.rect.center
            self.view.zoom_at(ZOOM_STEP ** getattr(event, "y", 0), pos)

    def _mouse(self, event: pygame.event.Event) -> None:
        if self.show_help and event.type == pygame.MOUSEBUTTONDOWN:
            self.show_help = False
            return
        for w in self.widgets:
            if w.handle_event(event):
                return
        pos = getattr(event, "pos", None)
        if event.type == pygame.MOUSEBUTTONDOWN and pos and getattr(event, "button", 1) == 1:
            if self.view.rect.collidepoint(pos):
                self._drag_from = tuple(pos)
        elif event.type == pygame.MOUSEMOTION and self._drag_from is not None and pos:
            self.view.pan(pos[0] - self._drag_from[0], pos[1] - self._drag_from[1])
            self._drag_from = tuple(pos)
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            self._drag_from = None

    def do(self, action: str) -> None:
        """Run a bound action by its id (see :data:`render.keys.BINDINGS`)."""
        getattr(self, f"do_{action}")()

    def do_toggle_pause(self) -> None:
        """Play / pause."""
        self.paused = not self.paused
        self._achieved.clear()
        self.clock.reset()

    def do_step(self) -> None:
        """One model step (pauses first if playing)."""
        self.paused = True
        self._achieved.clear()
        self._advance(1)

    def do_speed_up(self) -> None:
        """Next faster playback speed."""
        self.set_speed(self.speed_stepper.neighbour(+1))

    def do_speed_down(self) -> None:
        """Next slower playback speed."""
        self.set_speed(self.speed_stepper.neighbour(-1))

    def do_reset(self) -> None:
        """Restart at t = 0."""
        self.reset()
        self._say("restarted at t = 0 (same seed)")

    def do_fire(self) -> None:
        """Queue one action potential at the next step."""
        self.model.fire()
        if self.paused:
            self._say("action potential queued: press Space to play or Right to step")

    def do_blockade_up(self) -> None:
        """Blockade +5%."""
        self.set_blockade(round(self.model.blockade / BLOCKADE_STEP + 1) * BLOCKADE_STEP)

    def do_blockade_down(self) -> None:
        """Blockade -5%."""
        self.set_blockade(round(self.model.blockade / BLOCKADE_STEP - 1) * BLOCKADE_STEP)

    def do_rate_up(self) -> None:
        """Next higher firing rate."""
        self.set_firing_rate(self.rate_stepper.neighbour(+1))

    def do_rate_down(self) -> None:
        """Next lower firing rate."""
        self.set_firing_rate(self.rate_stepper.neighbour(-1))

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

    def do_projector(self) -> None:
        """Switch between the default and the projector profile."""
        self.projector = not self.projector
        self.theme = get_theme(self.projector)
        self.scene.set_theme(self.theme)
        self.layout(self.size, force=True)

    def do_fullscreen(self) -> None:
        """Ask the window loop to toggle fullscreen."""
        self.fullscreen_requested = True

    def do_help(self) -> None:
        """Help overlay on / off."""
        self.show_help = not self.show_help

    def do_screenshot(self) -> None:
        """Save the next drawn frame as PNG in ``screenshot_dir``."""
        self._screenshot_pending = True

    def do_quit(self) -> None:
        """Close the help overlay if open, else quit."""
        if self.show_help:
            self.show_help = False
        else:
            self.running = False

    def _say(self, text: str) -> None:
        self.toast = (text, self.screen_time_s)

    # --------------------------------------------------------------- layout
    def _build_widgets(self) -> None:
        self.pause_button = Button(
            lambda: "Play" if self.paused else "Pause", self.do_toggle_pause, "Space"
        )
        self.step_button = Button(lambda: "Step", self.do_step, "Right arrow")
        self.fire_button = Button(lambda: "Fire AP", self.do_fire, "F")
        self.reset_button = Button(lambda: "Reset", self.do_reset, "R")
        self.blockade_slider = Slider(
            "SSRI blockade of SERT (Up/Down, [ ])",
            lambda: self.model.blockade,
            self.set_blockade,
            lambda v: f"{v * 100:.0f}%",
            ticks=((0.8, "80% = typical dose"),),
        )
        self.rate_stepper = Stepper(
            "Firing rate ( , . )",
            self.rate_choices,
            lambda: self.model.firing_rate_hz,
            self.set_firing_rate,
            _fmt_rate,
        )
        self.speed_stepper = Stepper(
            "Playback ( - + )",
            self.speed_choices,
            lambda: self.playback_us_per_s,
            self.set_speed,
            _fmt_speed,
        )
        self.bar_widgets: list[Widget] = [
            self.pause_button,
            self.step_button,
            self.fire_button,
            self.reset_button,
            self.blockade_slider,
            self.rate_stepper,
            self.speed_stepper,
        ]
        self.side_buttons: list[Widget] = [
            Button(lambda: "Labels (L)", self.do_labels, on=lambda: self.show_labels),
            Button(
                lambda: "Cleft zoom (Z)", self.do_zoom_cleft, on=lambda: self.view.mode == "cleft"
            ),
            Button(lambda: "Projector (P)", self.do_projector, on=lambda: self.projector),
            Button(lambda: "Help (H)", self.do_help, on=lambda: self.show_help),
        ]
        self.widgets = self.bar_widgets + self.side_buttons

    def ui_scale(self, size: tuple[int, int]) -> float:
        """Interface scale for a window size: 1 at 1280x720, times the profile's factor."""
        w, h = size
        base = min(w / REFERENCE_SIZE_PX[0], h / REFERENCE_SIZE_PX[1])
        return float(np.clip(base, 0.7, 2.4)) * self.theme.ui_scale

    def layout(self, size: tuple[int, int], force: bool = False) -> None:
        """Place the scene, the side panel and the control bar for a window ``size`` (px)."""
        size = (max(MIN_SIZE[0], int(size[0])), max(MIN_SIZE[1], int(size[1])))
        if size == self.size and not force:
            return
        self.size = size
        w, h = size
        s = self.ui_scale(size)
        if force or abs(self.fonts.scale - s) > 1e-6:
            self.fonts = hud.Fonts(s)
        for wd in self.widgets:
            wd.scale = s
        side_w = int(min(max(300 * s, 0.23 * w), 0.45 * w))
        scene_w = w - side_w
        # Control bar across the whole width: flow the widgets left to right, wrapping.
        cap_h = self.fonts.line_height("small") + int(4 * s)
        wid_h = int(34 * s)
        row_h = cap_h + wid_h + int(10 * s) + self.fonts.line_height("small")
        gap = int(12 * s)
        rows: list[list[tuple[Widget, int]]] = [[]]
        x = gap
        for wd in self.bar_widgets:
            pw = wd.preferred_width(self.fonts)
            if x + pw > w - gap and rows[-1]:
                rows.append([])
                x = gap
            rows[-1].append((wd, pw))
            x += pw + gap
        bar_h = row_h * len(rows)
        self.bar_rect = pygame.Rect(0, h - bar_h, w, bar_h)
        for ri, row in enumerate(rows):
            x = gap
            y = self.bar_rect.top + ri * row_h + cap_h + int(2 * s)
            for wd, pw in row:
                wd.rect = pygame.Rect(x, y, pw, wid_h)
                x += pw + gap
        self.side_rect = pygame.Rect(scene_w, 0, side_w, h - bar_h)
        self.view.set_rect(pygame.Rect(0, 0, scene_w, h - bar_h))
        # Side buttons: a 2 x 2 grid at the bottom of the side panel.
        pad = int(10 * s)
        bw = (side_w - 3 * pad) // 2
        bh = int(32 * s)
        for i, b in enumerate(self.side_buttons):
            col, row = i % 2, i // 2
            b.rect = pygame.Rect(
                scene_w + pad + col * (bw + pad),
                self.side_rect.bottom - (2 - row) * (bh + pad),
                bw,
                bh,
            )

    # ----------------------------------------------------------------- draw
    def draw(self, surface: pygame.Surface) -> None:
        """Draw one frame onto ``surface`` (re-lays-out if its size changed)."""
        if surface.get_size() != self.size:
            self.layout(surface.get_size())
        th, fonts, m = self.theme, self.fonts, self.model
        surface.fill(th.background)
        ap_glow = max(0.0, 1.0 - self.ap_age_s / AP_FLASH_S)
        self.scene.draw(surface, self.view, m, self.flashes, ap_glow)
        self.labels_drawn = 0
        if self.show_labels:
            g = glyph_size_px(self.view, m.params.tile_nm, th)
            site_xy = self.scene.site_screen_positions(self.view, m, g)
            self.labels_drawn = hud.draw_labels(surface, self.view, m, th, fonts, site_xy)
        hud.draw_scale_bars(surface, self.view, th, fonts)
        hud_rect = hud.draw_time_hud(
            surface,
            self.view,
            th,
            fonts,
            title=f"{self.preset.title}   (preset '{self.preset.name}', seed {self.seed})",
            time_us=m.time_us,
            playback_us_per_s=self.playback_us_per_s,
            achieved_us_per_s=None if self.scripted else self.achieved_us_per_s(),
            paused=self.paused,
            dt_ns=m.params.dt_ns,
        )
        if self.toast and self.screen_time_s - self.toast[1] < TOAST_S:
            hud.draw_toast(surface, self.view.rect, self.toast[0], th, fonts, avoid=hud_rect)
        self._draw_side(surface)
        self._draw_bar(surface)
        if self.show_help:
            glyphs = self.scene.glyphs(int(round(16 * fonts.scale)))
            self.help_rows_drawn = hud.draw_help(
                surface, surface.get_rect(), th, fonts, self.preset.caption, glyphs
            )
        if self._screenshot_pending:
            self._screenshot_pending = False
            self._save_screenshot(surface)

    def _draw_side(self, surface: pygame.Surface) -> None:
        th, fonts, m = self.theme, self.fonts, self.model
        r = self.side_rect
        hud.panel(surface, r, th)
        s = fonts.scale
        pad = int(10 * s)
        inner = r.inflate(-2 * pad, -2 * pad)
        lh = fonts.line_height("normal")
        g = int(round(16 * s))
        counters_h = 8 * lh
        legend_h = hud.legend_height(fonts, g)
        bottom = self.side_buttons[0].rect.top - pad
        fixed = counters_h + legend_h + fonts.line_height("small") + 4 * pad
        plot_h = int(min(150 * s, (bottom - inner.top - fixed) / 2))
        show_legend = plot_h >= 90 * s
        if not show_legend:  # no room (large text): the help overlay shows the key instead
            plot_h = int(min(150 * s, (bottom - inner.top - fixed + legend_h) / 2))
        rec = m.recorder
        t_ms = rec.column("time_ms")
        window_us = hud.plot_window_us(self.playback_us_per_s, PLOT_SCREEN_S)
        window_ms = window_us / 1000.0
        t_end = max(m.time_ms, window_ms)
        # Free 5-HT in the cleft, uM.
        conc = rec.column("cleft_uM")
        i0 = int(np.searchsorted(t_ms, m.time_ms - window_ms))
        peak = float(conc[i0:].max()) if len(conc[i0:]) else 0.0
        y_max = hud.nice_ceil(max(peak, 1.0))
        width = max(2, th.line + 1)
        p1 = pygame.Rect(inner.left, inner.top, inner.w, plot_h)
        now_c = float(conc[-1]) if len(conc) else 0.0
        hud.draw_plot(
            surface,
            p1,
            th,
            fonts,
            title=f"Free 5-HT in cleft: {now_c:,.0f} µM",
            t_ms=t_ms,
            series=[(conc, th.plot_conc, width)],
            t_end_ms=t_end,
            window_ms=window_ms,
            y_max=y_max,
            y_fmt="{:,.0f}",
        )
        # Receptor occupancy with the blockade history.
        occ = rec.column("receptor_occupancy")
        blk = rec.column("blockade")
        p2 = pygame.Rect(inner.left, p1.bottom + pad, inner.w, plot_h)
        now_o = float(occ[-1]) if len(occ) else 0.0
        hud.draw_plot(
            surface,
            p2,
            th,
            fonts,
            title=f"Receptors bound: {now_o * 100:.0f}%",
            t_ms=t_ms,
            series=[
                (blk * 100.0, th.plot_blockade, width),
                (occ * 100.0, th.plot_occupancy, width),
            ],
            t_end_ms=t_end,
            window_ms=window_ms,
            y_max=100.0,
            y_fmt="{:.0f}%",
            legend=[
                ("bound", th.plot_occupancy),
                (f"SSRI {m.blockade * 100:.0f}%", th.plot_blockade),
            ],
        )
        y = p2.bottom + 2
        y = (
            fonts.blit(
                surface,
                f"plots: last {hud.fmt_duration_us(window_us)} of simulated time",
                (inner.left, y),
                "small",
                th.text_dim,
            ).bottom
            + pad
        )
        y = hud.draw_counters(surface, pygame.Rect(inner.left, y, inner.w, 0), m, th, fonts) + pad
        if show_legend:
            hud.draw_legend(
                surface, pygame.Rect(inner.left, y, inner.w, 0), th, fonts, self.scene.glyphs(g)
            )
        for b in self.side_buttons:
            b.draw(surface, th, fonts)

    def _draw_bar(self, surface: pygame.Surface) -> None:
        hud.panel(surface, self.bar_rect, self.theme)
        for wd in self.bar_widgets:
            wd.draw(surface, self.theme, self.fonts)

    def _save_screenshot(self, surface: pygame.Surface) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = self.screenshot_dir / f"cleft-{stamp}.png"
        k = 1
        while path.exists():
            path = self.screenshot_dir / f"cleft-{stamp}-{k}.png"
            k += 1
        try:
            pygame.image.save(surface, str(path))
        except (pygame.error, OSError) as exc:
            self._say(f"screenshot failed: {exc}")
            return
        self.last_screenshot = path
        self._say(f"saved {path.name}")


# ------------------------------------------------------------------ window
def _check_args(
    preset_name: Any,
    overrides: Any,
    seed: Any,
    size: Any,
    frames: Any,
    screenshot: Any,
    blockade: Any,
    fullscreen: Any,
) -> None:
    if not isinstance(preset_name, str) or not preset_name:
        raise ValueError(f"preset = {preset_name!r} must be a preset name")
    if overrides is not None and not isinstance(overrides, dict):
        raise ValueError(f"overrides = {overrides!r} must be a dict of parameter values")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number >= 0")
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in size)
        or not (MIN_SIZE[0] <= size[0] <= MAX_SIZE[0] and MIN_SIZE[1] <= size[1] <= MAX_SIZE[1])
    ):
        raise ValueError(
            f"size = {size!r} must be (width, height) in [{MIN_SIZE[0]}, {MAX_SIZE[0]}] x "
            f"[{MIN_SIZE[1]}, {MAX_SIZE[1]}] px"
        )
    if frames is not None and (
        isinstance(frames, bool) or not isinstance(frames, int) or frames < 1
    ):
        raise ValueError(f"frames = {frames!r} must be a whole number >= 1")
    if screenshot is not None:
        if frames is None:
            raise ValueError("screenshot needs frames (draw N frames, then save the last)")
        path = Path(screenshot)
        if path.suffix.lower() != ".png":
            raise ValueError(f"screenshot = {screenshot!r} must be a .png path")
        if not path.parent.resolve().is_dir():
            raise ValueError(f"screenshot folder {str(path.parent)!r} does not exist")
    if blockade is not None and (
        isinstance(blockade, bool)
        or not isinstance(blockade, (int, float))
        or not (math.isfinite(blockade) and 0.0 <= blockade <= 1.0)
    ):
        raise ValueError(f"blockade = {blockade!r} is out of range [0.0, 1.0]")
    if not isinstance(fullscreen, bool):
        raise ValueError(f"fullscreen = {fullscreen!r} must be True or False")


def _set_mode(size: tuple[int, int], fullscreen: bool) -> pygame.Surface:
    if fullscreen:
        try:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        except pygame.error:
            pass
    return pygame.display.set_mode(size, pygame.RESIZABLE)


def run_app(
    preset_name: str,
    overrides: dict | None,
    seed: int,
    size: tuple[int, int],
    frames: int | None = None,
    screenshot: str | None = None,
    blockade: float | None = None,
    fullscreen: bool = False,
) -> int:
    """Open the Cleft window; returns the exit code (0).

    Args:
        preset_name: preset name (``assets/presets``) or a .toml path.
        overrides: parameter values applied on top of the preset.
        seed: model seed.
        size: window size (width, height), px.
        frames: draw exactly this many frames, then exit. Each frame advances
            the model by the preset's playback speed at a nominal 60 fps
            (deterministic; works under ``SDL_VIDEODRIVER=dummy``).
        screenshot: with ``frames``, save the last frame to this PNG path.
        blockade: initial SSRI blockade, fraction of SERT 0..1.
        fullscreen: start fullscreen (F11 toggles).

    Raises:
        ValueError: any invalid argument (one-line message); preset errors
            (:class:`sim.presets.PresetError`) are ValueErrors too.
    """
    _check_args(preset_name, overrides, seed, size, frames, screenshot, blockade, fullscreen)
    preset = load_preset(preset_name, overrides or None)
    pygame.display.init()
    pygame.font.init()
    try:
        screen = _set_mode(tuple(size), fullscreen)
        pygame.display.set_caption(WINDOW_TITLE)
        pygame.key.set_repeat(350, 45)
        app = App(preset, seed, screen.get_size(), scripted=frames is not None)
        if blockade is not None:
            app.set_blockade(float(blockade))
        is_fullscreen = bool(screen.get_flags() & pygame.FULLSCREEN)
        windowed_size = tuple(size)
        timer = pygame.time.Clock()
        drawn = 0
        while app.running:
            app.pump()
            if not app.running:
                break
            if app.fullscreen_requested:
                app.fullscreen_requested = False
                if not is_fullscreen:
                    windowed_size = screen.get_size()
                is_fullscreen = not is_fullscreen
                screen = _set_mode(windowed_size, is_fullscreen)
                is_fullscreen = bool(screen.get_flags() & pygame.FULLSCREEN)
            screen = pygame.display.get_surface()
            dt_s = 0.0 if frames is not None else timer.tick(NOMINAL_FPS) / 1000.0
            app.update(dt_s)
            app.draw(screen)
            pygame.display.flip()
            drawn += 1
            if frames is not None and drawn >= frames:
                break
        if screenshot is not None and drawn:
            pygame.image.save(screen, str(screenshot))
    finally:
        pygame.quit()
    return 0
