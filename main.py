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
import re
import sys
from typing import Any, NoReturn

EXIT_USAGE = 2

MESSAGE_TOKEN_CHARS = 200
"""Longest unbroken run of characters an error message quotes whole (longer ones are cut)."""

_NUMBER = re.compile(r"^-(?:[0-9.]|inf|nan)", re.IGNORECASE)
"""What argparse must read as a value, not an option: anything starting with a minus sign
and then a digit, a point, inf or nan (-4, -1e5, -.5, -inf, -0.5:1:0.1); no option looks so."""

MODE_OPTIONS: dict[str, frozenset[str]] = {
    "headless": frozenset({"preset", "seed", "blockade", "set", "headless"}),
    "timeline": frozenset({"preset", "seed", "set"}),
    "sweep": frozenset({"preset", "set"}),
    "bench": frozenset(),
    "params": frozenset(),
    "presets": frozenset(),
}
"""Top-level options (by dest) each mode reads; any other given option is refused.
The window reads every top-level option except ``HEADLESS_ONLY``."""

HEADLESS_ONLY = frozenset({"headless", "duration_ms", "csv", "json"})
"""Top-level options (by dest) only a ``--headless`` run reads."""


def _one_line(message: str) -> str:
    """``message`` on one line with every long unbroken run of characters shortened."""
    text = " ".join(str(message).split())
    half = (MESSAGE_TOKEN_CHARS - 5) // 2

    def cut(m: re.Match) -> str:
        tok = m.group(0)
        return f"{tok[:half]}…{tok[-half:]} ({len(tok)} characters)"

    return re.sub(rf"\S{{{MESSAGE_TOKEN_CHARS + 1},}}", cut, text)


