"""Lecture read-outs: caption banner, tour card and highlights, followed molecule.

Like :mod:`render.synapse.hud`, everything here reads the model, the view and the
window's state and draws; nothing changes them. Sizes scale with
``fonts.scale``; every number on screen carries its unit.
"""

from __future__ import annotations

import math

import numpy as np
import pygame

from render.common.colors import Theme, mix
from render.common.text import Fonts, fmt_time_us
from render.lecture.follow import STATE_TEXT, Follower
from render.synapse.view import View
from sim.synapse import states as S


# --------------------------------------------------------------------- text
# --------------------------------------------------------------- highlights
def _bbox(xs: np.ndarray, ys: np.ndarray, margin: float) -> pygame.Rect | None:
    if len(xs) == 0:
        return None
    x0, x1 = float(np.min(xs)) - margin, float(np.max(xs)) + margin
    y0, y1 = float(np.min(ys)) - margin, float(np.max(ys)) + margin
    return pygame.Rect(int(x0), int(y0), int(x1 - x0) + 1, int(y1 - y0) + 1)


def highlight_items(
    name: str | None,
    view: View,
    model,
    site_xy: tuple[np.ndarray, np.ndarray],
    glyph_px: int,
) -> list[tuple[pygame.Rect, str]]:
    """Screen rectangles (clipped to the view) and names of the structure ``name``.

    Args:
        name: one of :data:`render.lecture.tour.HIGHLIGHTS`, or None.
        view: camera.
        model: the synapse (read only).
        site_xy: screen positions of the membrane sites as the scene draws them, px.
        glyph_px: size of a site glyph, px.
    """
    if not name:
        return []
    p = model.params
    sx, sy = site_xy
    kind = model.sites.kind
    out: list[tuple[pygame.Rect | None, str]] = []
    ves_r = max(3.0, p.vesicle_radius_nm * view.sx) + 6
    if name == "vesicles":
        xyz = model.vesicle_xyz
        out.append(
            (_bbox(view.x_px(xyz[:, 0]), view.z_py(xyz[:, 2]), ves_r), "vesicles: 5-HT stores")
        )
    elif name == "docked":
        xyz = model.dock_xyz
        out.append(
            (
                _bbox(view.x_px(xyz[:, 0]), view.z_py(xyz[:, 2]), ves_r),
                "docked vesicles (release sites)",
            )
        )
    elif name == "cleft":
        a = p.active_zone_radius_nm
        r = pygame.Rect(
            int(view.x_px(-a)), int(view.y_pre), int(2 * a * view.sx), int(view.cleft_px)
        )
        out.append((r, f"synaptic cleft ({p.cleft_width_nm:g} nm)"))
    elif name == "receptors":
        sel = kind == S.SITE_RECEPTOR
        out.append((_bbox(sx[sel], sy[sel], glyph_px), "5-HT receptors"))
    elif name in ("sert", "blocked", "autoreceptors"):
        if name == "autoreceptors":
            sel = kind == S.SITE_AUTORECEPTOR
            label = "autoreceptors"
            groups = [sel]
        else:
            r = np.hypot(model.sites.x, model.sites.y)
            ring = (r >= p.sert_ring_inner_nm) & (r <= p.sert_ring_outer_nm)
            sel = (kind == S.SITE_SERT) & ring
            if name == "blocked":
                sel &= model.sert_blocked
            label = "SERT blocked by the SSRI" if name == "blocked" else "SERT ring"
            # Seen edge-on, the ring shows as the two stretches beyond the synapse's edge.
            x = model.sites.x
            groups = [sel & (x <= -p.sert_ring_inner_nm), sel & (x >= p.sert_ring_inner_nm)]
        for i, g in enumerate(groups):
            out.append((_bbox(sx[g], sy[g], glyph_px), label if i == len(groups) - 1 else ""))
    clipped = []
    for rect, label in out:
        if rect is None:
            continue
        c = rect.clip(view.rect.inflate(-4, -4))
        if c.w > 4 and c.h > 4:
            clipped.append((c, label))
    return clipped


