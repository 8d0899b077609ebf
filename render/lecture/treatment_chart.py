"""The treatment chart: one series that tells the delay at a glance.

Receptor signal (the timeline command's mean bound receptors of each day)
relative to the same synapse before the drug, day by day; the days on the
SSRI shaded in the drug's colour; a dashed line at 1 ("before the drug");
today marked. The mean-field estimate of every day shown is drawn at once as
a thin curve (:meth:`render.lecture.treatment.Treatment.curve`). Points arrive as the background runs finish; a line above the
chart (never on it) says which days are being computed. Reads the timeline
and the runs; changes nothing.
"""

from __future__ import annotations

import math

import pygame

from render.common.banner import wrap_text
from render.common.colors import Theme, mix
from render.common.text import Fonts, nice_ceil
from render.lecture.treatment import Treatment
from sim.course.dosing import NOT_ADVICE

FOOTNOTE = (
    "thin line: mean-field estimate, at once; dots: the agents' days as they arrive; "
    "slow rates except desensitisation are model assumptions"
)

WIDE_MIN_PX = 640
"""A chart at least this wide (px at interface scale 1) has its key beside it, not below."""

WIDE_KEY_SHARE = 0.38
"""Share of a wide chart's width its key and footnote take, on the right."""


STRIP_PAD_PX = 10
"""Padding of the chart's strip around the chart (px at interface scale 1; the side panel's)."""


def is_wide(fonts: Fonts, width: int) -> bool:
    """A chart ``width`` px wide has its key beside it (the wide and the compact forms)."""
    return width >= int(WIDE_MIN_PX * fonts.scale)


def chart_height(fonts: Fonts) -> int:
    """Least height :func:`draw_treatment` needs for a readable chart, px."""
    s = fonts.scale
    return (
        fonts.line_height("big")
        + 4 * fonts.line_height("small")
        + int(90 * s)
        + 5 * fonts.line_height("small")
    )


def wide_height(fonts: Fonts) -> int:
    """Least height of a wide chart (its key beside it), px.

    The day, 2 status lines, the progress line, a chart 40 px tall at scale 1, its day labels
    and a 2-line footnote.
    """
    s = fonts.scale
    return fonts.line_height("big") + 6 * fonts.line_height("small") + int(52 * s)


def compact_height(fonts: Fonts) -> int:
    """Least height of the compact chart (a wide chart when the stage is crowded), px.

    Beside the key's column (the progress line, then the key: 6 lines), "Day N:" and the
    status on 2 lines, a chart 30 px tall at scale 1 and its day labels; no big title (the
    picture's title line says the day too), and the footnote only under the key when it fits
    there whole.
    """
    s = fonts.scale
    lh = fonts.line_height("small")
    return max(3 * lh + int(42 * s), 7 * lh + int(4 * s))


def busy_text(busy: tuple[int, ...] | int, today: int) -> str:
    """What the chart says while days run: "computing day 7", "computing days 7 and 14", ...

    ``busy`` holds the days running (-1: the drug-free reference); days after
    ``today`` (computed ahead) are "the weeks ahead".
    """
    days = (busy,) if isinstance(busy, int) else tuple(busy)
    parts = ["the drug-free reference"] if -1 in days else []
    shown = sorted(d for d in days if 0 <= d <= today)
    if shown:
        label = "day" if len(shown) == 1 else "days"
        listed = ", ".join(str(d) for d in shown[:-1])
        parts.append(f"{label} {listed + ' and ' if listed else ''}{shown[-1]}")
    if not parts and any(d > today for d in days):
        parts.append("the weeks ahead")
    return "computing " + " and ".join(parts) if parts else ""


