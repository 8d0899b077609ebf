"""The checks a played lecture makes of each frame, and the spies they read (tests/test_lecture.py).

Each failed check is recorded under the issue-15 item it covers
(:meth:`tests.lecture.Lecturer.fail`): the tour on the step the presses asked
for, the elements a card or the recipe names on screen, inside the window
and clear of each other, no text cut short or outside its box, the numbers
shown agreeing with each other and with the model.
"""

from __future__ import annotations

import re

import pygame

import render.sidepanel as sidepanel
from render.common.text import Fonts
from tests.lecture import Lecturer

CHART_SHARE = {False: 0.25, True: 0.18}
"""Least height of each side chart's plot area, share of the window height (single, compare)."""

AXIS_TEXT_SHARE = 18 / 1080
"""Least height of a side chart's axis labels, share of the window height (18 px at 1080p)."""

PICTURE_SHARE = 0.35
"""Least height of the synapse picture (each pane in compare mode), share of the window height:
the room left by the side panel, the control bar, the card, the course chart and the compare
headers; below it the hall sees a sliver of the synapse (render.stage.PICTURE_SHARE)."""

TISSUE_SHARE = 0.5
"""Least side of the tissue slice, share of the height the tissue view has."""

NAMED = {
    3: ("Receptors bound chart",),
    6: ("control pane", "Free 5-HT chart", "Receptors bound chart"),
    8: ("tissue slice", "SSRI slider"),
    9: ("treatment chart",),
    10: ("treatment chart",),
}
"""Tour step (0-based) -> the elements its card points at."""

UNIT_US = {"ns": 1e-3, "µs": 1.0, "ms": 1e3, "s": 1e6}


