"""Read-outs over the scene: the simulated clock and playback speed, scale bars, messages.

Everything here reads the model and the view; nothing changes them. Units
are written on screen next to every number.
"""

from __future__ import annotations

import numpy as np
import pygame

from render.common.colors import Theme, mix
from render.common.text import Fonts, fmt_duration_us, fmt_nm, fmt_time_us, nice_125
from render.synapse.view import View


def draw_scale_bars(
    surface: pygame.Surface, view: View, theme: Theme, fonts: Fonts
) -> list[pygame.Rect]:
    """Horizontal scale bar (nm) bottom-left; the cleft's own vertical bar and stretch note.

    Returns the rectangles drawn (labels keep out of them), px.
    """
    r = view.rect
    s = fonts.scale
    lw = max(2, int(3 * s))
    box = theme.label_bg
    pad = max(2, int(3 * s))
    bar_nm = nice_125(150.0 * s / view.sx)
    bar_px = bar_nm * view.sx
    x0 = r.left + int(16 * s)
    y0 = r.bottom - int(14 * s)
    label = fonts.render(fmt_nm(bar_nm), "normal", theme.text)
    back = pygame.Rect(
        x0 - 6,
        y0 - label.get_height() - int(10 * s),
        int(bar_px) + 12,
        label.get_height() + int(16 * s),
    )
    surface.fill(box, back)
    drawn = [back]
    pygame.draw.line(surface, theme.text, (x0, y0), (x0 + bar_px, y0), lw)
    for xe in (x0, x0 + bar_px):
        pygame.draw.line(surface, theme.text, (xe, y0 - 6 * s), (xe, y0), lw)
    surface.blit(label, label.get_rect(midbottom=(int(x0 + bar_px / 2), int(y0 - 5 * s))))

    # Vertical bar beside the cleft: its real width, and how much it is stretched.
    k = view.exaggeration
    yt, yb = view.y_pre, view.y_post
    if yb < r.top or yt > r.bottom:
        return drawn
    xb = r.left + int(22 * s)
    yt_c, yb_c = max(yt, r.top + 2), min(yb, r.bottom - 2)
    pygame.draw.line(surface, theme.text, (xb, yt_c), (xb, yb_c), lw)
    drawn.append(pygame.Rect(xb - int(8 * s), int(yt_c), int(16 * s), int(yb_c - yt_c) + 1))
    for ye, vis in ((yt, yt >= r.top), (yb, yb <= r.bottom)):
        if vis:
            pygame.draw.line(surface, theme.text, (xb - 6 * s, ye), (xb + 6 * s, ye), lw)
    mid = float(np.clip(0.5 * (yt_c + yb_c), r.top + 40 * s, r.bottom - 40 * s))
    x = xb + 14 * s  # clear of the ticks (they reach 6 * s right of the bar) and their width
    texts = [(f"{view.width_nm:g} nm", (x, mid - 2), "big", theme.text, "bottomleft")]
    if k >= 1.5:
        texts.append((f"height ×{k:.0f}", (x, mid + 4 * s), "normal", theme.warn, "topleft"))
        y2 = mid + 4 * s + fonts.line_height("normal")
        texts.append(("(× true scale)", (x, y2), "small", theme.text_dim, "topleft"))
    else:
        texts.append(("true scale", (x, mid + 4 * s), "normal", theme.text_dim, "topleft"))
    for text, pos, size, color, anchor in texts:
        rect = fonts.blit(surface, text, pos, size, color, anchor, box=box)
        drawn.append(rect.inflate(2 * pad, pad))
    return drawn


