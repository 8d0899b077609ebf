"""Structure labels: where each name goes on screen, and drawing them with leader lines."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pygame

from sim import states as S

from .colors import Theme
from .text import Fonts
from .view import View


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
