"""Sweeps: an experiment's runs on the engine, rows streamed to a CSV that survives a crash.

The unit of work is :func:`run_one`, a pure, top-level (picklable) function
of one job (:meth:`sim.runs.experiment.Experiment.jobs`): the same job gives the
same row in any process, on any machine. :func:`run_experiment` hands the
jobs to :func:`sim.runs.engine.run_jobs` (this process, an embedded Dask cluster
or an existing one) and appends each row to the output CSV the moment its
run finishes (:class:`RowFile`: one line per row, flushed), so a sweep killed
by Ctrl-C, ``kill`` or a crash leaves a readable table of the finished runs.
``resume=True`` reads that table back, skips the runs it holds and runs the
rest. When every run is in, the file is rewritten sorted by run index
(atomically), so a finished file does not depend on completion order or on
how many times the sweep was resumed: the same experiment gives the same
bytes locally and on a cluster.

Rows: ``run`` (index in grid order), ``experiment_id`` (hash of the resolved
experiment; see :mod:`sim.runs.experiment`), ``preset``, ``duration_ms``, each
varied parameter, ``seed``, then the kept metrics. Floats are written with
``repr`` (shortest text that reads back as the same float); NaN (no
clearance fit) is an empty cell. :func:`plot` draws each metric against the
first varied parameter (mean +- SD over seeds, one panel per metric, each
combination of the other varied parameters a curve). :func:`cli_sweep` is
the body of ``python main.py sweep``.

Units: time in ms, concentrations in uM, counts in molecules, occupancy and
blockade as fractions.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sim.params.presets import load_preset
from sim.params.synapse import ParameterError, spec
from sim.runs.engine import Progress, check_scheduler, check_workers, run_jobs, stop_on_sigterm
from sim.runs.experiment import (
    SUMMARY_FIELDS,
    Experiment,
    from_options,
    load_experiment,
    make_experiment,
    parse_range,
)
from sim.runs.headless import build, run_headless, summary
from sim.runs.rows import RowFile, csv_line, read_rows, scan_rows

__all__ = [
    "SUMMARY_FIELDS",
    "RowFile",
    "cli_sweep",
    "csv_line",
    "parse_range",
    "plot",
    "read_rows",
    "run_experiment",
    "run_one",
    "summarise",
]

MAX_MODEL_CHECKS = 32
"""Grid points whose model is built (not run) before a sweep starts (~7 ms
each for the default preset, ~0.25 s for the physiological one); in a larger
grid only the first and last points (the grid's corners: every varied
parameter at its first, then at its last value) are, and a point the model
refuses stops the sweep with one line, the finished rows kept."""

AXIS_LABELS = {
    "clearance_tau_ms": "clearance time constant (ms)",
    "mean_cleft_uM": "mean cleft 5-HT (\N{MICRO SIGN}M)",
    "peak_cleft_uM": "peak cleft 5-HT (\N{MICRO SIGN}M)",
    "receptor_occupancy_mean": "mean receptor occupancy (fraction)",
    "autoreceptor_occupancy_mean": "mean autoreceptor occupancy (fraction)",
}
"""Axis labels with units; other metrics are molecule counts."""


# ---------------------------------------------------------------------- work
def run_one(job: dict[str, Any]) -> dict[str, Any]:
    """Run one headless simulation and return its row.

    A pure function of the job: the model draws every random number from
    ``seed``, so the same job gives the same row in any process.

    Args:
        job: from :meth:`sim.runs.experiment.Experiment.jobs`: ``run``,
            ``experiment_id``, ``preset`` (name or .toml path), ``overrides``
            (fixed parameters), ``inputs`` (the varied parameters' values),
            ``seed`` (int >= 0), ``duration_ms`` (simulated time, ms) and
            ``metrics`` (names in ``SUMMARY_FIELDS``).

    Returns:
        The row, keys in column order (``Experiment.header``); a missing
        clearance fit is NaN.
    """
    inputs = dict(job["inputs"])
    preset, model = run_headless(
        job["preset"],
        job["duration_ms"],
        seed=job["seed"],
        overrides={**job["overrides"], **inputs},
    )
    s = summary(preset, model)
    row: dict[str, Any] = {
        "run": int(job["run"]),
        "experiment_id": job["experiment_id"],
        "preset": preset.name,
        "duration_ms": float(job["duration_ms"]),
        **inputs,
        "seed": int(job["seed"]),
    }
    for key in job["metrics"]:
        value = s[key]
        row[key] = math.nan if value is None else value
    return row


# ------------------------------------------------------------------ the runner
def run_experiment(
    experiment: Experiment,
    out: str | os.PathLike,
    *,
    resume: bool = False,
    workers: int = 1,
    scheduler: str | None = None,
    progress: Progress | None = None,
    func: Callable[[dict[str, Any]], dict[str, Any]] = run_one,
) -> tuple[int, int]:
    """Run the experiment's missing runs, appending each row to ``out`` as it finishes.

    Args:
        experiment: the grid.
        out: the CSV (validated beforehand).
        resume: skip the runs already in ``out``.
        workers: local processes (1: this process) when ``scheduler`` is None.
        scheduler: ``tcp://HOST:PORT`` of an existing Dask scheduler.
        progress: counts finished runs; started with the count already done.
        func: the unit of work (``run_one``; tests pass a wrapper around it).

    Returns:
        (runs already in the file, runs done now). When every run is in, the
        file is rewritten sorted by run index; if interrupted, the finished
        rows stay in it, in completion order.
    """
    scan = scan_rows(Path(out), experiment, resume, load_preset(experiment.preset).name)
    rows = RowFile(Path(out), experiment, scan)
    try:
        todo = [j for j in experiment.jobs() if j["run"] not in rows.done]
        before = experiment.n_runs - len(todo)
        if progress is not None:
            progress.start(before)
        for _, row in run_jobs(func, todo, workers=workers, scheduler=scheduler):
            rows.append(row)
            if progress is not None:
                progress.update()
    finally:
        rows.close()
    rows.finish()
    return before, rows.added


# ---------------------------------------------------------------- statistics
def _mean_sd(values: Sequence[float]) -> tuple[float, float, int]:
    """Mean, sample SD (ddof 1; NaN for one value) and count of the non-NaN values."""
    v = [float(x) for x in values if not math.isnan(float(x))]
    n = len(v)
    if n == 0:
        return math.nan, math.nan, 0
    mean = sum(v) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in v) / (n - 1)) if n > 1 else math.nan
    return mean, sd, n


def summarise(
    rows: Sequence[dict[str, Any]], varied: Sequence[str], metrics: Sequence[str]
) -> list[dict[str, Any]]:
    """Per grid point: mean and SD over seeds of each metric, and n.

    Returns:
        One dict per grid point, in row order of first appearance: the varied
        values, ``n`` (runs), and for each metric ``<name>_mean``,
        ``<name>_sd`` (sample SD, NaN for a single run) and ``<name>_n`` (runs
        with a value; a clearance fit can be missing).
    """
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in varied), []).append(row)
    out = []
    for key, group in groups.items():
        entry: dict[str, Any] = dict(zip(varied, key, strict=True))
        entry["n"] = len(group)
        for m in metrics:
            mean, sd, n = _mean_sd([r[m] for r in group])
            entry[f"{m}_mean"], entry[f"{m}_sd"], entry[f"{m}_n"] = mean, sd, n
        out.append(entry)
    return out


def summary_table(
    stats: Sequence[dict[str, Any]], varied: Sequence[str], metrics: Sequence[str]
) -> str:
    """The :func:`summarise` output as a fixed-width text table (one line per grid point)."""

    def pm(s: dict[str, Any], key: str) -> str:
        mean, sd = s[f"{key}_mean"], s[f"{key}_sd"]
        if math.isnan(mean):
            return "-"
        return format(mean, ".4g") + ("" if math.isnan(sd) else " ± " + format(sd, ".3g"))

    shown = list(metrics[:4])
    widths = [max(8, len(v)) for v in varied] + [4] + [max(17, len(m)) for m in shown]
    head = [*varied, "n", *shown]
    lines = ["  ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True))]
    for s in stats:
        cells = [format(s[v], ".6g") if isinstance(s[v], float) else str(s[v]) for v in varied]
        cells += [str(s["n"])] + [pm(s, m) for m in shown]
        lines.append("  ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    return "\n".join(lines)


# ---------------------------------------------------------------------- plot
def _axis_label(name: str) -> str:
    if name == "blockade":
        return "SERT blockade f (fraction)"
    unit = spec(name)["unit"]
    return f"{name} ({unit})" if unit else name


def plot(rows: Sequence[dict[str, Any]], path: str | os.PathLike, experiment: Experiment) -> None:
    """Each plotted metric against the first varied parameter; a PNG written by the output rule.

    One panel per metric (``experiment.plotted``); each combination of the
    other varied parameters is one curve; points are the mean over seeds with
    +-1 SD bars. When the x axis is the blockade, the clearance panel also
    shows tau(0)/(1 - f), the reaction-limited expectation (science.md 4.5),
    dashed, for each curve with a fit at f = 0.

    Raises:
        ParameterError: the experiment varies no parameter (nothing to plot against).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.runs.outputs import write_via

    varied = experiment.varied_names
    if not varied:
        raise ParameterError("--plot needs at least one varied parameter (--vary NAME=SPEC)")
    x_name, others = varied[0], varied[1:]
    metrics = experiment.plotted
    stats = summarise(rows, varied, metrics)
    curves: dict[tuple, list[dict[str, Any]]] = {}
    for s in stats:
        curves.setdefault(tuple(s[o] for o in others), []).append(s)
    x_values = list(dict.fromkeys(s[x_name] for s in stats))
    categorical = any(isinstance(v, str) for v in x_values)
    pos = {v: i for i, v in enumerate(x_values)}

    n = len(metrics)
    cols = min(3, n)
    nrows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        nrows, cols, figsize=(4.5 * cols, 3.8 * nrows + 0.6), constrained_layout=True, squeeze=False
    )
    for k, metric in enumerate(metrics):
        ax = axes[k // cols][k % cols]
        for ci, (key, points) in enumerate(curves.items()):
            colour = f"C{ci % 10}"
            xs = [pos[p[x_name]] if categorical else p[x_name] for p in points]
            mean = [p[f"{metric}_mean"] for p in points]
            sd = [0.0 if math.isnan(p[f"{metric}_sd"]) else p[f"{metric}_sd"] for p in points]
            label = ", ".join(f"{o} = {v:g}" if isinstance(v, float) else f"{o} = {v}"
                              for o, v in zip(others, key, strict=True)) or "mean ± SD"  # fmt: skip
            ax.errorbar(xs, mean, yerr=sd, fmt="o-", capsize=3, color=colour, label=label)
            if x_name == "blockade" and metric == "clearance_tau_ms":
                tau0 = [p[f"{metric}_mean"] for p in points if p[x_name] == 0.0]
                top = max((x for x in xs if x < 1.0), default=0.0)
                if tau0 and not math.isnan(tau0[0]) and top > 0:
                    fs = [top * i / 100 for i in range(101)]
                    ax.plot(fs, [tau0[0] / (1.0 - f) for f in fs], "--", color=colour, lw=1,
                            label="τ(0)/(1−f)" if ci == 0 else None)  # fmt: skip
        if categorical:
            ax.set_xticks(range(len(x_values)), [str(v) for v in x_values])
        ax.set_xlabel(_axis_label(x_name))
        ax.set_ylabel(AXIS_LABELS.get(metric, f"{metric} (molecules)"))
        ax.grid(alpha=0.3)
        if k == 0:
            ax.legend(fontsize=8)
    for k in range(n, nrows * cols):
        axes[k // cols][k % cols].set_visible(False)
    seeds = len(experiment.seeds)
    fig.suptitle(
        f"Cleft experiment '{experiment.name}': preset '{Path(experiment.preset).stem}', "
        f"{experiment.duration_ms:g} ms per run, {seeds} seed(s) per point; mean ± SD over seeds"
    )
    try:
        write_via(Path(path), lambda partial: fig.savefig(partial, format="png", dpi=100))
    finally:
        plt.close(fig)


# ----------------------------------------------------------------------- CLI
def _check_models(experiment: Experiment) -> None:
    """Build (not run) the model of each grid point, so a refused step fails before any run."""
    points = experiment.points
    if len(points) > MAX_MODEL_CHECKS:
        points = [points[0], points[-1]]
    for point in points:
        try:
            build(experiment.preset, 0, None, {**experiment.overrides, **point})
        except ParameterError as exc:
            shown = ", ".join(f"{k}={v}" for k, v in point.items())
            raise ParameterError(f"at {shown}: {exc}" if shown else str(exc)) from None


def cli_sweep(
    *,
    preset: str = "default",
    overrides: dict[str, Any] | None = None,
    vary: Sequence[str] = (),
    blockade_text: str | None = None,
    experiment_path: str | None = None,
    seeds: int | None = None,
    duration_ms: float | None = None,
    metrics: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | None = None,
    plot_path: str | None = None,
    resume: bool = False,
    stream=None,
) -> int:
    """Body of ``python main.py sweep``: validate everything, run, write CSV (+ PNG), print a table.

    The experiment comes from ``experiment_path`` (a TOML file; ``seeds``,
    ``duration_ms``, ``out`` and ``plot_path`` may override the file's) or
    from ``vary`` (``NAME=SPEC`` texts) and the old ``blockade_text`` (the
    same as ``vary=["blockade=TEXT"]``). Everything is checked before the
    first run: the grid and every grid point's parameters, the models of up
    to ``MAX_MODEL_CHECKS`` grid points (built, not run), workers/scheduler
    and the output files. Progress goes to ``stream`` (stderr); the summary
    table to stdout. Ctrl-C or SIGTERM stops the sweep with the finished
    rows kept in ``out`` (``--resume`` completes it) and re-raises
    KeyboardInterrupt.

    Returns:
        0 on success.

    Raises:
        ParameterError: any bad input, with a one-line message.
    """
    from sim.runs.outputs import check_outputs

    stream = sys.stderr if stream is None else stream
    vary = list(vary)
    if blockade_text is not None:
        parse_range(blockade_text, 0.0, 1.0, name="--blockade")  # the old form's own message
        vary.insert(0, f"blockade={blockade_text}")
    if experiment_path is not None:
        if vary or metrics is not None or overrides:
            raise ParameterError(
                "--experiment defines the grid: drop --vary/--blockade/--set/--metrics "
                "(--seeds, --duration-ms, --out and --plot may override the file)"
            )
        exp = load_experiment(experiment_path)
        if seeds is not None or duration_ms is not None:
            exp = make_experiment(
                name=exp.name,
                preset=exp.preset,
                overrides=exp.overrides,
                varied=list(exp.varied),
                seeds=list(exp.seeds) if seeds is None else seeds,
                duration_ms=exp.duration_ms if duration_ms is None else duration_ms,
                metrics=None if exp.metrics == SUMMARY_FIELDS else list(exp.metrics),
                out=exp.out,
                plot=exp.plot,
                description=exp.description,
            )
        out = out if out is not None else exp.out
        plot_path = plot_path if plot_path is not None else exp.plot
    else:
        if not vary:
            raise ParameterError(
                "sweep needs --vary NAME=SPEC (or --blockade, or --experiment FILE)"
            )
        if duration_ms is None:
            raise ParameterError("sweep needs --duration-ms T (simulated ms per run)")
        load_preset(preset, overrides)  # a bad preset or --set is named as such
        exp = from_options(
            preset, overrides, vary, 8 if seeds is None else seeds, duration_ms, metrics
        )
    if out is None:
        raise ParameterError("sweep needs --out PATH.csv (or [outputs] csv in the experiment file)")
    scheduler = check_scheduler(scheduler)
    n_workers = check_workers(workers, scheduler)
    paths = check_outputs({"--out": out, "--plot": plot_path})
    if plot_path is not None and not exp.varied:
        raise ParameterError("--plot needs at least one varied parameter (--vary NAME=SPEC)")
    _check_models(exp)

    out_path = paths["--out"]
    already = len(scan_rows(out_path, exp, resume, load_preset(exp.preset).name).lines)
    place = scheduler or (
        f"{n_workers} local worker process(es)" if n_workers > 1 else "this process"
    )
    stream.write(
        f"sweep: experiment '{exp.name}' ({exp.experiment_id}): {exp.n_runs} runs "
        f"({len(exp.points)} grid point(s) x {len(exp.seeds)} seed(s)) on {place}"
        + (f"; {already} already in {out_path.name}" if already else "")
        + "\n"
    )
    progress = Progress(exp.n_runs, label="sweep", unit="run", stream=stream)
    try:
        with stop_on_sigterm():
            before, ran = run_experiment(
                exp,
                out_path,
                resume=resume,
                workers=n_workers,
                scheduler=scheduler,
                progress=progress,
            )
    except KeyboardInterrupt:
        progress.close()
        stream.write(
            f"sweep: stopped; {progress.done} of {exp.n_runs} runs are in {out_path.name} "
            "(add --resume to complete it)\n"
        )
        raise
    finally:
        progress.close()
    if before:
        stream.write(f"sweep: {before} run(s) were already in {out_path.name}; ran {ran}\n")
    rows = read_rows(out_path, exp)
    if "--plot" in paths:
        plot(rows, paths["--plot"], exp)
    print(
        f"Cleft experiment '{exp.name}': preset '{Path(exp.preset).stem}', "
        f"{exp.duration_ms:g} ms per run, {len(exp.seeds)} seed(s) per point; mean ± SD over seeds"
    )
    if exp.varied:
        print(
            summary_table(
                summarise(rows, exp.varied_names, exp.plotted), exp.varied_names, exp.plotted
            )
        )
    print(f"wrote {out_path}" + (f" and {paths['--plot']}" if "--plot" in paths else ""))
    return 0