def draw_highlights(
    surface: pygame.Surface,
    view: View,
    theme: Theme,
    fonts: Fonts,
    items: list[tuple[pygame.Rect, str]],
    phase_s: float,
) -> None:
    """Pulsing outlines around each item (their names: :func:`draw_highlight_names`)."""
    s = fonts.scale
    pulse = 0.5 * (1.0 + math.sin(2.0 * math.pi * phase_s / 1.4))
    width = max(2, int(round((3 + 2 * pulse) * s)))
    old = surface.get_clip()
    surface.set_clip(view.rect)
    dark = theme.label_bg
    for rect, _ in items:
        pygame.draw.rect(surface, dark, rect.inflate(4, 4), width + 4, border_radius=int(10 * s))
        pygame.draw.rect(surface, theme.highlight, rect, width, border_radius=int(8 * s))
    surface.set_clip(old)


def draw_highlight_names(
    surface: pygame.Surface,
    view: View,
    theme: Theme,
    fonts: Fonts,
    items: list[tuple[pygame.Rect, str]],
    avoid: list[pygame.Rect] | tuple[pygame.Rect, ...] = (),
) -> list[pygame.Rect]:
    """A boxed name beside each outline; returns the boxes drawn, px.

    A name goes above its outline, else below, else inside its top or bottom
    edge, at its left, centre or right: the first spot inside the view that
    meets none of ``avoid`` (the clock, the scale bars, messages) nor another
    name. A name with no free spot is left out.
    """
    s = fonts.scale
    pad = max(2, int(3 * s))
    gap = int(6 * s) + pad
    taken = [pygame.Rect(a) for a in avoid]
    inner = view.rect.inflate(-4, -4)
    boxes = []
    for rect, label in items:
        if not label:
            continue
        w = fonts.width(label, "normal") + 2 * pad
        h = fonts.line_height("normal") + pad
        if w > inner.w:
            continue
        tops = (rect.top - gap - h, rect.bottom + gap, rect.top + gap, rect.bottom - gap - h)
        lefts = (rect.left + int(4 * s), rect.centerx - w // 2, rect.right - w - int(4 * s))
        for top in tops:
            spot = None
            for left in lefts:
                box = pygame.Rect(left, top, w, h)
                if inner.contains(box) and box.collidelist(taken) < 0:
                    spot = box
                    break
            if spot is not None:
                taken.append(spot)
                boxes.append(spot)
                surface.fill(theme.label_bg, spot)
                fonts.blit(surface, label, spot.center, "normal", theme.label_text, "center")
                break
    return boxes


RING_SITES = {"autoreceptors": S.SITE_AUTORECEPTOR}
"""Highlights whose sites are few among many others: each also gets a ring of its own."""


def draw_site_rings(
    surface: pygame.Surface,
    view: View,
    theme: Theme,
    model,
    site_xy: tuple[np.ndarray, np.ndarray],
    name: str | None,
    glyph_px: int,
) -> int:
    """A ring around every site of the highlighted kind (see ``RING_SITES``); returns rings drawn."""
    kind = RING_SITES.get(name or "")
    if kind is None:
        return 0
    sel = model.sites.kind == kind
    xs, ys = site_xy[0][sel], site_xy[1][sel]
    r = view.rect
    vis = (xs > r.left) & (xs < r.right) & (ys > r.top) & (ys < r.bottom)
    radius = max(7, int(0.9 * glyph_px))
    width = max(2, theme.line + 1)
    old = surface.get_clip()
    surface.set_clip(r)
    for x, y in zip(xs[vis].tolist(), ys[vis].tolist(), strict=True):  # tens of sites
        pygame.draw.circle(surface, theme.label_bg, (x, y), radius + 2, width + 2)
        pygame.draw.circle(surface, theme.autoreceptor, (x, y), radius, width)
    surface.set_clip(old)
    return int(vis.sum())


# ------------------------------------------------------------------ follow
def draw_follow(
    surface: pygame.Surface, view: View, theme: Theme, follower: Follower, scale: float
) -> None:
    """The followed molecule's fading trail and a ring around it."""
    if not follower.active:
        return
    old = surface.get_clip()
    surface.set_clip(view.rect)
    pts = list(follower.trail)
    n = len(pts)
    width = max(2, int(round(3 * scale)))
    for i in range(1, n):
        (x0, z0, s0), (x1, z1, s1) = pts[i - 1], pts[i]
        if s0 != S.FREE or s1 != S.FREE:
            continue  # bound/carried molecules jump: no line through membranes
        fade = 1.0 - i / n
        color = mix(theme.follow_trail, theme.cleft, 0.85 * fade)
        a = (float(view.x_px(x0)), float(view.z_py(z0)))
        b = (float(view.x_px(x1)), float(view.z_py(z1)))
        pygame.draw.line(surface, color, a, b, width)
    if follower.xyz is not None:
        c = (float(view.x_px(follower.xyz[0])), float(view.z_py(follower.xyz[2])))
        r = max(8, int(round(11 * scale)))
        pygame.draw.circle(surface, theme.label_bg, c, r + 2, width + 3)
        pygame.draw.circle(surface, theme.follow, c, r, width)
    surface.set_clip(old)


def draw_follow_log(
    surface: pygame.Surface,
    area: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    follower: Follower,
    max_rows: int = 6,
    clear_of: tuple[float, float] | None = None,
    avoid: list[pygame.Rect] | tuple[pygame.Rect, ...] = (),
) -> pygame.Rect | None:
    """The followed molecule's story at the right of ``area``; returns the box drawn.

    ``clear_of`` is a band of screen y (px) the box stays off (the cleft with
    its receptors): the box goes below it at the bottom right if it fits
    there, else above it at the top right, under the message zone and below
    any of ``avoid`` (the clock) it would cover.
    """
    if not follower.active:
        return None
    s = fonts.scale
    pad = int(8 * s)
    now = STATE_TEXT.get(follower.state, "?") if follower.state is not None else "?"
    head = f"Following 5-HT #{follower.mid}: {now}"
    log = follower.log()
    rows = [(fmt_time_us(t), text) for t, text in log[-max_rows:]]
    if len(log) > max_rows:
        rows.insert(0, ("", f"... {len(log) - max_rows} earlier events"))
    time_w = max([fonts.width(t, "small") for t, _ in rows] + [0]) + int(12 * s)
    width = max([fonts.width(head, "normal")] + [time_w + fonts.width(e, "small") for _, e in rows])
    lh = fonts.line_height("small")
    h = fonts.line_height("normal") + len(rows) * lh + 2 * pad
    box = pygame.Rect(0, 0, width + 2 * pad, h)
    box.bottomright = (area.right - int(12 * s), area.bottom - int(12 * s))
    if clear_of is not None:
        top_y, bottom_y = clear_of
        if box.top < bottom_y + 8 * s and box.bottom > top_y:  # it would cover the cleft
            below = area.bottom - int(12 * s) - (bottom_y + int(12 * s))
            if below >= h:
                box.top = int(bottom_y + 12 * s)
            else:
                box.top = int(area.top + fonts.line_height("normal") + 20 * s)
                hit = [r for r in avoid if r.colliderect(box)]
                if hit:
                    box.top = max(r.bottom for r in hit) + int(8 * s)
    rows = _fit_rows(rows, len(log), box, (area.top, area.bottom - int(12 * s)), lh)
    surface.fill(theme.label_bg, box)
    pygame.draw.rect(surface, theme.follow_trail, box, max(1, int(2 * s)))
    y = box.top + pad
    fonts.blit(surface, head, (box.left + pad, y), "normal", theme.label_text)
    y += fonts.line_height("normal")
    for t, text in rows:
        fonts.blit(
            surface,
            t,
            (box.left + pad + time_w - int(12 * s), y),
            "small",
            theme.label_text,
            "topright",
        )
        fonts.blit(surface, text, (box.left + pad + time_w, y), "small", theme.label_text)
        y += lh
    return box


def _fit_rows(rows: list, n_log: int, box: pygame.Rect, span: tuple[int, int], lh: int) -> list:
    """The newest of ``rows`` the ``box`` holds within ``span`` (top, bottom y, px).

    A low picture keeps the box inside it: the box is shortened (the oldest events give way
    to a line counting them) to the span's height, then moved into the span.
    """
    top, bottom = span
    excess = box.h - (bottom - top)
    if excess > 0 and rows:
        events = [r for r in rows if r[0]]
        keep = max(0, len(rows) - 1 - -(-excess // lh))  # one line counts the earlier events
        kept = events[len(events) - keep :] if keep else []
        out = [("", f"... {n_log - len(kept)} earlier events"), *kept]
        box.h -= (len(rows) - len(out)) * lh
        rows = out
    box.bottom = min(box.bottom, bottom)
    box.top = max(box.top, top)
    return rows


CAPTURE_STEPS = 8
"""A capture flash grows through this many pre-drawn rings."""

_capture_sprites: dict[tuple[str, int], list[pygame.Surface]] = {}


def capture_sprites(theme: Theme, glyph_px: int) -> list[pygame.Surface]:
    """The rings of a SERT capture flash, youngest first (cached per profile and size)."""
    key = (theme.name, glyph_px)
    if key not in _capture_sprites:
        if len(_capture_sprites) > 32:
            _capture_sprites.clear()
        width = max(2, theme.line + 1)
        out = []
        for k in range(CAPTURE_STEPS):
            a = k / (CAPTURE_STEPS - 1)
            ring = int(round(glyph_px * (0.6 + 0.8 * a)))
            size = 2 * (ring + width + 3)
            img = pygame.Surface((size, size), pygame.SRCALPHA)
            c = (size // 2, size // 2)
            pygame.draw.circle(img, theme.label_bg, c, ring + 2, width + 2)
            pygame.draw.circle(img, mix(theme.sert, theme.flash, 0.5 * (1 - a)), c, ring, width)
            out.append(img)
        _capture_sprites[key] = out
    return _capture_sprites[key]


def draw_captures(
    surface: pygame.Surface,
    view: View,
    theme: Theme,
    site_xy: tuple[np.ndarray, np.ndarray],
    captures: list[list[float]],
    glyph_px: int,
    life_s: float,
) -> int:
    """A ring flashing out from each SERT that just captured a 5-HT; returns rings drawn.

    Args:
        surface: target surface.
        view: camera (flashes are clipped to its rectangle).
        theme: colour profile.
        site_xy: screen positions of the membrane sites as the scene draws them, px.
        captures: [site id, age in screen s] per capture.
        glyph_px: size of a site glyph, px.
        life_s: how long a flash lasts, screen s.
    """
    if not captures:
        return 0
    caps = np.asarray(captures, dtype=np.float64)
    sid = caps[:, 0].astype(np.int64)
    xs, ys = site_xy[0][sid], site_xy[1][sid]
    r = view.rect
    vis = (xs >= r.left) & (xs < r.right) & (ys >= r.top) & (ys < r.bottom)
    if not vis.any():
        return 0
    step = np.minimum(caps[vis, 1] / life_s * (CAPTURE_STEPS - 1), CAPTURE_STEPS - 1)
    sprites = capture_sprites(theme, glyph_px)
    half = [img.get_width() // 2 for img in sprites]
    batch = [
        (sprites[k], (int(x) - half[k], int(y) - half[k]))
        for k, x, y in zip(
            step.astype(np.int64).tolist(), xs[vis].tolist(), ys[vis].tolist(), strict=True
        )
    ]
    old = surface.get_clip()
    surface.set_clip(r)
    surface.fblits(batch)
    surface.set_clip(old)
    return len(batch)
