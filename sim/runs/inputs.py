"""One rule for every file Cleft reads: presets, experiment files, CSVs to resume, cache files.

The rule, in order (:func:`read_bytes`, which every reader here goes through):

1. **Regular files only.** The file is opened without blocking (``O_NONBLOCK``:
   a FIFO with no writer never holds the program up) and the *open* file is
   checked (``fstat``): a folder, FIFO, device or socket is refused. A
   symbolic link is followed; what it names must itself be a regular file
   (a link to ``/dev/zero`` is a device and is refused).
2. **Bounded size.** At most ``max_bytes`` are read (one more tells a larger
   file, which is refused); nothing is read past that, whatever the file.
3. **Decoded with a message naming the file**: UTF-8 (the line of the first
   bad byte), TOML or JSON (the parser's reason), nested at most
   ``MAX_DEPTH`` deep (deeper arrays or tables are refused before any code
   walks them).
4. **One line.** Every refusal is an :class:`InputError` (a
   :class:`~sim.params.synapse.ParameterError`, so the command line prints
   it as one line and exits 2); a missing file is an :class:`InputMissing`.
   Reading never changes the file.

The values inside are each reader's business (presets, experiments,
``--resume`` rows, the day cache): they check them before anything runs.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from sim.params.synapse import ParameterError
from sim.runs.outputs import file_kind

MAX_DEPTH = 32
"""Deepest nesting of arrays and tables accepted in a TOML or JSON input."""

_CHUNK = 1 << 20


class InputError(ParameterError):
    """An input file breaks the input rule (one-line message naming the file)."""


class InputMissing(InputError):
    """The input file does not exist."""


def read_bytes(path: str | os.PathLike, what: str, max_bytes: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``max_bytes`` of them.

    Args:
        path: the file (a link is followed to a regular file).
        what: how messages name it, e.g. ``"preset default.toml"``.
        max_bytes: largest file accepted, bytes.

    Raises:
        InputMissing: no such file.
        InputError: not a regular file, larger than ``max_bytes``, or unreadable.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputMissing(f"{what}: file not found") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        errno_ = getattr(exc, "errno", None)
        if errno_ == errno.ENAMETOOLONG:
            raise InputError(f"{what}: the file name is too long") from None
        reason = os.strerror(errno_) if errno_ else str(exc)
        raise InputError(f"{what}: cannot open it ({reason})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{what}: is {file_kind(st.st_mode)}; only regular files are read")
        if st.st_size > max_bytes:
            raise InputError(f"{what}: larger than {max_bytes:,} bytes")
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(f"{what}: cannot read it ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if size > max_bytes:  # it grew while being read
        raise InputError(f"{what}: larger than {max_bytes:,} bytes")
    return b"".join(chunks)


def decode_utf8(raw: bytes, what: str) -> str:
    """``raw`` as UTF-8 text (a leading byte-order mark dropped).

    Raises:
        InputError: not UTF-8; the message gives the first bad byte and its line.
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{what}: not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); save it as UTF-8"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_text(path: str | os.PathLike, what: str, max_bytes: int) -> str:
    """The UTF-8 text of the regular file ``path`` (see :func:`read_bytes`)."""
    return decode_utf8(read_bytes(path, what, max_bytes), what)


def depth(value: Any) -> int:
    """Nesting depth of lists and dicts in ``value`` (a scalar is 0); walked without recursion."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, level + 1)
        if level + 1 > MAX_DEPTH:
            return level + 1
        todo.extend((x, level + 1) for x in item)
    return deepest


def _check_depth(value: Any, what: str) -> Any:
    if depth(value) > MAX_DEPTH:
        raise InputError(f"{what}: arrays or tables nested more than {MAX_DEPTH} deep")
    return value


def parse_toml(text: str, what: str) -> dict[str, Any]:
    """TOML ``text`` as a dict; one-line :class:`InputError` for anything unreadable."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{what}: invalid TOML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise InputError(f"{what}: arrays or tables nested more than {MAX_DEPTH} deep") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        reason = str(exc).split(";")[0].split(":")[0]
        raise InputError(f"{what}: a value cannot be read ({reason})") from None
    return _check_depth(data, what)


def read_toml(path: str | os.PathLike, what: str, max_bytes: int) -> dict[str, Any]:
    """The TOML file ``path`` as a dict, by the whole input rule."""
    return parse_toml(read_text(path, what, max_bytes), what)


def read_json(path: str | os.PathLike, what: str, max_bytes: int) -> Any:
    """The JSON file ``path``, by the whole input rule (NaN and infinities refused)."""
    text = read_text(path, what, max_bytes)

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number JSON allows")

    try:
        data = json.loads(text, parse_constant=constant)
    except RecursionError:
        raise InputError(f"{what}: arrays or objects nested more than {MAX_DEPTH} deep") from None
    except ValueError as exc:
        raise InputError(f"{what}: invalid JSON: {' '.join(str(exc).split())}") from None
    return _check_depth(data, what)


def shown_name(path: str | os.PathLike) -> str:
    """How a message names a file: its name as it is, or quoted and shortened when odd or long."""
    from sim.params.synapse import shorten

    name = Path(path).name
    return name if len(name) <= 80 and name.isprintable() else shorten(name)
