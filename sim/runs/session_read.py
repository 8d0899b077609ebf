"""Reading a session file (:mod:`sim.runs.session`): every key and value checked, one line if not.

:func:`read_session` reads a file by the input rule (:mod:`sim.runs.inputs`);
:func:`parse_session` checks its text; :func:`replayed_start` also refuses a
start option given beside ``--replay`` that the session sets otherwise.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Sequence
from typing import Any

from sim.cli.options import MAX_SEED
from sim.params.synapse import shorten
from sim.runs.inputs import parse_toml, read_text, shown_name
from sim.runs.session import (
    FORMAT,
    FRACTION,
    INDEX,
    POINT,
    POSITIVE,
    TEXT,
    VALUE_COMMANDS,
    WHEEL,
    Command,
    Session,
    SessionError,
    Value,
)

MAX_SESSION_BYTES = 16 * 1024 * 1024
"""Largest session file read, bytes (a long lecture with every drag is well under 1 MB)."""

_START_KEYS = frozenset(
    {
        "format",
        "preset",
        "seed",
        "blockade",
        "set",
        "size",
        "projector",
        "compare",
        "tour",
        "history_mb",
    }
)
_COMMAND_KEYS = frozenset({"build", "step", "screen_s", "do", "value"})
MAX_TEXT_CHARS = 200
"""Longest text value (a preset path, an event's name), characters."""


def _whole(data: dict, key: str, what: str, low: int, high: int) -> int:
    v = data.get(key)
    if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
        raise SessionError(
            f"{what}: {key} = {shorten(v)} must be a whole number in [{low}, {high}]"
        )
    return v


def _flag(data: dict, key: str, what: str) -> bool:
    v = data.get(key, False)
    if not isinstance(v, bool):
        raise SessionError(f"{what}: {key} = {shorten(v)} must be true or false")
    return v


def _text(v: Any, what: str, key: str) -> str:
    if not isinstance(v, str) or not v or len(v) > MAX_TEXT_CHARS or not v.isprintable():
        raise SessionError(
            f"{what}: {key} = {shorten(v)} must be a printable text of 1 to {MAX_TEXT_CHARS} characters"
        )
    return v


def check_value(do: str, value: Any, what: str = "session") -> Value:
    """``value`` checked against the kind command ``do`` takes (None for an action).

    Raises:
        SessionError: a value for an action, no value for a value command, or one of the wrong kind.
    """
    kind = VALUE_COMMANDS.get(do)
    if kind is None:
        if value is not None:
            raise SessionError(f"{what}: command {do!r} takes no value")
        return None
    if value is None:
        raise SessionError(f"{what}: command {do!r} needs a value ({kind})")
    bad = SessionError(f"{what}: command {do!r}: value {shorten(value)} is not a {kind}")
    if kind == TEXT:
        return _text(value, what, "value")
    if kind in (POINT, WHEEL):
        n = 2 if kind == POINT else 3
        if not isinstance(value, (list, tuple)) or len(value) != n:
            raise bad
        if not all(
            isinstance(v, int) and not isinstance(v, bool) and abs(v) <= 100_000 for v in value
        ):
            raise bad
        return tuple(int(v) for v in value)
    if kind == INDEX:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
            raise bad
        return int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise bad
    if kind == FRACTION and not 0.0 <= value <= 1.0 or kind == POSITIVE and value <= 0:
        raise bad
    return float(value)


def _command(item: Any, index: int, what: str, known: Collection[str]) -> Command:
    here = f"{what}, command {index + 1}"
    if not isinstance(item, dict):
        raise SessionError(
            f"{here}: must be a table {{ build = ..., step = ..., screen_s = ..., do = ... }}"
        )
    extra = set(item) - _COMMAND_KEYS
    if extra:
        raise SessionError(f"{here}: unknown key {shorten(sorted(extra)[0])}")
    do = item.get("do")
    if not isinstance(do, str):
        raise SessionError(f"{here}: do = {shorten(do)} must name a command")
    if do not in known and do not in VALUE_COMMANDS:
        raise SessionError(f"{here}: unknown command {shorten(do)} (a session of another Cleft?)")
    s = item.get("screen_s")
    if isinstance(s, bool) or not isinstance(s, (int, float)) or not (math.isfinite(s) and s >= 0):
        raise SessionError(f"{here}: screen_s = {shorten(s)} must be seconds >= 0")
    return Command(
        build=_whole(item, "build", here, 1, 10**9),
        step=_whole(item, "step", here, 0, 2**62),
        screen_s=float(s),
        do=do,
        value=check_value(do, item.get("value"), here),
    )


def parse_session(text: str, what: str, known: Collection[str]) -> Session:
    """The session in TOML ``text``; ``known``: the window's action names.

    Raises:
        SessionError: another format, an unknown key or command, a bad value (one line
            naming ``what``).
    """
    data = parse_toml(text, what)
    version = data.get("format")
    if version != FORMAT:
        raise SessionError(
            f"{what}: session format {shorten(version)}, this Cleft replays format {FORMAT} only"
        )
    extra = set(data) - _START_KEYS - {"commands"}
    if extra:
        raise SessionError(f"{what}: unknown key {shorten(sorted(extra)[0])}")
    overrides = data.get("set", [])
    if not isinstance(overrides, list):
        raise SessionError(f'{what}: set must be a list of "NAME=VALUE" texts')
    size = data.get("size")
    if not (
        isinstance(size, list)
        and len(size) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in size)
    ):
        raise SessionError(f"{what}: size = {shorten(size)} must be [width, height] in px")
    blockade = data.get("blockade")
    if blockade is not None:
        blockade = check_value("blockade", blockade, what)
    commands = data.get("commands", [])
    if not isinstance(commands, list):
        raise SessionError(f"{what}: commands must be a list of tables")
    session = Session(
        preset=_text(data.get("preset"), what, "preset"),
        seed=_whole(data, "seed", what, 0, MAX_SEED),
        blockade=blockade,
        overrides=[_text(s, what, "set") for s in overrides],
        size=(size[0], size[1]),
        projector=_flag(data, "projector", what),
        compare=_flag(data, "compare", what),
        tour=_flag(data, "tour", what),
        history_mb=None if "history_mb" not in data else _whole(data, "history_mb", what, 0, 2**40),
        commands=[_command(c, i, what, known) for i, c in enumerate(commands)],
    )
    return session


