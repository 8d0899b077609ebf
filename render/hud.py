"""Text and read-outs: clock, playback speed, scale bars, live plots, counters, legend, help.

Everything here reads the model and the view; nothing changes them. Text
surfaces are cached (fonts render slowly; most strings repeat frame to frame).
Units are written on screen next to every number.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pygame

from sim import states as S

from .colors import OI_WHITE, Theme, mix
from .keys import GROUPS, MOUSE_HELP, help_rows
from .view import View


# --------------------------------------------------------------------- text
class Fonts:
    """The default pygame font at four sizes, with a cache of rendered strings.

    Args:
        scale: interface scale (1 at 1280x720 in the default profile).
    """

    BASE = {"small": 17, "normal": 21, "big": 28, "huge": 40}

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self.fonts = {
            k: pygame.font.Font(None, max(10, int(round(v * scale)))) for k, v in self.BASE.items()
        }
        self._cache: dict[tuple[str, str, tuple[int, int, int]], pygame.Surface] = {}

    def line_height(self, size: str = "normal") -> int:
        """Height of one line of text at ``size``, px."""
        return self.fonts[size].get_linesize()

    def render(self, text: str, size: str, color: tuple[int, int, int]) -> pygame.Surface:
        """Rendered (antialiased) text, cached."""
        key = (text, size, tuple(color))
        surf = self._cache.get(key)
        if surf is None:
            if len(self._cache) > 3000:
                self._cache.clear()
            surf = self.fonts[size].render(text, True, color)
            self._cache[key] = surf
        return surf

    def width(self, text: str, size: str = "normal") -> int:
        """Width of ``text`` at ``size``, px."""
        return self.fonts[size].size(text)[0]

    def blit(
        self,
        surface: pygame.Surface,
        text: str,
        pos: tuple[float, float],
        size: str = "normal",
        color: tuple[int, int, int] = OI_WHITE,
        anchor: str = "topleft",
        box: tuple[int, int, int] | None = None,
    ) -> pygame.Rect:
        """Draw ``text`` with its ``anchor`` point at ``pos``; optional backing ``box`` colour."""
        img = self.render(text, size, color)
        rect = img.get_rect(**{anchor: (int(pos[0]), int(pos[1]))})
        if box is not None:
            pad = max(2, int(3 * self.scale))
            surface.fill(box, rect.inflate(2 * pad, pad))
        surface.blit(img, rect)
        return rect


# ----------------------------------------------------------------- formats
def fmt_time_us(t_us: float) -> str:
    """Simulated time with a unit that keeps 3-4 significant digits (us, ms or s)."""
    if t_us < 1000.0:
        return f"{t_us:.2f} µs"
    if t_us < 1.0e6:
        return f"{t_us / 1000.0:.4f} ms"
    return f"{t_us / 1.0e6:.5f} s"


def fmt_duration_us(t_us: float) -> str:
    """A duration such as a playback rate: '20 µs', '1.5 ms', '2 s'."""
    if t_us < 1.0:
        return f"{t_us * 1000.0:.3g} ns"
    if t_us < 1000.0:
        return f"{t_us:.3g} µs"
    if t_us < 1.0e6:
        return f"{t_us / 1000.0:.3g} ms"
    return f"{t_us / 1.0e6:.3g} s"


def fmt_count(n: float) -> str:
    """Whole number with thousands separators."""
    return f"{int(round(n)):,}"


def fmt_factor(f: float) -> str:
    """A slow-motion factor: '×50,000' or '×1.2 million'."""
    if f >= 1.0e6:
        return f"×{f / 1.0e6:.3g} million"
    if f >= 100:
        return f"×{int(round(f, -int(math.floor(math.log10(f))) + 2)):,}"
    return f"×{f:.3g}"


def nice_125(x: float) -> float:
    """Largest 1-2-5 multiple of a power of ten not above ``x`` (x > 0)."""
    e = math.floor(math.log10(x))
    for m in (5.0, 2.0, 1.0):
        if m * 10.0**e <= x:
            return m * 10.0**e
    return 10.0**e


def nice_ceil(x: float) -> float:
    """Smallest 1-2-5 multiple of a power of ten not below ``x`` (x > 0)."""
    e = math.floor(math.log10(x))
    for m in (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0):
        if m * 10.0**e >= x * (1 - 1e-9):
            return m * 10.0**e
    return 10.0 ** (e + 1)


def fmt_nm(nm: float) -> str:
    """A length for a scale bar: '100 nm', '1 µm', '0.5 nm'."""
    if nm >= 1000.0:
        return f"{nm / 1000.0:g} µm"
    return f"{nm:g} nm"


# ---------------------------------------------------------- scene overlays
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
) -> pygame.Rect:
    """Top-left block: title, simulated-time clock, playback speed (set and achieved).

    The achieved speed is shown only when it falls below 90% of the set one.
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
        f"1 s on screen = {fmt_duration_us(playback_us_per_s)} simulated"
        f"  (slow motion {fmt_factor(slow)})"
    )
    drawn.append(
        fonts.blit(surface, text, (x, drawn[-1].bottom + gap), "normal", theme.text, box=box)
    )
    y = drawn[-1].bottom + gap
    if paused:
        msg = f"PAUSED  (Space plays, Right arrow steps {dt_ns:g} ns)"
        drawn.append(fonts.blit(surface, msg, (x, y), "big", theme.warn, box=box))
    elif achieved_us_per_s is not None and achieved_us_per_s < 0.9 * playback_us_per_s:
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


