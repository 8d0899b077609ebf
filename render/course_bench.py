"""``main.py bench --course``, the window's part: how long K W W W takes to fill its chart.

The lecturer's gesture: the window opens (default preset, 1280x720), one
second later K starts the SSRI course on day 0, then W moves a week on, three
times, one second apart (days 0, 7, 14, 21). The figure is the wall time
from K until the chart holds a value for the baseline and every day shown
(day 21 included) and nothing asked for is still computing. The frame loop
is the window's own (events, update, draw, flip, 60 fps cap), with the day
cache empty (a fresh ``XDG_CACHE_HOME``), so every day is computed by the
window's day workers as on a first lecture; the frame rate over that time is
printed beside it.

Each measurement runs in a fresh interpreter (no day kept in memory from
the one before), under the dummy video driver: it needs no display. It runs
alone, then beside one other CPU-bound process (:func:`sim.bench.course.busy_core`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

KEYS_AT_S = (("k", 1.0), ("w", 2.0), ("w", 3.0), ("w", 4.0))
"""The gesture: (key, seconds after the window's first frame)."""
LAST_DAY = 21
"""The day the gesture ends on (K: day 0, then three weeks)."""
TIMEOUT_S = 300.0
"""A measurement that has not filled the chart by then is reported as not done."""
QUICK_WINDOW_MS = 0.3
"""A ``--quick`` run's day, ms of simulated time (the real one is ``DAY_WINDOW_MS``): the smoke
run checks that the gesture fills the chart, not the figure."""


def _measure(size: tuple[int, int], quick: bool = False) -> dict:
    """Open the window, play the gesture, return the seconds from K to a full chart (in a child)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import pygame

    if quick:
        import render.lecture.day_runs as day_runs

        day_runs.DAY_WINDOW_MS = QUICK_WINDOW_MS

    from render.app import App
    from render.common.workers import close_all
    from sim.params.presets import load_preset

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode(size)
    app = App(load_preset("default"), 0, size)
    timer = pygame.time.Clock()
    keys = list(KEYS_AT_S)
    start = time.perf_counter()
    k_at, frames, done_at = None, 0, None
    try:
        while done_at is None and time.perf_counter() - start < TIMEOUT_S:
            now = time.perf_counter() - start
            while keys and now >= keys[0][1]:
                key = pygame.key.key_code(keys.pop(0)[0])
                for kind in (pygame.KEYDOWN, pygame.KEYUP):
                    pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode=""))
                k_at = now if k_at is None else k_at
            app.pump()
            app.update(timer.tick(60) / 1000.0)
            app.draw(screen)
            pygame.display.flip()
            frames += k_at is not None
            if not keys and _chart_full(app):
                done_at = time.perf_counter() - start
    finally:
        app.course.scenario.stop_day_runs()
        close_all()
        pygame.quit()
    if done_at is None:
        return {"seconds": None, "fps": None}
    return {"seconds": done_at - k_at, "fps": frames / (done_at - k_at)}


def _chart_full(app) -> bool:
    runs = app.course.scenario.day_runs
    treatment = app.course.scenario.treatment
    if runs is None or treatment is None or treatment.day != LAST_DAY or runs.busy:
        return False
    shown = {day for day, _, _ in runs.points()}
    return {0, 7, 14, LAST_DAY} <= shown


def kwww_lines(size: tuple[int, int] = (1280, 720), quick: bool = False) -> Iterator[str]:
    """Yield the K W W W figure alone, then beside one busy process (each in a fresh process).

    ``quick``: days of ``QUICK_WINDOW_MS`` (a smoke run, not the real workload).
    """
    import contextlib

    from sim.bench.course import busy_core

    for label, context in (("alone", contextlib.nullcontext()), ("+1 busy", busy_core())):
        with tempfile.TemporaryDirectory() as cache, context:
            env = {**os.environ, "XDG_CACHE_HOME": cache}
            out = subprocess.run(
                [sys.executable, "-m", "render.course_bench", f"{size[0]}x{size[1]}"]
                + (["quick"] if quick else []),
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S + 60,
            )
        if out.returncode != 0:
            yield f"window  K W W W, {label:>7}: failed: {out.stderr.strip().splitlines()[-1:]}"
            continue
        got = json.loads(out.stdout.strip().splitlines()[-1])
        if got["seconds"] is None:
            yield f"window  K W W W, {label:>7}: chart not full after {TIMEOUT_S:.0f} s"
            continue
        note = f" [--quick: {QUICK_WINDOW_MS} ms days, not the real workload]" if quick else ""
        yield (
            f"window  K W W W, keys 1 s apart: chart full (baseline, days 0-{LAST_DAY}, empty day cache, "
            f"{size[0]}x{size[1]}){note}, {label:>7}: {got['seconds']:5.1f} s after K, "
            f"{got['fps']:.0f} fps meanwhile"
        )


if __name__ == "__main__":
    w, h = (int(v) for v in sys.argv[1].split("x"))
    print(json.dumps(_measure((w, h), quick=sys.argv[2:] == ["quick"])))
