"""Produce Cleft's golden outputs: the files a user gets from each command.

Run ``python -m tests.golden.record`` to write them into ``tests/golden/data``
(only when a change is meant to change numbers: say which and why in the commit).
``tests/test_golden.py`` produces them again into a temporary folder and
compares byte for byte (PNG: pixel for pixel).

What is kept, each with the seed and settings in its file name:
- headless CSV and JSON for every preset at seeds 1 and 2 (short runs: the
  synapse presets 0.3 ms, the tissue presets 200 ms of tissue time);
- one sweep CSV (blockade 0 and 0.8, two seeds) and one timeline CSV (4 days,
  drug on days 1-2, one worker);
- one scripted screenshot per preset (``--frames 6``, 640x400).
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SEEDS = (1, 2)
TISSUE = ("tissue", "tissue-ssri")


def presets() -> list[str]:
    """Every preset shipped in assets/presets, sorted."""
    root = Path(__file__).resolve().parents[2] / "assets" / "presets"
    return sorted(p.stem for p in root.glob("*.toml"))


def commands(out: Path) -> list[tuple[str, list[str]]]:
    """(label, argv) for every golden command, writing into ``out``."""
    cmds: list[tuple[str, list[str]]] = []
    for name in presets():
        ms = "200" if name in TISSUE else "0.3"
        for seed in SEEDS:
            stem = out / f"headless-{name}-seed{seed}"
            argv = ["--headless", "--preset", name, "--seed", str(seed), "--duration-ms", ms]
            cmds.append((stem.name, [*argv, "--csv", f"{stem}.csv", "--json", f"{stem}.json"]))
    cmds.append(
        (
            "sweep",
            [
                "sweep",
                "--vary",
                "blockade=0,0.8",
                "--seeds",
                "2",
                "--duration-ms",
                "0.2",
                "--workers",
                "1",
                "--out",
                str(out / "sweep.csv"),
            ],
        )
    )
    cmds.append(
        (
            "timeline",
            [
                "timeline",
                "--days",
                "4",
                "--drug",
                "citalopram",
                "--start-day",
                "1",
                "--stop-day",
                "3",
                "--window-ms",
                "2",
                "--seed",
                "3",
                "--workers",
                "1",
                "--csv",
                str(out / "timeline.csv"),
            ],
        )
    )
    for name in presets():
        shot = out / f"screenshot-{name}.png"
        cmds.append(
            (
                shot.name,
                ["--preset", name, "--frames", "6", "--size", "640x400", "--screenshot", str(shot)],
            )
        )
    return cmds


def produce(out: Path) -> None:
    """Run every golden command in this process, writing into ``out``."""
    import main

    out.mkdir(parents=True, exist_ok=True)
    for label, argv in commands(out):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            try:
                rc = main.main(argv)
            except SystemExit as exc:  # a refused command: say what it said
                rc = exc.code
        if rc not in (0, None):
            raise RuntimeError(
                f"golden command {label} exited {rc}: main.py {' '.join(argv)}: {err.getvalue()}"
            )


if __name__ == "__main__":
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:  # commands refuse to replace a file
        produce(Path(tmp))
        for old in DATA.glob("*"):
            old.unlink()
        for new in Path(tmp).iterdir():
            shutil.copy2(new, DATA / new.name)
    print(f"wrote {len(list(DATA.iterdir()))} files to {DATA}", file=sys.stderr)
