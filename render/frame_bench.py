"""Frame benchmark: one model step plus one full draw at 1280x720, at 10k-100k free molecules.

A printed figure, never a timed test. Runs under ``SDL_VIDEODRIVER=dummy``
(set here if no driver is chosen), so it needs no display::

    python -m render.frame_bench
"""

from __future__ import annotations

import os
import statistics
import time

SIZE_PX = (1280, 720)
TARGET_MS = 6.0
"""Goal for one step + draw at 100k free molecules, ms."""


def frame_bench(
    sizes: tuple[int, ...] = (10_000, 50_000, 100_000),
    frames: int = 40,
    preset: str = "default",
    seed: int = 0,
) -> list[str]:
    """Median wall time per frame (one ``m.step()`` + full draw) at each free-molecule count.

    Molecules are injected at 20 points spread over the sheet and the cleft
    height, then the model steps a few times so they spread before timing.

    Args:
        sizes: free-molecule counts to measure.
        frames: timed frames per size.
        preset: preset to start from.
        seed: model seed.

    Returns:
        One line per size (also printed), e.g.
        ``"frame  100,000 free: median 6.1 ms (step 1.3 + draw 4.8) at 1280x720"``.
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    import numpy as np
    import pygame

    from render.app import App
    from sim.params.presets import load_preset

    pygame.display.init()
    pygame.font.init()
    lines: list[str] = []
    try:
        screen = pygame.display.set_mode(SIZE_PX)
        p = load_preset(preset, {"first_spike_ms": -1.0})
        for n in sizes:
            app = App(p, seed, SIZE_PX, scripted=True)
            m = app.model
            points = 20
            xs = np.linspace(-0.9, 0.9, points) * p.params.outer_radius_nm
            zs = np.linspace(0.1, 0.9, points)[::-1] * p.params.cleft_width_nm
            per = [n // points + (1 if i < n % points else 0) for i in range(points)]
            for k, (x, z) in enumerate(zip(xs, zs, strict=True)):
                m.inject(per[k], float(x), 0.0, float(z))
            for _ in range(30):
                m.step()
            app.draw(screen)  # warm caches (fonts, sprites, layers)
            step_ms, draw_ms, total_ms = [], [], []
            for _ in range(frames):
                t0 = time.perf_counter()
                m.step()
                t1 = time.perf_counter()
                app.draw(screen)
                t2 = time.perf_counter()
                step_ms.append((t1 - t0) * 1e3)
                draw_ms.append((t2 - t1) * 1e3)
                total_ms.append((t2 - t0) * 1e3)
            med = statistics.median(total_ms)
            line = (
                f"frame {m.free.n:>9,} free: median {med:.1f} ms "
                f"(step {statistics.median(step_ms):.1f} + draw {statistics.median(draw_ms):.1f}) "
                f"at {SIZE_PX[0]}x{SIZE_PX[1]}"
            )
            if n == max(sizes):
                line += f"; target <= {TARGET_MS:g} ms"
            print(line, flush=True)
            lines.append(line)
    finally:
        pygame.quit()
    return lines


if __name__ == "__main__":
    frame_bench()