def draw_time_hud(
    surface: pygame.Surface,
    view: View,
    theme: Theme,
    fonts: Fonts,
    *,
    title: str,
    time_us: float,
    playback_us_per_s: float,
    achieved_us_per_s: float | None,
    paused: bool,
    dt_ns: float,
    warp: bool = False,
    set_us_per_s: float | None = None,
) -> pygame.Rect:
    """Top-left block: title, simulated-time clock, playback pace (set and achieved).

    Raw factors (slow motion, step, seed) are on the info key (X), not here.

    The achieved speed is shown only when it falls below 90% of the set one;
    ``warp`` says whether the pace is the time-warp's (changing) or fixed;
    ``set_us_per_s`` is the set pace averaged over the same second as the
    achieved one: when an achieved pace is given, the pace line shows it, so
    the two lines compare like with like (never "1 s = 31 µs" above "can't
    keep up: 44 µs only" while the warp changes the pace).
    Returns the rectangle the block covers, px.
    """
    r = view.rect
    s = fonts.scale
    x, y = r.left + int(14 * s), r.top + int(10 * s)
    box = theme.label_bg
    gap = int(2 * s)
    drawn = [fonts.blit(surface, title, (x, y), "small", theme.text_dim, box=box)]
    clock = f"t = {fmt_time_us(time_us, dt_ns / 1000.0)}"  # each step (Right arrow) shows
    drawn.append(
        fonts.blit(surface, clock, (x, drawn[-1].bottom + gap), "huge", theme.text, box=box)
    )
    # One number for the pace: with a measured achieved pace, the set pace averaged over the
    # same second (the warning compares the two), else the pace now.
    pace = set_us_per_s if (achieved_us_per_s is not None and set_us_per_s) else playback_us_per_s
    text = (
        f"{'time-warp' if warp else 'fixed speed'}: 1 s on screen = "
        f"{fmt_duration_us(pace)} simulated"
    )
    drawn.append(
        fonts.blit(surface, text, (x, drawn[-1].bottom + gap), "normal", theme.text, box=box)
    )
    y = drawn[-1].bottom + gap
    if paused:
        msg = f"PAUSED  (Space plays, Right arrow steps {dt_ns:g} ns)"
        drawn.append(fonts.blit(surface, msg, (x, y), "big", theme.warn, box=box))
    elif achieved_us_per_s is not None and achieved_us_per_s < 0.9 * pace:
        msg = f"CPU can't keep up: 1 s on screen = {fmt_duration_us(achieved_us_per_s)} only"
        drawn.append(fonts.blit(surface, msg, (x, y), "normal", theme.warn, box=box))
    return drawn[0].unionall(drawn[1:])


def toast_zone(
    rect: pygame.Rect, fonts: Fonts, avoid: pygame.Rect | None = None, share: float = 0.6
) -> pygame.Rect:
    """Where :func:`draw_toast` writes messages: the top right ``share`` of ``rect``, px.

    Right of ``avoid`` (the clock); compare mode gives the whole pane, the
    clock being in the other one.

    The zone is the same whatever the message, so labels that keep out of it
    do not move when a message comes and goes.
    """
    s = fonts.scale
    h = fonts.line_height("normal") + int(8 * s)
    top = rect.top + int(6 * s)
    left = rect.right - int(share * rect.w) + (int(6 * s) if share >= 1 else 0)
    if avoid is not None and avoid.top < top + h and avoid.bottom > top:
        left = max(left, avoid.right + int(10 * s))
    right = rect.right - int(6 * s)
    return pygame.Rect(left, top, max(0, right - left), h)


def toast_lines(text: str, fonts: Fonts, width: int) -> tuple[list[str], str]:
    """``text`` as it fits ``width`` px: one line, else smaller, else two lines, else cut with '…'."""
    for size in ("normal", "small"):
        if fonts.width(text, size) <= width:
            return [text], size
    words = text.split(" ")
    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(len(words) - 1, 0, -1)]
    fit = [
        (a, b) for a, b in splits if max(fonts.width(a, "small"), fonts.width(b, "small")) <= width
    ]
    clause = [(a, b) for a, b in fit if b.startswith("(") or a.endswith((":", ";", ","))]
    if fit:  # break before a bracket or after a colon, comma or semicolon when one fits
        return list((clause or fit)[0]), "small"
    while text and fonts.width(text + "…", "small") > width:
        text = text[:-1]  # shrinks every pass: always ends
    return [text.rstrip() + "…"], "small"


def draw_toast(
    surface: pygame.Surface,
    zone: pygame.Rect,
    text: str,
    theme: Theme,
    fonts: Fonts,
) -> pygame.Rect:
    """A short message right-aligned in ``zone`` (:func:`toast_zone`); returns the box drawn.

    Smaller text, then two lines (the second below the zone), then shortened
    with '…', if it would not fit.
    """
    s = fonts.scale
    pad_x, pad_y = int(6 * s), int(3 * s)
    lines, size = toast_lines(text, fonts, zone.w - 2 * pad_x)
    imgs = [fonts.render(line, size, theme.label_text) for line in lines]
    if len(imgs) == 1:
        where = [imgs[0].get_rect(midright=(zone.right - pad_x, zone.centery))]
        box = where[0].inflate(2 * pad_x, 2 * pad_y).clip(zone)
    else:
        lh = fonts.line_height(size)
        where = [im.get_rect(topright=(zone.right - pad_x, zone.top + pad_y + k * lh))
                 for k, im in enumerate(imgs)]  # fmt: skip
        box = where[0].unionall(where[1:]).inflate(2 * pad_x, 2 * pad_y)
    surface.fill(theme.label_bg, box)
    for im, r in zip(imgs, where, strict=True):
        surface.blit(im, r)
    return box


def panel(surface: pygame.Surface, rect: pygame.Rect, theme: Theme) -> None:
    """Fill a side/bottom panel and draw its edge."""
    surface.fill(theme.panel, rect)
    pygame.draw.rect(surface, mix(theme.panel_edge, theme.panel, 0.3), rect, 1)
