"""Cleft: an agent-based serotonin-synapse visualiser. Command-line entry point.

    python main.py                                   open the window (default preset)
    python main.py --frames N --screenshot out.png   draw N frames, save the last, exit
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

        for line in frame_bench():
            print(line, flush=True)
    return 0


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
    )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and dispatch; every user error becomes one line and exit 2."""
    from sim.params import ParameterError

    args = build_parser().parse_args(argv)
    try:
        if args.command == "bench":
            return cmd_bench(args)
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
