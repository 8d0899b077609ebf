"""The first start: while the simulation kernels compile, the window says so and shows progress.

numba compiles the kernels the first time they run and caches them on disk
(``cache=True``); on the 2-core lecture laptop that first compile took about
20 s, during which the window stood black. :func:`prepare` runs instead,
before the window's model is built, when the cache is still empty
(:func:`kernels_cached`): each stage of :data:`STAGES` compiles one group of
kernels on a worker thread (each run once on a small model, the way the
window will run them) while this thread keeps the window drawn, its events
handled and a progress bar moving. Later starts load the cache in about a
second and skip this screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pygame

from render.common.colors import theme as get_theme
from render.common.text import Fonts

STAGE_S: tuple[float, ...] = (14.0, 4.0, 3.0)
"""Wall time each stage took on a cold cache on the 2-core machine, s (the bar's pace)."""


def kernels_cached() -> bool:
    """Whether the diffusion kernel's compiled code is on disk (numba's cache index exists).

    Reads numba's private cache attributes defensively: when they cannot be
    read, the cache is taken as present (no first-start screen).
    """
    import os

    from sim.synapse import diffusion

    try:
        index = diffusion._advance._cache._cache_file._index_path
    except AttributeError:
        return True
    return bool(diffusion._advance.signatures) or os.path.exists(index)


def _synapse() -> None:
    from sim import Synapse
    from sim.params.presets import load_preset

    model = Synapse(load_preset("default").params, seed=0)
    for nogil in (True, False):  # the window's threads enter without the GIL
        model.release_gil = nogil
        model.run_steps(3)


def _picture() -> None:
    from render.synapse.scene import SceneRenderer
    from render.synapse.view import View
    from sim import Synapse
    from sim.params.presets import load_preset

    p = load_preset("default").params
    model = Synapse(p, seed=0)
    model.run_steps(400)
    view = View(
        p.cleft_width_nm, p.terminal_radius_nm, p.outer_radius_nm, pygame.Rect(0, 0, 320, 200)
    )
    SceneRenderer(get_theme(False)).draw(pygame.Surface((320, 200)), view, model, [], 0.0)


def _tissue() -> None:
    from sim.params.presets import load_preset
    from sim.tissue.model import Tissue

    Tissue(load_preset("tissue").params, seed=0).run_steps(2)


STAGES: tuple[tuple[str, Callable[[], None]], ...] = (
    ("the molecules' diffusion and binding", _synapse),
    ("drawing the molecules", _picture),
    ("the tissue view", _tissue),
)
"""(what compiles, the job that compiles it), in order."""


def progress(done: int, in_stage_s: float) -> float:
    """Share of the preparation done, 0..1: finished stages, and the running one by its time."""
    total = sum(STAGE_S)
    if done >= len(STAGE_S):
        return 1.0
    running = min(0.95, in_stage_s / STAGE_S[done]) * STAGE_S[done]
    return (sum(STAGE_S[:done]) + running) / total


def draw(surface: pygame.Surface, projector: bool, share: float, stage: str, elapsed_s: float):
    """The preparing screen: what happens, why only once, a progress bar, the seconds so far."""
    th = get_theme(projector)
    w, h = surface.get_size()
    fonts = Fonts(max(0.7, min(w / 1280, h / 720)) * th.ui_scale)
    surface.fill(th.background)
    x, y = w // 2, int(h * 0.32)
    lines = (
        ("Cleft is preparing its simulation kernels", "huge", th.text),
        (
            "First start only: the compiled code is kept, later starts take a second.",
            "normal",
            th.text_dim,
        ),
        (f"Compiling {stage} ...   {elapsed_s:.0f} s", "normal", th.text),
    )
    for text, size, color in lines:
        y = fonts.blit(surface, text, (x, y), size, color, "midtop").bottom + int(12 * fonts.scale)
    bar = pygame.Rect(0, 0, int(w * 0.5), max(8, int(16 * fonts.scale)))
    bar.midtop = (x, y + int(10 * fonts.scale))
    pygame.draw.rect(surface, th.panel_edge, bar, max(1, th.line))
    fill = bar.inflate(-4, -4)
    fill.w = int(fill.w * share)
    surface.fill(th.widget_fill, fill)
    return bar


def prepare(surface: pygame.Surface, projector: bool = False) -> bool:
    """Compile the kernels (cold cache only) with the preparing screen up; False if the window was closed.

    Runs each stage on a worker thread; the loop here draws about 20 times a
    second and handles the window's events (closing it ends the start).
    """
    if kernels_cached():
        return True
    t0 = time.perf_counter()
    for done, (stage, job) in enumerate(STAGES):
        worker = threading.Thread(target=job, name="cleft-compile", daemon=True)
        worker.start()
        started = time.perf_counter()
        while worker.is_alive():
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    return False
            now = time.perf_counter()
            draw(surface, projector, progress(done, now - started), stage, now - t0)
            pygame.display.flip()
            worker.join(0.05)
    return True