# ----------------------------------------------------------------- labels
def label_layout(
    view: View,
    model,
    site_xy: tuple[np.ndarray, np.ndarray],
    line_h: float,
    text_w: Callable[[str], int] = lambda t: 8 * len(t),
) -> list[tuple[str, float, float, float, float, str]]:
    """Where to name each structure on screen.

    Args:
        view: camera.
        model: the synapse (read only).
        site_xy: screen positions of the membrane sites (as the scene draws them), px.
        line_h: height of one label line, px.
        text_w: width of a label's text, px.

    Returns:
        (text, anchor x, anchor y, text x, text y, text anchor) per label, px.
        Anchors in and around the terminal get labels in two columns beside
        it (left / right), spaced so they do not overlap; regions such as
        the cleft are named in place.
    """
    p = model.params
    r = view.rect
    sx = view.sx
    kind = model.sites.kind
    site_x, site_y = site_xy
    y_mid = 0.5 * (view.y_pre + view.y_post)
    rt = p.terminal_radius_nm
    upper: list[tuple[str, float, float]] = [
        ("presynaptic terminal (bouton)", view.x_px(-0.45 * rt), view.y_pre - 0.55 * rt * sx),
        ("axon", view.x_px(0.1 * rt), view.y_pre - 1.1 * rt * sx),
    ]
    docked = np.flatnonzero(model.vesicle_dock >= 0)
    if len(docked):
        i = docked[np.argmax(model.vesicle_xyz[docked, 0])]
        upper.append(
            (
                "docked vesicle (active zone)",
                view.x_px(model.vesicle_xyz[i, 0]),
                view.z_py(model.vesicle_xyz[i, 2]),
            )
        )
    reserve = np.flatnonzero((model.vesicle_dock < 0) & (model.vesicle_content > 0))
    if len(reserve):
        i = reserve[np.argmin(model.vesicle_xyz[reserve, 0])]
        upper.append(
            (
                "vesicle (fill = 5-HT content)",
                view.x_px(model.vesicle_xyz[i, 0]),
                view.z_py(model.vesicle_xyz[i, 2]),
            )
        )
    free_sert = np.flatnonzero((kind == S.SITE_SERT) & ~model.sert_blocked & (model.sites.x > 150))
    if len(free_sert):
        i = free_sert[np.argmin(np.abs(model.sites.x[free_sert] - 0.6 * rt))]
        upper.append(("SERT (reuptake)", site_x[i], site_y[i]))
    blocked = np.flatnonzero((kind == S.SITE_SERT) & model.sert_blocked & (model.sites.x < -150))
    if len(blocked):
        i = blocked[np.argmin(np.abs(model.sites.x[blocked] + 0.6 * rt))]
        upper.append(("SERT blocked by SSRI", site_x[i], site_y[i]))
    auto = np.flatnonzero(kind == S.SITE_AUTORECEPTOR)
    if len(auto):
        i = auto[np.argmin(np.abs(model.sites.x[auto] + 0.2 * rt))]
        upper.append(("autoreceptor (5-HT1B)", site_x[i], site_y[i]))

    out: list[tuple[str, float, float, float, float, str]] = []
    centre = float(np.clip(view.x_px(0.0), r.left + 0.3 * r.w, r.right - 0.3 * r.w))
    half_w = rt * sx
    y_top = r.top + 5.5 * line_h
    y_bottom = min(view.y_pre - 0.6 * line_h, r.bottom - line_h)
    for side in (-1, 1):
        group = [u for u in upper if (u[1] < view.x_px(0.0)) == (side < 0)]
        group.sort(key=lambda u: -u[2])  # lowest anchor first
        widest = max((text_w(u[0]) for u in group), default=0) + 12
        col_x = centre + side * (half_w + 18)
        if side < 0:
            col_x = float(np.clip(col_x, r.left + widest, centre - 20))
        else:
            col_x = float(np.clip(col_x, centre + 20, r.right - widest))
        prev = y_bottom + 1.5 * line_h
        for text, ax, ay in group:
            ty = min(ay - 0.5 * line_h, prev - 1.5 * line_h, y_bottom)
            ty = max(ty, y_top)
            prev = ty
            out.append((text, ax, ay, col_x, ty, "midright" if side < 0 else "midleft"))
    out.append(
        (
            f"synaptic cleft ({p.cleft_width_nm:g} nm wide)",
            view.x_px(0.0),
            y_mid,
            view.x_px(0.0),
            y_mid,
            "center",
        )
    )
    y_sheet = view.y_pre + 0.3 * view.cleft_px
    for side in (-1, 1):
        x = view.x_px(side * 0.62 * p.outer_radius_nm)
        out.append(("extrasynaptic space", x, y_sheet, x, y_sheet, "center"))
    xe = view.x_px(p.outer_radius_nm)
    out.append(
        (
            "edge of simulated sheet",
            xe,
            view.y_post,
            xe - 10,
            view.y_post + 1.6 * line_h,
            "midright",
        )
    )
    out.append(
        (
            "postsynaptic neuron",
            view.x_px(-0.6 * p.outer_radius_nm),
            view.y_post + 1.6 * line_h,
            view.x_px(-0.6 * p.outer_radius_nm),
            view.y_post + 1.6 * line_h,
            "center",
        )
    )
    rec = np.flatnonzero(kind == S.SITE_RECEPTOR)
    if len(rec):
        i = rec[np.argmax(model.sites.x[rec])]
        ax, ay = site_x[i], site_y[i]
        out.append(("5-HT receptors (PSD)", ax, ay, ax + 30, view.y_post + 2.6 * line_h, "midleft"))
    out = [(t, float(ax), float(ay), float(tx), float(ty), a) for t, ax, ay, tx, ty, a in out]
    return [o for o in out if r.collidepoint(o[1], o[2])]


