"""Presets: TOML files in ``assets/presets/`` that set parameters and say what they show.

A preset file has up to three tables::

    [preset]            # title, caption (plain language), sources, optional base
    [display]           # playback_us_per_s: suggested playback speed for the window
    [parameters]        # any subset of sim.params.Parameters fields

``base = "other"`` starts from another preset. Unknown tables or keys, wrong
types, NaN/inf and out-of-range values raise :class:`PresetError` (a
ParameterError) with a one-line message naming the key, the value and the range.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .params import ParameterError, Parameters, coerce, names

PRESET_DIR = Path(__file__).resolve().parent.parent / "assets" / "presets"
DEFAULT_PLAYBACK_US_PER_S = 20.0
PLAYBACK_RANGE_US_PER_S = (0.01, 1.0e6)
_META_KEYS = {"title", "caption", "sources", "base"}
_DISPLAY_KEYS = {"playback_us_per_s"}


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


def available() -> list[str]:
    """Names of the presets shipped in ``assets/presets``."""
    return sorted(p.stem for p in PRESET_DIR.glob("*.toml"))


def _read(name_or_path: str) -> tuple[str, dict[str, Any]]:
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = PRESET_DIR / f"{name_or_path}.toml"
    if not path.is_file():
        raise PresetError(f"preset '{name_or_path}' not found; available: {', '.join(available())}")
    try:
        with path.open("rb") as fh:
            return path.stem, tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise PresetError(f"preset {path.name}: invalid TOML: {exc}") from None


def _raw_values(name_or_path: str, depth: int = 0) -> tuple[str, dict, dict, dict]:
    if depth > 8:
        raise PresetError(f"preset '{name_or_path}': 'base' chain is too deep or circular")
    name, data = _read(name_or_path)
    unknown = set(data) - {"preset", "display", "parameters"}
    if unknown:
        raise PresetError(f"preset {name}: unknown table(s) {sorted(unknown)}")
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
            raise PresetError(f"preset {name}: unknown key(s) {sorted(bad)} in [{label}]")
    if not isinstance(values, dict):
        raise PresetError(f"preset {name}: [parameters] must be a table")
    base = meta.get("base")
    if base is not None:
        _, bmeta, bdisplay, bvalues = _raw_values(str(base), depth + 1)
        meta = {**{k: v for k, v in bmeta.items() if k != "base"}, **meta}
        display = {**bdisplay, **display}
        values = {**bvalues, **values}
    return name, meta, display, values


def _typed(name: str, key: str, value: Any) -> Any:
    if key not in names():
        raise PresetError(f"preset {name}: unknown parameter '{key}'")
    if isinstance(value, str) and not isinstance(Parameters().as_dict()[key], str):
        raise PresetError(f"preset {name}: {key} = {value!r} must be a number, not text")
    try:
        return coerce(key, value)
    except ParameterError as exc:
        raise PresetError(f"preset {name}: {exc}") from None


def parse_override(text: str) -> tuple[str, Any]:
    """Split a command-line 'NAME=VALUE' into a typed (name, value) pair."""
    if "=" not in text:
        raise PresetError(f"--set {text!r}: expected NAME=VALUE")
    key, _, raw = text.partition("=")
    key = key.strip()
    if key not in names():
        raise PresetError(f"--set: unknown parameter '{key}'")
    return key, coerce(key, raw)


def load_preset(name_or_path: str = "default", overrides: dict[str, Any] | None = None) -> Preset:
    """Load a preset by name (or .toml path) and apply ``overrides`` on top.

    Raises:
        PresetError: for any malformed file, unknown key or invalid value.
    """
    name, meta, display, values = _raw_values(name_or_path)
    typed = {k: _typed(name, k, v) for k, v in values.items()}
    overrides = dict(overrides or {})
    for key in overrides:
        if key not in names():
            raise PresetError(f"unknown parameter '{key}'")
    try:
        params = Parameters(**{**typed, **overrides})
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
            f"preset {name}: playback_us_per_s = {playback!r} is out of range [{lo}, {hi}] us/s"
        )
    sources = meta.get("sources", ())
    if isinstance(sources, str) or not all(isinstance(s, str) for s in sources):
        raise PresetError(f"preset {name}: sources must be a list of strings")
    for key in ("title", "caption"):
        if not isinstance(meta.get(key, ""), str):
            raise PresetError(f"preset {name}: {key} must be text")
    return Preset(
        name=name,
        params=params,
        title=meta.get("title", name),
        caption=meta.get("caption", ""),
        sources=tuple(sources),
        playback_us_per_s=float(playback),
        overrides=overrides,
    )
