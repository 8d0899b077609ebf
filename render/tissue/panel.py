"""The tissue view's text panel: the clock, ambient 5-HT, the drug, the firing, the trace.

Lines that do not fit are left out by rank (rank 0 always stays), so the
ambient trace below them keeps a readable height at any window size.
"""

from __future__ import annotations

import pygame

from render.common.banner import wrap_text
from render.common.colors import Theme
from render.common.text import Fonts
from render.tissue import trace as tissue_trace
from sim.params.tissue import AMBIENT_RANGE_NM
from sim.tissue.model import Tissue

Line = tuple[str, str, tuple, int, bool]
"""(text, size, colour, rank, gap after) of one panel line."""


def real_time(pace: float | None) -> bool:
    """The tissue keeps about real time (``pace``: tissue s per wall s; None: by construction)."""
    return pace is None or pace >= 0.95


def clock_note(model: Tissue, pace: float | None) -> str:
    """The line under the clock: real time, or the measured pace and why it is slower."""
    if real_time(pace):
        return "tissue clock (seconds; runs at about real time)"
    return (f"tissue clock (seconds) at {pace:.2f}x real time: stepping "
            f"{model.n:,} molecules takes longer than real time here")  # fmt: skip


def panel_lines(model: Tissue, c: Theme, pace: float | None, trace_s: float) -> list[Line]:
    """(text, size, colour, rank, gap after) of each panel line.

    Rank 0 is always drawn; higher ranks are left out first when the panel is short.
    """
    lo, hi = AMBIENT_RANGE_NM
    fb = "on" if model.feedback else "off"
    mean = tissue_trace.mean_now(model)
    return [
        (f"t = {model.time_s:.2f} s", "huge", c.text, 0, False),
        (clock_note(model, pace), "small", c.text_dim, 3 if real_time(pace) else 0, False),
        (f"ambient 5-HT {mean:5.1f} nM (1 s mean)", "big", c.plot_conc, 0, False),
        (
            f"now {model.ambient_nM():.1f} nM; measured in the brain: {lo:g}-{hi:g} nM "
            "(Abdalla et al. 2017)",
            "small",
            c.text_dim,
            2,
            False,
        ),
        (
            f"SSRI blockade {model.blockade:.0%};  5-HT1B feedback {fb}",
            "normal",
            c.drug if model.blockade > 0 else c.text,
            0,
            False,
        ),
        (
            f"firing {model.firing_rate_hz:g} Hz; release "
            f"{model.vesicles_per_action_potential():.2f} vesicles per varicosity per spike",
            "small",
            c.text_dim,
            4,
            True,
        ),
        (f"Ambient 5-HT (nM), last {trace_s:g} s", "small", c.text, 0, False),
    ]


def draw_panel(
    surface: pygame.Surface,
    panel: pygame.Rect,
    model: Tissue,
    c: Theme,
    fonts: Fonts,
    pace: float | None,
    trace_s: float,
) -> list[tuple[str, pygame.Rect]]:
    """The panel's lines, the ambient trace of the last ``trace_s`` s and its key, in ``panel``.

    Returns (what, rect) of every box drawn.
    """
    f = fonts
    boxes: list[tuple[str, pygame.Rect]] = []
    gap = max(4, int(8 * f.scale))
    min_plot = 5 * f.line_height("small")
    lines, entries = panel_lines(model, c, pace, trace_s), tissue_trace.key_entries(model)
    for drop in range(6):  # leave out optional lines (highest rank first) until the plot fits
        keep = [ln for ln in lines if ln[3] == 0 or ln[3] < 5 - drop]
        if not any(ln[4] for ln in keep[:-1]):
            keep[-2] = (*keep[-2][:4], True)  # a gap before the plot's title
        key = entries if drop < 5 else entries[:-1]  # the shot-noise note goes last
        rows = []
        for text, size, col, _, gap_after in keep:
            parts = wrap_text(f, text, size, panel.w)
            rows += [(p, size, col, gap_after and k == len(parts) - 1)
                     for k, p in enumerate(parts)]  # fmt: skip
        text_h = sum(f.line_height(s) + (gap if g else 0) for _, s, _, g in rows)
        _, key_h = tissue_trace.key_layout(f, key, panel.x, 0, panel.w)
        if panel.h - text_h - key_h - gap >= min_plot:
            break
    y = panel.y
    for text, size, col, gap_after in rows:
        boxes.append(("panel", f.blit(surface, text, (panel.x, y), size, col)))
        y += f.line_height(size) + (gap if gap_after else 0)
    key_y = panel.bottom - key_h
    plot = pygame.Rect(panel.x, y, panel.w, max(10, key_y - gap - y))
    for box in tissue_trace.draw_trace(surface, plot, model, c, f, trace_s):
        boxes.append(("trace", box))
    layout, _ = tissue_trace.key_layout(f, key, panel.x, key_y, panel.w)
    for box in tissue_trace.draw_key(surface, layout, c, f):
        boxes.append(("key", box))
    return boxes
