"""Presets: TOML files in ``assets/presets/`` that set parameters and say what they show.

A preset file has up to three tables::

    [preset]            # title, caption (plain language), sources, optional base
    [display]           # playback_us_per_s: suggested playback speed for the window
    [parameters]        # any subset of sim.params.synapse.Parameters fields

``base = "other"`` starts from another preset. Unknown tables or keys, wrong
types, NaN/inf and out-of-range values raise :class:`PresetError` (a
ParameterError) with a one-line message naming the file, the key, the value
(shortened when long) and the range. So do files that are not UTF-8, not
TOML, larger than ``MAX_PRESET_BYTES``, nested deeper than
``sim.runs.inputs.MAX_DEPTH``, or not regular files (the input rule of
:mod:`sim.runs.inputs`); any TOML value of any type in any place gives such a
message, never a traceback.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.params import tissue as tissue_params
from sim.params.synapse import ParameterError, Parameters, coerce, names, shorten
from sim.runs.inputs import InputMissing, read_toml

PRESET_DIR = Path(__file__).resolve().parents[2] / "assets" / "presets"
DEFAULT_PLAYBACK_US_PER_S = 20.0
PLAYBACK_RANGE_US_PER_S = (0.01, 1.0e6)
_META_KEYS = {"title", "caption", "sources", "base", "model"}
MODELS = ("synapse", "tissue")
"""What ``model = "..."`` in [preset] builds: the synapse (default) or the tissue (sim/tissue.py)."""
_DISPLAY_KEYS = {"playback_us_per_s"}
MAX_PRESET_BYTES = 1_000_000
"""Largest preset file read, bytes (the shipped ones are ~2 kB)."""
MAX_TEXT_CHARS = {"title": 200, "caption": 2000, "source": 500}
"""Longest title, caption and single source, characters (they are drawn on screen)."""
MAX_SOURCES = 50
"""Most entries in ``sources``."""


class PresetError(ParameterError):
    """A preset file or an override is malformed."""


@dataclass(frozen=True)
class Preset:
    """A resolved preset: validated parameters plus what to tell the viewer."""

    name: str
    params: Parameters
    title: str = ""
    caption: str = ""
    sources: tuple[str, ...] = ()
    playback_us_per_s: float = DEFAULT_PLAYBACK_US_PER_S
    overrides: dict[str, Any] = field(default_factory=dict)
    model: str = "synapse"


def available(model: str | None = "synapse") -> list[str]:
    """Names of the presets shipped in ``assets/presets`` for ``model`` (None: every preset)."""
    every = sorted(p.stem for p in PRESET_DIR.glob("*.toml"))
    return every if model is None else [n for n in every if _model_of(n) == model]


def _model_of(name: str) -> str:
    try:
        return str(_raw_values(name)[1].get("model", "synapse"))
    except ParameterError:
        return "synapse"  # a broken file reports itself when it is loaded


def _read(name_or_path: str, referrer: str | None = None) -> tuple[str, dict[str, Any]]:
    """Parse one preset file; ``referrer`` is the preset whose ``base`` names this one."""
    if not isinstance(name_or_path, str):
        raise PresetError(f"preset {shorten(name_or_path)} must be a name or a .toml path")
    path = Path(name_or_path)
    shown = shorten(name_or_path)
    if path.suffix != ".toml":
        path = PRESET_DIR / f"{name_or_path}.toml"
    try:
        exists, regular = path.exists(), path.is_file()
    except (OSError, ValueError):  # name too long, NUL byte
        exists = regular = False
    if not regular:
        what = f"preset {referrer}: base {shown}" if referrer else f"preset {shown}"
        if exists:
            raise PresetError(f"{what} is not a regular file")
        raise PresetError(f"{what} not found; available: {', '.join(available())}")
    label = f"preset {shorten(path.name)}"
    try:
        return path.stem, read_toml(path, label, MAX_PRESET_BYTES)
    except InputMissing:  # removed since the check above
        raise PresetError(f"{label} not found; available: {', '.join(available())}") from None
    except ParameterError as exc:
        raise PresetError(str(exc)) from None


def _keys(keys) -> str:
    return ", ".join(shorten(k) for k in sorted(keys)[:5]) + (", ..." if len(keys) > 5 else "")


def _raw_values(
    name_or_path: str, depth: int = 0, referrer: str | None = None
) -> tuple[str, dict, dict, dict]:
    if depth > 8:
        raise PresetError(f"preset {shorten(name_or_path)}: 'base' chain is too deep or circular")
    name, data = _read(name_or_path, referrer)
    unknown = set(data) - {"preset", "display", "parameters"}
    if unknown:
        raise PresetError(
            f"preset {name}: unknown table(s) {_keys(unknown)}; "
            "allowed: [preset], [display], [parameters]"
        )
    meta = data.get("preset", {})
    display = data.get("display", {})
    values = data.get("parameters", {})
    for table, allowed, label in (
        (meta, _META_KEYS, "preset"),
        (display, _DISPLAY_KEYS, "display"),
    ):
        if not isinstance(table, dict):
            raise PresetError(f"preset {name}: [{label}] must be a table")
        bad = set(table) - allowed
        if bad:
            raise PresetError(
                f"preset {name}: unknown key(s) {_keys(bad)} in [{label}]; "
                f"allowed: {', '.join(sorted(allowed))}"
            )
    if not isinstance(values, dict):
        raise PresetError(f"preset {name}: [parameters] must be a table")
    base = meta.get("base")
    if base is not None:
        if not isinstance(base, str) or not base.strip():
            raise PresetError(f"preset {name}: base = {shorten(base)} must be a preset name")
        _, bmeta, bdisplay, bvalues = _raw_values(base, depth + 1, name)
        meta = {**{k: v for k, v in bmeta.items() if k != "base"}, **meta}
        display = {**bdisplay, **display}
        values = {**bvalues, **values}
    return name, meta, display, values


def _typed(name: str, key: str, value: Any, model: str = "synapse") -> Any:
    if model == "tissue":
        try:
            return tissue_params.preset_value(key, value)
        except ParameterError as exc:
            raise PresetError(f"preset {name}: {exc}") from None
    if key not in names():
        raise PresetError(f"preset {name}: unknown parameter {shorten(key)}; see 'main.py params'")
    if isinstance(value, str) and not isinstance(Parameters().as_dict()[key], str):
        raise PresetError(f"preset {name}: {key} = {shorten(value)} must be a number, not text")
    try:
        return coerce(key, value)
    except ParameterError as exc:
        raise PresetError(f"preset {name}: {exc}") from None


def parse_override(text: str) -> tuple[str, Any]:
    """Split a command-line 'NAME=VALUE' into a typed (name, value) pair."""
    if "=" not in text:
        raise PresetError(f"--set {shorten(text)}: expected NAME=VALUE")
    key, _, raw = text.partition("=")
    key = key.strip()
    if key not in names() and key in tissue_params.names():
        return key, tissue_params.coerce(key, raw)
    if key not in names():
        raise PresetError(f"--set: unknown parameter {shorten(key)}; see 'main.py params'")
    return key, coerce(key, raw)


def load_preset(name_or_path: str = "default", overrides: dict[str, Any] | None = None) -> Preset:
    """Load a preset by name (or .toml path) and apply ``overrides`` on top.

    Raises:
        PresetError: for any malformed file, unknown key or invalid value.
    """
    name, meta, display, values = _raw_values(name_or_path)
    model = meta.get("model", "synapse")
    if model not in MODELS:
        raise PresetError(f"preset {name}: model = {shorten(model)} must be one of {MODELS}")
    typed = {k: _typed(name, k, v, model) for k, v in values.items()}
    overrides = dict(overrides or {})
    known, build = (
        (tissue_params.names(), tissue_params.TissueParameters)
        if model == "tissue"
        else (names(), Parameters)
    )
    for key in overrides:
        if key not in known:
            raise PresetError(
                f"unknown parameter {shorten(key)} for the {model} model; see 'main.py params'"
            )
    try:
        params = build(**{**typed, **overrides})
    except ParameterError as exc:
        raise PresetError(f"preset {name}: {exc}") from None
    playback = display.get("playback_us_per_s", DEFAULT_PLAYBACK_US_PER_S)
    lo, hi = PLAYBACK_RANGE_US_PER_S
    if (
        isinstance(playback, bool)
        or not isinstance(playback, (int, float))
        or not math.isfinite(playback)
        or not lo <= playback <= hi
    ):
        raise PresetError(
            f"preset {name}: playback_us_per_s = {shorten(playback)} is out of range "
            f"[{lo}, {hi}] us/s"
        )
    sources = meta.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(x, str) for x in sources):
        raise PresetError(f"preset {name}: sources = {shorten(sources)} must be a list of strings")
    if len(sources) > MAX_SOURCES:
        raise PresetError(f"preset {name}: {len(sources)} sources; at most {MAX_SOURCES}")
    for key in ("title", "caption"):
        value = meta.get(key, "")
        if not isinstance(value, str):
            raise PresetError(f"preset {name}: {key} = {shorten(value)} must be text")
    for key, limit in MAX_TEXT_CHARS.items():
        texts = sources if key == "source" else [meta.get(key, "")]
        for text in texts:
            if len(text) > limit:
                raise PresetError(
                    f"preset {name}: a {key} of {len(text):,} characters; at most {limit:,}"
                )
    return Preset(
        name=name,
        params=params,
        title=meta.get("title", name),
        caption=meta.get("caption", ""),
        sources=tuple(sources),
        playback_us_per_s=float(playback),
        overrides=overrides,
        model=model,
    )
