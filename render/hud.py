"""Read-outs over the scene: the simulated clock and playback speed, scale bars, messages.

Everything here reads the model and the view; nothing changes them. Units
are written on screen next to every number.
"""

from __future__ import annotations

import numpy as np
import pygame

from .colors import Theme, mix
from .text import Fonts, fmt_duration_us, fmt_factor, fmt_nm, fmt_time_us, nice_125
from .view import View


def draw_scale_bars(surface: pygame.Surface, view: View, theme: Theme, fonts: Fonts) -> None:
    """Horizontal scale bar (nm) bottom-left; the cleft's own vertical bar and stretch note."""
    r = view.rect
    s = fonts.scale
    lw = max(2, int(3 * s))
    box = theme.label_bg
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
    pygame.draw.line(surface, theme.text, (x0, y0), (x0 + bar_px, y0), lw)
    for xe in (x0, x0 + bar_px):
        pygame.draw.line(surface, theme.text, (xe, y0 - 6 * s), (xe, y0), lw)
    surface.blit(label, label.get_rect(midbottom=(int(x0 + bar_px / 2), int(y0 - 5 * s))))

    # Vertical bar beside the cleft: its real width, and how much it is stretched.
    k = view.exaggeration
    yt, yb = view.y_pre, view.y_post
    if yb < r.top or yt > r.bottom:
        return
    xb = r.left + int(22 * s)
    yt_c, yb_c = max(yt, r.top + 2), min(yb, r.bottom - 2)
    pygame.draw.line(surface, theme.text, (xb, yt_c), (xb, yb_c), lw)
    for ye, vis in ((yt, yt >= r.top), (yb, yb <= r.bottom)):
        if vis:
            pygame.draw.line(surface, theme.text, (xb - 6 * s, ye), (xb + 6 * s, ye), lw)
    mid = float(np.clip(0.5 * (yt_c + yb_c), r.top + 40 * s, r.bottom - 40 * s))
    fonts.blit(
        surface,
        f"{view.width_nm:g} nm",
        (xb + 10 * s, mid - 2),
        "big",
        theme.text,
        "bottomleft",
        box=box,
    )
    if k >= 1.5:
        fonts.blit(
            surface,
            f"height ×{k:.0f}",
            (xb + 10 * s, mid + 4 * s),
            "normal",
            theme.warn,
            "topleft",
            box=box,
        )
        fonts.blit(
            surface,
            "(x true scale)",
            (xb + 10 * s, mid + 4 * s + fonts.line_height("normal")),
            "small",
            theme.text_dim,
            "topleft",
            box=box,
        )
    else:
        fonts.blit(
            surface,
            "true scale",
            (xb + 10 * s, mid + 4 * s),
            "normal",
            theme.text_dim,
            "topleft",
            box=box,
        )


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
    """Top-left block: title, simulated-time clock, playback speed (set and achieved).

    The achieved speed is shown only when it falls below 90% of the set one;
    ``warp`` says whether the pace is the time-warp's (changing) or fixed;
    ``set_us_per_s`` is the set pace averaged over the same second as the
    achieved one (default: ``playback_us_per_s``).
    Returns the rectangle the block covers, px.
    """
    r = view.rect
    s = fonts.scale
    x, y = r.left + int(14 * s), r.top + int(10 * s)
    box = theme.label_bg
    gap = int(2 * s)
    drawn = [fonts.blit(surface, title, (x, y), "small", theme.text_dim, box=box)]
    clock = f"t = {fmt_time_us(time_us)}"
    drawn.append(
        fonts.blit(surface, clock, (x, drawn[-1].bottom + gap), "huge", theme.text, box=box)
    )
    slow = 1.0e6 / playback_us_per_s
    text = (
        f"{'time-warp' if warp else 'fixed speed'}: 1 s on screen = "
        f"{fmt_duration_us(playback_us_per_s)} simulated  (slow motion {fmt_factor(slow)})"
    )
    drawn.append(
        fonts.blit(surface, text, (x, drawn[-1].bottom + gap), "normal", theme.text, box=box)
    )
    y = drawn[-1].bottom + gap
    if paused:
        msg = f"PAUSED  (Space plays, Right arrow steps {dt_ns:g} ns)"
        drawn.append(fonts.blit(surface, msg, (x, y), "big", theme.warn, box=box))
    elif achieved_us_per_s is not None and achieved_us_per_s < 0.9 * (
        set_us_per_s or playback_us_per_s
    ):
        slow_a = 1.0e6 / max(achieved_us_per_s, 1e-12)
        msg = (
            f"CPU can't keep up: achieved 1 s = {fmt_duration_us(achieved_us_per_s)}"
            f" (slow motion {fmt_factor(slow_a)})"
        )
        drawn.append(fonts.blit(surface, msg, (x, y), "normal", theme.warn, box=box))
    return drawn[0].unionall(drawn[1:])


def draw_toast(
    surface: pygame.Surface,
    rect: pygame.Rect,
    text: str,
    theme: Theme,
    fonts: Fonts,
    avoid: pygame.Rect | None = None,
) -> pygame.Rect:
    """A short message at the top right of ``rect`` (below ``avoid`` if it would overlap)."""
    s = fonts.scale
    img = fonts.render(text, "normal", theme.label_text)
    where = img.get_rect(topright=(int(rect.right - 12 * s), int(rect.top + 12 * s)))
    if avoid is not None and where.inflate(8, 8).colliderect(avoid):
        where.top = avoid.bottom + int(8 * s)
    surface.fill(theme.label_bg, where.inflate(int(6 * s), int(3 * s)))
    surface.blit(img, where)
    return where


def panel(surface: pygame.Surface, rect: pygame.Rect, theme: Theme) -> None:
    """Fill a side/bottom panel and draw its edge."""
    surface.fill(theme.panel, rect)
    pygame.draw.rect(surface, mix(theme.panel_edge, theme.panel, 0.3), rect, 1)
