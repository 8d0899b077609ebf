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
from sim.params.synapse import ParameterError
from sim.runs.engine import check_scheduler, check_workers, run_jobs
from sim.runs.experiment import SUMMARY_FIELDS, Experiment, from_options, make_experiment
from sim.runs.experiment_file import load_experiment
from sim.runs.grid_values import parse_range
from sim.runs.headless import build, run_headless, summary
from sim.runs.progress import Progress, stop_on_sigterm
from sim.runs.rows import RowFile, csv_line, read_rows, scan_rows
from sim.runs.sweep_report import plot, summarise, summary_table

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
    exp, out, plot_path = _experiment_of(
        preset, overrides, vary, blockade_text, experiment_path, seeds, duration_ms, metrics,
        out, plot_path,
    )  # fmt: skip
    scheduler = check_scheduler(scheduler)
    n_workers = check_workers(workers, scheduler)
    paths = check_outputs({"--out": out, "--plot": plot_path})
    if plot_path is not None and not exp.varied:
        raise ParameterError("--plot needs at least one varied parameter (--vary NAME=SPEC)")
    _check_models(exp)
    out_path = paths["--out"]
    _run_with_progress(exp, out_path, resume, n_workers, scheduler, stream)
    rows = read_rows(out_path, exp)
    if "--plot" in paths:
        plot(rows, paths["--plot"], exp)
    _print_summary(exp, rows)
    print(f"wrote {out_path}" + (f" and {paths['--plot']}" if "--plot" in paths else ""))
    return 0


def _experiment_of(
    preset: str,
    overrides: dict[str, Any] | None,
    vary: Sequence[str],
    blockade_text: str | None,
    experiment_path: str | None,
    seeds: int | None,
    duration_ms: float | None,
    metrics: str | None,
    out: str | None,
    plot_path: str | None,
) -> tuple[Experiment, str, str | None]:
    """The experiment the options describe, with its CSV and plot paths (see :func:`cli_sweep`)."""
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
    return exp, out, plot_path


def _run_with_progress(
    exp: Experiment, out_path: Path, resume: bool, n_workers: int, scheduler: str | None, stream
) -> None:
    """Run the experiment's missing runs into ``out_path`` with a progress bar on ``stream``.

    Ctrl-C or SIGTERM: one line saying what is kept and how to resume, then KeyboardInterrupt.
    """
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


def _print_summary(exp: Experiment, rows: list[dict[str, Any]]) -> None:
    """The terminal's table: each grid point's mean ± SD over seeds."""
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
