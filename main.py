"""Cleft: an agent-based serotonin-synapse visualiser. Command-line entry point.

    python main.py                                   open the window (default preset)
    python main.py --frames N --screenshot out.png   draw N frames, save the last, exit
    python main.py --record out.mp4 --frames N       record N frames (MP4 or .gif), exit
    python main.py --headless --duration-ms 2        run without a window, print a summary
    python main.py bench                             print performance figures
    python main.py params                            list every parameter with unit, range, source

Bad input of any kind: one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any, NoReturn

EXIT_USAGE = 2


class CleftArgumentParser(argparse.ArgumentParser):
    """argparse that reports errors in one line and exits with code 2."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` in one line and exit 2 (no usage block)."""
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"cleft: error: {message}\n")
    raise SystemExit(EXIT_USAGE)


def _finite(name: str, lo: float, hi: float):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} = {text!r} is not a number") from None
        if not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{name} = {text} is out of range [{lo}, {hi}]")
        return value

    return parse


def _whole(name: str, lo: int, hi: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} = {text!r} is not a whole number") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{name} = {text} is out of range [{lo}, {hi}]")
        return value

    return parse


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 1280x720"
        ) from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise argparse.ArgumentTypeError(
            f"--size {text}: width in [320, 7680], height in [240, 4320]"
        )
    return w, h


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface (also used by the tests)."""
    parser = CleftArgumentParser(
        prog="main.py",
        description="Cleft: every serotonin molecule at a synapse as an agent; "
        "SSRIs, reuptake and autoreceptors made visible.",
    )
    parser.add_argument(
        "--preset",
        default="default",
        metavar="NAME",
        help="preset name from assets/presets or a .toml path (default: default)",
    )
    parser.add_argument(
        "--seed",
        type=_whole("--seed", 0, 2**63 - 1),
        default=0,
        help="random seed; same seed and inputs give the same numbers (default 0)",
    )
    parser.add_argument(
        "--blockade",
        type=_finite("--blockade", 0.0, 1.0),
        default=None,
        metavar="F",
        help="fraction of SERT blocked by an SSRI, 0..1",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one parameter (repeatable); see 'main.py params'",
    )
    parser.add_argument(
        "--headless", action="store_true", help="run without a window and print a summary"
    )
    parser.add_argument(
        "--duration-ms",
        type=_finite("--duration-ms", 1e-9, 1e7),
        metavar="T",
        help="simulated time to run headless, ms",
    )
    parser.add_argument("--csv", metavar="PATH", help="headless: write the time series as CSV")
    parser.add_argument("--json", metavar="PATH", help="headless: write the summary as JSON")
    parser.add_argument(
        "--frames",
        type=_whole("--frames", 1, 10_000_000),
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
        type=_size,
        default=(1280, 720),
        metavar="WxH",
        help="window size in pixels (default 1280x720)",
    )
    parser.add_argument("--fullscreen", action="store_true", help="start in fullscreen")

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    bench = sub.add_parser("bench", help="print simulation and drawing speed figures")
    bench.add_argument("--no-render", action="store_true", help="skip the drawing benchmark")
    sub.add_parser("params", help="list every parameter: unit, default, range, source")

    tl = sub.add_parser(
        "timeline",
        help="days of SSRI treatment: one row per day from the fast model at that day's state",
    )
    tl.add_argument(
        "--days", type=_whole("--days", 1, 3650), default=42, help="days to simulate (default 42)"
    )
    tl.add_argument(
        "--drug",
        default="citalopram",
        help="SSRI: paroxetine, sertraline, fluoxetine, escitalopram, citalopram, fluvoxamine",
    )
    tl.add_argument(
        "--dose-nM",
        type=_finite("--dose-nM", 0.0, 1e6),
        default=4.8,
        metavar="C",
        help="free drug concentration in nM; occupancy = C/(C+Ki) (default 4.8: 80%% for citalopram)",
    )
    tl.add_argument(
        "--start-day", type=_whole("--start-day", 0, 3650), default=0, help="first day on drug"
    )
    tl.add_argument(
        "--stop-day",
        type=_whole("--stop-day", 0, 3650),
        default=28,
        help="first day off drug (abrupt stop)",
    )
    tl.add_argument(
        "--isis",
        type=_whole("--isis", 1, 1000),
        default=4,
        help="interspike intervals of fast simulation per day (default 4)",
    )
    tl.add_argument(
        "--workers", type=_whole("--workers", 1, 64), default=2, help="parallel processes"
    )
    tl.add_argument(
        "--seed",
        dest="tl_seed",
        type=_whole("--seed", 0, 2**63 - 1),
        default=None,
        help="random seed (default: the global --seed)",
    )
    tl.add_argument("--csv", dest="tl_csv", metavar="PATH", help="write one row per day as CSV")
    tl.add_argument(
        "--json", dest="tl_json", metavar="PATH", help="write rows and settings as JSON"
    )
    tl.add_argument("--plot", metavar="PATH", help="write a PNG of signal and adaptation over days")

    sw = sub.add_parser("sweep", help="run every (blockade, seed) pair in parallel; dose-response")
    sw.add_argument(
        "--blockade",
        dest="sw_blockade",
        required=True,
        metavar="START:STOP:STEP",
        help="blockade values, e.g. 0:1:0.1 or 0,0.5,0.9",
    )
    sw.add_argument("--seeds", type=_whole("--seeds", 1, 1000), default=8, help="seeds per value")
    sw.add_argument(
        "--duration-ms",
        dest="sw_duration",
        required=True,
        type=_finite("--duration-ms", 1e-9, 1e7),
        metavar="T",
        help="simulated ms per run",
    )
    sw.add_argument(
        "--workers", type=_whole("--workers", 1, 64), default=2, help="parallel processes"
    )
    for p in (tl, sw):
        p.add_argument(
            "--preset",
            dest="sub_preset",
            default=None,
            metavar="NAME",
            help="preset to start from (default: default)",
        )
        p.add_argument(
            "--set",
            dest="sub_set",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="override one parameter (repeatable)",
        )
    sw.add_argument("--out", required=True, metavar="PATH.csv", help="CSV with one row per run")
    sw.add_argument("--plot", metavar="PATH.png", help="dose-response plot (matplotlib)")
    sub.add_parser("presets", help="list the presets with their captions")
    return parser


def _overrides(pairs: list[str]) -> dict[str, Any]:
    from sim.presets import parse_override

    out: dict[str, Any] = {}
    for text in pairs:
        key, value = parse_override(text)
        out[key] = value
    return out


def cmd_headless(args: argparse.Namespace) -> int:
    """Run without a window; print a summary; write CSV/JSON if asked."""
    from sim.headless import (
        check_writable,
        csv_text,
        human_summary,
        json_text,
        run_headless,
        summary,
        write_atomic,
    )

    if args.duration_ms is None:
        _fail("--headless needs --duration-ms T")
    if args.record:
        _fail("--record needs the window (drop --headless)")
    for path in (args.csv, args.json):
        if path:
            check_writable(path)
    preset, model = run_headless(
        args.preset, args.duration_ms, args.seed, args.blockade, _overrides(args.set)
    )
    s = summary(preset, model)
    print(human_summary(s))
    if args.csv:
        write_atomic(args.csv, csv_text(model))
        print(f"  wrote {args.csv} ({model.recorder.n} samples)")
    if args.json:
        write_atomic(args.json, json_text(s))
        print(f"  wrote {args.json}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """Print the step cost and, unless --no-render, the frame cost."""
    from sim.bench import sim_bench

    for line in sim_bench():
        print(line, flush=True)
    if not args.no_render:
        from render.bench import frame_bench

        frame_bench()  # prints each line as it is measured
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    """Run the treatment timeline and print/write one row per day."""
    import json

    from sim.headless import check_writable, write_atomic
    from sim.timeline import plot_timeline, run_timeline, slow_parameters_dict, timeline_csv

    if args.stop_day < args.start_day:
        _fail(f"--stop-day {args.stop_day} is before --start-day {args.start_day}")
    for path in (args.tl_csv, args.tl_json, args.plot):
        if path:
            check_writable(path)
    seed = args.seed if args.tl_seed is None else args.tl_seed

    def progress(done: int, total: int) -> None:
        sys.stderr.write(f"\rtimeline: {done}/{total} days simulated")
        sys.stderr.flush()

    rows = run_timeline(
        args.days,
        args.drug,
        args.dose_nM,
        args.start_day,
        args.stop_day,
        seed=seed,
        preset=args.preset,
        overrides=_overrides(args.set),
        isis=args.isis,
        workers=args.workers,
        progress=progress,
    )
    sys.stderr.write("\n")
    print(
        f"{'day':>4} {'phase':>9} {'SERT occ':>8} {'auto sens':>9} {'firing Hz':>9} "
        f"{'cleft uM':>9} {'rec occ':>7} {'signal':>7}"
    )
    for r in rows:
        print(
            f"{r['day']:>4} {r['phase']:>9} {r['occupancy']:8.2f} "
            f"{r['autoreceptor_sensitivity']:9.2f} {r['firing_rate_hz']:9.0f} "
            f"{r['mean_cleft_uM']:9.1f} {r['receptor_occupancy_mean']:7.3f} {r['signal']:7.3f}"
        )
    if args.tl_csv:
        write_atomic(args.tl_csv, timeline_csv(rows))
    if args.tl_json:
        doc = {
            "drug": args.drug,
            "dose_nM": args.dose_nM,
            "start_day": args.start_day,
            "stop_day": args.stop_day,
            "seed": seed,
            "preset": args.preset,
            "slow_parameters": slow_parameters_dict(),
            "rows": rows,
        }
        write_atomic(args.tl_json, json.dumps(doc, indent=2) + "\n")
    if args.plot:
        plot_timeline(
            rows,
            args.plot,
            f"{args.drug} {args.dose_nM:g} nM, days {args.start_day}-{args.stop_day}",
        )
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run a blockade sweep over seeds in parallel processes."""
    from sim.sweep import cli_sweep

    return cli_sweep(
        args.preset,
        _overrides(args.set),
        args.sw_blockade,
        args.seeds,
        args.sw_duration,
        args.workers,
        args.out,
        args.plot,
    )


