"""Scrolling time plots: series, decimation to the pixel grid, dashed lines, axes.

Everything here reads arrays and draws; nothing changes the model.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pygame

from render.common.colors import Theme
from render.common.text import Fonts, nice_ceil

AXIS_TEXT = "normal"
"""Text size of the axis labels: 21 px at 1280x720, 32 px at 1920x1080 (glyphs 21 px tall),
readable from the back of a hall."""


def plot_window_us(playback_us_per_s: float, screen_s: float) -> float:
    """Length of the plots' time window: ~``screen_s`` of playback, rounded up to 1-2-5, us."""
    return max(5.0, nice_ceil(playback_us_per_s * screen_s))


def _decimate(t: np.ndarray, v: np.ndarray, n_px: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ~2 points per pixel column: keep each bin's min and max (spikes stay visible)."""
    if len(t) <= 2 * n_px:
        return t, v
    edges = np.linspace(0, len(t), n_px + 1).astype(np.int64)[:-1]
    vmax = np.maximum.reduceat(v, edges)
    vmin = np.minimum.reduceat(v, edges)
    tt = np.repeat(t[edges], 2)
    vv = np.empty(2 * len(edges))
    vv[0::2], vv[1::2] = vmin, vmax
    return tt, vv


class Series(NamedTuple):
    """One line in a plot (a plain ``(values, color, width)`` tuple works too).

    Attributes:
        values: y values in plot units.
        color: line colour.
        width: line width, px.
        t_ms: its own sample times, ms (None: the plot's ``t_ms``).
        dashed: draw dashed (e.g. a model prediction beside measured values).
    """

    values: np.ndarray
    color: tuple[int, int, int]
    width: int
    t_ms: np.ndarray | None = None
    dashed: bool = False


def _dashed_lines(
    surface: pygame.Surface,
    color: tuple[int, int, int],
    xs: np.ndarray,
    ys: np.ndarray,
    width: int,
    dash_px: float,
) -> None:
    """A polyline drawn as dashes ``dash_px`` long along its length."""
    seg = np.hypot(np.diff(xs), np.diff(ys))
    along = np.concatenate(([0.0], np.cumsum(seg)))
    on = (np.floor(along / dash_px).astype(np.int64) % 2) == 0
    # Runs of consecutive 'on' points become one polyline each.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(np.int8), [0]))))
    for a, b in zip(edges[0::2], edges[1::2], strict=True):
        b = min(b + 1, len(xs))  # close the dash up to the first 'off' point
        if b - a >= 2:
            pts = np.stack([xs[a:b], ys[a:b]], 1).tolist()
            pygame.draw.lines(surface, color, False, pts, width)


def _legend_rows(
    fonts: Fonts, legend: list[tuple[str, tuple[int, int, int]]], width: int, sample_px: int
) -> list[list[tuple[str, tuple[int, int, int], int]]]:
    """Legend entries flowed into rows no wider than ``width``: (text, colour, entry width)."""
    gap = sample_px // 2
    rows: list[list[tuple[str, tuple[int, int, int], int]]] = [[]]
    x = 0
    for text, color in legend:
        w = sample_px + gap + fonts.width(text, "small")
        if rows[-1] and x + w > width:
            rows.append([])
            x = 0
        rows[-1].append((text, color, w))
        x += w + 2 * gap
    return rows if rows[0] else []


def _y_of(values: np.ndarray, y_max: float, log_min: float | None) -> np.ndarray:
    """Values -> fraction of the axis height (0 bottom, 1 top), linear or log10."""
    if log_min is None:
        return np.clip(values / y_max, -0.02, 1.02)
    lo, hi = np.log10(log_min), np.log10(y_max)
    v = np.log10(np.maximum(values, log_min * 0.999))
    return np.clip((v - lo) / (hi - lo), -0.02, 1.02)


def draw_plot(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    *,
    title: str,
    t_ms: np.ndarray,
    series: list[Series | tuple[np.ndarray, tuple[int, int, int], int]],
    t_end_ms: float,
    window_ms: float,
    y_max: float,
    y_fmt: str,
    legend: list[tuple[str, tuple[int, int, int]]] | None = None,
    log_min: float | None = None,
) -> pygame.Rect:
    """One scrolling time plot. Returns the data area rectangle.

    Args:
        surface: target surface.
        rect: the plot's rectangle, px.
        theme: colour profile.
        fonts: text renderer.
        title: heading drawn inside the plot (with the current value).
        t_ms: sample times, simulated ms (ascending).
        series: :class:`Series` or (values, colour, line width) sharing ``t_ms``;
            values already in plot units.
        t_end_ms: right edge (current simulated time), ms.
        window_ms: width of the time window, ms.
        y_max: top of the y axis in plot units.
        y_fmt: format of the y-axis labels, e.g. '{:g} µM'.
        legend: (text, colour) entries, drawn in rows between the title and
            the data (never on the traces).
        log_min: draw a log10 axis from ``log_min`` to ``y_max`` with a label
            at every decade (values below ``log_min`` sit on the bottom line);
            None: a linear axis from 0.
    """
    s = fonts.scale
    surface.fill(theme.plot_bg, rect)
    pygame.draw.rect(surface, theme.panel_edge, rect, 1)
    fonts.blit(surface, title, (rect.left + 6, rect.top + 3), "normal", theme.text)
    y = _draw_legend(surface, rect, fonts, legend or [], rect.top + fonts.line_height("normal") + 4)
    half = fonts.line_height(AXIS_TEXT) // 2  # the top and bottom labels stay inside the plot
    top = y + max(int(4 * s), half)
    ticks = _ticks(y_max, log_min)
    margin = max(
        (fonts.width(y_fmt.format(v), AXIS_TEXT) for _, v in ticks if v is not None), default=0
    )
    area = pygame.Rect(
        rect.left + margin + int(10 * s), top, 0, rect.bottom - top - max(int(6 * s), half)
    )
    area.w = rect.right - int(8 * s) - area.left
    if area.w < 10 or area.h < 10:
        return area
    _draw_y_axis(surface, area, theme, fonts, ticks, y_fmt)
    t0 = t_end_ms - window_ms
    old = surface.get_clip()
    surface.set_clip(area.inflate(2, 2))
    for item in series:
        line = item if isinstance(item, Series) else Series(*item)
        _draw_series(surface, area, line, t_ms if line.t_ms is None else line.t_ms, t0,
                     window_ms, y_max, log_min, s)  # fmt: skip
    surface.set_clip(old)
    return area


def _draw_legend(
    surface: pygame.Surface,
    rect: pygame.Rect,
    fonts: Fonts,
    legend: list[tuple[str, tuple[int, int, int]]],
    y: int,
) -> int:
    """The legend's rows from ``y`` down (a line sample and its text each); returns the y below."""
    s = fonts.scale
    sample = int(18 * s)
    lh = fonts.line_height("small")
    for row in _legend_rows(fonts, legend, rect.w - 12, sample):
        x = rect.left + 6
        for text, color, w in row:
            mid = y + lh // 2
            pygame.draw.line(surface, color, (x, mid), (x + sample, mid), max(2, int(3 * s)))
            fonts.blit(surface, text, (x + sample + sample // 2, y), "small", color)
            x += w + sample
        y += lh
    return y


def _ticks(y_max: float, log_min: float | None) -> list[tuple[float, float | None]]:
    """Axis ticks: (fraction of the axis height, value or None for an unlabelled line).

    0, half and top (linear), or every decade (log; every other when many).
    """
    if log_min is None:
        return [(0.0, 0.0), (0.5, None), (1.0, y_max)]
    lo, hi = math.log10(log_min), math.log10(y_max)
    ticks = [((e - lo) / (hi - lo), 10.0**e) for e in range(math.ceil(lo), math.floor(hi) + 1)]
    return ticks[::2] if len(ticks) > 4 else ticks  # every other decade when there are many


def chrome_height(fonts: Fonts, legend: list[tuple[str, tuple[int, int, int]]], width: int) -> int:
    """Height :func:`draw_plot` takes from a plot ``width`` px wide above and below its data, px.

    Title, legend rows and margins: the rest of the plot's height is its data area.
    """
    s = fonts.scale
    rows = len(_legend_rows(fonts, legend, width - 12, int(18 * s)))
    margins = max(int(4 * s), half := fonts.line_height(AXIS_TEXT) // 2) + max(int(6 * s), half)
    return fonts.line_height("normal") + 4 + rows * fonts.line_height("small") + margins


def _draw_y_axis(
    surface: pygame.Surface,
    area: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    ticks: list[tuple[float, float | None]],
    y_fmt: str,
) -> None:
    """Grid lines at ``ticks`` (see :func:`_ticks`), labelled left of the data area."""
    for frac, value in ticks:
        yy = area.bottom - frac * area.h
        pygame.draw.line(surface, theme.plot_grid, (area.left, yy), (area.right, yy), 1)
        if value is not None:
            fonts.blit(
                surface,
                y_fmt.format(value),
                (area.left - 4, yy),
                AXIS_TEXT,
                theme.text_dim,
                "midright",
            )


def _draw_series(
    surface: pygame.Surface,
    area: pygame.Rect,
    line: Series,
    ts: np.ndarray,
    t0: float,
    window_ms: float,
    y_max: float,
    log_min: float | None,
    s: float,
) -> None:
    """One series over the window from ``t0`` (ms), decimated to the pixel grid."""
    if len(ts) < 2:
        return
    i0 = max(0, int(np.searchsorted(ts, t0, side="left")) - 1)
    t_d, v_d = _decimate(ts[i0:], line.values[i0:], area.w)
    if len(t_d) < 2:
        return
    xs = area.left + (t_d - t0) / window_ms * area.w
    ys = area.bottom - _y_of(v_d, y_max, log_min) * area.h
    if line.dashed:
        _dashed_lines(surface, line.color, xs, ys, line.width, 7.0 * s)
    else:
        pts = np.stack([xs, ys], 1).tolist()
        pygame.draw.lines(surface, line.color, False, pts, line.width)