# ------------------------------------------------------------------ spies
class Seen:
    """What the last frame drew: text (with its clip and its font's height, px), text cut short,
    the treatment chart."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, pygame.Rect, pygame.Rect]] = []
        self.font_px: list[int] = []
        self.cut: list[str] = []
        self.treatment: pygame.Rect | None = None

    def clear(self) -> None:
        self.texts, self.font_px, self.cut, self.treatment = [], [], [], None


SEEN = Seen()


def install_spies(monkeypatch) -> None:
    blit, render = Fonts.blit, Fonts.render

    def spy_blit(self, surface, text, pos, *args, **kwargs):
        rect = blit(self, surface, text, pos, *args, **kwargs)
        SEEN.texts.append((text, rect, surface.get_clip()))
        SEEN.font_px.append(
            self.fonts[args[0] if args else kwargs.get("size", "normal")].get_height()
        )
        return rect

    def spy_render(self, text, *args, **kwargs):
        if text.endswith("…"):
            SEEN.cut.append(text)
        return render(self, text, *args, **kwargs)

    treat = sidepanel.draw_treatment

    def spy_treatment(surface, rect, *args):
        SEEN.treatment = pygame.Rect(rect)
        return treat(surface, rect, *args)

    monkeypatch.setattr(Fonts, "blit", spy_blit)
    monkeypatch.setattr(Fonts, "render", spy_render)
    monkeypatch.setattr(sidepanel, "draw_treatment", spy_treatment)


# ----------------------------------------------------------------- checks
def elements(app) -> dict[str, pygame.Rect]:
    """Named rectangles on screen now, px."""
    screen = app.screen
    out = {"control bar": screen.bar_rect, "SSRI slider": app.controls.blockade_slider.rect}
    if app.tissue.on:
        lay = app.tissue.layout()
        out["tissue view"] = lay["body"]
        if app.tissue.view is not None:
            out["tissue slice"] = app.tissue.view.square
        if "card" in lay:
            out["card"] = lay["card"]
        return out
    out["scene"] = screen.view.rect
    out["side panel"] = screen.side_rect
    if app.compare.on:
        out["control pane"] = screen.control_view.rect
    if screen.card_rect is not None:
        out["card"] = screen.card_rect
    if screen.strip_rect is not None:
        out["history strip"] = screen.strip_rect
    for name, r in zip(
        ("Free 5-HT chart", "Receptors bound chart"), app.frame.side.chart_rects, strict=False
    ):
        out[name] = r
    if SEEN.treatment is not None and SEEN.treatment.h > 0:
        out["treatment chart"] = SEEN.treatment
    return out


def check_layout(lec: Lecturer, step: str, els: dict[str, pygame.Rect]) -> None:
    app = lec.app
    win = pygame.Rect((0, 0), app.screen.size)
    for name, r in els.items():
        if r.w <= 0 or r.h <= 0 or not win.contains(r):
            lec.fail("6 layout", step, f"{name} {r} not inside the window {win.size}")
    blocks = (
        "scene",
        "control pane",
        "side panel",
        "control bar",
        "card",
        "history strip",
        "tissue view",
    )
    present = [b for b in blocks if b in els]
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            if els[a].colliderect(els[b]):
                lec.fail("6 layout", step, f"{a} {els[a]} overlaps {b} {els[b]}")
    if app.tissue.on:
        body = els["tissue view"]
        sq = els.get("tissue slice")
        if sq is None or sq.h < TISSUE_SHARE * body.h:
            lec.fail("6 layout", step, f"tissue slice {sq} small in a view {body.size}")
        boxes = app.tissue.view.boxes if app.tissue.view is not None else []
        for i, (wa, ra) in enumerate(boxes):
            for wb, rb in boxes[i + 1 :]:
                if ra.colliderect(rb):
                    lec.fail("9 text", step, f"tissue view: {wa!r} overlaps {wb!r}")
        return
    check_picture(lec, step, els)
    charts = [n for n in ("Free 5-HT chart", "Receptors bound chart") if n in els]
    if len(charts) < 2:
        lec.fail("6 layout", step, f"side charts shown: {charts}")
    least = CHART_SHARE[app.compare.on] * app.screen.size[1]
    for name in charts:
        if els[name].h < least:
            lec.fail("6 chart height", step, f"{name} {els[name].h} px tall < {least:.0f}")
        check_axis_text(lec, step, name, els[name])
    if app.course.treatment is not None:
        t = els.get("treatment chart")
        if t is None:
            lec.fail("5 treatment chart", step, "a course runs and its chart is not drawn")
        elif any(t.colliderect(els[c]) for c in (*charts, "history strip") if c in els):
            lec.fail("5 treatment chart", step, f"treatment chart {t} on a chart or the strip")
        elif t.h < 0.12 * app.screen.size[1]:
            lec.fail("5 treatment chart", step, f"treatment chart {t} small or on a chart")


def check_picture(lec: Lecturer, step: str, els: dict[str, pygame.Rect]) -> None:
    """The synapse picture (each pane) keeps ``PICTURE_SHARE`` of the window height."""
    least = PICTURE_SHARE * lec.app.screen.size[1]
    for name in ("scene", "control pane"):
        r = els.get(name)
        if r is not None and r.h < least:
            lec.fail(
                "6 picture size",
                step,
                f"{name} {r.h} px tall < {least:.0f} ({r.h / lec.app.screen.size[1]:.0%})",
            )


def check_card_text(lec: Lecturer, step: str, els: dict[str, pygame.Rect]) -> None:
    """The card's lines stay inside it, and all but its footer are readable from the back."""
    card, screen = els.get("card"), lec.app.screen
    if card is None or screen.show_help:  # the help's lines lie over the card
        return
    shown = lec.app.tissue.card_shown if lec.app.tissue.on else screen.card_shown
    footer = shown[2] if shown else None
    least = AXIS_TEXT_SHARE * screen.size[1]
    for (text, r, _), px in zip(SEEN.texts, SEEN.font_px, strict=True):
        if not card.collidepoint(r.topleft):
            continue
        if not card.contains(r):
            lec.fail("9 text", step, f"card line {text!r} at {r} outside the card {card}")
        if text != footer and px < least:
            lec.fail("9 text", step, f"card line {text!r} in {px} px < {least:.0f}")