def cmd_params() -> int:
    """Print the parameter table."""
    from sim.params import describe_range, names, spec

    for name in names():
        meta = spec(name)
        print(f"{name} = {meta['default']!r} {meta['unit']}".rstrip())
        print(f"    {meta['doc']}")
        print(f"    valid: {describe_range(meta)}; source: {meta['source']}")
    return 0


def cmd_presets() -> int:
    """Print the presets with titles and captions."""
    from sim.presets import available, load_preset

    for name in available():
        p = load_preset(name)
        print(f"{name}: {p.title}\n    {p.caption}")
    return 0


def cmd_window(args: argparse.Namespace) -> int:
    """Open the visualiser (or draw --frames and save --screenshot)."""
    if args.screenshot and args.frames is None:
        _fail("--screenshot needs --frames N")
    if args.csv or args.json or args.duration_ms is not None:
        _fail("--csv, --json and --duration-ms need --headless")
    if args.record:
        from pathlib import Path

        record = Path(args.record)
        if record.suffix.lower() not in (".mp4", ".gif"):
            _fail(f"--record {args.record!r} must end in .mp4 or .gif")
        if not record.parent.resolve().is_dir():
            _fail(f"--record folder {str(record.parent)!r} does not exist")
        if record.exists():
            _fail(f"--record {args.record!r} exists; recordings never overwrite a file")
    overrides = _overrides(args.set)
    from sim.headless import check_writable
    from sim.presets import load_preset

    load_preset(
        args.preset, {**overrides, **({} if args.blockade is None else {"blockade": args.blockade})}
    )
    if args.screenshot:
        check_writable(args.screenshot)
    from render.app import run_app

    return run_app(
        preset_name=args.preset,
        overrides=overrides,
        seed=args.seed,
        size=args.size,
        frames=args.frames,
        screenshot=args.screenshot,
        blockade=args.blockade,
        fullscreen=args.fullscreen,
        record=args.record,
    )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and dispatch; every user error becomes one line and exit 2."""
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from sim.params import ParameterError

    args = build_parser().parse_args(argv)
    if getattr(args, "sub_preset", None):
        args.preset = args.sub_preset
    args.set = [*args.set, *getattr(args, "sub_set", [])]
    try:
        if args.command == "bench":
            return cmd_bench(args)
        if args.command == "timeline":
            return cmd_timeline(args)
        if args.command == "sweep":
            return cmd_sweep(args)
        if args.command == "params":
            return cmd_params()
        if args.command == "presets":
            return cmd_presets()
        if args.headless:
            return cmd_headless(args)
        return cmd_window(args)
    except (ParameterError, ValueError) as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