def draw_treatment(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    fonts: Fonts,
    treatment: Treatment,
    computed: tuple[list[tuple[int, bool, float]], tuple[int, ...] | None] | None,
) -> int:
    """Day, drug status and the receptor-signal chart inside ``rect``; returns the bottom y.

    Args:
        surface: target surface.
        rect: where to draw, px (nothing is drawn outside it).
        theme: colour profile.
        fonts: text renderer.
        treatment: the timeline.
        computed: :meth:`render.lecture.day_runs.DayRuns.points` and the days being
            computed (:meth:`~render.lecture.day_runs.DayRuns.computing`: -1 is the
            baseline; None: idle), or None when no runs exist (scripted runs).
    """
    s = fonts.scale
    old = surface.get_clip()
    surface.set_clip(rect)
    states = treatment.states()
    st = states[-1]
    lh = fonts.line_height("small")
    # A wide strip (below the scene) puts the key in a column on the right of the chart.
    side = int(WIDE_KEY_SHARE * rect.w) if is_wide(fonts, rect.w) else 0
    key = pygame.Rect(rect.right - side + int(12 * s), rect.top, side - int(12 * s), rect.h)
    main_w = rect.w - side
    compact = side > 0 and rect.h < wide_height(fonts)
    status = _status(treatment)
    if compact:  # the day leads the status line; the footnote moves beside the chart
        y, status = rect.top, f"Day {st.day}: {status}"
    else:
        y = fonts.blit(surface, f"Day {st.day}", (rect.left, rect.top), "big", theme.text).bottom
    for line in wrap_text(fonts, status, "small", main_w):
        fonts.blit(surface, line, (rect.left, y), "small", theme.text)
        y += lh
    points, msg = _progress(computed, st.day)
    # Its own line above the chart (kept when empty, so the chart does not jump): never on a
    # point; in the compact form above the key.
    ky = key.top
    for line in wrap_text(fonts, msg, "small", key.w if compact else main_w) if msg else [""]:
        if line:
            fonts.blit(
                surface,
                line,
                (key.left, ky) if compact else (rect.left, y),
                "small",
                theme.text_dim,
            )
        ky, y = (ky + lh, y) if compact else (ky, y + lh)
    foot = wrap_text(fonts, FOOTNOTE, "small", key.w if compact else main_w)
    below = (0 if side else 5 * lh + int(4 * s)) + (0 if compact else len(foot) * lh)
    beside, foot = (foot, []) if compact else ([], foot)
    area = pygame.Rect(
        rect.left + int(36 * s),
        y + int(6 * s),
        main_w - int(40 * s),
        rect.bottom - y - int(6 * s) - lh - below - int(6 * s),
    )
    x_max = max(7, int(math.ceil((max([st.day, *(d for d, _, _ in points)]) + 1) / 7.0)) * 7)
    if area.h >= int(20 * s if compact else 30 * s):
        curve = treatment.curve()
        _draw_chart(surface, area, theme, fonts, states, (points, curve), x_max, st.day)
        y = _day_labels(surface, area, rect.left + main_w, x_max, theme, fonts)
        key_y = _legend(surface, key if side else rect, ky if side else y, theme, fonts)
        y = y if side else key_y
        if compact and key_y + len(beside) * lh <= rect.bottom:  # beside the chart, whole
            y, foot = key_y, beside
    x_foot = key.left if compact else rect.left
    for line in foot:
        fonts.blit(surface, line, (x_foot, y), "small", theme.text_dim)
        y += lh
    surface.set_clip(old)
    return y


def _day_labels(surface, area, right, x_max, theme, fonts) -> int:
    """The weeks' day numbers under the chart ``area``; returns the y below them, px.

    No label reaches past ``right`` (px); "day" stands at the left of the strip.
    """
    y = area.bottom + 2
    for wk in range(0, x_max + 1, 7):
        x = area.left + wk / x_max * area.w
        half = fonts.width(f"{wk}", "small") / 2
        x = min(x, right - half - 1)  # the last tick's label stays inside
        fonts.blit(surface, f"{wk}", (x, y), "small", theme.text_dim, "midtop")
    fonts.blit(surface, "day", (area.left - int(36 * fonts.scale), y), "small", theme.text_dim)
    return y + fonts.line_height("small")


def _status(treatment: Treatment) -> str:
    """Today's drug status: not yet, the drug and dose, on the SSRI, or stopped; autoreceptors."""
    st = treatment.states()[-1]
    rx = treatment.prescription
    if treatment.start_day is None:
        status = "no drug yet (K starts the SSRI; D, W: days, weeks). " + rx.text()
    elif st.on_drug and rx.drug is not None:
        status = (
            f"{rx.drug} since day {treatment.start_day}: {st.dose_mg:.3g} mg today, "
            f"{st.occupancy * 100:.0f}% of SERT blocked"
        )
    elif st.on_drug:
        status = (
            f"on the SSRI since day {treatment.start_day}: "
            f"{treatment.occupancy * 100:.0f}% of SERT blocked"
        )
    else:
        status = f"SSRI stopped on day {treatment.stop_day}"
        if st.occupancy > 0.005:
            status += f" ({st.occupancy * 100:.0f}% of SERT still blocked)"
    status += (
        f"; autoreceptors {st.autoreceptor_sensitivity * 100:.0f}% sensitive, "
        f"receptors {st.receptor_density * 100:.0f}%"
    )
    if rx.drug is not None:
        status += ". " + NOT_ADVICE
    return status


def _progress(
    computed: tuple[list[tuple[int, bool, float]], tuple[int, ...] | None] | None, today: int
) -> tuple[list[tuple[int, bool, float]], str]:
    """(the points up to ``today``, the line above the chart: what is computing, or a hint)."""
    points, busy = computed if computed is not None else ([], None)
    points = [pt for pt in points if pt[0] <= today]  # days computed ahead wait their turn
    if computed is None:
        msg = "computed in the window"
    elif busy:
        msg = busy_text(busy, today)
    elif not points:
        msg = "D or W: the next days"
    else:
        msg = ""
    return points, msg


