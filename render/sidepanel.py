"""The side panel: three big numbers, two charts that show the SSRI's effect, the symbol key.

From the top:

* the read-out a hall can see: SSRI block (% of SERT), free 5-HT in the
  cleft now (uM) and receptors bound now (%); in compare mode a second row
  gives the SSRI / no-drug ratio of each, averaged over the charts' window;
* free 5-HT in the cleft on a log axis, so the tail after a release (tens of
  uM), where the SSRI's effect is, reads as clearly as the peak (thousands);
* receptors bound (%), with the blockade in single mode;
* (the treatment chart of a course is drawn here too, in its strip below the scene);
* the key to the symbols (in small text if room is short; in the help overlay, H, when
  it would cost one of the charts).

One colour per meaning in every chart (see ``Theme.plot_control``); legends
sit between a chart's title and its data, never on the traces. The event
counters are on the info key (X). Reads the model(s) and the overlay;
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pygame

from render.common.constants import CHART_SHARE
from render.common.legend import draw_legend, legend_height
from render.common.plots import Series, chrome_height, draw_plot
from render.common.text import fmt_duration_us, fmt_time_us, nice_ceil
from render.common.widgets import WidgetRows
from render.lecture.course import Course
from render.lecture.overlay import MeanFieldOverlay
from render.lecture.treatment_chart import draw_treatment
from render.screen import Screen
from render.synapse import hud
from render.synapse.playback import Playback
from render.synapse.scene import SceneRenderer
from sim.synapse import states as S

LOG_FLOOR_UM = 1.0
"""Bottom of the cleft 5-HT chart's log axis, uM."""


@dataclass(frozen=True)
class Effect:
    """The read-out numbers (see :func:`effect_numbers`)."""

    blockade: float
    cleft_uM: float
    bound: float
    cleft_ratio: float | None = None
    bound_ratio: float | None = None


def _window_mean(model, name: str, window_ms: float) -> float:
    rec = model.recorder
    t = rec.column("time_ms")
    v = rec.column(name)
    if len(t) == 0:
        return 0.0
    i0 = int(np.searchsorted(t, t[-1] - window_ms))
    return float(np.mean(v[i0:]))


def effect_numbers(model, control, window_ms: float) -> Effect:
    """The read-out: blockade, free cleft 5-HT now (uM), receptors bound now (fraction).

    With a ``control``, also the SSRI / no-drug ratio of the means of each over
    the last ``window_ms`` (None when the control's mean is 0).
    """
    cleft_ratio = bound_ratio = None
    if control is not None:
        ratios = []
        for name in ("cleft_uM", "receptor_occupancy"):
            ref = _window_mean(control, name, window_ms)
            ratios.append(_window_mean(model, name, window_ms) / ref if ref > 0 else None)
        cleft_ratio, bound_ratio = ratios
    return Effect(
        float(model.blockade),
        float(model.cleft_concentration_uM()),  # now, not at the last sample: in slow
        float(model.occupancy(S.SITE_RECEPTOR)),  # motion a sample can be seconds old
        cleft_ratio,
        bound_ratio,
    )


def _fmt_uM(c: float) -> str:
    return f"{c:,.0f} µM" if c >= 10 else f"{c:.1f} µM"


def _fmt_ratio(r: float | None) -> str:
    return "-" if r is None else f"×{r:.1f}"


