"""The machinery every parameter set shares: declare a field, look it up, check, convert, print.

A parameter set is a frozen dataclass that inherits :class:`ParameterSet` and
declares each field once with :func:`param` (default, unit, valid range
[lo, hi] or choices, source, doc). The synapse's set is
:class:`sim.params.synapse.Parameters`, the tissue's :class:`sim.params.tissue.TissueParameters`.

Field kinds, from the annotation: ``float`` and ``int`` (a range; an int takes
whole values only), ``str`` (one of ``choices``) and ``bool`` (an on/off
switch: ``true``/``false``, also ``on``/``off``, ``yes``/``no``, ``1``/``0``
as text).

Bad values raise :class:`ParameterError`, whose one-line message names the
parameter, the value (cut by :func:`shorten` when long) and what is valid.
"""

from __future__ import annotations

import math
from dataclasses import field, fields, replace
from typing import Any, Self


class ParameterError(ValueError):
    """A parameter value is unknown, of the wrong type, not finite or out of range."""


def param(
    default: Any,
    unit: str,
    lo: float | None,
    hi: float | None,
    source: str,
    doc: str,
    choices: tuple[str, ...] | None = None,
) -> Any:
    """Declare one parameter field with its unit, range [lo, hi] (or choices) and source."""
    return field(
        default=default,
        metadata={
            "unit": unit,
            "lo": lo,
            "hi": hi,
            "source": source,
            "doc": doc,
            "choices": choices,
        },
    )


SHORTEN_CHARS = 60
"""Longest value quoted whole in a message, characters; longer ones are cut."""


def shorten(value: Any, limit: int = SHORTEN_CHARS) -> str:
    """``repr(value)`` for messages, cut to about ``limit`` characters with the full length said.

    A 100,000-character value becomes ``'aaaa…aaaa' (100000 characters)``; an
    integer too long to print whole is described by its number of digits.
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 4 * limit:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    try:
        text = value if isinstance(value, str) else repr(value)
    except (ValueError, RecursionError):
        return f"a value of type {type(value).__name__}"
    quoted = isinstance(value, str)
    if len(text) <= limit:
        return repr(text) if quoted else text
    half = max(1, (limit - 5) // 2)
    cut = f"{text[:half]}…{text[-half:]}"
    return f"{cut!r} ({len(text)} characters)" if quoted else f"{cut} ({len(text)} characters)"


def describe_range(meta: dict[str, Any]) -> str:
    """Human text for a parameter's valid values, e.g. '[5.0, 500.0] nm' (``meta`` from spec)."""
    if meta.get("type") == "bool":
        return "true or false"
    if meta.get("choices"):
        return "one of " + ", ".join(repr(c) for c in meta["choices"])
    unit = f" {meta['unit']}" if meta["unit"] else ""
    return f"[{meta['lo']}, {meta['hi']}]{unit}"


_TRUE = ("true", "on", "yes", "1")
_FALSE = ("false", "off", "no", "0")


def _type_name(ftype: Any) -> str:
    return ftype if isinstance(ftype, str) else ftype.__name__


def _check_kind(meta: dict[str, Any], value: Any) -> None:
    """Refuse a value of the wrong kind: not a switch, not text, not a (whole) number."""
    name, kind, valid = meta["name"], meta["type"], describe_range(meta)
    if kind == "bool":
        if not isinstance(value, bool):
            raise ParameterError(f"{name} = {shorten(value)} must be true or false")
        return
    if kind == "str":
        if not isinstance(value, str):
            raise ParameterError(f"{name} = {shorten(value)} is not valid; expected {valid}")
        return
    what = "a whole number" if kind == "int" else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"{name} = {shorten(value)} must be {what}; valid {valid}")
    if kind == "int" and isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterError(f"{name} = {value} is not finite; valid {valid}")
        if not value.is_integer():
            raise ParameterError(f"{name} = {shorten(value)} must be a whole number; valid {valid}")


def check_value(meta: dict[str, Any], value: Any) -> None:
    """Validate ``value`` against one parameter's ``meta`` (from :meth:`ParameterSet.spec`).

    Raises:
        ParameterError: naming the parameter, the value and what is valid.
    """
    _check_kind(meta, value)
    name, kind, valid = meta["name"], meta["type"], describe_range(meta)
    if kind == "bool":
        return
    if kind == "str":
        if value not in meta["choices"]:
            raise ParameterError(f"{name} = {shorten(value)} is not valid; expected {valid}")
        return
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(f"{name} = {value} is not finite; valid {valid}")
    if not meta["lo"] <= value <= meta["hi"]:  # exact for ints of any size
        raise ParameterError(f"{name} = {shorten(value)} is out of range {valid}")


