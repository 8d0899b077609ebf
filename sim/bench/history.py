"""``main.py bench --history``: what the window's history (rewind) costs, on the real workload.

For the ``default`` and ``physiological`` presets, a model built as the
window builds it (its recorder keeping a bounded tail) is played in frames of
``FRAME_US`` simulated us (the window's fastest warped pace, 1 ms of
simulated time per second on screen at 60 frames/s), with a
:class:`sim.synapse.history.History` noted after every frame, until the span
reaches ``SPAN_MS`` or ``WALL_S`` seconds have passed. Printed per preset:

* the span covered and the memory the history holds, MB;
* the cost of noting, as a share of the stepping time (snapshots are taken
  between frames, on the frame's time);
* the time to show a moment: the far end of the span, and the worst of
  ``PROBES`` moments just before a snapshot (the most stepping a seek needs).

Times are CPU times of this process (a seek runs on one thread), so a busy
machine does not inflate them; the wall time of the worst seek and the load
average are printed beside them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import numpy as np

FRAME_US = 1000.0 / 60.0
"""Simulated us per frame: the warp's fastest pace (5 x 200 us/s) at 60 frames/s."""
SPAN_MS = 25.0
"""Span played per preset, ms of simulated time (the window must cover >= 20 ms of default)."""
WALL_S = 90.0
"""Most wall time spent playing one preset, s (physiological steps 10x more molecules)."""
PROBES = 12
"""Moments just before a snapshot timed per preset (the worst is printed)."""


def history_lines(
    presets: tuple[str, ...] = ("default", "physiological"),
    span_ms: float = SPAN_MS,
    wall_s: float = WALL_S,
    max_bytes: int | None = None,
) -> Iterator[str]:
    """Yield the history figures of each preset (see the module doc)."""
    from sim.params.presets import load_preset
    from sim.synapse.history import DEFAULT_MAX_BYTES, History
    from sim.synapse.model import Synapse
    from sim.synapse.recorder import TAIL_ROWS

    budget = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    yield f"history (rewind), budget {budget / 2**20:.0f} MiB, load average {os.getloadavg()[0]:.1f}"
    for name in presets:
        preset = load_preset(name)
        model = Synapse(preset.params, seed=1)
        model.recorder.stream_to(None, TAIL_ROWS)
        history = History(model, budget)
        frame = max(1, round(FRAME_US / model.dt_us))
        t_step = t_note = 0.0
        t_end = time.perf_counter() + wall_s
        while model.time_ms < span_ms and time.perf_counter() < t_end:
            t0 = time.process_time()
            model.run_steps(frame)
            t1 = time.process_time()
            history.note()
            t_step += t1 - t0
            t_note += time.process_time() - t1
        yield (
            f"  {name}: {history.span_us / 1000:.2f} ms of {model.time_ms:.2f} ms played kept in "
            f"{history.nbytes / 2**20:.0f} MB ({len(history.snapshot_steps)} snapshots, "
            f"{model.n_molecules:,} molecules); noting costs {100 * t_note / t_step:.1f}% "
            "of the stepping time"
        )
        history.seek(history.last_step)
        far = _timed(history.seek, history.first_step)[0]
        steps = history.snapshot_steps
        worst = (0.0, 0.0)
        probes = min(PROBES, len(steps) - 1)
        for j in np.linspace(1, len(steps) - 1, probes, dtype=int):
            history.seek(history.last_step)
            worst = max(worst, _timed(history.seek, steps[j] - 1))
        yield (
            f"  {name}: a moment shown in {1000 * far:.0f} ms CPU at the far end, "
            f"{1000 * worst[0]:.0f} ms CPU ({1000 * worst[1]:.0f} ms wall) at worst of "
            f"{probes} moments just before a snapshot"
        )


def _timed(seek, step: int) -> tuple[float, float]:
    """(CPU s, wall s) of one seek."""
    c0, w0 = time.process_time(), time.perf_counter()
    seek(step)
    return time.process_time() - c0, time.perf_counter() - w0
