"""Soak benchmark: the real window in real time for many minutes, with occasional keys.

A printed figure, never a test (30 minutes is far over the suite's budget)::

    SDL_VIDEODRIVER=dummy python -m render.media.soak 30 [--preset default]

Runs :func:`render.window.run_app` as a user does (``--quit-after``), under SDL's
dummy driver unless another is chosen, while a side thread presses a key every
``KEY_EVERY_S`` seconds: F (fire) and the slider keys (blockade ``]`` ``[``,
firing rate ``.`` ``,``), the keys of the lecture that measured the creep.
It samples the resident memory of the window and its child processes
(``/proc``) every ``SAMPLE_S`` seconds and prints one line per minute
(``minute N: RSS MB``), then the curve at minutes 1, 10 and 30 (those the
run reached) and the growth from minute 1 to the end. The promise
(issue 19): at most ``GROWTH_LIMIT_MB`` between minute 1 and minute 30.

What bounds it: the window's recorders keep only the recent past their plots
and overlay read (:func:`render.synapse.records.record_rows`): 2.2 MB per
synapse for every shipped preset at its own speed, at most ~96 MB at the
fastest speed offered; the tissue view keeps its last 60 s of samples
(:data:`render.tissue.trace.RECORD_S`); rendered text is an LRU of 512 strings.
"""

from __future__ import annotations

import argparse
import os
import threading
import time

KEY_EVERY_S = 20.0
"""Seconds between two key presses."""
SAMPLE_S = 5.0
"""Seconds between two memory samples."""
GROWTH_LIMIT_MB = 10.0
"""Most resident-memory growth accepted from minute 1 to minute 30, MB."""
REPORT_MINUTES = (1, 10, 30)


def _proc_mb(path: str, key: str) -> float | None:
    """The ``key:`` line of a /proc file, kB -> MB; None when the file cannot be read."""
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid``, MB (0 if it is gone)."""
    return _proc_mb(f"/proc/{pid}/status", "VmRSS:") or 0.0


def pss_mb(pid: int) -> float:
    """Proportional resident memory (PSS) of process ``pid``, MB (0 if it is gone).

    Its own pages, plus each page it shares divided by how many processes map it
    (Linux ``/proc/PID/smaps_rollup``).
    Summed over a window and its workers this counts the libraries they all map
    (Python, numpy, numba's LLVM) once, where a sum of :func:`rss_mb` counts them in
    every process. Where the kernel gives no rollup it is :func:`rss_mb` (an upper bound).
    """
    pss = _proc_mb(f"/proc/{pid}/smaps_rollup", "Pss:")
    return rss_mb(pid) if pss is None else pss


def tree_rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and every descendant, MB."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += rss_mb(p)
        todo += parents.get(p, [])
    return total


def record_bound(preset: str) -> str:
    """The bound on the window's record of the model for ``preset``, in one line."""
    from render.synapse.records import RECORD_MAX_ROWS, record_rows
    from sim.params.presets import load_preset
    from sim.synapse.recorder import COLUMNS

    p = load_preset(preset)
    if p.model != "synapse":
        from render.tissue.trace import RECORD_S

        return f"record bound: the tissue view keeps the last {RECORD_S:g} s of samples"
    mb = 2 * len(COLUMNS) * 8 / 2**20  # the kept rows are buffered twice
    rows = record_rows(p.params, p.playback_us_per_s)
    return (
        f"record bound: {rows * mb:.1f} MB per synapse at this preset's speed "
        f"({p.playback_us_per_s:g} us/s; x2 in compare mode), {RECORD_MAX_ROWS * mb:.0f} MB "
        "at the fastest"
    )


def _drive(stop: threading.Event, minutes: float, out) -> dict[int, float]:
    """Press keys and sample memory until ``stop``; returns RSS by whole minute."""
    import pygame

    keys = (
        pygame.K_f,
        pygame.K_RIGHTBRACKET,
        pygame.K_LEFTBRACKET,
        pygame.K_PERIOD,
        pygame.K_COMMA,
    )
    start = time.monotonic()
    curve: dict[int, float] = {}
    next_key, n = KEY_EVERY_S, 0
    while not stop.wait(SAMPLE_S):
        t = time.monotonic() - start
        if t >= next_key:
            try:
                pygame.event.post(
                    pygame.event.Event(pygame.KEYDOWN, key=keys[n % len(keys)], mod=0)
                )
            except pygame.error:
                pass  # the window is not up yet, or closing
            n, next_key = n + 1, next_key + KEY_EVERY_S
        minute = int(t // 60)
        if 1 <= minute <= minutes and minute not in curve:
            curve[minute] = tree_rss_mb(os.getpid())
            out(f"minute {minute}: {curve[minute]:.1f} MB")
        if t >= minutes * 60 and minute in curve:
            break
    return curve


def main(argv: list[str] | None = None) -> int:
    """Run the soak; print the memory curve. Returns 0 (1 if the growth exceeds the limit)."""
    ap = argparse.ArgumentParser(prog="python -m render.media.soak", description=__doc__)
    ap.add_argument("minutes", type=float, help="length of the run, minutes (30 for the figure)")
    ap.add_argument("--preset", default="default")
    args = ap.parse_args(argv)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    from render.window import run_app

    def out(text: str) -> None:
        print(f"soak: {text}", flush=True)

    stop = threading.Event()
    result: dict[int, float] = {}
    sampler = threading.Thread(
        target=lambda: result.update(_drive(stop, args.minutes, out)), daemon=True
    )
    out(f"{args.minutes:g} min, preset {args.preset}, a key every {KEY_EVERY_S:g} s")
    out(record_bound(args.preset))
    sampler.start()
    try:
        run_app(args.preset, None, 0, (1280, 720), quit_after=args.minutes * 60.0 + 2 * SAMPLE_S)
    finally:
        stop.set()
        sampler.join(SAMPLE_S + 5.0)
    shown = [m for m in REPORT_MINUTES if m in result]
    out("curve: " + ", ".join(f"minute {m} {result[m]:.1f} MB" for m in shown))
    if 1 in result and len(result) > 1:
        last = max(result)
        growth = result[last] - result[1]
        out(f"growth from minute 1 to minute {last}: {growth:+.1f} MB (limit {GROWTH_LIMIT_MB:g})")
        return 0 if growth <= GROWTH_LIMIT_MB else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