class CleftArgumentParser(argparse.ArgumentParser):
    """argparse that reports errors in one line and exits with code 2.

    Construction rules (for every parser and subparser): no abbreviations
    (``allow_abbrev=False``: ``sweep --seed 3`` is not ``--seeds 3``); values
    that look like negative numbers (``-4``, ``-1e5``, ``-inf``) are values,
    not options; every option the user gives is recorded in :attr:`given`
    (shared by a parser and its subparsers), so modes can refuse options
    they do not read instead of dropping them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        self.given: dict[tuple[str, str], str] = {}
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NUMBER

    def parse_known_args(self, args=None, namespace=None):  # noqa: D102 (argparse's)
        self._argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        """Print ``message`` in one line and exit 2 (no usage block).

        "invalid choice" for the command often means an unknown option swallowed
        nothing and its value was taken for a command (``--dur 1``): the unknown
        option is named instead.
        """
        if "invalid choice" in message:
            unknown = [
                t.split("=", 1)[0]
                for t in getattr(self, "_argv", [])
                if t.startswith("--") and t.split("=", 1)[0] not in self._all_options()
            ]
            if unknown:
                message = f"unrecognized option {unknown[0]} (options are never abbreviated)"
        sys.stderr.write(f"{self.prog}: error: {_one_line(message)}\n")
        raise SystemExit(EXIT_USAGE)

    def _all_options(self) -> set[str]:
        found: set[str] = set()
        for action in self._actions:
            found.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found.update(sub._all_options())
        return found


_TRACKED: dict[type, type] = {}


def _track_given(parser: CleftArgumentParser, given: dict[tuple[str, str], str]) -> None:
    """Make every option of ``parser`` (and its subparsers) record itself in ``given`` when used.

    ``given[(parser prog, dest)] = option string as typed``.
    """
    parser.given = given
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _track_given(sub, given)
            continue
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        base = type(action)
        if base not in _TRACKED:

            def call(self, p, namespace, values, option_string=None, _base=base):
                self._cleft_given.setdefault((p.prog, self.dest), option_string or self.dest)
                _base.__call__(self, p, namespace, values, option_string)

            _TRACKED[base] = type(f"Tracked{base.__name__}", (base,), {"__call__": call})
        action.__class__ = _TRACKED[base]
        action._cleft_given = given


def _fail(message: str) -> NoReturn:
    sys.stderr.write(f"cleft: error: {_one_line(message)}\n")
    raise SystemExit(EXIT_USAGE)


def _short(text: str) -> str:
    from sim.params.synapse import shorten

    return shorten(text)


def _finite(name: str, lo: float, hi: float):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} = {_short(text)} is not a number") from None
        if not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"{name} = {_short(text)} is out of range [{lo}, {hi}]"
            )
        return value

    return parse


def _whole(name: str, lo: int, hi: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} = {_short(text)} is not a whole number"
            ) from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"{name} = {_short(text)} is out of range [{lo}, {hi}]"
            )
        return value

    return parse


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--size {_short(text)}: expected WIDTHxHEIGHT, e.g. 1280x720"
        ) from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise argparse.ArgumentTypeError(
            f"--size {_short(text)}: width in [320, 7680], height in [240, 4320]"
        )
    return w, h


def _add_engine_options(
    sub: argparse.ArgumentParser, scheduler_help: str, plot: tuple[str, str]
) -> None:
    """Add the options ``timeline`` and ``sweep`` share to their parser ``sub``.

    They are the runs' preset and overrides, where the runs go (local worker
    processes or a Dask cluster) and the plot (``plot`` is its metavar and help).
    ``--preset`` and ``--set`` go to ``sub_preset``/``sub_set`` (merged with the top-level
    ones in :func:`main`; giving one both before and after the command is refused).
    """
    sub.add_argument(
        "--preset",
        dest="sub_preset",
        default=None,
        metavar="NAME",
        help="preset to start from (default: default)",
    )
    sub.add_argument(
        "--set",
        dest="sub_set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one parameter (repeatable)",
    )
    sub.add_argument(
        "--workers",
        type=_whole("--workers", 1, 64),
        default=None,
        help="local worker processes (default 2; 1 runs in this process)",
    )
    sub.add_argument("--scheduler", metavar="tcp://HOST:PORT", help=scheduler_help)
    sub.add_argument("--plot", metavar=plot[0], help=plot[1])


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
        type=_finite("--quit-after", 1e-3, 86400.0),
        metavar="SECONDS",
        help="window: run in real time for SECONDS, then close",
    )
    parser.add_argument(
        "--stats",
        metavar="PATH.json",
        help="window: write wall_s, frames, fps_median, sim_us, behind_fraction and "
        "mean_set_us_per_s as JSON when the window closes",
    )

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    bench = sub.add_parser("bench", help="print simulation and drawing speed figures")
    bench.add_argument("--no-render", action="store_true", help="skip the drawing benchmark")
    bench.add_argument(
        "--sizes",
        metavar="N,N,...",
        help="free-molecule counts of the step figures (default 1000,10000,100000)",
    )
    bench.add_argument(
        "--peer",
        choices=["smoldyn"],
        help="also time the same workload in Smoldyn 2.76 (pip install smoldyn==2.76)",
    )
    bench.add_argument(
        "--peer-python",
        metavar="PATH",
        help="a Python that imports smoldyn (its 2.76 wheel loads only on CPython 3.10)",
    )
    bench.add_argument(
        "--capture",
        action="store_true",
        help="instead: slab decay-rate accuracy of the Andrews and first-order capture rules",
    )
    bench.add_argument("--quick", action="store_true", help="a short smoke run (figures noisy)")
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
        "--window-ms",
        type=_finite("--window-ms", 0.001, 600_000.0),
        default=None,
        metavar="T",
        help="simulated ms of fast model per day, at most (default 8: the whole interspike "
        "intervals that fit; a slower day's one release stands for its interval); with a "
        "tissue preset, the tissue time per day (300-600000, default 10000)",
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
    _add_engine_options(
        tl,
        scheduler_help="run the days on an existing Dask cluster instead",
        plot=("PATH", "write a PNG of signal and adaptation over days"),
    )

    sw = sub.add_parser(
        "sweep",
        help="an experiment: every grid point of the varied parameters x seeds, on Dask; "
        "rows streamed to a CSV, --resume completes it",
    )
    sw.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="NAME=SPEC",
        help="vary a parameter over START:STOP:STEP or A,B,C (repeatable; the grid is the product)",
    )
    sw.add_argument(
        "--blockade",
        dest="sw_blockade",
        metavar="START:STOP:STEP",
        help="the same as --vary blockade=SPEC (the older form)",
    )
    sw.add_argument(
        "--experiment",
        metavar="FILE.toml",
        help="an experiment file (see assets/experiments/); replaces --vary, --set, --preset",
    )
    sw.add_argument(
        "--seeds",
        type=_whole("--seeds", 1, 1000),
        default=None,
        help="seeds per grid point (default 8)",
    )
    sw.add_argument(
        "--duration-ms",
        dest="sw_duration",
        type=_finite("--duration-ms", 1e-6, 1e7),
        metavar="T",
        help="simulated ms per run",
    )
    sw.add_argument(
        "--metrics",
        metavar="A,B,...",
        help="summary numbers to keep and plot (default: all kept, three plotted)",
    )
    sw.add_argument(
        "--resume",
        action="store_true",
        help="keep the rows already in --out and run only the missing runs",
    )
    sw.add_argument("--out", metavar="PATH.csv", help="CSV with one row per run (streamed)")
    _add_engine_options(
        sw,
        scheduler_help="run on an existing Dask cluster (dask scheduler / dask worker) instead",
        plot=("PATH.png", "each metric against the varied parameter"),
    )
    sub.add_parser("presets", help="list the presets with their captions")
    _track_given(parser, {})
    return parser


def _overrides(pairs: list[str]) -> dict[str, Any]:
    from sim.params.presets import parse_override

    out: dict[str, Any] = {}
    for text in pairs:
        key, value = parse_override(text)
        out[key] = value
    return out


def cmd_headless(args: argparse.Namespace) -> int:
    """Run without a window; print a summary; write CSV/JSON if asked.

    Both outputs are checked before the run (:func:`sim.runs.outputs.check_outputs`);
    the CSV is streamed while running, so memory stays flat at any duration.
    """
    import signal

    from sim.runs.headless import human_summary, json_text, run_headless, summary
    from sim.runs.outputs import check_outputs, write_text

    caught: list[int] = []

    def terminated(signum: int, _frame: Any) -> None:  # unwind: the partial CSV is removed
        caught.append(128 + signum)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)
    if args.duration_ms is None:
        _fail("--headless needs --duration-ms T")
    paths = check_outputs({"--csv": args.csv, "--json": args.json})
    preset, model = run_headless(
        args.preset,
        args.duration_ms,
        args.seed,
        args.blockade,
        _overrides(args.set),
        csv_path=paths.get("--csv"),
        stream=True,
        stop=lambda: caught[0] if caught else None,  # the exit, should a library swallow it
    )
    s = summary(preset, model)
    if "--json" in paths:
        write_text(paths["--json"], json_text(s))
    print(human_summary(s))
    if "--csv" in paths:
        print(f"  wrote {args.csv} ({model.recorder.n} samples)")
    if "--json" in paths:
        print(f"  wrote {args.json}")
    return 0


def _check_mode(args: argparse.Namespace, given: dict[tuple[str, str], str], prog: str) -> None:
    """Refuse top-level options the chosen mode does not read (one line, exit 2)."""
    top = {dest: opt for (where, dest), opt in given.items() if where == prog}
    if args.command is not None:
        mode, label = args.command, f"'{args.command}'"
        allowed = MODE_OPTIONS.get(mode, frozenset())
    elif args.headless:
        mode, label = "headless", "--headless runs"
        allowed = MODE_OPTIONS["headless"] | HEADLESS_ONLY
    else:
        mode, label = "window", "the window"
        allowed = frozenset(top) - HEADLESS_ONLY
    for dest, opt in top.items():
        if dest in allowed:
            continue
        if mode == "window":
            _fail(f"{opt} applies only to --headless runs (add --headless)")
        if args.command is not None:
            _fail(f"{opt} does not apply to {label}; give the command's own options after it")
        _fail(f"{opt} does not apply to {label} (it is a window option)")
    for dest in ("preset", "set"):
        if dest in top and (f"{prog} {args.command}", f"sub_{dest}") in given:
            _fail(f"{top[dest]} given both before and after '{args.command}'; give it once")


def cmd_bench(args: argparse.Namespace) -> int:
    """Print the speed figures, or with --capture the capture accuracy instead.

    Speed: the step and headless figures (with --peer, Smoldyn's beside them)
    and, unless --no-render, the frame cost.
    """
    from sim.bench.engine import bench_lines

    for line in bench_lines(args.sizes, args.peer, args.peer_python, args.capture, args.quick):
        print(line, flush=True)
    if not args.capture:
        from sim.tissue.model import tissue_bench

        for line in tissue_bench():  # wall time per second of tissue time
            print(line, flush=True)
    if not args.no_render and not args.capture:
        from render.frame_bench import frame_bench

        # prints each line as it is measured
        frame_bench(sizes=(2000,), frames=2) if args.quick else frame_bench()
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    """Run the treatment timeline and print/write one row per day (``sim.course.timeline.cli_timeline``).

    A tissue preset runs each day on the tissue (``sim.course.tissue_timeline``), where
    ``--window-ms`` is the tissue time per day.
    """
    from sim.course.timeline import DAY_WINDOW_MS, cli_timeline
    from sim.params.presets import load_preset

    course = {
        "days": args.days,
        "drug": args.drug,
        "dose_nM": args.dose_nM,
        "start_day": args.start_day,
        "stop_day": args.stop_day,
        "seed": args.seed if args.tl_seed is None else args.tl_seed,
        "preset": args.preset,
        "overrides": _overrides(args.set),
        "workers": args.workers,
        "scheduler": args.scheduler,
        "csv_path": args.tl_csv,
        "json_path": args.tl_json,
        "plot_path": args.plot,
    }
    if load_preset(args.preset).model == "tissue":
        from sim.course.tissue_timeline import cli_tissue_timeline

        return cli_tissue_timeline(**course, duration_ms=args.window_ms)
    window_ms = DAY_WINDOW_MS if args.window_ms is None else args.window_ms
    return cli_timeline(**course, window_ms=window_ms)


def cmd_sweep(args: argparse.Namespace) -> int:
    """Run an experiment on the engine (``sim.runs.sweep.cli_sweep``)."""
    from sim.runs.sweep import cli_sweep

    if args.experiment is not None and args.sub_preset is not None:
        _fail("--experiment names its own preset: drop --preset")
    return cli_sweep(
        preset=args.preset,
        overrides=_overrides(args.set),
        vary=args.vary,
        blockade_text=args.sw_blockade,
        experiment_path=args.experiment,
        seeds=args.seeds,
        duration_ms=args.sw_duration,
        metrics=args.metrics,
        workers=args.workers,
        scheduler=args.scheduler,
        out=args.out,
        plot_path=args.plot,
        resume=args.resume,
    )


def cmd_params() -> int:
    """Print the parameter table."""
    from sim.params import synapse as params
    from sim.params import tissue as tissue_params

    print("\n".join(params.describe_lines()))
    print('\nTissue model (presets with model = "tissue", e.g. --preset tissue):')
    print("\n".join(tissue_params.describe_lines()))
    return 0


def cmd_presets() -> int:
    """Print the presets with titles and captions."""
    from sim.params.presets import available, load_preset

    for name in available(None):
        p = load_preset(name)
        model = " [tissue model]" if p.model == "tissue" else ""
        print(f"{name}: {p.title}{model}\n    {p.caption}")
    return 0


def _synapse_only(preset: str) -> None:
    """Refuse a tissue preset where only the synapse model runs (sweep; exit 2)."""
    from sim.params.presets import load_preset

    if load_preset(preset).model == "tissue":
        _fail(f"preset {preset!r} is a tissue preset: run it with --headless --duration-ms T")


def cmd_window(args: argparse.Namespace) -> int:
    """Open the visualiser (or draw --frames and save --screenshot)."""
    if args.screenshot is not None and args.frames is None:
        _fail("--screenshot needs --frames N")
    if args.csv or args.json or args.duration_ms is not None:
        _fail("--csv, --json and --duration-ms need --headless")
    from pathlib import Path

    from sim.runs.outputs import check_outputs

    for option, value, suffixes in (
        ("--screenshot", args.screenshot, (".png",)),
        ("--record", args.record, (".mp4", ".gif")),
    ):
        if value is not None and Path(value).suffix.lower() not in suffixes:
            _fail(f"{option} {_short(value)} must end in {' or '.join(suffixes)}")
    check_outputs({"--screenshot": args.screenshot, "--record": args.record})
    if args.record is not None and Path(args.record).exists():
        _fail(f"--record {_short(args.record)} exists; recordings never replace a file")
    overrides = _overrides(args.set)
    from sim.params.presets import load_preset
    from sim.synapse.memory import check_memory

    preset = load_preset(
        args.preset, {**overrides, **({} if args.blockade is None else {"blockade": args.blockade})}
    )
    if preset.model != "tissue":  # the tissue checks its own sizes (sim.tissue.model limits)
        check_memory(preset.params)
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
        projector=args.projector,
        compare=args.compare,
        tour=args.tour,
        out_dir=args.out_dir,
        quit_after=args.quit_after,
        stats=args.stats,
    )


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and dispatch; every user error becomes one line and exit 2."""
    import os

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from sim.params.synapse import ParameterError

    parser = build_parser()
    args = parser.parse_args(argv)
    _check_mode(args, parser.given, parser.prog)
    if getattr(args, "sub_preset", None):
        args.preset = args.sub_preset
    args.set = [*args.set, *getattr(args, "sub_set", [])]
    try:
        if args.command == "sweep":  # the window, --headless and timeline run tissue presets
            _synapse_only(args.preset)
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
        where = f": {exc.filename}" if exc.filename else ""
        _fail(f"{exc.strerror or exc}{where}")
    except OverflowError as exc:  # e.g. a range whose step count overflows: extreme input
        _fail(f"a number in the input is out of the range that can be computed with ({exc})")
    except MemoryError:
        _fail("not enough memory for these parameters (see 'main.py params' for the ranges)")
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