class SidePanel:
    """Draws the side panel.

    Args:
        play: the model(s) read out and charted.
        screen: the panel's place, colours and fonts.
        course: the treatment timeline (its chart, in a course).
        overlay: the mean-field prediction drawn dashed.
        widgets: the side buttons, drawn at the panel's foot.
        scene: the scene renderer (for the symbol sprites).
    """

    def __init__(
        self,
        play: Playback,
        screen: Screen,
        course: Course,
        overlay: MeanFieldOverlay,
        widgets: WidgetRows,
        scene: SceneRenderer,
    ) -> None:
        self.play = play
        self.screen = screen
        self.course = course
        self.overlay = overlay
        self.widgets = widgets
        self.scene = scene
        self.last_effect: Effect | None = None
        self.chart_rects: list[pygame.Rect] = []
        """The two charts drawn last (data areas), px (for tests)."""
        self.legend_size: str | None = None
        """Text size the key to the symbols was drawn in last."""

    # ------------------------------------------------------------ read-out
    def _readout(self, surface: pygame.Surface, rect: pygame.Rect, eff: Effect) -> int:
        """Big numbers in tiles across ``rect``; returns the bottom y.

        In compare mode a second, single line gives each ratio (SSRI ÷ drug-free
        control) beside its name, in the big size: the charts below keep their
        height. Its height is the same whether or not the ratios exist yet, so
        the layout never jumps.
        """
        th, fonts = self.screen.theme, self.screen.fonts
        s = fonts.scale
        row = [
            (f"{eff.blockade * 100:.0f}%", "SSRI block", th.drug),
            (_fmt_uM(eff.cleft_uM), "free 5-HT", th.plot_conc),
            (f"{eff.bound * 100:.0f}%", "receptors bound", th.plot_occupancy),
        ]
        y = rect.top
        tile_w = rect.w // 3
        for k, (value, caption, color) in enumerate(row):
            cx = rect.left + k * tile_w + tile_w // 2
            size = "huge" if fonts.width(value, "huge") <= tile_w - 4 else "big"
            if fonts.width(value, size) > tile_w - 4:
                size = "normal"
            vr = fonts.blit(surface, value, (cx, y), size, color, "midtop")
            fonts.blit(surface, caption, (cx, vr.bottom), "small", th.text_dim, "midtop")
        y += fonts.line_height("huge") + fonts.line_height("small") + int(4 * s)
        if self.play.control is None:
            return y
        line_h = fonts.line_height("big")
        mid = y + line_h // 2
        fonts.blit(surface, "SSRI ÷ no drug", (rect.left + tile_w // 2, mid), "small",
                   th.text_dim, "center")  # fmt: skip
        ratios = (
            (_fmt_ratio(eff.cleft_ratio), "5-HT", th.plot_conc),
            (_fmt_ratio(eff.bound_ratio), "bound", th.plot_occupancy),
        )
        gap = int(6 * s)
        fits = all(
            fonts.width(v, "big") + gap + fonts.width(c, "small") <= tile_w - 4
            for v, c, _ in ratios
        )
        size = "big" if fits else "normal"  # one size for both ratios
        for k, (value, caption, color) in enumerate(ratios, start=1):
            w = fonts.width(value, size) + gap + fonts.width(caption, "small")
            left = rect.left + k * tile_w + (tile_w - w) // 2
            vr = fonts.blit(surface, value, (left, mid), size, color, "midleft")
            fonts.blit(surface, caption, (vr.right + gap, mid), "small", th.text_dim, "midleft")
        return y + line_h + int(4 * s)

    # --------------------------------------------------------------- draw
    def draw(self, surface: pygame.Surface) -> None:
        """The side panel (see the module docstring)."""
        screen, play, course, overlay = self.screen, self.play, self.course, self.overlay
        th, fonts, m, c = screen.theme, screen.fonts, play.model, play.control
        r = screen.side_rect
        hud.panel(surface, r, th)
        s = fonts.scale
        pad = int(10 * s)
        inner = r.inflate(-2 * pad, -2 * pad)
        bottom = self.widgets.side[0].rect.top - pad
        window_us = play.plot_window_us()
        window_ms = window_us / 1000.0
        eff = effect_numbers(m, c, window_ms)
        self.last_effect = eff
        y = self._readout(surface, inner, eff) + pad // 2

        # Room: the two time charts, each at least CHART_SHARE of the window's height, then the
        # key to the symbols (normal, small, or left to the help overlay, H, when it would cost
        # the charts their height). The treatment chart has its strip below the scene.
        note_h = fonts.line_height("small") + pad
        min_chart = int(60 * s)
        least = CHART_SHARE[play.control is not None] * screen.size[1]
        chrome = max(
            chrome_height(fonts, self._legend(label), inner.w)
            for label in ("mean-field ODE (dashed)", "ODE (dashed)")
        )
        keys = (("normal", int(round(14 * s))), ("small", int(round(11 * s))), (None, 0))
        for size, g in keys:
            key_h = legend_height(fonts, g, size) if size else 0
            room = bottom - y - key_h - note_h - pad
            n_charts = 2 if room >= 2 * min_chart + pad else (1 if room >= min_chart else 0)
            if n_charts == 2 and (room - pad) // 2 - chrome >= least:
                break
        self.chart_rects = []
        if n_charts:
            plot_h = (room - pad * (n_charts - 1)) // n_charts
            p1 = pygame.Rect(inner.left, y, inner.w, plot_h)
            self.chart_rects.append(self._cleft_chart(surface, p1, window_ms))
            y = p1.bottom
            if n_charts == 2:
                p2 = pygame.Rect(inner.left, p1.bottom + pad, inner.w, plot_h)
                self.chart_rects.append(self._bound_chart(surface, p2, window_ms))
                y = p2.bottom
            note = f"charts: last {fmt_duration_us(window_us)} of simulated time"
            pred = overlay.drawable(m)
            pred_t0 = overlay.result.t0_us if overlay.result is not None else 0.0
            if pred is not None and pred_t0 > 0:
                note += f"; ODE from t = {fmt_time_us(pred_t0)}"
            y = fonts.blit(surface, note, (inner.left, y + 2), "small", th.text_dim).bottom + pad
        strip = screen.treatment_rect
        if course.treatment is not None and strip is not None:
            hud.panel(surface, strip, th)
            area = strip.inflate(-2 * pad, -2 * pad)
            draw_treatment(surface, area, th, fonts, course.treatment, course.computed_points())
        key_top = max(y, bottom - key_h)
        self.legend_size = size
        if size is not None:
            draw_legend(
                surface,
                pygame.Rect(inner.left, key_top, inner.w, key_h),
                th,
                fonts,
                self.scene.glyphs(g),
                size,
            )
        for b in self.widgets.side:
            b.draw(surface, th, fonts)

    # -------------------------------------------------------------- charts
    def _series_window(self, model, name: str, window_ms: float):
        rec = model.recorder
        t = rec.column("time_ms")
        i0 = max(0, int(np.searchsorted(t, model.time_ms - window_ms)) - 1)
        return t[i0:], rec.column(name)[i0:]

    def _traces(self, name: str, window_ms: float, scale: float, single_color, ode_label: str):
        """What both charts draw of recorder column ``name`` (times ``scale``) over the window.

        In compare mode the control's trace (neutral, aligned to the model's
        last samples) comes first, then the model's in the drug's colour; in
        single mode the model's in ``single_color``. The mean-field ODE
        (dashed) goes last when the overlay is on.

        Returns:
            ``(t_ms, series, legend, peak)``: the model's sample times (ms), the
            series and legend entries, and the highest value they show in the
            window (scaled; 0 when empty).
        """
        th = self.screen.theme
        m, c = self.play.model, self.play.control
        width = max(2, th.line + 1)
        t_ms, values = self._series_window(m, name, window_ms)
        values = values * scale
        peaks = [float(values.max()) if len(values) else 0.0]
        series: list[Series] = []
        if c is not None:
            _, c_values = self._series_window(c, name, window_ms)
            c_values = c_values * scale
            n = min(len(c_values), len(values))
            peaks.append(float(c_values.max()) if len(c_values) else 0.0)
            series.append(Series(c_values[-n:], th.plot_control, width, t_ms[-n:]))
        series.append(Series(values, th.drug if c is not None else single_color, width))
        ode = self.overlay.drawable(m)
        if ode is not None and len(ode["time_ms"]):
            ode_values = ode[name] * scale
            j0 = int(np.searchsorted(ode["time_ms"], m.time_ms - window_ms))
            if j0 < len(ode_values):
                peaks.append(float(ode_values[j0:].max()))
            series.append(Series(ode_values, th.plot_ode, width, ode["time_ms"], True))
        return t_ms, series, self._legend(ode_label), max(peaks)

    def _legend(self, ode_label: str) -> list[tuple[str, tuple[int, int, int]]]:
        """A chart's legend: the control and the drug in compare mode, the ODE when drawn."""
        th, m = self.screen.theme, self.play.model
        legend = []
        if self.play.control is not None:
            legend += [("no drug", th.plot_control), (f"SSRI {m.blockade * 100:.0f}%", th.drug)]
        ode = self.overlay.drawable(m)
        if ode is not None and len(ode["time_ms"]):
            legend.append((ode_label, th.plot_ode))
        return legend

    def _plot(self, surface: pygame.Surface, rect: pygame.Rect, window_ms: float, **plot):
        """:func:`render.common.plots.draw_plot` over the window ending at the model's time."""
        th, fonts = self.screen.theme, self.screen.fonts
        t_end_ms = max(self.play.model.time_ms, window_ms)
        return draw_plot(surface, rect, th, fonts, t_end_ms=t_end_ms, window_ms=window_ms, **plot)

    def _cleft_chart(
        self, surface: pygame.Surface, rect: pygame.Rect, window_ms: float
    ) -> pygame.Rect:
        th = self.screen.theme
        t_ms, series, legend, peak = self._traces(
            "cleft_uM", window_ms, 1.0, th.plot_conc, "mean-field ODE (dashed)"
        )
        y_max = nice_ceil(max(peak, 10.0 * LOG_FLOOR_UM))
        return self._plot(
            surface,
            rect,
            window_ms,
            title="Free 5-HT in the cleft (µM, log scale)",
            t_ms=t_ms,
            series=series,
            y_max=10.0 ** np.ceil(np.log10(y_max)),
            y_fmt="{:,.0f}",
            legend=legend or None,
            log_min=LOG_FLOOR_UM,
        )

    def _bound_chart(
        self, surface: pygame.Surface, rect: pygame.Rect, window_ms: float
    ) -> pygame.Rect:
        th = self.screen.theme
        t_ms, series, legend, _ = self._traces(
            "receptor_occupancy", window_ms, 100.0, th.plot_occupancy, "ODE (dashed)"
        )
        # The SSRI block is a share of SERT, not of receptors: it is in the read-out above,
        # never drawn on this axis (it read as a second receptor trace).
        return self._plot(
            surface,
            rect,
            window_ms,
            title="Receptors bound (%)",
            t_ms=t_ms,
            series=series,
            y_max=100.0,
            y_fmt="{:.0f}%",
            legend=legend,
        )
