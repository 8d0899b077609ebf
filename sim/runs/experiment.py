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
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.params.presets import load_preset
from sim.params.synapse import ParameterError, check, coerce, names, shorten, spec
from sim.runs.inputs import InputMissing, read_toml, shown_name

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

MAX_VALUES = 10_000
"""Most values one varied parameter may take."""

MAX_RUNS = 100_000
"""Most runs (grid points times seeds) one experiment may have."""

SEEDS_RANGE = (1, 1000)
"""Allowed seed counts."""

MAX_SEED = 2**63 - 1
DURATION_RANGE_MS = (1e-6, 1e7)
"""Allowed simulated time per run, ms."""

MAX_EXPERIMENT_BYTES = 1_000_000
"""Largest experiment file read, bytes (the shipped ones are under 1 kB)."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")
_TABLES = {
    "experiment": {"name", "description", "preset", "seeds", "duration_ms", "metrics"},
    "parameters": None,
    "vary": None,
    "outputs": {"csv", "plot"},
}


# --------------------------------------------------------------------- values
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
            infinity, STEP <= 0, STOP < START, duplicates, more than
            ``MAX_VALUES`` values, or values outside [lo, hi].
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
        ratio = (stop - start) / step  # may overflow to inf (0:1e308:1e-10, step 5e-324)
        if not math.isfinite(ratio) or ratio + 1 > MAX_VALUES:
            raise ParameterError(f"{name}: range {text!r} gives more than {MAX_VALUES} values")
        n_steps = math.floor(ratio + 1e-9)
        values = [round(start + i * step, 12) + 0.0 for i in range(n_steps + 1)]
    else:
        values = [round(_number(p, name), 12) + 0.0 for p in text.split(",")]
        if len(values) > MAX_VALUES:
            raise ParameterError(f"{name}: more than {MAX_VALUES} values")
        if len(set(values)) != len(values):
            raise ParameterError(f"{name}: {text!r} lists a value twice")
    for v in values:
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ParameterError(
                f"{name}: value {v:g} is out of range [{'-inf' if lo is None else lo}, "
                f"{'inf' if hi is None else hi}]"
            )
    return values


def _is_text_param(name: str) -> bool:
    t = spec(name)["type"]
    return (t if isinstance(t, str) else t.__name__) == "str"


def parameter_values(name: str, values: Any, where: str) -> tuple[Any, ...]:
    """Typed, validated, distinct values of parameter ``name`` from a SPEC text or a list.

    A text is a range ``START:STOP:STEP``, a list ``a,b,c`` or one value (for a
    text parameter such as ``firing_pattern``: ``regular,poisson``); a list may
    hold numbers or, for a text parameter, strings. Whole-number parameters
    (``sert_count``) take whole values only.

    Raises:
        ParameterError: unknown name, bad spec, wrong type, out-of-range or
            repeated value; the message starts with ``where``.
    """
    if name not in names():
        raise ParameterError(f"{where}: unknown parameter '{name}'; see 'main.py params'")
    text_param = _is_text_param(name)
    if isinstance(values, str):
        if text_param:
            raw: list[Any] = [v.strip() for v in values.split(",")]
        else:
            raw = parse_range(values, name=where)
    elif isinstance(values, list):
        raw = list(values)
        if not raw:
            raise ParameterError(f"{where}: the list of values is empty")
        if len(raw) > MAX_VALUES:
            raise ParameterError(f"{where}: more than {MAX_VALUES} values")
    else:
        raise ParameterError(f"{where}: expected a list of values or a text like '0:1:0.1'")
    out = []
    for v in raw:
        if isinstance(v, str) and not text_param:
            raise ParameterError(f"{where}: {v!r} must be a number, not text")
        if isinstance(v, float) and math.isfinite(v):
            v = round(v, 12) + 0.0
        try:
            typed = coerce(name, v)
            check(name, typed)
        except ParameterError as exc:
            raise ParameterError(f"{where}: {exc}") from None
        out.append(typed)
    if len(set(out)) != len(out):
        raise ParameterError(f"{where}: a value is listed twice")
    return tuple(out)


def parse_vary(text: str) -> tuple[str, tuple[Any, ...]]:
    """Split ``--vary NAME=SPEC`` into the parameter name and its typed values."""
    if not isinstance(text, str) or "=" not in text:
        raise ParameterError(f"--vary {text!r}: expected NAME=SPEC, e.g. blockade=0:0.8:0.2")
    name, _, values = text.partition("=")
    name = name.strip()
    return name, parameter_values(name, values, f"--vary {name}")


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


def _table(data: dict, key: str, label: str) -> dict:
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ParameterError(f"{label}: [{key}] must be a table")
    allowed = _TABLES[key]
    if allowed is not None:
        bad = sorted(set(table) - allowed)
        if bad:
            raise ParameterError(
                f"{label}: unknown key(s) {bad} in [{key}]; allowed: {', '.join(sorted(allowed))}"
            )
    return table


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment TOML file (format in the module docstring).

    A relative ``preset`` path is taken relative to the file's folder; output
    paths are relative to the current folder, as on the command line.

    Raises:
        ParameterError: missing or unreadable file, invalid TOML, unknown
            tables or keys, missing required keys, or any bad value; one line
            naming the file.
    """
    p = Path(path)
    label = f"experiment {shown_name(p)}"
    if p.suffix != ".toml":
        raise ParameterError(f"{label}: an experiment file must end in .toml")
    try:
        data = read_toml(p, label, MAX_EXPERIMENT_BYTES)
    except InputMissing:
        raise ParameterError(f"{label}: file not found") from None
    unknown = sorted(set(data) - set(_TABLES))
    if unknown:
        raise ParameterError(f"{label}: unknown table(s) {unknown}; allowed: {', '.join(_TABLES)}")
    meta = _table(data, "experiment", label)
    fixed = _table(data, "parameters", label)
    vary = _table(data, "vary", label)
    outputs = _table(data, "outputs", label)
    for key in ("name", "duration_ms"):
        if key not in meta:
            raise ParameterError(f"{label}: [experiment] needs {key} = ...")
    name = meta["name"]
    if not isinstance(name, str) or not _NAME.match(name):
        raise ParameterError(
            f"{label}: name = {name!r} must be 1-80 letters, digits, '.', '-' or '_'"
        )
    description = meta.get("description", "")
    if not isinstance(description, str):
        raise ParameterError(f"{label}: description must be text")
    preset = meta.get("preset", "default")
    if not isinstance(preset, str) or not preset.strip():
        raise ParameterError(f"{label}: preset must be a preset name or a .toml path")
    if preset.endswith(".toml") and not Path(preset).is_absolute():
        preset = str(p.parent / preset)
    overrides = {}
    for key, value in fixed.items():
        if key not in names():
            raise ParameterError(f"{label}: unknown parameter '{key}' in [parameters]")
        if isinstance(value, str) and not _is_text_param(key):
            raise ParameterError(f"{label}: {key} = {value!r} must be a number, not text")
        try:
            overrides[key] = coerce(key, value)
            check(key, overrides[key])
        except ParameterError as exc:
            raise ParameterError(f"{label}: [parameters] {exc}") from None
    varied = [(k, parameter_values(k, v, f"{label}: [vary] {k}")) for k, v in vary.items()]
    for key in ("csv", "plot"):
        if key in outputs and (not isinstance(outputs[key], str) or not outputs[key].strip()):
            raise ParameterError(f"{label}: [outputs] {key} must be a file path")
    return make_experiment(
        name=name,
        preset=preset,
        overrides=overrides,
        varied=varied,
        seeds=meta.get("seeds", 1),
        duration_ms=meta["duration_ms"],
        metrics=meta.get("metrics"),
        out=outputs.get("csv"),
        plot=outputs.get("plot"),
        description=description,
        where=label,
    )
