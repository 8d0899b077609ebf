"""Structure labels: which structures to name, where each name can go, and drawing them.

:func:`layout_labels` places every label as a box that lies wholly inside
its pane (the view's rectangle, less a margin), overlaps no other label and
no keep-out rectangle (the clock block, the scale bars, the followed
molecule's log). Labels are placed in priority order, each at the first free
spot among candidates around its anchor (nearest first, the label's
preferred side first); a label that finds no spot at the normal text size is
tried at the small size, and left out if it still finds none. A leader line
joins a box to the structure it names when they are apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pygame

from render.common.colors import Theme
from render.common.text import Fonts
from render.synapse.view import View
from sim.synapse import states as S

MARGIN_PX = 4
"""Labels keep this far inside their pane, px."""

DIRECTIONS = {
    "up": (0.0, -1.0),
    "down": (0.0, 1.0),
    "left": (-1.0, 0.0),
    "right": (1.0, 0.0),
    "upleft": (-1.0, -1.0),
    "upright": (1.0, -1.0),
    "downleft": (-1.0, 1.0),
    "downright": (1.0, 1.0),
}

DISTANCES_LINES = (0.0, 1.0, 2.0, 3.5, 5.5, 8.0)
"""Gaps between an anchor and its label box tried, in label line heights."""


@dataclass(frozen=True)
class Want:
    """A structure to name: its text, where it is on screen, px, and how to place the name.

    ``in_place`` names a region at its anchor (the cleft); ``prefer`` lists
    the sides to try first.
    """

    text: str
    x: float
    y: float
    prefer: tuple[str, ...] = ("up", "down", "left", "right")
    in_place: bool = False


@dataclass(frozen=True)
class Label:
    """A placed label: text, anchor (px, None if named in place), box (px) and text size."""

    text: str
    anchor: tuple[float, float] | None
    box: pygame.Rect
    size: str


def wanted_labels(view: View, model, site_xy: tuple[np.ndarray, np.ndarray]) -> list[Want]:
    """The structures to name in ``view``, most important first (anchors on screen only)."""
    p = model.params
    sx = view.sx
    kind = model.sites.kind
    site_x, site_y = site_xy
    rt = p.terminal_radius_nm
    y_mid = 0.5 * (view.y_pre + view.y_post)
    out = [
        Want(f"synaptic cleft ({p.cleft_width_nm:g} nm wide)", view.x_px(0.0), y_mid, (), True),
        Want(
            "presynaptic terminal (bouton)",
            view.x_px(-0.45 * rt),
            view.y_pre - 0.55 * rt * sx,
            ("upleft", "left", "up"),
        ),
        Want(
            "postsynaptic neuron",
            view.x_px(-0.6 * p.outer_radius_nm),
            view.y_post + 0.5 * (view.rect.bottom - view.y_post),
            ("down", "up"),
            True,
        ),
    ]
    rec = np.flatnonzero(kind == S.SITE_RECEPTOR)
    if len(rec):  # the receptor drawn nearest 70% across the picture (the rightmost overall)
        target = view.rect.left + 0.7 * view.rect.w
        i = rec[np.argmin(np.abs(site_x[rec] - target))]
        out.append(Want("5-HT receptors", site_x[i], site_y[i], ("downright", "down", "right")))
    if view.exaggeration < 1.5:  # zoomed in to true scale: name the two membranes
        x = view.rect.left + 0.3 * view.rect.w
        out.append(Want("presynaptic membrane", x, view.y_pre, ("up", "upleft", "upright")))
        out.append(Want("postsynaptic membrane", x, view.y_post, ("down", "downleft")))
    free_sert = np.flatnonzero((kind == S.SITE_SERT) & ~model.sert_blocked & (model.sites.x > 150))
    if len(free_sert):
        i = free_sert[np.argmin(np.abs(model.sites.x[free_sert] - 0.6 * rt))]
        out.append(Want("SERT (reuptake)", site_x[i], site_y[i], ("upright", "up", "right")))
    blocked = np.flatnonzero((kind == S.SITE_SERT) & model.sert_blocked & (model.sites.x < -150))
    if len(blocked):
        i = blocked[np.argmin(np.abs(model.sites.x[blocked] + 0.6 * rt))]
        out.append(Want("SERT blocked by SSRI", site_x[i], site_y[i], ("upleft", "up", "left")))
    auto = np.flatnonzero(kind == S.SITE_AUTORECEPTOR)
    if len(auto):
        i = auto[np.argmin(np.abs(model.sites.x[auto] + 0.2 * rt))]
        out.append(Want("autoreceptor (5-HT1B)", site_x[i], site_y[i], ("upleft", "left", "up")))
    docked = np.flatnonzero(model.vesicle_dock >= 0)
    if len(docked):
        i = docked[np.argmax(model.vesicle_xyz[docked, 0])]
        x, y = view.x_px(model.vesicle_xyz[i, 0]), view.z_py(model.vesicle_xyz[i, 2])
        out.append(Want("docked vesicle", x, y, ("upright", "right", "up")))
    reserve = np.flatnonzero((model.vesicle_dock < 0) & (model.vesicle_content > 0))
    if len(reserve):
        i = reserve[np.argmin(model.vesicle_xyz[reserve, 0])]
        x, y = view.x_px(model.vesicle_xyz[i, 0]), view.z_py(model.vesicle_xyz[i, 2])
        out.append(Want("vesicle (fill = 5-HT)", x, y, ("upleft", "left", "up")))
    y_sheet = view.y_pre + 0.3 * view.cleft_px
    out.append(Want("extrasynaptic space", view.x_px(0.62 * p.outer_radius_nm), y_sheet, (), True))
    out.append(Want("axon", view.x_px(0.1 * rt), view.y_pre - 1.1 * rt * sx, ("right", "left")))
    xe = view.x_px(p.outer_radius_nm)
    out.append(Want("edge of simulated sheet", xe, view.y_post, ("downleft", "down", "left")))
    r = view.rect
    return [
        Want(w.text, float(w.x), float(w.y), w.prefer, w.in_place)
        for w in out
        if r.collidepoint(float(w.x), float(w.y))
    ]


def _box_at(w: Want, size: tuple[int, int], direction: str, gap: float) -> pygame.Rect:
    """A box of ``size`` whose edge nearest the anchor is ``gap`` px from it toward ``direction``."""
    dx, dy = DIRECTIONS[direction]
    bw, bh = size
    box = pygame.Rect(0, 0, bw, bh)
    cx = w.x + dx * (gap + bw / 2)
    cy = w.y + dy * (gap + bh / 2)
    box.center = (int(round(cx)), int(round(cy)))
    return box


def _candidates(w: Want, size: tuple[int, int], line_h: float):
    if w.in_place:
        for k in (0, -1, 1, -2, 2, -3, 3):
            box = pygame.Rect(0, 0, *size)
            box.center = (int(round(w.x)), int(round(w.y + k * line_h)))
            yield box
        return
    order = [*w.prefer, *(d for d in DIRECTIONS if d not in w.prefer)]
    for lines in DISTANCES_LINES[1:]:
        for d in order:
            yield _box_at(w, size, d, lines * line_h)


def layout_labels(
    view: View,
    model,
    site_xy: tuple[np.ndarray, np.ndarray],
    fonts: Fonts,
    keepout: list[pygame.Rect] | tuple[pygame.Rect, ...] = (),
) -> list[Label]:
    """Place the labels of ``view`` (see the module docstring); boxes are px, including padding."""
    pane = view.rect.inflate(-2 * MARGIN_PX, -2 * MARGIN_PX)
    pad = max(2, int(3 * fonts.scale))
    taken = [pygame.Rect(k) for k in keepout]
    placed: list[Label] = []
    for w in wanted_labels(view, model, site_xy):
        for size_name in ("normal", "small"):
            tw = fonts.width(w.text, size_name)
            th = fonts.line_height(size_name)
            size = (tw + 2 * pad, th + pad)
            spot = None
            for box in _candidates(w, size, fonts.line_height("normal")):
                if pane.contains(box) and box.collidelist(taken) < 0:
                    spot = box
                    break
            if spot is not None:
                taken.append(spot)
                placed.append(Label(w.text, None if w.in_place else (w.x, w.y), spot, size_name))
                break
    return placed


def _nearest_on(box: pygame.Rect, x: float, y: float) -> tuple[float, float]:
    return (min(max(x, box.left), box.right - 1), min(max(y, box.top), box.bottom - 1))


def draw_labels(
    surface: pygame.Surface,
    view: View,
    theme: Theme,
    fonts: Fonts,
    labels: list[Label],
) -> int:
    """Draw ``labels`` (boxed text, a leader line and dot to each anchor); returns labels drawn."""
    s = fonts.scale
    old = surface.get_clip()
    surface.set_clip(view.rect)
    for lab in labels:
        if lab.anchor is not None and not lab.box.collidepoint(lab.anchor):
            a = lab.anchor
            b = _nearest_on(lab.box, *a)
            pygame.draw.line(surface, theme.label_bg, a, b, max(3, int(4 * s)))
            pygame.draw.line(surface, theme.label_text, a, b, max(1, int(2 * s)))
            pygame.draw.circle(surface, theme.label_text, a, max(2, int(3 * s)))
    for lab in labels:
        surface.fill(theme.label_bg, lab.box)
        fonts.blit(surface, lab.text, lab.box.center, lab.size, theme.label_text, "center")
    surface.set_clip(old)
    return len(labels)