def read_session(path: str | os.PathLike, known: Collection[str]) -> Session:
    """The session file ``path`` (input rule; see :func:`parse_session`)."""
    what = f"session {shown_name(path)}"
    return parse_session(read_text(path, what, MAX_SESSION_BYTES), what, known)


def replayed_start(
    path: str | os.PathLike, known: Collection[str], given: dict[str, Any]
) -> Session:
    """The session of ``--replay path``; a start option in ``given`` that says otherwise is refused.

    Args:
        path: the session file.
        known: the window's action names.
        given: the options given beside ``--replay`` (``"--seed"`` -> value).
    """
    session = read_session(path, known)
    option = same_start(session, given)
    if option is not None:
        raise SessionError(
            f"--replay {shown_name(path)}: {option} differs from the session's; "
            f"the session sets it (leave {option} out)"
        )
    return session


def same_start(session: Session, given: dict[str, Any]) -> str | None:
    """The first start option in ``given`` (option -> value) that differs from ``session``'s, or None."""
    ours: dict[str, Sequence[Any] | Any] = {
        "--preset": session.preset,
        "--seed": session.seed,
        "--blockade": session.blockade,
        "--set": list(session.overrides),
        "--size": tuple(session.size),
        "--projector": session.projector,
        "--compare": session.compare,
        "--tour": session.tour,
        "--history-mb": session.history_mb,
    }
    for option, value in given.items():
        if option in ours and value != ours[option]:
            return option
    return None
