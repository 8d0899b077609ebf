"""The values an experiment's axes take: ranges (START:STOP:STEP), lists, each checked against its parameter."""

from __future__ import annotations

import math
from typing import Any

from sim.params.synapse import ParameterError, check, coerce, names, spec

MAX_VALUES = 10_000
"""Most values one varied parameter may take."""


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
