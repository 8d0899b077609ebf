"""Experiments: a named grid of headless runs over any parameters and seeds.

An experiment is a base preset with fixed overrides, one or more *varied*
parameters (each a list of values; the grid is their product, in the order
given), a number of seeds, a simulated duration per run, the summary numbers
to keep (*metrics*) and where to write them. It comes from the command line
(``sweep --vary NAME=SPEC ...``, :func:`from_options`) or from a TOML file
(:func:`load_experiment`)::

    [experiment]
    name = "blockade-by-firing"        # required: letters, digits, - and _
    description = "..."                # optional
    preset = "default"                 # name or .toml path (relative to this file)
    seeds = 2                          # a count (seeds 0..N-1) or a list [0, 5, 9]
    duration_ms = 0.5                  # simulated time per run, ms
    metrics = ["clearance_tau_ms", "mean_cleft_uM"]   # optional: default all

    [parameters]                       # optional: fixed overrides of the preset
    sert_count = 300

    [vary]                             # the grid (product, in this order)
    blockade = "0:0.8:0.4"             # a range START:STOP:STEP, a list "a,b,c" ...
    firing_rate_hz = [250, 500]        # ... or a TOML array

    [outputs]                          # optional; the command line may override
    csv = "blockade-by-firing.csv"     # relative to the current folder
    plot = "blockade-by-firing.png"

Every run is one job for :func:`sim.runs.sweep.run_one`: a plain dict with its run
index (grid order: the first varied parameter outermost, the seed innermost),
the experiment's id, preset, fixed overrides, the varied inputs, seed,
duration and metrics. The id (:attr:`Experiment.experiment_id`) is a hash of
the resolved base parameters and the grid, so ``--resume`` can tell a file of
this experiment's rows from another's.

Every value is validated when the experiment is made (names, types and ranges
of each grid point, via the preset loader); bad input raises
:class:`~sim.params.synapse.ParameterError` with a one-line message.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass, field
from typing import Any

from sim.params.presets import load_preset
from sim.params.synapse import ParameterError, shorten
from sim.runs.grid_values import parse_vary

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
"""Metrics a run can keep: numbers of :func:`sim.runs.headless.summary` (counts in
molecules, concentrations in uM, occupancy as a fraction, tau in ms)."""

DEFAULT_PLOTTED: tuple[str, ...] = ("clearance_tau_ms", "mean_cleft_uM", "receptor_occupancy_mean")
"""Metrics drawn when an experiment does not choose its own."""

INPUT_FIELDS: tuple[str, ...] = ("run", "experiment_id", "preset", "duration_ms")
"""Leading columns of every row (the varied parameters and ``seed`` follow)."""

MAX_RUNS = 100_000
"""Most runs (grid points times seeds) one experiment may have."""

SEEDS_RANGE = (1, 1000)
"""Allowed seed counts."""

MAX_SEED = 2**63 - 1
DURATION_RANGE_MS = (1e-6, 1e7)
"""Allowed simulated time per run, ms."""


# ----------------------------------------------------------------- experiment
@dataclass(frozen=True)
class Experiment:
    """A validated grid of runs (see the module docstring).

    Attributes:
        name: short name (file name of a TOML experiment, or "sweep").
        preset: base preset name or .toml path.
        overrides: fixed parameter overrides applied to every run.
        varied: (parameter name, values) pairs; the grid is their product.
        seeds: the seeds every grid point runs with.
        duration_ms: simulated time per run, ms.
        metrics: summary numbers kept in each row (``SUMMARY_FIELDS`` subset).
        plotted: metrics drawn by the plot (one panel each).
        out: CSV path from the file (None: the command line must give one).
        plot: PNG path from the file, or None.
        description: free text from the file.
    """

    name: str
    preset: str
    overrides: dict[str, Any]
    varied: tuple[tuple[str, tuple[Any, ...]], ...]
    seeds: tuple[int, ...]
    duration_ms: float
    metrics: tuple[str, ...] = SUMMARY_FIELDS
    plotted: tuple[str, ...] = DEFAULT_PLOTTED
    out: str | None = None
    plot: str | None = None
    description: str = ""
    _base: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def varied_names(self) -> tuple[str, ...]:
        """Names of the varied parameters, outermost first."""
        return tuple(n for n, _ in self.varied)

    @property
    def points(self) -> list[dict[str, Any]]:
        """Every grid point (varied name -> value), in run order."""
        combos = itertools.product(*(values for _, values in self.varied))
        return [dict(zip(self.varied_names, c, strict=True)) for c in combos]

    @property
    def n_runs(self) -> int:
        """Grid points times seeds."""
        return math.prod(len(v) for _, v in self.varied) * len(self.seeds)

    @property
    def header(self) -> tuple[str, ...]:
        """Column order of a row: inputs, varied parameters, seed, metrics."""
        return (*INPUT_FIELDS, *self.varied_names, "seed", *self.metrics)

    @property
    def experiment_id(self) -> str:
        """12 hex digits identifying the resolved experiment (base parameters, grid, metrics)."""
        doc = {
            "preset": self.preset,
            "base": self._base,
            "varied": [[n, list(v)] for n, v in self.varied],
            "seeds": list(self.seeds),
            "duration_ms": self.duration_ms,
            "metrics": list(self.metrics),
        }
        text = json.dumps(doc, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def jobs(self) -> list[dict[str, Any]]:
        """One job per run for :func:`sim.runs.sweep.run_one`, in run order (index = ``run``)."""
        eid = self.experiment_id
        out = []
        for point in self.points:
            for seed in self.seeds:
                out.append(
                    {
                        "run": len(out),
                        "experiment_id": eid,
                        "preset": self.preset,
                        "overrides": dict(self.overrides),
                        "inputs": dict(point),
                        "seed": seed,
                        "duration_ms": self.duration_ms,
                        "metrics": list(self.metrics),
                    }
                )
        return out


def _check_seeds(seeds: Any, where: str) -> tuple[int, ...]:
    lo, hi = SEEDS_RANGE
    if isinstance(seeds, bool):
        raise ParameterError(f"{where} = {seeds!r} must be a whole number in [{lo}, {hi}]")
    if isinstance(seeds, int):
        if not lo <= seeds <= hi:
            raise ParameterError(f"{where} = {seeds} must be a whole number in [{lo}, {hi}]")
        return tuple(range(seeds))
    if isinstance(seeds, list):
        if not seeds or len(seeds) > hi:
            raise ParameterError(f"{where}: a list of 1 to {hi} seeds")
        for s in seeds:
            if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= MAX_SEED:
                raise ParameterError(f"{where}: seed {s!r} must be a whole number >= 0")
        if len(set(seeds)) != len(seeds):
            raise ParameterError(f"{where}: a seed is listed twice")
        return tuple(seeds)
    raise ParameterError(f"{where} = {seeds!r} must be a count or a list of seeds")


def _check_duration(value: Any, where: str) -> float:
    lo, hi = DURATION_RANGE_MS
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or not lo <= value <= hi
    ):
        raise ParameterError(f"{where} = {value!r} must be a number of ms in [{lo:g}, {hi:g}]")
    return float(value)


def _check_metrics(metrics: Any, where: str) -> tuple[str, ...]:
    if isinstance(metrics, str):
        metrics = [m.strip() for m in metrics.split(",")]
    if not isinstance(metrics, list) or not metrics:
        raise ParameterError(f"{where}: expected a non-empty list of metric names")
    for m in metrics:
        if m not in SUMMARY_FIELDS:
            raise ParameterError(
                f"{where}: unknown metric {m!r}; choose from {', '.join(SUMMARY_FIELDS)}"
            )
    if len(set(metrics)) != len(metrics):
        raise ParameterError(f"{where}: a metric is listed twice")
    return tuple(metrics)


def make_experiment(
    *,
    name: str,
    preset: str,
    overrides: dict[str, Any] | None,
    varied: list[tuple[str, tuple[Any, ...]]],
    seeds: Any,
    duration_ms: Any,
    metrics: Any = None,
    out: str | None = None,
    plot: str | None = None,
    description: str = "",
    where: str = "",
) -> Experiment:
    """Validate the pieces and return an :class:`Experiment`.

    Every grid point is resolved through the preset loader (names, types,
    ranges and the parameters' joint rules), so a bad value fails here, before
    any run. ``where`` prefixes messages (e.g. the experiment file's name).

    Raises:
        ParameterError: one-line message for any bad piece.
    """
    pre = f"{where}: " if where else ""
    overrides = dict(overrides or {})
    seen: set[str] = set()
    for vname, _ in varied:
        if vname in seen:
            raise ParameterError(f"{pre}{vname} is varied twice")
        if vname in overrides:
            raise ParameterError(f"{pre}{vname} is both fixed (--set/[parameters]) and varied")
        seen.add(vname)
    seeds_t = _check_seeds(seeds, f"{pre}seeds")
    duration = _check_duration(duration_ms, f"{pre}duration_ms")
    chosen = metrics is not None
    metrics_t = _check_metrics(metrics, f"{pre}metrics") if chosen else SUMMARY_FIELDS
    plotted = metrics_t if chosen else DEFAULT_PLOTTED
    n_runs = math.prod(len(v) for _, v in varied) * len(seeds_t)
    if n_runs > MAX_RUNS:
        raise ParameterError(f"{pre}{n_runs} runs is more than {MAX_RUNS}; split the experiment")
    try:
        loaded = load_preset(preset, overrides)
    except ParameterError as exc:
        raise ParameterError(f"{pre}{exc}") from None
    if loaded.model != "synapse":
        raise ParameterError(
            f"{pre}preset {shorten(preset)} is a {loaded.model} preset; "
            "experiments run the synapse model (run a tissue preset with --headless)"
        )
    base = loaded.params.as_dict()
    exp = Experiment(
        name=name,
        preset=preset,
        overrides=overrides,
        varied=tuple((n, tuple(v)) for n, v in varied),
        seeds=seeds_t,
        duration_ms=duration,
        metrics=metrics_t,
        plotted=plotted,
        out=out,
        plot=plot,
        description=description,
        _base=base,
    )
    for point in exp.points:
        try:
            load_preset(preset, {**overrides, **point})
        except ParameterError as exc:
            shown = ", ".join(f"{k}={v}" for k, v in point.items())
            raise ParameterError(f"{pre}at {shown}: {exc}") from None
    return exp


def from_options(
    preset: str,
    overrides: dict[str, Any] | None,
    vary: list[str],
    seeds: int,
    duration_ms: float,
    metrics: str | None = None,
) -> Experiment:
    """The experiment of ``sweep --vary NAME=SPEC ... --seeds N --duration-ms T``."""
    varied = [parse_vary(text) for text in vary]
    return make_experiment(
        name="sweep",
        preset=preset,
        overrides=overrides,
        varied=varied,
        seeds=seeds,
        duration_ms=duration_ms,
        metrics=metrics,
    )