def coerce_value(meta: dict[str, Any], value: Any) -> Any:
    """``value`` (TOML or command-line text) converted to the parameter's type.

    Text becomes a number (or, for a switch, true/false); a whole float
    becomes an int for an int field and an int a float for a float field.
    Only the kind is checked here: the range and choices are checked by
    :func:`check_value`, which every parameter set applies on construction
    (a name shared by two sets may have a different range in each).

    Raises:
        ParameterError: when the value cannot be converted to the parameter's type.
    """
    name, kind = meta["name"], meta["type"]
    if isinstance(value, str) and kind == "bool":
        text = value.strip().lower()
        if text not in _TRUE + _FALSE:
            raise ParameterError(f"{name} = {shorten(value)} must be true or false")
        value = text in _TRUE
    elif isinstance(value, str) and kind != "str":
        text = value.strip()
        try:
            value = float(text)
        except ValueError:
            raise ParameterError(
                f"{name} = {shorten(text)} is not a number; valid {describe_range(meta)}"
            ) from None
        if not math.isfinite(value) and text.lower().lstrip("+-") not in ("inf", "infinity", "nan"):
            raise ParameterError(  # e.g. 400 digits: say what was typed, not "inf"
                f"{name} = {shorten(text)} is out of range {describe_range(meta)}"
            )
    _check_kind(meta, value)
    if kind == "int" and isinstance(value, float):
        return int(value)
    if kind == "float" and isinstance(value, int) and abs(value) <= _FLOAT_MAX_INT:
        return float(value)
    return value  # an int too large for a float stays exact: check_value calls it out of range


_FLOAT_MAX_INT = 2**1023
"""Ints up to this size convert to a float without overflow (the largest float is ~2**1024)."""


class ParameterSet:
    """What a frozen dataclass of :func:`param` fields gains: checks, lookup, conversion.

    Every field is checked on construction; a subclass with rules between
    fields extends ``__post_init__`` (calling ``super().__post_init__()`` first).
    ``_KIND`` names the set in the message for an unknown name.
    """

    _KIND = "parameter"

    def __post_init__(self) -> None:
        for f in fields(self):
            check_value(self.spec(f.name), getattr(self, f.name))

    def with_overrides(self, **changes: Any) -> Self:
        """A validated copy with ``changes`` applied (unknown names rejected)."""
        known = self.names()
        for key in changes:
            if key not in known:
                raise ParameterError(f"unknown {self._KIND} '{key}'")
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """All values by name, in declaration order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """Names of all parameters in declaration order."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def spec(cls, name: str) -> dict[str, Any]:
        """Name, type name ('float', 'int', 'str', 'bool'), default, unit, range, source, doc."""
        for f in fields(cls):
            if f.name == name:
                return {
                    "name": name,
                    "type": _type_name(f.type),
                    "default": f.default,
                    **f.metadata,
                }
        raise ParameterError(f"unknown {cls._KIND} '{name}'")

    @classmethod
    def check(cls, name: str, value: Any) -> None:
        """Validate one value against ``name``'s declared type and range (for run-time commands).

        Raises:
            ParameterError: naming the parameter, the value and what is valid.
        """
        check_value(cls.spec(name), value)

    @classmethod
    def coerce(cls, name: str, value: Any) -> Any:
        """Convert ``value`` (TOML or command-line text) to ``name``'s type (see coerce_value).

        Raises:
            ParameterError: when the value cannot be converted; the range is checked
                on construction or by :meth:`check`.
        """
        return coerce_value(cls.spec(name), value)

    @classmethod
    def preset_value(cls, name: str, value: Any) -> Any:
        """A value from a preset file's [parameters], typed as TOML gives it (text only for text).

        Raises:
            ParameterError: for an unknown name, text where a number or switch belongs,
                or a bad value.
        """
        meta = cls.spec(name)
        if isinstance(value, str) and meta["type"] == "bool":
            raise ParameterError(f"{name} = {shorten(value)} must be true or false (no quotes)")
        if isinstance(value, str) and meta["type"] != "str":
            raise ParameterError(f"{name} = {shorten(value)} must be a number, not text")
        return cls.coerce(name, value)

    @classmethod
    def describe_lines(cls) -> list[str]:
        """The parameter table as printed by ``main.py params`` (three lines per parameter)."""
        lines = []
        for name in cls.names():
            meta = cls.spec(name)
            default = meta["default"]
            shown = str(default).lower() if meta["type"] == "bool" else repr(default)
            lines.append(f"{name} = {shown} {meta['unit']}".rstrip())
            lines.append(f"    {meta['doc']}")
            lines.append(f"    valid: {describe_range(meta)}; source: {meta['source']}")
        return lines
