"""The tissue view's ambient 5-HT trace: the raw level faint, a 1 s running mean bold.

The ambient level of a 20 um cube swings by tens of nM within a run (29-63 nM
in a 10 s run of the ``tissue`` preset). That is the real shot noise of so
small a volume, not a model error: it holds 46 varicosities on ~12 fibres,
and one action potential of a fibre adds ~10^4 molecules to the ~6x10^4
free in the cube. So the model is not smoothed; the trace is drawn raw and
faint, and read through its trailing 1 s running mean (bold) against the
shaded 50-65 nM band measured in the brain.

:func:`running_mean` is the mean; :func:`draw_trace` draws the plot with its
axis labels; :func:`key_layout` and :func:`draw_key` flow the key to the
trace (swatch and text per entry) into a given width and say how tall it is.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from render.common.banner import wrap_text
from render.common.colors import Theme, mix
from render.common.text import Fonts, nice_125, nice_ceil
from sim.params.tissue import AMBIENT_RANGE_NM
from sim.tissue.model import COLUMN_NAMES, Tissue

MEAN_WINDOW_MS = 1000.0
"""Window of the bold running mean, ms of tissue time (trailing: the mean up to now)."""

_T, _AMB, _BLK = (COLUMN_NAMES.index(k) for k in ("time_ms", "ambient_nM", "blockade"))


def running_mean(t_ms: np.ndarray, values: np.ndarray, window_ms: float) -> np.ndarray:
    """Trailing running mean of ``values`` sampled at ascending times ``t_ms``.

    Element i is the mean of the samples j with t_i - window_ms < t_j <= t_i
    (fewer samples at the start of the series, never fewer than one).
    """
    t = np.asarray(t_ms, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    cs = np.concatenate([[0.0], np.cumsum(v)])
    lo = np.searchsorted(t, t - window_ms, side="right")
    hi = np.arange(1, t.size + 1)
    return (cs[hi] - cs[lo]) / (hi - lo)


RECORD_S = 60.0
"""Seconds of tissue samples the window keeps (the 10 s trace and its 1 s mean, with room):
the tissue view reads only the recent past, so its memory stays flat however long it runs."""


def keep_recent(model: Tissue) -> Tissue:
    """``model`` with a recorder that keeps only the last ``RECORD_S`` of samples; returns it."""
    model.recorder.stream_to(None, math.ceil(RECORD_S * 1000.0 / model.params.sample_interval_ms))
    return model


def recent(model: Tissue, trace_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(t s, raw nM, 1 s mean nM, blockade) of the samples in the last ``trace_s`` s.

    Only the tail of the recorder is read (the window plus one mean window
    before it), so the cost does not grow with the length of the run.
    """
    table = model.recorder.table()
    t_end_s = max(trace_s, model.time_s)
    t_ms = table[:, _T]
    first = int(np.searchsorted(t_ms, (t_end_s - trace_s) * 1000.0 - MEAN_WINDOW_MS, "left"))
    tail = table[first:]
    mean = running_mean(tail[:, _T], tail[:, _AMB], MEAN_WINDOW_MS)
    keep = tail[:, _T] >= (t_end_s - trace_s) * 1000.0
    return tail[keep, _T] / 1000.0, tail[keep, _AMB], mean[keep], tail[keep, _BLK]


def mean_now(model: Tissue) -> float:
    """The ambient level's trailing 1 s mean at the last sample, nM."""
    _, _, mean, _ = recent(model, MEAN_WINDOW_MS / 1000.0)
    return float(mean[-1]) if mean.size else model.ambient_nM()


