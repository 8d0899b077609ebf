"""Parameter sweeps: many headless runs over SSRI blockade and seeds, in parallel processes.

The unit of work is :func:`run_one`, a pure, top-level (picklable) function of
one job dict, so the same jobs could be handed to any process pool or cluster
engine. :func:`run_sweep` runs a grid of blockade values times seeds with
:class:`concurrent.futures.ProcessPoolExecutor` and returns one flat row per
run, ordered by (blockade, seed) whatever the completion order. Rows go to a
CSV (:func:`write_csv`), a three-panel figure (:func:`plot`) and a
per-blockade table (:func:`summarise`). :func:`cli_sweep` is the body of
``python main.py sweep``.

Units: time in ms, concentrations in uM, counts in molecules, occupancy and
blockade as fractions.
"""

from __future__ import annotations

import csv
import io
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from .headless import build, check_writable, run_headless, summary, write_atomic
from .params import ParameterError

SUMMARY_FIELDS: tuple[str, ...] = (
    "released",
    "taken_up",
    "repackaged",
    "degraded",
    "lost",
    "synthesised",
    "receptor_occupancy_mean",
    "autoreceptor_occupancy_mean",
    "peak_cleft_uM",
    "mean_cleft_uM",
    "clearance_tau_ms",
    "action_potentials",
    "conservation_error",
)
"""Numbers copied from :func:`sim.headless.summary` into each row."""

ROW_FIELDS: tuple[str, ...] = ("preset", "blockade", "seed", "duration_ms", *SUMMARY_FIELDS)
"""Column order of a sweep row (and of the CSV header)."""

PLOTTED: tuple[tuple[str, str], ...] = (
    ("clearance_tau_ms", "clearance time constant (ms)"),
    ("mean_cleft_uM", "mean cleft 5-HT (\N{MICRO SIGN}M)"),
    ("receptor_occupancy_mean", "mean receptor occupancy (fraction)"),
)
"""Row fields summarised per blockade and drawn by :func:`plot`, with axis labels."""

MAX_RANGE_VALUES = 10_000
SEEDS_RANGE = (1, 1000)
WORKERS_RANGE = (1, 64)

Progress = Callable[[int, int], None]


# --------------------------------------------------------------------- input
def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ParameterError(f"{what}: {text.strip()!r} is not a number") from None
    if not math.isfinite(value):
        raise ParameterError(f"{what}: {text.strip()!r} is not finite")
    return value


def parse_range(
    text: str, lo: float | None = None, hi: float | None = None, name: str = "range"
) -> list[float]:
    """Parse "START:STOP:STEP", a comma list "A,B,C" or a single number.

    A range runs from START in steps of STEP and includes STOP when STOP lands
    on the grid (within 1e-9 of a step); values are rounded to 12 decimals so
    0:1:0.1 gives 0.0, 0.1, ..., 1.0 without float drift (0.30000000000000004).

    Args:
        text: the text to parse.
        lo: smallest allowed value (inclusive), or None for no bound.
        hi: largest allowed value (inclusive), or None for no bound.
        name: what the values are, for error messages (e.g. "--blockade").

    Returns:
        The values in the order given (ascending for a range).

    Raises:
        ParameterError: one-line message for empty text, non-numbers, NaN or
            infinity, STEP <= 0, STOP < START, duplicates, more than 10,000
            values, or values outside [lo, hi].
    """
    if not isinstance(text, str) or not text.strip():
        raise ParameterError(f"{name}: empty; expected START:STOP:STEP, A,B,C or a number")
    text = text.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ParameterError(f"{name}: {text!r} must be START:STOP:STEP")
        start, stop, step = (_number(p, name) for p in parts)
        if step <= 0:
            raise ParameterError(f"{name}: step {step:g} in {text!r} must be > 0")
        if stop < start:
            raise ParameterError(f"{name}: stop {stop:g} is below start {start:g} in {text!r}")
        n_steps = math.floor((stop - start) / step + 1e-9)
        if n_steps + 1 > MAX_RANGE_VALUES:
            raise ParameterError(f"{name}: {text!r} gives more than {MAX_RANGE_VALUES} values")
        values = [round(start + i * step, 12) + 0.0 for i in range(n_steps + 1)]
    else:
        values = [round(_number(p, name), 12) + 0.0 for p in text.split(",")]
        if len(values) > MAX_RANGE_VALUES:
            raise ParameterError(f"{name}: more than {MAX_RANGE_VALUES} values")
        if len(set(values)) != len(values):
            raise ParameterError(f"{name}: {text!r} lists a value twice")
    for v in values:
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ParameterError(
                f"{name}: value {v:g} is out of range [{'-inf' if lo is None else lo}, "
                f"{'inf' if hi is None else hi}]"
            )
    return values


