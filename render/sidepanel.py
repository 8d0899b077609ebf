"""The side panel: live charts of cleft 5-HT and receptor occupancy, counters, symbol key.

In a treatment timeline the lower half shows the treatment panel instead of
the counters. Reads the model(s) and the overlay; changes nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pygame

from . import hud, panels
from .legend import draw_counters, draw_legend, legend_height
from .plots import Series, draw_plot
from .text import fmt_duration_us, fmt_time_us, nice_ceil


class SidePanel:
    """Draws the side panel.

    Args:
        app: the window.
        scene: the scene renderer (for the symbol sprites).
    """

    def __init__(self, app: Any, scene) -> None:
        self.app = app
        self.scene = scene

    def draw(self, surface: pygame.Surface) -> None:
        """The side panel: live plots, then counters and legend (or the treatment panel)."""
        app = self.app
        screen, play = app.screen, app.play
        th, fonts, m, c = screen.theme, screen.fonts, play.model, play.control
        r = screen.side_rect
        hud.panel(surface, r, th)
        s = fonts.scale
        pad = int(10 * s)
        inner = r.inflate(-2 * pad, -2 * pad)
        lh = fonts.line_height("normal")
        g = int(round(16 * s))
        bottom = app.controls.side_buttons[0].rect.top - pad
        show_legend = False
        if app.course.treatment is not None:
            detail_h = int(330 * s)
            plot_h = int(min(150 * s, max(60 * s, (bottom - inner.top - detail_h) / 2)))
        else:
            counters_h = 8 * lh
            legend_h = legend_height(fonts, g)
            fixed = counters_h + legend_h + fonts.line_height("small") + 4 * pad
            plot_h = int(min(150 * s, (bottom - inner.top - fixed) / 2))
            show_legend = plot_h >= 90 * s
            if not show_legend:  # no room (large text): the help overlay shows the key instead
                plot_h = int(min(150 * s, (bottom - inner.top - fixed + legend_h) / 2))
        rec = m.recorder
        t_ms = rec.column("time_ms")
        window_us = app.plot_window_us()
        window_ms = window_us / 1000.0
        t_end = max(m.time_ms, window_ms)
        width = max(2, th.line + 1)
        pred = app.overlay.drawable(m)
        # Free 5-HT in the cleft, uM.
        # Only the samples in the window (and one before it) are scaled and drawn,
        # so the per-frame cost does not grow with the length of the run.
        i0 = int(np.searchsorted(t_ms, m.time_ms - window_ms))
        lo = max(0, i0 - 1)
        t_ms = t_ms[lo:]
        conc = rec.column("cleft_uM")[lo:]
        peaks = [float(conc[i0 - lo :].max()) if len(conc[i0 - lo :]) else 0.0]
        series: list[Series] = []
        legend: list[tuple[str, tuple[int, int, int]]] = []
        if c is not None:
            c_conc = c.recorder.column("cleft_uM")[lo:]
            peaks.append(float(c_conc[i0 - lo :].max()) if len(c_conc[i0 - lo :]) else 0.0)
            series.append(Series(c_conc, th.plot_control, width))
            legend.append(("no drug", th.plot_control))
            legend.append((f"SSRI {m.blockade * 100:.0f}%", th.plot_conc))
        series.append(Series(conc, th.plot_conc, width))
        if pred is not None and len(pred["time_ms"]):
            j0 = int(np.searchsorted(pred["time_ms"], m.time_ms - window_ms))
            if j0 < len(pred["cleft_uM"]):
                peaks.append(float(pred["cleft_uM"][j0:].max()))
            series.append(
                Series(pred["cleft_uM"], th.plot_ode, width, pred["time_ms"], dashed=True)
            )
        if app.overlay.enabled:
            if c is None:
                legend.append(("agents", th.plot_conc))
            legend.append(("mean-field ODE", th.plot_ode))
        y_max = nice_ceil(max(max(peaks), 1.0))
        p1 = pygame.Rect(inner.left, inner.top, inner.w, plot_h)
        now_c = float(conc[-1]) if len(conc) else 0.0
        draw_plot(
            surface,
            p1,
            th,
            fonts,
            title="Free 5-HT in cleft (µM)"
            if c is not None
            else f"Free 5-HT in cleft: {now_c:,.0f} µM",
            t_ms=t_ms,
            series=series,
            t_end_ms=t_end,
            window_ms=window_ms,
            y_max=y_max,
            y_fmt="{:,.0f}",
            legend=legend or None,
        )
        # Receptor occupancy with the blockade history.
        occ = rec.column("receptor_occupancy")[lo:]
        blk = rec.column("blockade")[lo:]
        p2 = pygame.Rect(inner.left, p1.bottom + pad, inner.w, plot_h)
        now_o = float(occ[-1]) if len(occ) else 0.0
        series = [Series(blk * 100.0, th.plot_blockade, width)]
        legend = []
        if c is not None:
            series.append(
                Series(c.recorder.column("receptor_occupancy")[lo:] * 100.0, th.plot_control, width)
            )
            legend.append(("no drug", th.plot_control))
        series.append(Series(occ * 100.0, th.plot_occupancy, width))
        if pred is not None and len(pred["time_ms"]):
            series.append(
                Series(
                    pred["receptor_occupancy"] * 100.0, th.plot_ode, width, pred["time_ms"], True
                )
            )
        legend += [
            ("SSRI" if c is not None else "bound", th.plot_occupancy),
            (f"{'blocked' if c is not None else 'SSRI'} {m.blockade * 100:.0f}%", th.plot_blockade),
        ]
        if pred is not None:
            legend.append(("ODE", th.plot_ode))
        draw_plot(
            surface,
            p2,
            th,
            fonts,
            title="Receptors bound (%)"
            if c is not None
            else f"Receptors bound: {now_o * 100:.0f}%",
            t_ms=t_ms,
            series=series,
            t_end_ms=t_end,
            window_ms=window_ms,
            y_max=100.0,
            y_fmt="{:.0f}%",
            legend=legend,
        )
        y = p2.bottom + 2
        note = f"plots: last {fmt_duration_us(window_us)} of simulated time"
        pred_t0 = app.overlay.result.t0_us if app.overlay.result is not None else 0.0
        if pred is not None and pred_t0 > 0:
            note += f"; ODE from t = {fmt_time_us(pred_t0)}"
        y = fonts.blit(surface, note, (inner.left, y), "small", th.text_dim).bottom + pad
        area = pygame.Rect(inner.left, y, inner.w, bottom - y)
        if app.course.treatment is not None:
            panels.draw_treatment(
                surface,
                area,
                th,
                fonts,
                app.course.treatment,
                m.firing_rate_hz,
                int(np.count_nonzero(m.sites.kind == 0)),
                app.course.signal_points(),
                app.course.computed_points(),
            )
        else:
            y = draw_counters(surface, area, m, th, fonts, c, th.plot_control) + pad
            if show_legend:
                draw_legend(
                    surface, pygame.Rect(inner.left, y, inner.w, 0), th, fonts, self.scene.glyphs(g)
                )
        for b in app.controls.side_buttons:
            b.draw(surface, th, fonts)