def _draw_chart(surface, area, theme, fonts, states, series, x_max, today) -> None:
    s = fonts.scale
    points, curve = series
    surface.fill(theme.plot_bg, area)
    shade = mix(theme.plot_bg, theme.drug, 0.35)
    for d, state in enumerate(states):
        if state.on_drug:
            x0 = area.left + d / x_max * area.w
            x1 = area.left + (d + 1) / x_max * area.w
            surface.fill(shade, pygame.Rect(int(x0), area.top, max(1, int(x1) - int(x0)), area.h))
    for wk in range(0, x_max + 1, 7):
        x = area.left + wk / x_max * area.w
        pygame.draw.line(surface, theme.plot_grid, (x, area.top), (x, area.bottom), 1)
    finite = [v for v in curve if math.isfinite(v)]
    y_top = nice_ceil(max([2.0] + [v * 1.1 for _, _, v in points] + [v * 1.1 for v in finite]))
    y_one = area.bottom - area.h / y_top
    for x in range(area.left, area.right, int(8 * s)):
        pygame.draw.line(surface, theme.text_dim, (x, y_one), (x + int(4 * s), y_one), 1)
    fonts.blit(surface, "1", (area.left - 4, y_one), "small", theme.text_dim, "midright")
    fonts.blit(
        surface, f"{y_top:g}", (area.left - 4, area.top), "small", theme.text_dim, "midright"
    )
    fonts.blit(surface, "0", (area.left - 4, area.bottom), "small", theme.text_dim, "midright")
    xt = area.left + (today + 0.5) / x_max * area.w
    pygame.draw.line(surface, theme.text, (xt, area.top), (xt, area.bottom), max(1, int(2 * s)))
    pts = [
        (area.left + (d + 0.5) / x_max * area.w, area.bottom - min(v / y_top, 1.0) * area.h)
        for d, _, v in points
    ]
    _draw_course(surface, area, theme, states, x_max, s)
    _draw_curve(surface, area, theme, curve, x_max, y_top)
    if len(pts) >= 2:
        pygame.draw.lines(surface, theme.plot_occupancy, False, pts, max(2, int(2 * s)))
    r = max(3, int(4 * s))
    for px, py in pts:
        pygame.draw.circle(surface, theme.glyph_edge, (px, py), r + 1)
        pygame.draw.circle(surface, theme.plot_occupancy, (px, py), r)
    pygame.draw.rect(surface, theme.panel_edge, area, 1)


def _draw_curve(surface, area, theme, curve, x_max, y_top) -> None:
    """The mean-field signal of each day shown: a thin line through the days' centres."""
    line = [
        (area.left + (d + 0.5) / x_max * area.w, area.bottom - min(v / y_top, 1.0) * area.h)
        for d, v in enumerate(curve)
        if math.isfinite(v)
    ]
    color = mix(theme.plot_bg, theme.plot_occupancy, 0.6)
    if len(line) >= 2:
        pygame.draw.lines(surface, color, False, line, 1)
    elif line:
        pygame.draw.line(surface, color, (line[0][0] - 3, line[0][1]), (line[0][0] + 3, line[0][1]))


def _draw_course(surface, area, theme, states, x_max, s) -> None:
    """SERT occupancy and, for a course in mg, the daily dose: thin lines under the points.

    Occupancy 0 to 1 spans the chart's height; the dose's largest sits near the top.
    """
    occ = [
        (area.left + (d + 0.5) / x_max * area.w, area.bottom - st.occupancy * area.h)
        for d, st in enumerate(states)
    ]
    if len(occ) >= 2:
        pygame.draw.lines(surface, theme.drug, False, occ, max(1, int(s)))
    doses = [st.dose_mg or 0.0 for st in states]
    top = max(doses)
    if top > 0:
        steps = []
        for d, dose in enumerate(doses):
            y = area.bottom - dose / top * area.h * 0.95
            steps += [
                (area.left + d / x_max * area.w, y),
                (area.left + (d + 1) / x_max * area.w, y),
            ]
        pygame.draw.lines(surface, theme.text_dim, False, steps, max(1, int(s)))


def _legend(surface, rect, y, theme, fonts) -> int:
    s = fonts.scale
    lh = fonts.line_height("small")
    sw = int(16 * s)
    x = rect.left
    pygame.draw.line(
        surface, theme.plot_occupancy, (x, y + lh // 2), (x + sw, y + lh // 2), max(2, int(3 * s))
    )
    text = "receptor signal, relative to before the drug (dashed line: 1)"
    for line in wrap_text(fonts, text, "small", rect.w - sw - int(6 * s)):
        fonts.blit(surface, line, (x + sw + int(6 * s), y), "small", theme.text)
        y += lh
    for color, text in ((theme.drug, "SERT occupancy (0 to 1)"),
                        (theme.text_dim, "daily dose in mg (largest at the top)")):  # fmt: skip
        pygame.draw.line(surface, color, (x, y + lh // 2), (x + sw, y + lh // 2), max(1, int(s)))
        fonts.blit(surface, text, (x + sw + int(6 * s), y), "small", theme.text)
        y += lh
    box = pygame.Rect(x, y + int(2 * s), sw, lh - int(4 * s))
    surface.fill(mix(theme.plot_bg, theme.drug, 0.35), box)
    fonts.blit(surface, "days on the SSRI", (x + sw + int(6 * s), y), "small", theme.text)
    return y + lh + int(4 * s)