def draw_trace(
    surface: pygame.Surface,
    area: pygame.Rect,
    model: Tissue,
    colors: Theme,
    fonts: Fonts,
    trace_s: float,
) -> list[pygame.Rect]:
    """The trace in ``area``: y labels in a left margin, x labels below; returns the boxes drawn.

    Raw samples thin and faint, the running mean bold, the measured band
    shaded, an SSRI-on bar along the bottom where the blockade was above 0.
    """
    c, f = colors, fonts
    lh = f.line_height("small")
    t_s, amb, mean, blk = recent(model, trace_s)
    lo, hi = AMBIENT_RANGE_NM
    top = nice_ceil(max(100.0, float(amb.max()) * 1.1 if amb.size else 100.0))
    step = nice_125(top / 4.0)
    ticks = np.arange(0.0, top + 0.5 * step, step)
    margin = max(f.width(f"{v:g}", "small") for v in ticks) + max(4, int(6 * f.scale))
    plot = pygame.Rect(area.x + margin, area.y + lh // 2, area.w - margin, area.h - lh - lh // 2)
    plot.h = max(10, plot.h)
    boxes = [plot]
    t_end = max(trace_s, model.time_s)
    t_start = t_end - trace_s

    def sy(v):
        return plot.bottom - np.asarray(v, dtype=np.float64) / top * plot.h

    def sx(t):
        return plot.x + (np.asarray(t, dtype=np.float64) - t_start) / trace_s * plot.w

    surface.fill(c.plot_bg, plot)
    band = pygame.Rect(plot.x, int(sy(hi)), plot.w, max(1, int(sy(lo)) - int(sy(hi))))
    surface.fill(mix(c.plot_bg, c.receptor, 0.3), band)
    last_label = None
    for v in ticks:
        yy = int(sy(v))
        pygame.draw.line(surface, c.plot_grid, (plot.x, yy), (plot.right - 1, yy))
        box = f.render(f"{v:g}", "small", c.text_dim).get_rect(midright=(plot.x - 3, yy))
        if last_label is None or box.bottom <= last_label.top:  # no label over another
            f.blit(surface, f"{v:g}", box.midright, "small", c.text_dim, "midright")
            boxes.append(box)
            last_label = box
    prev = surface.get_clip()
    surface.set_clip(plot)
    on = np.flatnonzero(blk > 0)
    if on.size:
        xs = sx(t_s)
        for i in on:
            x0 = int(xs[i])
            x1 = int(xs[i + 1]) if i + 1 < len(xs) else plot.right
            surface.fill(c.plot_blockade, pygame.Rect(x0, plot.bottom - 4, max(1, x1 - x0), 4))
    if t_s.size >= 2:
        xs = sx(t_s)
        raw = list(zip(xs, np.maximum(sy(amb), plot.y), strict=True))
        pygame.draw.lines(surface, mix(c.plot_bg, c.plot_conc, 0.45), False, raw, 1)
        avg = list(zip(xs, np.maximum(sy(mean), plot.y), strict=True))
        pygame.draw.lines(surface, c.plot_conc, False, avg, max(3, 3 * c.line))
    surface.set_clip(prev)
    pygame.draw.rect(surface, c.panel_edge, plot, 1)
    left = f.blit(surface, f"{trace_s:g} s ago", (plot.x, plot.bottom + 1), "small", c.text_dim)
    right = f.blit(surface, "now", (plot.right, plot.bottom + 1), "small", c.text_dim, "topright")
    boxes += [left, right]
    return boxes


def key_entries(model: Tissue) -> list[tuple[str, str]]:
    """(swatch, text) of the trace's key: raw, mean, band, SSRI bar, and why it swings."""
    lo, hi = AMBIENT_RANGE_NM
    p = model.params
    n_var, n_fib = model.varicosity_xyz.shape[1], model.fibre_count.shape[0]
    if n_fib == 0:  # no varicosity in the cube (density 0, or a cube smaller than the grid)
        swings = f"No varicosity lies in the {model.side_um:g} µm cube: nothing is released here."
    else:
        per_ap = model.vesicles_per_action_potential() * p.molecules_per_vesicle * n_var / n_fib
        swings = (
            f"The swings are real shot noise: {n_var} varicosities on {n_fib} fibres in a "
            f"{model.side_um:g} µm cube; an action potential of one fibre adds "
            f"~{per_ap:,.0f} molecules to the {model.n:,} free now."
        )
    return [
        ("raw", f"every {p.sample_interval_ms:g} ms"),
        ("mean", f"{MEAN_WINDOW_MS / 1000:g} s running mean"),
        ("band", f"{lo:g}-{hi:g} nM: ambient 5-HT measured in the brain (Abdalla et al. 2017)"),
        ("bar", "SSRI on"),
        ("", swings),
    ]


def key_layout(
    fonts: Fonts, entries: list[tuple[str, str]], x: int, y: int, width: int
) -> tuple[list[tuple[str, pygame.Rect | None, list[tuple[str, pygame.Rect]]]], int]:
    """Flow the key into ``width`` px from (x, y): ([(swatch, swatch box, [(line, box)])], bottom).

    Entries sit side by side while they fit; one too wide for a row gets a row
    of its own with its text wrapped (continuation lines under the text).
    An entry with no swatch starts a new row.
    """
    lh = fonts.line_height("small")
    sw = max(14, int(22 * fonts.scale))
    gap = max(8, int(14 * fonts.scale))
    out = []
    cx, cy = x, y
    for swatch, text in entries:
        lead = sw + 4 if swatch else 0
        w = lead + fonts.width(text, "small")
        if cx > x and (not swatch or cx + w > x + width):
            cx, cy = x, cy + lh
        if cx + w <= x + width:
            lines = [text]
        else:
            lines = wrap_text(fonts, text, "small", max(20, width - lead))
        sbox = pygame.Rect(cx, cy + lh // 4, sw, max(4, lh // 2)) if swatch else None
        placed = []
        for k, line in enumerate(lines):
            box = pygame.Rect(cx + lead, cy + k * lh, fonts.width(line, "small"), lh)
            placed.append((line, box))
        out.append((swatch, sbox, placed))
        if len(lines) > 1 or not swatch:
            cx, cy = x, cy + len(lines) * lh
        else:
            cx += w + gap
    bottom = cy + (lh if cx > x else 0)
    return out, bottom


def draw_key(
    surface: pygame.Surface,
    layout: list[tuple[str, pygame.Rect | None, list[tuple[str, pygame.Rect]]]],
    colors: Theme,
    fonts: Fonts,
) -> list[pygame.Rect]:
    """Draw a :func:`key_layout`; returns the boxes drawn (swatches and text lines)."""
    c = colors
    boxes = []
    for swatch, sbox, lines in layout:
        if sbox is not None:
            if swatch == "raw":
                pygame.draw.line(surface, mix(c.plot_bg, c.plot_conc, 0.45), sbox.midleft,
                                 sbox.midright, 1)  # fmt: skip
            elif swatch == "mean":
                pygame.draw.line(surface, c.plot_conc, sbox.midleft, sbox.midright,
                                 max(3, 3 * c.line))  # fmt: skip
            elif swatch == "band":
                surface.fill(mix(c.plot_bg, c.receptor, 0.3), sbox)
            elif swatch == "bar":
                surface.fill(c.plot_blockade, pygame.Rect(sbox.x, sbox.bottom - 4, sbox.w, 4))
            boxes.append(sbox)
        for line, box in lines:
            fonts.blit(surface, line, box.topleft, "small", c.text_dim)
            boxes.append(box)
    return boxes
