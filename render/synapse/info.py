"""The details for the curious (X): ids, step, raw factors and counters, off the main screen.

A hall needs three big numbers; a developer or a curious student wants the
rest. :func:`info_rows` collects it from the window's rooms (read only) and
:func:`draw_info` shows it as a boxed table over the scene.
"""

from __future__ import annotations

import pygame

from render.common.colors import Theme
from render.common.text import Fonts, fmt_count, fmt_duration_us, fmt_factor
from render.synapse.playback import Playback
from sim.params.presets import Preset
from sim.synapse import states as S


def info_rows(
    play: Playback, preset: Preset, seed: int, size: tuple[int, int], scale: float
) -> list[tuple[str, str]]:
    """(name, value) rows describing the run on screen (window ``size`` px, interface ``scale``)."""
    m = play.model
    pace = play.playback_us_per_s
    achieved = play.achieved_us_per_s()
    c = m.counters
    rows = [
        ("preset", f"{preset.name}  ({preset.title})"),
        ("seed", str(seed)),
        ("model step", f"{m.params.dt_ns:g} ns  (steps so far {fmt_count(m.step_index)})"),
        ("pace now", f"1 s = {fmt_duration_us(pace)}  (slow motion {fmt_factor(1e6 / pace)})"),
        (
            "base speed",
            f"{fmt_duration_us(play.base_us_per_s)}/s, "
            + ("time-warp on (A)" if play.warp_on else "fixed (A: time-warp)"),
        ),
        (
            "achieved",
            "-" if achieved is None else f"1 s = {fmt_duration_us(achieved)}",
        ),
        ("molecules", f"{fmt_count(m.n_molecules)} made, {fmt_count(m.state_counts[S.FREE])} free"),
        ("released", fmt_count(c["released"])),
        ("taken up by SERT", fmt_count(c["taken_up"])),
        ("repackaged (VMAT2)", fmt_count(c["repackaged"])),
        ("degraded (MAO)", fmt_count(c["degraded"])),
        ("lost at sheet edge", fmt_count(c["lost"])),
        ("action potentials", fmt_count(c["action_potentials"])),
        (
            "window",
            f"{size[0]}x{size[1]} px, scale {scale:.2f}",
        ),
    ]
    if play.control is not None:
        rows.append(
            ("control (no drug)", f"{fmt_count(play.control.counters['taken_up'])} taken up")
        )
    return rows


def draw_info(
    surface: pygame.Surface,
    area: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    rows: list[tuple[str, str]],
) -> pygame.Rect:
    """The rows as a boxed two-column table at the right of ``area``; returns the box."""
    s = fonts.scale
    pad = int(10 * s)
    size = "small"
    lh = fonts.line_height(size)
    name_w = max(fonts.width(n, size) for n, _ in rows) + int(14 * s)
    val_w = max(fonts.width(v, size) for _, v in rows)
    head = "Details (X closes)"
    w = max(name_w + val_w, fonts.width(head, "normal")) + 2 * pad
    h = fonts.line_height("normal") + len(rows) * lh + 2 * pad
    box = pygame.Rect(0, 0, min(w, area.w - 2 * pad), min(h, area.h - 2 * pad))
    box.topright = (area.right - pad, area.top + int(60 * s))
    box = box.clamp(area)
    surface.fill(theme.label_bg, box)
    pygame.draw.rect(surface, theme.accent, box, max(1, int(2 * s)))
    old = surface.get_clip()
    surface.set_clip(box)
    y = box.top + pad
    fonts.blit(surface, head, (box.left + pad, y), "normal", theme.accent)
    y += fonts.line_height("normal")
    for name, value in rows:
        fonts.blit(surface, name, (box.left + pad, y), size, theme.label_text)
        fonts.blit(surface, value, (box.left + pad + name_w, y), size, theme.label_text)
        y += lh
    surface.set_clip(old)
    return box