# ---------------------------------------------------------------------- work
def make_job(
    preset: str,
    overrides: dict[str, Any] | None,
    blockade: float,
    seed: int,
    duration_ms: float,
) -> dict[str, Any]:
    """One job for :func:`run_one` (a plain, picklable dict)."""
    return {
        "preset": preset,
        "overrides": dict(overrides or {}),
        "blockade": float(blockade),
        "seed": int(seed),
        "duration_ms": float(duration_ms),
    }


def run_one(job: dict[str, Any]) -> dict[str, Any]:
    """Run one headless simulation and return its flat result row.

    A pure function of the job: the same job gives the same row in any
    process (the model draws every random number from ``seed``).

    Args:
        job: ``preset`` (name or .toml path), ``overrides`` (parameter name to
            value), ``blockade`` (fraction of SERT blocked, 0..1), ``seed``
            (int >= 0) and ``duration_ms`` (simulated time, ms > 0).

    Returns:
        ``ROW_FIELDS`` in order: the inputs, then the summary numbers of
        :func:`sim.headless.summary` (counts in molecules, concentrations in
        uM, ``clearance_tau_ms`` in ms or NaN when no fit was possible).
    """
    preset, model = run_headless(
        job["preset"],
        job["duration_ms"],
        seed=job["seed"],
        blockade=job["blockade"],
        overrides=job.get("overrides") or None,
    )
    s = summary(preset, model)
    row: dict[str, Any] = {
        "preset": preset.name,
        "blockade": float(job["blockade"]),
        "seed": int(job["seed"]),
        "duration_ms": float(job["duration_ms"]),
    }
    for key in SUMMARY_FIELDS:
        value = s[key]
        row[key] = math.nan if value is None else value
    return row


def run_sweep(
    preset: str,
    overrides: dict[str, Any] | None,
    blockades: Sequence[float],
    seeds: int,
    duration_ms: float,
    workers: int = 1,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Run every (blockade, seed) pair, seeds 0..seeds-1, and collect the rows.

    Args:
        preset: preset name or .toml path.
        overrides: parameter overrides applied to every run.
        blockades: SSRI blockade fractions (0..1) to run.
        seeds: number of seeds per blockade (seeds 0 to seeds-1).
        duration_ms: simulated time per run, ms.
        workers: processes to use; 1 runs in this process without a pool.
        progress: called as ``progress(done, total)`` each time a run finishes.

    Returns:
        One row per run (see :func:`run_one`), ordered by (blockade, seed).
    """
    jobs = [
        make_job(preset, overrides, f, seed, duration_ms)
        for f in blockades
        for seed in range(seeds)
    ]
    jobs.sort(key=lambda j: (j["blockade"], j["seed"]))
    total = len(jobs)
    rows: list[dict[str, Any] | None] = [None] * total
    if workers <= 1 or total <= 1:
        for i, job in enumerate(jobs):
            rows[i] = run_one(job)
            if progress is not None:
                progress(i + 1, total)
    else:
        with ProcessPoolExecutor(max_workers=min(workers, total)) as pool:
            futures = {pool.submit(run_one, job): i for i, job in enumerate(jobs)}
            try:
                for done, fut in enumerate(as_completed(futures), start=1):
                    rows[futures[fut]] = fut.result()
                    if progress is not None:
                        progress(done, total)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    return [r for r in rows if r is not None]


# -------------------------------------------------------------------- output
def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else format(value, ".10g")
    return str(value)


def csv_text(rows: Sequence[dict[str, Any]]) -> str:
    """Rows as CSV text: header = the first row's keys; floats as ``.10g``, NaN empty."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    header = list(rows[0].keys()) if rows else list(ROW_FIELDS)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row[k]) for k in header])
    return buf.getvalue()


def write_csv(rows: Sequence[dict[str, Any]], path: str | os.PathLike) -> None:
    """Write the rows to ``path`` atomically (whole file or nothing)."""
    write_atomic(path, csv_text(rows))


def _mean_sd(values: Sequence[float]) -> tuple[float, float, int]:
    """Mean, sample SD (ddof 1; NaN for one value) and count of the non-NaN values."""
    v = [float(x) for x in values if not math.isnan(float(x))]
    n = len(v)
    if n == 0:
        return math.nan, math.nan, 0
    mean = sum(v) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in v) / (n - 1)) if n > 1 else math.nan
    return mean, sd, n


