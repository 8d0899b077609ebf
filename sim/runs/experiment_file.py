"""Experiment files (TOML in assets/experiments/): read through the input rule, checked, made an Experiment."""

from __future__ import annotations

import re
from pathlib import Path

from sim.params.synapse import ParameterError, check, coerce, names
from sim.runs.experiment import Experiment, make_experiment
from sim.runs.grid_values import _is_text_param, parameter_values
from sim.runs.inputs import InputMissing, read_toml, shown_name

MAX_EXPERIMENT_BYTES = 1_000_000
"""Largest experiment file read, bytes (the shipped ones are under 1 kB)."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")
_TABLES = {
    "experiment": {"name", "description", "preset", "seeds", "duration_ms", "metrics"},
    "parameters": None,
    "vary": None,
    "outputs": {"csv", "plot"},
}


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
