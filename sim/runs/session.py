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
exist is the window's business (its action table): the reader
(:mod:`sim.runs.session_read`) is handed them.

Files are read by the input rule (:mod:`sim.runs.inputs`) and written by the
output rule (:mod:`sim.runs.outputs`): whole or not at all, never replacing a
file.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from sim.params.synapse import ParameterError, shorten
from sim.runs.outputs import write_text

FORMAT = 1
"""The session format this Cleft writes and replays (see the module's docstring)."""

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