def check_axis_text(lec: Lecturer, step: str, name: str, area: pygame.Rect) -> None:
    """The labels left of a chart's data area, level with it, are readable from the back."""
    least = AXIS_TEXT_SHARE * lec.app.screen.size[1]
    labels = [
        (text, px)
        for (text, r, _), px in zip(SEEN.texts, SEEN.font_px, strict=True)
        if r.right <= area.left
        and area.top <= r.centery <= area.bottom
        and r.left > area.left - area.w
        and r.left >= lec.app.screen.side_rect.left  # the side panel's, not the scene column's
    ]
    if not labels:
        lec.fail("6 chart height", step, f"{name}: no axis labels drawn")
    for text, px in labels:
        if px < least:
            lec.fail(
                "6 chart height", step, f"{name}: axis label {text!r} in {px} px < {least:.0f}"
            )


def check_text(lec: Lecturer, step: str) -> None:
    win = pygame.Rect((0, 0), lec.app.screen.size)
    for text in SEEN.cut:
        lec.fail("9 text", step, f"cut short: {text!r}")
    for text, rect, clip in SEEN.texts:
        if not win.contains(rect) or not clip.contains(rect):
            lec.fail("9 text", step, f"{text!r} at {rect} outside the window or its box {clip}")


def check_numbers(lec: Lecturer, step: str) -> None:
    app = lec.app
    shown = app.controls.rate_stepper.fmt(app.model.firing_rate_hz)
    digits = re.sub(r"[^0-9]", "", shown.split(" ")[0]).strip("0")
    if len(digits) > 3:
        lec.fail("11 small faults", step, f"firing rate written {shown!r}")
    slider = app.controls.blockade_slider.get()
    if abs(slider - app.tissue.shown_blockade) > 1e-9:
        lec.fail(
            "11 small faults", step, f"slider {slider} vs blockade {app.tissue.shown_blockade}"
        )
    eff = app.frame.side.last_effect
    if not app.tissue.on and eff is not None and abs(eff.blockade - app.model.blockade) > 1e-9:
        lec.fail("11 small faults", step, f"read-out {eff.blockade} vs model {app.model.blockade}")
    shown = {}
    for text, _, _ in SEEN.texts:  # the pace line and the CPU warning, as written
        for kind, pattern in (
            ("set", r"on screen = ([0-9.]+) (ns|µs|ms|s) simulated"),
            ("achieved", r"keep up: 1 s on screen = ([0-9.]+) (ns|µs|ms|s) only"),
        ):
            found = re.search(pattern, text)
            if found:
                shown[kind] = float(found[1]) * UNIT_US[found[2]]
    if "achieved" in shown and shown["achieved"] >= shown.get("set", float("inf")):
        lec.fail(
            "8 pace line",
            step,
            f"pace {shown['set']} µs/s above 'can't keep up: {shown['achieved']}'",
        )


def check_tour(lec: Lecturer, step: str, els: dict[str, pygame.Rect]) -> None:
    app = lec.app
    if app.guide.index != lec.tour:
        lec.fail("1 tour keys", step, f"tour on step {app.guide.index}, presses asked {lec.tour}")
        return
    if lec.tour is None:
        return
    if "card" not in els:
        lec.fail("6 layout", step, "tour card not on screen")
    for name in NAMED.get(lec.tour, ()):
        if name not in els:
            lec.fail("6 layout", step, f"the card names the {name}: not on screen")


def checks(lec: Lecturer, step: str) -> None:
    """Every check of the frame just shown (see the module docstring)."""
    els = elements(lec.app)
    check_tour(lec, step, els)
    check_layout(lec, step, els)
    check_text(lec, step)
    check_card_text(lec, step, els)
    check_numbers(lec, step)
