"""The scene column's stage: its height shared by the picture, card, course chart and headers.

Below the synapse picture the column holds, from the bottom up, the card (a tour card, a
caption, the change of scale), the treatment course's chart, and in compare mode a header
above each pane. At their full sizes they can leave the picture a sliver (in the projector
profile at 1280x720, with all three up, under a fifth of the height). :func:`share_column`
gives the picture at least ``PICTURE_SHARE`` of the window height whenever the concessions
below make room, tried in this order, each only if the picture still lacks height:

1. the course chart shrinks from its preferred height towards its least (key beside it);
2. the course chart takes its compact form (:func:`render.lecture.treatment_chart.compact_height`:
   the day joins the status line, the footnote goes unless it fits beside the chart);
3. the compare headers are written in the normal font instead of the big one, with less
   padding;
4. the card's fonts shrink step by step, never below ``CARD_TEXT_SHARE`` of the window height
   for its text (in the projector profile that is about the default profile's size).

What cannot be made room for stays (the card, the chart, the headers are never left out).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from render.common.banner import banner_height
from render.common.constants import TREATMENT_SHARE
from render.common.text import Fonts
from render.lecture.treatment_chart import (
    STRIP_PAD_PX,
    chart_height,
    compact_height,
    is_wide,
    wide_height,
)

PICTURE_SHARE = 0.35
"""Least height of the synapse picture (each pane in compare mode), share of the window height.

A compare pane at the projector profile is about 35% of a 16:9 window's width; the overview
(:attr:`render.synapse.view.View.fit_sx`) fills that width once the pane is 0.59 times as tall
as wide, i.e. at 36% of the window height: below that the synapse is drawn smaller than the
pane allows, and the hall sees ever less of it."""

COURSE_SHARE = 0.12
"""Least height of the course chart's strip, share of the window height (the lecture's rule)."""

CARD_TEXT_SHARE = 18 / 1080
"""The card's text (its normal font's height) never below this share of the window height:
the lecture's floor for text read from the back of a hall (18 px at 1080p)."""

CARD_STEP = 0.05
"""The card's font factor shrinks in steps of this much."""

STRIP_ROOM = 4
"""The history strip is placed only if the picture keeps at least this many times its height."""


@dataclass
class Stage:
    """Where things go in the scene column (px); ``picture`` is what is left for the synapse."""

    picture: pygame.Rect
    card: pygame.Rect | None = None
    card_fonts: Fonts | None = None
    course: pygame.Rect | None = None
    header_h: int = 0
    header_size: str = "big"
    concessions: list[str] = field(default_factory=list)
    strip: pygame.Rect | None = None
    panes: list[pygame.Rect] = field(default_factory=list)
    """The picture, or in compare mode the control's pane and the model's."""
    headers: list[pygame.Rect] = field(default_factory=list)


def card_factors(fonts: Fonts, window_h: int) -> list[float]:
    """The card's font factors to try, largest first.

    1, then down in ``CARD_STEP`` steps while the normal font stays at least
    ``CARD_TEXT_SHARE`` of ``window_h`` (px) tall.
    """
    out = [1.0]
    f = 1.0 - CARD_STEP
    while fonts.scaled(f).fonts["normal"].get_height() >= CARD_TEXT_SHARE * window_h:
        out.append(round(f, 4))
        f -= CARD_STEP
    return out


