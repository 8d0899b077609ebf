"""``main.py [options]``: open the visualiser, or draw ``--frames`` and save ``--screenshot``.

A mode of the top level (what runs when no command is given): its options
live on the main parser. The window itself (:mod:`render.window`) is imported
inside :func:`run`, so the other commands never load pygame.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.cli.parser import fail
from sim.cli.values import finite, overrides, whole, window_size
from sim.common.display import DEFAULT_HISTORY_MB, DEFAULT_SIZE, MAX_HISTORY_MB
from sim.params.synapse import shorten
from sim.runs.session import Session
from sim.runs.session_read import replayed_start

READS = frozenset(
    {
        "preset",
        "seed",
        "blockade",
        "set",
        "frames",
        "screenshot",
        "record",
        "size",
        "fullscreen",
        "projector",
        "compare",
        "tour",
        "out_dir",
        "quit_after",
        "stats",
        "save_session",
        "replay",
        "history_mb",
    }
)
"""The top-level options (by dest) the window reads."""


def add_parser(parser: argparse.ArgumentParser) -> None:
    """Add the window's options to the top-level ``parser``."""
    parser.add_argument(
        "--frames",
        type=whole("--frames", 1, 10_000_000),
        metavar="N",
        help="window: draw N frames then exit (use with --screenshot)",
    )
    parser.add_argument("--screenshot", metavar="PATH", help="window: save the last frame as PNG")
    parser.add_argument(
        "--record",
        metavar="PATH",
        help="window: record a video (.mp4 or .gif; never overwrites); with --frames N, "
        "record N frames at 30 fps then exit",
    )
    parser.add_argument(
        "--size",
        type=window_size,
        default=DEFAULT_SIZE,
        metavar="WxH",
        help=f"window size in pixels (default {DEFAULT_SIZE[0]}x{DEFAULT_SIZE[1]})",
    )
    parser.add_argument("--fullscreen", action="store_true", help="start in fullscreen")
    parser.add_argument(
        "--projector", action="store_true", help="window: start in projector mode (P)"
    )
    parser.add_argument("--compare", action="store_true", help="window: start in compare mode (C)")
    parser.add_argument("--tour", action="store_true", help="window: start the guided tour (T)")
    parser.add_argument(
        "--out-dir",
        metavar="DIR",
        help="window: folder where S (PNG) and V (MP4/GIF) save, printed on each save "
        "(default ~/Cleft)",
    )
    parser.add_argument(
        "--quit-after",
        type=finite("--quit-after", 1e-3, 86400.0),
        metavar="SECONDS",
        help="window: run in real time for SECONDS, then close",
    )
    parser.add_argument(
        "--stats",
        metavar="PATH.json",
        help="window: write wall_s, frames, fps_median, sim_us, behind_fraction and "
        "mean_set_us_per_s as JSON when the window closes",
    )
    parser.add_argument(
        "--save-session",
        metavar="PATH.toml",
        help="window: save the session (start, every command with its moment) when the "
        "window closes, for --replay (never overwrites)",
    )
    parser.add_argument(
        "--replay",
        metavar="PATH.toml",
        help="window: play a saved session back exactly (its preset, --set, seed, blockade, "
        "size, --projector, --compare, --tour; giving a different one is refused)",
    )
    parser.add_argument(
        "--history-mb",
        type=whole("--history-mb", 0, MAX_HISTORY_MB),
        default=DEFAULT_HISTORY_MB,
        metavar="MB",
        help="window: memory the recorded past may hold, for stepping back and replaying "
        f"(MiB, default {DEFAULT_HISTORY_MB}; 0 keeps none; the newest snapshots always "
        "stay, so a budget of a few MiB is exceeded)",
    )


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse a screenshot or recording path the window could not write (exit 2)."""
    from sim.runs.outputs import check_outputs
    from sim.runs.session import check_session_path

    if args.screenshot is not None and args.frames is None:
        fail("--screenshot needs --frames N")
    for option, value, suffixes in (
        ("--screenshot", args.screenshot, (".png",)),
        ("--record", args.record, (".mp4", ".gif")),
    ):
        if value is not None and Path(value).suffix.lower() not in suffixes:
            fail(f"{option} {shorten(value)} must end in {' or '.join(suffixes)}")
    check_outputs({"--screenshot": args.screenshot, "--record": args.record})
    if args.save_session is not None:
        check_session_path("--save-session", args.save_session)
    if args.record is not None and Path(args.record).exists():
        fail(f"--record {shorten(args.record)} exists; recordings never replace a file")


def _session_start(args: argparse.Namespace) -> Session:
    """The session's start: the options given, or those of the ``--replay`` file (set on ``args``)."""
    if args.replay is not None:
        from render.media.session_log import RECORDED_ACTIONS

        given = {f"--{d.replace('_', '-')}": getattr(args, d) for d in getattr(args, "given", ())}
        session = replayed_start(args.replay, RECORDED_ACTIONS, given)
        args.preset, args.set, args.seed = session.preset, list(session.overrides), session.seed
        args.blockade, args.size = session.blockade, tuple(session.size)
        args.projector, args.compare, args.tour = session.projector, session.compare, session.tour
        if session.history_mb is not None:
            args.history_mb = session.history_mb
        return session
    return Session(args.preset, args.seed, args.blockade, list(args.set), tuple(args.size),
                   args.projector, args.compare, args.tour,
                   history_mb=getattr(args, "history_mb", None))  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Open the visualiser (or draw --frames and save --screenshot)."""
    _check_outputs(args)
    session = _session_start(args)
    if args.frames is None:  # no window to show: say so before loading anything heavy
        from render.display import window_problem

        problem = window_problem()
        if problem is not None:
            fail(problem)
    from sim.params.presets import load_preset
    from sim.synapse.memory import check_memory

    changes = overrides(args.set)
    blockade = {} if args.blockade is None else {"blockade": args.blockade}
    preset = load_preset(args.preset, {**changes, **blockade})
    if preset.model != "tissue":  # the tissue checks its own sizes (sim.tissue.model limits)
        check_memory(preset.params)
    from render.window import run_app

    return run_app(
        preset_name=args.preset,
        overrides=changes,
        seed=args.seed,
        size=args.size,
        frames=args.frames,
        screenshot=args.screenshot,
        blockade=args.blockade,
        fullscreen=args.fullscreen,
        record=args.record,
        projector=args.projector,
        compare=args.compare,
        tour=args.tour,
        out_dir=args.out_dir,
        quit_after=args.quit_after,
        stats=args.stats,
        session=session,
        save_session=args.save_session,
        history_mb=args.history_mb,
    )
