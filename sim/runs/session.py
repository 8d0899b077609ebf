"""A session of the window as a small text file: how it started, and every command with its moment.

``python main.py --save-session PATH`` (or Ctrl+S in the window) writes one;
``python main.py --replay PATH`` plays it back. The file is TOML, one
command a line::

    # Cleft session: python main.py --replay THIS_FILE plays it back
    format = 1
    preset = "default"
    seed = 0
    blockade = 0.8
    set = ["firing_rate_hz=5"]
    size = [1280, 720]
    projector = false
    compare = false
    tour = false
    commands = [
      { build = 1, step = 12000, screen_s = 2.0166666666666666, do = "fire" },  # t = 1,200 µs
      { build = 1, step = 15300, screen_s = 3.5, do = "blockade", value = 0.35 },  # t = 1,530 µs
    ]

**The moment** of a command is (``build``, ``step``): ``build`` counts the
models built so far (R, a preset key, a course day, compare on or off each
build a new model whose time starts at 0), ``step`` is the model's step index
when the command was given (an exact integer; the trailing comment gives the
simulated time for people). A replay applies each command when its model
reaches that step, so the model takes the same steps in the same order:
a run independent of how its steps are grouped gives the same numbers.
Moments do not always increase: a step back into the recorded past (rewind)
moves the step index back; a replay follows the same path. ``screen_s`` is the
window's screen time at the command, s: a replay waits as long between two
commands given at the same step (a pause while the lecturer talks) as the
original did.

**The start**: ``preset`` (a name or a .toml path), ``set`` (the ``--set
NAME=VALUE`` texts, applied the same way), ``blockade`` (absent: none given),
``seed``, and the window options that change what is drawn: ``size``
(width, height px), ``projector``, ``compare``, ``tour``, ``history_mb`` (the
memory of the recorded past, MiB; absent: not given).

**The version**: ``format`` is :data:`FORMAT`. It is raised whenever a
change of the model, of the window's commands or of this file would play a
saved session back differently; a file of another format is refused, as are
an unknown command, a value of the wrong kind and anything malformed: one
line (:class:`SessionError`), exit 2 on the command line. Which action names
exist is the window's business (its action table): :func:`read_session` is
handed them.

Files are read by the input rule (:mod:`sim.runs.inputs`) and written by the
output rule (:mod:`sim.runs.outputs`): whole or not at all, never replacing a
file.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.cli.options import MAX_SEED
from sim.params.synapse import ParameterError, shorten
from sim.runs.inputs import parse_toml, read_text, shown_name
from sim.runs.outputs import write_text

FORMAT = 1
"""The session format this Cleft writes and replays (see the module's docstring)."""

MAX_SESSION_BYTES = 16 * 1024 * 1024
"""Largest session file read, bytes (a long lecture with every drag is well under 1 MB)."""

SUFFIX = ".toml"
"""A session file's suffix."""

POINT, WHEEL, FRACTION, POSITIVE, INDEX, TEXT = (
    "point",
    "wheel",
    "fraction",
    "positive",
    "index",
    "text",
)

VALUE_COMMANDS: dict[str, str] = {
    "blockade": FRACTION,  # the SSRI slider: fraction of SERT blocked, 0..1
    "rate": POSITIVE,  # the firing-rate stepper, Hz
    "speed": POSITIVE,  # the playback stepper, simulated µs per second on screen
    "click": POINT,  # a click on the picture (follows the molecule there), window px
    "pan": POINT,  # a drag of the picture, (dx, dy) window px
    "wheel": WHEEL,  # the mouse wheel, (x, y) window px and clicks (+ zooms in)
    "tissue_zoom": INDEX,  # the tissue view zoomed onto varicosity INDEX
    "event_paused": TEXT,  # E's awaited event paused the playback (the event's name)
    "seek": INDEX,  # the recorded past shown at step INDEX of the model on screen (rewind)
}
"""The commands that carry a value, and the kind of value each takes. Every other
command is an action of the window's action table and carries none."""

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


class SessionError(ParameterError):
    """A session file or value Cleft cannot replay (one-line message naming the file)."""


Value = float | tuple[int, ...] | int | str | None
"""A command's value: None, a number, a tuple of whole numbers (px), or a short text."""


@dataclass(frozen=True)
class Command:
    """One command and its moment.

    Attributes:
        build: models built before it (the first model is build 1).
        step: the model's step index when it was given (exact).
        screen_s: the window's screen time when it was given, s.
        do: the command's name (an action of the window, or one of :data:`VALUE_COMMANDS`).
        value: its value (None for an action).
        t_us: the model's simulated time then, µs (written as a comment for people; not read).
    """

    build: int
    step: int
    screen_s: float
    do: str
    value: Value = None
    t_us: float | None = None

    @property
    def moment(self) -> tuple[int, int]:
        """(build, step): where the model stood when the command was given."""
        return self.build, self.step


@dataclass
class Session:
    """How a window session started and the commands given in it, in order.

    Attributes:
        preset: preset name or .toml path.
        seed: the window's seed.
        blockade: the start's SSRI blockade, fraction of SERT (None: not given).
        overrides: the ``--set NAME=VALUE`` texts, in order.
        size: window size (width, height), px.
        projector: started in projector mode.
        compare: started in compare mode.
        tour: started the guided tour.
        history_mb: memory the window's recorded past may hold, MiB (None: not given).
        commands: every command given, in the order given.
    """

    preset: str = "default"
    seed: int = 0
    blockade: float | None = None
    overrides: list[str] = field(default_factory=list)
    size: tuple[int, int] = (1280, 720)
    projector: bool = False
    compare: bool = False
    tour: bool = False
    history_mb: int | None = None
    commands: list[Command] = field(default_factory=list)

    def to_text(self) -> str:
        """The session as TOML text, one command a line (read back by :func:`parse_session`)."""
        lines = [
            "# Cleft session: python main.py --replay THIS_FILE plays it back",
            f"format = {FORMAT}",
            f"preset = {_toml_str(self.preset)}",
            f"seed = {self.seed}",
        ]
        if self.blockade is not None:
            lines.append(f"blockade = {self.blockade!r}")
        lines += [
            f"set = [{', '.join(_toml_str(s) for s in self.overrides)}]",
            f"size = [{self.size[0]}, {self.size[1]}]",
            f"projector = {_toml_bool(self.projector)}",
            f"compare = {_toml_bool(self.compare)}",
            f"tour = {_toml_bool(self.tour)}",
            *([] if self.history_mb is None else [f"history_mb = {self.history_mb}"]),
            "commands = [",
            *(_command_line(c) for c in self.commands),
            "]",
        ]
        return "\n".join(lines) + "\n"


def _toml_str(text: str) -> str:
    """``text`` as a TOML basic string (quotes, backslashes and control characters escaped)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_bool(flag: bool) -> str:
    return "true" if flag else "false"


def _toml_value(value: Value) -> str:
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(str(int(v)) for v in value) + "]"
    return repr(value)


def _command_line(c: Command) -> str:
    value = "" if c.value is None else f", value = {_toml_value(c.value)}"
    line = f"  {{ build = {c.build}, step = {c.step}, screen_s = {c.screen_s!r}, do = {_toml_str(c.do)}{value} }},"
    if c.t_us is not None and math.isfinite(c.t_us):
        line += f"  # t = {c.t_us:,.1f} µs"
    return line


# ------------------------------------------------------------------- reading
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


def write_session(path: str | os.PathLike, session: Session) -> None:
    """Write ``session`` to ``path`` by the output rule; an existing file is never replaced.

    Raises:
        OutputError: ``path`` exists (or is not a regular file).
    """
    write_text(Path(path), session.to_text(), replace=False)


def check_session_path(option: str, path: str | os.PathLike) -> Path:
    """Refuse a session output path before the run: not .toml, unwritable, or existing."""
    from sim.runs.outputs import check_output

    if Path(path).suffix.lower() != SUFFIX:
        raise SessionError(f"{option} {shorten(os.fspath(path))} must end in {SUFFIX}")
    resolved = check_output(option, path)
    if Path(path).exists():
        raise SessionError(
            f"{option} {shorten(os.fspath(path))} exists; sessions never replace a file"
        )
    return resolved


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