def share_column(
    column: pygame.Rect,
    fonts: Fonts,
    window_h: int,
    shown: tuple[tuple[str, str, str] | None, bool, bool],
    strip_h: int | None = None,
) -> Stage:
    """Share ``column`` (px) between the card, the course chart, the headers and the picture.

    Args:
        column: the scene column (above the control bar), px.
        fonts: the interface's fonts.
        window_h: the window's height, px (the shares are of it).
        shown: the card's (title, text, footer) or None; a treatment course is open (its
            chart's strip); compare mode (two panes, each with a header).
        strip_h: the history strip's height, px (None: no strip). It goes right under the
            picture, not while the course chart is up, nor when the picture would keep less
            than ``STRIP_ROOM`` strips of height or less than ``PICTURE_SHARE`` of the window.

    The picture keeps ``PICTURE_SHARE`` of ``window_h`` if any of the concessions (module
    docstring) make room; else the last, all of them made.
    """
    card, course, compare = shown
    s = fonts.scale
    inner = column.w - 2 * int(8 * s) - 2 * int(STRIP_PAD_PX * s)
    compact = course and is_wide(fonts, inner)  # a narrow chart has no compact form
    floor = PICTURE_SHARE * window_h
    plans: list[tuple[float, bool, str]] = [(1.0, False, "big")]
    if compact:
        plans.append((1.0, True, "big"))
    if compare:
        plans.append((1.0, compact, "normal"))
    head = "normal" if compare else "big"
    if card is not None:
        factors = card_factors(fonts, window_h)[1:]
        plans += [(f, compact, head) for f in factors]
    stage = None
    for factor, compact, head_size in plans:
        stage = _plan(column, fonts, window_h, card, course, compare, factor, compact, head_size)
        if stage.picture.h >= floor:
            break
    _place_panes(stage, fonts, floor, None if course else strip_h)
    return stage


def _place_panes(stage: Stage, fonts: Fonts, floor: float, strip_h: int | None) -> None:
    """The history strip under the picture if it has room (``floor`` px), then the panes."""
    s = fonts.scale
    m = int(8 * s)
    r = stage.picture
    if strip_h is not None and r.h - strip_h - 2 * m >= max(STRIP_ROOM * strip_h, floor):
        stage.strip = pygame.Rect(r.left + m, r.bottom - strip_h - m, r.w - 2 * m, strip_h)
        r.h -= strip_h + 2 * m
    if stage.header_h == 0:
        stage.panes = [r]
        return
    gap = max(4, int(6 * s))
    half = (r.w - gap) // 2
    stage.panes = [
        pygame.Rect(r.left, r.top, half, r.h),
        pygame.Rect(r.right - half, r.top, half, r.h),
    ]
    stage.headers = [
        pygame.Rect(p.left, r.top - stage.header_h, half, stage.header_h) for p in stage.panes
    ]


def _plan(column, fonts, window_h, card, course, compare, factor, compact, head_size) -> Stage:
    """One way to share the column: the card at ``factor`` of the fonts, the chart ``compact``."""
    s = fonts.scale
    m = int(8 * s)
    r = pygame.Rect(column)
    stage = Stage(picture=r, header_size=head_size)
    if factor < 1.0:
        stage.concessions.append(f"card fonts x{factor:g}")
    if compact:
        stage.concessions.append("compact course chart")
    if head_size != "big":
        stage.concessions.append("thin headers")
    if card is not None:
        cf = fonts.scaled(factor) if factor < 1.0 else fonts
        h = min(banner_height(cf, r.w - 2 * m, *card[1:]), r.h // 2)
        stage.card = pygame.Rect(r.left + m, r.bottom - h - m, r.w - 2 * m, h)
        stage.card_fonts = cf
        r.h -= h + 2 * m
    pad = int((10 if head_size == "big" else 4) * s)
    head = fonts.line_height(head_size) + pad if compare else 0
    stage.header_h = head
    if course:
        pad = 2 * int(STRIP_PAD_PX * s)
        least = (compact_height(fonts) + pad) if compact else (wide_height(fonts) + 4 * m)
        least = max(least, int(COURSE_SHARE * window_h) + 1)  # the chart is never left out
        room = int(r.h - m - head - PICTURE_SHARE * window_h)
        h = max(least, min(chart_height(fonts) + 2 * m, int(TREATMENT_SHARE * r.h), room))
        stage.course = pygame.Rect(r.left + m, r.bottom - h, r.w - 2 * m, h)
        r.h -= h + m
    stage.picture = pygame.Rect(r.left, r.top + head, r.w, r.h - head)
    return stage