def draw_labels(
    surface: pygame.Surface,
    view: View,
    model,
    theme: Theme,
    fonts: Fonts,
    site_xy: tuple[np.ndarray, np.ndarray],
) -> int:
    """Name each structure with a boxed label and a leader line; returns labels drawn."""
    specs = label_layout(view, model, site_xy, fonts.line_height("normal"), fonts.width)
    s = fonts.scale
    old = surface.get_clip()
    surface.set_clip(view.rect)
    for text, ax, ay, tx, ty, anchor in specs:
        if (tx, ty) != (ax, ay):
            pygame.draw.line(surface, theme.label_bg, (ax, ay), (tx, ty), max(3, int(4 * s)))
            pygame.draw.line(surface, theme.label_text, (ax, ay), (tx, ty), max(1, int(2 * s)))
            pygame.draw.circle(surface, theme.label_text, (ax, ay), max(2, int(3 * s)))
        fonts.blit(surface, text, (tx, ty), "normal", theme.label_text, anchor, box=theme.label_bg)
    surface.set_clip(old)
    return len(specs)


# ------------------------------------------------------------------ plots
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
        y_max: top of the y axis in plot units (bottom is 0).
        y_fmt: format for the y-axis top label, e.g. '{:g} µM'.
        legend: (text, colour) entries drawn at the top right.
    """
    s = fonts.scale
    surface.fill(theme.plot_bg, rect)
    pygame.draw.rect(surface, theme.panel_edge, rect, 1)
    th_h = fonts.line_height("normal")
    fonts.blit(surface, title, (rect.left + 6, rect.top + 3), "normal", theme.text)
    area = pygame.Rect(
        rect.left + int(48 * s),
        rect.top + th_h + 6,
        rect.w - int(56 * s),
        rect.h - th_h - int(10 * s),
    )
    if area.w < 10 or area.h < 10:
        return area
    for frac in (0.0, 0.5, 1.0):
        y = area.bottom - frac * area.h
        pygame.draw.line(surface, theme.plot_grid, (area.left, y), (area.right, y), 1)
    fonts.blit(
        surface, y_fmt.format(y_max), (area.left - 4, area.top), "small", theme.text_dim, "midright"
    )
    fonts.blit(
        surface, y_fmt.format(0), (area.left - 4, area.bottom), "small", theme.text_dim, "midright"
    )
    t0 = t_end_ms - window_ms
    old = surface.get_clip()
    surface.set_clip(area.inflate(2, 2))
    for item in series:
        line = item if isinstance(item, Series) else Series(*item)
        ts = t_ms if line.t_ms is None else line.t_ms
        if len(ts) < 2:
            continue
        i0 = max(0, int(np.searchsorted(ts, t0, side="left")) - 1)
        t_d, v_d = _decimate(ts[i0:], line.values[i0:], area.w)
        if len(t_d) < 2:
            continue
        xs = area.left + (t_d - t0) / window_ms * area.w
        ys = area.bottom - np.clip(v_d / y_max, -0.02, 1.02) * area.h
        if line.dashed:
            _dashed_lines(surface, line.color, xs, ys, line.width, 7.0 * s)
        else:
            pts = np.stack([xs, ys], 1).tolist()
            pygame.draw.lines(surface, line.color, False, pts, line.width)
    surface.set_clip(old)
    if legend:
        x = area.right - 4
        for text, color in reversed(legend):
            rr = fonts.blit(
                surface, text, (x, area.top + 2), "small", color, "topright", box=theme.plot_bg
            )
            x = rr.left - int(10 * s)
    return area


# ---------------------------------------------------------------- sidebar
def _counter_rows(model) -> list[tuple[str, float]]:
    c = model.counters
    return [
        ("released", c["released"]),
        ("taken up by SERT", c["taken_up"]),
        ("repackaged (VMAT2)", c["repackaged"]),
        ("degraded (MAO)", c["degraded"]),
        ("lost at sheet edge", c["lost"]),
        ("free now", model.state_counts[S.FREE]),
        ("action potentials", c["action_potentials"]),
    ]


def draw_counters(
    surface: pygame.Surface,
    rect: pygame.Rect,
    model,
    theme: Theme,
    fonts: Fonts,
    control=None,
    control_color: tuple[int, int, int] | None = None,
) -> int:
    """Cumulative event counters and current pools; returns the bottom y.

    With ``control`` (compare mode) a second column shows the drug-free
    control's numbers, in ``control_color``, left of the model's.
    """
    y = rect.top
    lh = fonts.line_height("normal")
    rows = _counter_rows(model)
    fonts.blit(surface, "5-HT molecules", (rect.left, y), "normal", theme.text_dim)
    col_w = max(fonts.width("0,000,000"), fonts.width("no drug", "small")) + int(8 * fonts.scale)
    if control is not None:
        fonts.blit(surface, "SSRI", (rect.right, y + 2), "small", theme.text_dim, "topright")
        fonts.blit(
            surface, "no drug", (rect.right - col_w, y + 2), "small", control_color, "topright"
        )
    y += lh
    ctrl = _counter_rows(control) if control is not None else [None] * len(rows)
    for (name, value), other in zip(rows, ctrl, strict=True):
        fonts.blit(surface, name, (rect.left, y), "normal", theme.text)
        fonts.blit(surface, fmt_count(value), (rect.right, y), "normal", theme.text, "topright")
        if other is not None:
            fonts.blit(
                surface,
                fmt_count(other[1]),
                (rect.right - col_w, y),
                "normal",
                control_color or theme.text,
                "topright",
            )
        y += lh
    return y


LEGEND_ROWS = 6


def legend_height(fonts: Fonts, g: int) -> int:
    """Height :func:`draw_legend` needs with glyphs of size ``g`` px."""
    glyph_h = int(round(1.3 * g)) + 4
    lh = max(fonts.line_height("normal"), glyph_h + 2)
    return fonts.line_height("small") + LEGEND_ROWS * lh


def draw_legend(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    glyphs: list[pygame.Surface],
) -> int:
    """Key to the symbols: molecule dots, vesicles and each site glyph per state.

    Sites are a small table: one row per kind, one column per state
    (empty, bound, blocked). Returns the bottom y, px.
    """
    s = fonts.scale
    lh = max(fonts.line_height("normal"), glyphs[0].get_height() + 2)
    y = rect.top
    gw = glyphs[0].get_width()
    gx = rect.left + gw // 2 + 2
    tx = rect.left + gw + int(10 * s)

    def text(t: str, x: float, size: str = "normal") -> None:
        fonts.blit(surface, t, (x, y + lh // 2), size, theme.text, "midleft")

    r = max(2, int(3 * s))
    pygame.draw.circle(surface, theme.molecule_edge, (gx, y + lh // 2), r + 1)
    pygame.draw.circle(surface, theme.molecule_near, (gx, y + lh // 2), r)
    text("free 5-HT (dim = farther back)", tx)
    y += lh
    pygame.draw.circle(surface, theme.cytosol_molecule, (gx, y + lh // 2), r)
    text("5-HT inside the terminal", tx)
    y += lh
    vr = int(9 * s)
    pygame.draw.circle(surface, theme.vesicle_fill, (gx, y + lh // 2), int(vr * 0.6))
    pygame.draw.circle(surface, theme.vesicle_edge, (gx, y + lh // 2), vr, max(1, theme.line))
    text("vesicle (fill = 5-HT content)", tx)
    y += lh
    # Site table.
    name_w = max(fonts.width(n) for n in ("receptor", "autoreceptor", "SERT")) + int(10 * s)
    col_w = max(
        gw + int(8 * s),
        *(fonts.width(h, "small") + int(8 * s) for h in ("empty", "bound", "blocked")),
    )
    col_x = [rect.left + name_w + i * col_w + col_w // 2 for i in range(3)]
    for x, head in zip(col_x, ("empty", "bound", "blocked"), strict=True):
        fonts.blit(surface, head, (x, y), "small", theme.text_dim, "midtop")
    y += fonts.line_height("small")
    for label, ids in (("receptor", (0, 1)), ("autoreceptor", (2, 3)), ("SERT", (4, 5, 6))):
        text(label, rect.left)
        for x, gid in zip(col_x, ids, strict=False):
            g = glyphs[gid]
            surface.blit(g, g.get_rect(center=(x, y + lh // 2)))
        y += lh
    return y


# ------------------------------------------------------------------- help
def draw_help(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    caption: str,
    glyphs: list[pygame.Surface] | None = None,
) -> list[tuple[str, str, str]]:
    """Full-screen keyboard help generated from :data:`render.keys.BINDINGS`.

    Sections (one per key group, then the mouse, then the key to the symbols
    when ``glyphs`` are given) flow into two columns, or one if the window is
    narrow; the text shrinks if it would not fit. Returns the
    (group, keys, description) rows it drew (tests check them).
    """
    s = fonts.scale
    shade = pygame.Surface(rect.size, pygame.SRCALPHA)
    shade.fill((*theme.background, 240))
    surface.blit(shade, rect.topleft)
    rows = help_rows()
    sections: list[tuple[str, list[tuple[str, str, str]]]] = [
        (g, [r for r in rows if r[0] == g]) for g in GROUPS if any(r[0] == g for r in rows)
    ]
    sections.append(("Mouse", [("Mouse", k, d) for k, d in MOUSE_HELP]))
    margin = int(30 * s)
    x0, top = rect.left + margin, rect.top + int(20 * s)
    title = fonts.blit(
        surface, "Keys and mouse  (H, F1 or Esc closes this)", (x0, top), "big", theme.text
    )
    top = title.bottom + int(8 * s)
    caption_h = 3 * fonts.line_height("small") if caption else 0
    avail_h = rect.bottom - top - caption_h - int(10 * s)
    avail_w = rect.w - 2 * margin
    legend_h = (
        legend_height(fonts, glyphs[0].get_width() - 4) + fonts.line_height("normal")
        if glyphs
        else 0
    )

    plan = None
    for size in ("normal", "small"):
        lh = fonts.line_height(size)
        key_w = max(fonts.width(k, size) for _, items in sections for _, k, _ in items) + int(
            18 * s
        )
        desc_w = max(fonts.width(d, size) for _, items in sections for _, _, d in items)
        col_w = key_w + desc_w + int(30 * s)
        heights = [lh * (1 + len(items)) + int(6 * s) for _, items in sections]
        for n_cols in (2, 1):
            if n_cols * col_w > avail_w:
                continue
            cols: list[list[int]] = [[] for _ in range(n_cols)]
            col_h = [0] * n_cols
            target = sum(heights) / n_cols
            c = 0
            for i, h in enumerate(heights):
                if c < n_cols - 1 and col_h[c] + h / 2 > target:
                    c += 1
                cols[c].append(i)
                col_h[c] += h
            if max(col_h) <= avail_h:
                plan = (size, lh, key_w, col_w, cols, col_h)
                break
        if plan:
            break
    if plan is None:
        size = "small"
        lh = fonts.line_height(size)
        key_w = max(fonts.width(k, size) for _, items in sections for _, k, _ in items) + int(
            18 * s
        )
        col_w = avail_w // 2
        half = (len(sections) + 1) // 2
        cols = [list(range(half)), list(range(half, len(sections)))]
        col_h = [0, 0]
        plan = (size, lh, key_w, col_w, cols, col_h)
    size, lh, key_w, col_w, cols, col_h = plan
    drawn: list[tuple[str, str, str]] = []
    for ci, idxs in enumerate(cols):
        x = x0 + ci * col_w
        y = top
        for i in idxs:
            heading, items = sections[i]
            fonts.blit(surface, heading, (x, y), size, theme.accent)
            y += lh
            for group, keys, desc in items:
                fonts.blit(surface, keys, (x + int(10 * s), y), size, theme.text)
                fonts.blit(surface, desc, (x + key_w, y), size, theme.text_dim)
                if group != "Mouse":
                    drawn.append((group, keys, desc))
                y += lh
            y += int(6 * s)
    # Key to the symbols, where there is room (below the shorter column or at the right).
    if glyphs:
        shortest = int(np.argmin(col_h)) if len(cols) > 1 else 0
        lx = x0 + shortest * col_w if len(cols) > 1 else x0 + col_w
        ly = top + col_h[shortest] if len(cols) > 1 else top
        if ly + legend_h <= rect.bottom - caption_h and lx + int(300 * s) <= rect.right:
            fonts.blit(surface, "Symbols", (lx, ly), "normal", theme.accent)
            draw_legend(
                surface,
                pygame.Rect(lx + int(10 * s), ly + fonts.line_height("normal"), int(300 * s), 0),
                theme,
                fonts,
                glyphs,
            )
    # The preset's caption, wrapped, at the bottom.
    if caption:
        words, line, lines = caption.split(), "", []
        max_w = rect.w - 2 * margin
        for w in words:
            trial = f"{line} {w}".strip()
            if fonts.width(trial, "small") > max_w and line:
                lines.append(line)
                line = w
            else:
                line = trial
        lines.append(line)
        y = rect.bottom - int(12 * s) - len(lines) * fonts.line_height("small")
        for ln in lines:
            fonts.blit(surface, ln, (x0, y), "small", theme.text_dim)
            y += fonts.line_height("small")
    return drawn


def panel(surface: pygame.Surface, rect: pygame.Rect, theme: Theme) -> None:
    """Fill a side/bottom panel and draw its edge."""
    surface.fill(theme.panel, rect)
    pygame.draw.rect(surface, mix(theme.panel_edge, theme.panel, 0.3), rect, 1)