def summarise(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per blockade: mean and SD over seeds of the plotted quantities, and n.

    Returns:
        One dict per blockade, ascending: ``blockade``, ``n`` (runs), and for
        each of ``clearance_tau_ms`` (ms), ``mean_cleft_uM`` (uM) and
        ``receptor_occupancy_mean`` (fraction) the keys ``<name>_mean``,
        ``<name>_sd`` (sample SD, NaN for a single run) and ``<name>_n`` (runs
        with a value; a clearance fit can be missing).
    """
    groups: dict[float, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(float(row["blockade"]), []).append(row)
    out = []
    for f in sorted(groups):
        entry: dict[str, Any] = {"blockade": f, "n": len(groups[f])}
        for key, _ in PLOTTED:
            mean, sd, n = _mean_sd([r[key] for r in groups[f]])
            entry[f"{key}_mean"], entry[f"{key}_sd"], entry[f"{key}_n"] = mean, sd, n
        out.append(entry)
    return out


def plot(rows: Sequence[dict[str, Any]], path: str | os.PathLike) -> None:
    """Draw clearance tau, mean cleft 5-HT and receptor occupancy against blockade (PNG).

    Three panels, each the mean over seeds with +-1 SD error bars; the clearance
    panel also shows tau(0)/(1 - f), the reaction-limited expectation
    (science.md 4.5), when a run at blockade 0 has a fit. Written atomically.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stats = summarise(rows)
    f = [s["blockade"] for s in stats]
    preset = rows[0]["preset"] if rows else "?"
    duration = rows[0]["duration_ms"] if rows else math.nan
    seeds = max((s["n"] for s in stats), default=0)
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.2), constrained_layout=True)
    for ax, (key, label) in zip(axes, PLOTTED, strict=True):
        mean = [s[f"{key}_mean"] for s in stats]
        sd = [0.0 if math.isnan(s[f"{key}_sd"]) else s[f"{key}_sd"] for s in stats]
        ax.errorbar(f, mean, yerr=sd, fmt="o-", capsize=3, label="agents, mean \u00b1 SD")
        ax.set_xlabel("SERT blockade f (fraction)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    tau0 = [s["clearance_tau_ms_mean"] for s in stats if s["blockade"] == 0.0]
    if tau0 and not math.isnan(tau0[0]):
        top = max((x for x in f if x < 1.0), default=0.0)
        fs = [top * i / 100 for i in range(101)]
        axes[0].plot(fs, [tau0[0] / (1.0 - x) for x in fs], "--", color="grey", label="τ(0)/(1−f)")
    axes[0].legend(fontsize=8)
    fig.suptitle(
        f"Cleft sweep: preset '{preset}', {duration:g} ms per run, {seeds} seed(s) per blockade"
    )
    p = Path(path)
    fd, tmp = tempfile.mkstemp(dir=p.parent if str(p.parent) else ".", prefix=f".{p.name}.")
    os.close(fd)
    try:
        fig.savefig(tmp, format="png", dpi=100)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    finally:
        plt.close(fig)


def summary_table(stats: Sequence[dict[str, Any]]) -> str:
    """The :func:`summarise` output as a fixed-width text table (one line per blockade)."""

    def pm(s: dict[str, Any], key: str, fmt: str) -> str:
        mean, sd = s[f"{key}_mean"], s[f"{key}_sd"]
        if math.isnan(mean):
            return "-"
        return format(mean, fmt) + ("" if math.isnan(sd) else " ± " + format(sd, fmt))

    lines = [
        f"{'blockade':>8}  {'n':>4}  {'tau (ms)':>17}  {'mean cleft (uM)':>19}  "
        f"{'receptor occupancy':>19}"
    ]
    for s in stats:
        lines.append(
            f"{s['blockade']:>8.3g}  {s['n']:>4d}  {pm(s, 'clearance_tau_ms', '.4g'):>17}  "
            f"{pm(s, 'mean_cleft_uM', '.4g'):>19}  {pm(s, 'receptor_occupancy_mean', '.3f'):>19}"
        )
    return "\n".join(lines)


# ----------------------------------------------------------------------- CLI
def _check_int(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ParameterError(f"{name} = {value!r} must be a whole number in [{lo}, {hi}]")
    return value


def cli_sweep(
    preset: str,
    overrides: dict[str, Any] | None,
    blockade_text: str,
    seeds: int,
    duration_ms: float,
    workers: int,
    out: str | os.PathLike,
    plot_path: str | os.PathLike | None = None,
) -> int:
    """Body of ``python main.py sweep``: validate, run, write CSV (+ PNG), print a table.

    Everything is checked before the first run: the blockade text (values in
    [0, 1]), seeds in [1, 1000], workers in [1, 64], duration > 0 ms, the
    preset and overrides (one model is built, not run), and that
    the output files can be written. Progress goes to stderr as
    "sweep: done/total runs"; the per-blockade summary goes to stdout.

    Returns:
        0 on success.

    Raises:
        ParameterError: any bad input, with a one-line message.
    """
    blockades = parse_range(blockade_text, 0.0, 1.0, name="--blockade")
    _check_int("--seeds", seeds, *SEEDS_RANGE)
    _check_int("--workers", workers, *WORKERS_RANGE)
    if (
        isinstance(duration_ms, bool)
        or not isinstance(duration_ms, (int, float))
        or not math.isfinite(duration_ms)
        or duration_ms <= 0
    ):
        raise ParameterError(f"--duration-ms = {duration_ms!r} must be a finite number > 0")
    if "blockade" in (overrides or {}):
        raise ParameterError("--set blockade=... conflicts with the sweep's --blockade values")
    out_path = check_writable(out)
    png_path = check_writable(plot_path) if plot_path is not None else None
    if png_path is not None and out_path.resolve() == png_path.resolve():
        raise ParameterError("--out and --plot name the same file")
    build(preset, 0, blockades[0], overrides)  # bad preset/overrides fail here, not in a worker

    tty = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        start = "\r" if tty else ""
        end = "\n" if (not tty or done == total) else ""
        sys.stderr.write(f"{start}sweep: {done}/{total} runs{end}")
        sys.stderr.flush()

    rows = run_sweep(preset, overrides, blockades, seeds, duration_ms, workers, progress)
    write_csv(rows, out_path)
    if png_path is not None:
        plot(rows, png_path)
    print(
        f"Cleft sweep: preset '{rows[0]['preset']}', {duration_ms:g} ms per run, "
        f"{seeds} seed(s) x {len(blockades)} blockade value(s); mean ± SD over seeds"
    )
    print(summary_table(summarise(rows)))
    print(f"wrote {out_path}" + (f" and {png_path}" if png_path is not None else ""))
    return 0
