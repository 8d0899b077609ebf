"""One rule for every file Cleft writes (CSV, JSON, PNG, MP4, GIF, sweep and timeline files).

The rule, in order:

1. **Checked before any work starts** (:func:`check_outputs`): the path is not
   empty; its folder exists and a file can be created in it (tested by
   creating and removing a probe file, so read-only mounts and ``/proc`` are
   caught, whoever runs it); the path is not a directory, FIFO, device node,
   socket, or a symbolic link (to anything: a link is never replaced or
   written through); no two outputs of one command name the same file.
2. **Written to a uniquely named partial file** beside the target
   (:func:`partial_path`: ``.NAME.partial-<pid>-<random>.<suffix>``, hidden)
   and moved into place only when complete (:func:`publish`, after flush and
   fsync), so a reader never sees half a file and two runs never share a
   partial file.
3. **Mode from the umask**: partial files are created with 0666 minus the
   umask, as any ordinary file (not the 0600 of ``tempfile``).
4. **Partial files removed** on failure (:func:`atomic_output` and
   :func:`publish` delete them on any exception) and on the next start after
   a kill (:func:`remove_stale_partials`, called by :func:`check_outputs` for
   each output folder: it deletes partial files whose writing process is gone).
5. **No replacing without asking**: ``replace=False`` (recordings) publishes
   with ``os.link``, which refuses atomically to replace an existing file.

Errors are :class:`OutputError` (a :class:`~sim.params.synapse.ParameterError`), whose
one-line message names the option, the value (shortened when long) and the rule.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sim.params.synapse import ParameterError, shorten

MAX_NAME_BYTES = 255
"""Longest file name most file systems accept, bytes (partial names are kept under it)."""

_PARTIAL = re.compile(r"^\..*\.partial-(\d+)-[0-9a-f]{8}(\.[^.]*)?$")


class OutputError(ParameterError):
    """An output path breaks the output rule (one-line message: option, value, rule)."""


PATH_SHOWN_CHARS = 200
"""Longest path quoted whole in a message, characters."""


def _describe(path: str | os.PathLike) -> str:
    return shorten(os.fspath(path), PATH_SHOWN_CHARS)


def file_kind(mode: int) -> str | None:
    """What a non-regular file is (from its ``st_mode``), or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder (directory)"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def partial_path(path: Path) -> Path:
    """A fresh, unique, hidden partial name beside ``path``, with the same suffix.

    Writers that pick a format from the name (ffmpeg, Pillow, matplotlib) still do.
    ``.NAME.partial-<pid>-<8 hex digits><suffix>``; the NAME part is cut so the
    whole name stays within ``MAX_NAME_BYTES``.
    """
    path = Path(path)
    tail = f".partial-{os.getpid()}-{secrets.token_hex(4)}{path.suffix}"
    name = path.name
    room = MAX_NAME_BYTES - 1 - len(tail.encode())
    while len(name.encode()) > room:
        name = name[:-1]
    return path.with_name(f".{name}{tail}")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_partials(folder: Path) -> int:
    """Delete ``.*.partial-<pid>-*`` files in ``folder`` whose pid is no longer alive.

    Returns the number of files removed (0 if the folder cannot be listed).
    A partial file whose pid was reused by an unrelated live process is kept.
    """
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        m = _PARTIAL.match(entry.name)
        if m is None or _pid_alive(int(m.group(1))):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed += 1
        except OSError:
            pass
    return removed


def _probe(option: str, value: str, folder: Path, target: Path) -> None:
    """Create and remove a partial file in ``folder``: the only reliable writability test."""
    probe = partial_path(target)
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        if exc.errno == errno.ENAMETOOLONG:
            raise OutputError(f"{option} {value}: the file name is too long") from None
        raise OutputError(
            f"{option} {value}: cannot create a file in folder {_describe(folder)} ({reason})"
        ) from None
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        pass


def check_output(option: str, value: str | os.PathLike) -> Path:
    """Check one output path against the rule; return it resolved. See :func:`check_outputs`."""
    text = os.fspath(value)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    shown = _describe(text)
    if not text.strip():
        raise OutputError(f"{option} {shown}: the path is empty; give a file name")
    if "\0" in text:
        raise OutputError(f"{option} {shown}: the path contains a NUL character")
    path = Path(text)
    if text.endswith(("/", os.sep)) or path.name in ("", ".", ".."):
        raise OutputError(f"{option} {shown}: names a folder, not a file")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputError(
            f"{option} {shown}: folder {_describe(path.parent)} is not a folder"
        ) from None
    except OSError as exc:
        raise OutputError(f"{option} {shown}: {os.strerror(exc.errno or 0)}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(
                f"{option} {shown}: is a symbolic link; outputs are never written through links"
            )
        kind = file_kind(st.st_mode)
        if kind is not None:
            raise OutputError(f"{option} {shown}: is {kind}; outputs must be regular files")
    folder = path.parent
    if not folder.is_dir():
        what = "does not exist" if not folder.exists() else "is not a folder"
        raise OutputError(f"{option} {shown}: folder {_describe(folder)} {what}")
    resolved = folder.resolve() / path.name
    remove_stale_partials(folder)
    _probe(option, shown, folder, resolved)
    return resolved


def check_outputs(named: Mapping[str, str | os.PathLike | None]) -> dict[str, Path]:
    """Validate every output path before any work starts.

    Args:
        named: option name as shown to the user (e.g. ``"--csv"``) -> path;
            ``None`` values are skipped.

    Returns:
        The resolved paths of the non-None entries, by option.

    Raises:
        OutputError: an empty path, a missing or unwritable folder, a
            directory/FIFO/device/socket or a symbolic link at the path, or two
            options naming the same file; the message names the option, the
            (shortened) value and the rule.
    """
    out: dict[str, Path] = {}
    seen: dict[Any, str] = {}
    for option, value in named.items():
        if value is None:
            continue
        path = check_output(option, value)
        keys = {("path", str(path))}
        try:
            st = os.stat(path)
            keys.add(("inode", st.st_dev, st.st_ino))
        except OSError:
            pass
        for key in keys:
            if key in seen:
                raise OutputError(
                    f"{seen[key]} and {option} name the same file {_describe(value)}; "
                    "each output needs its own file"
                )
        for key in keys:
            seen[key] = option
        out[option] = path
    return out


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def publish_new(partial: Path, path: Path) -> bool:
    """Link ``partial`` to ``path`` unless ``path`` exists; True if published.

    On success the partial name is removed; if ``path`` is taken, returns False
    and leaves ``partial`` in place (the caller may try another name).
    """
    try:
        os.link(partial, path)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: check, then rename (not atomic).
        if os.path.lexists(path):
            return False
        os.replace(partial, path)
        _fsync_folder(Path(path).parent)
        return True
    _remove(partial)
    _fsync_folder(Path(path).parent)
    return True


def publish(partial: Path, path: Path, *, replace: bool = True) -> None:
    """Move a finished ``partial`` file into place as ``path``.

    ``replace=True`` replaces an existing regular file atomically
    (``os.replace``); a symbolic link, directory or special file that appeared
    at ``path`` since the check is refused. ``replace=False`` refuses any
    existing file (``os.link``, atomic). The file's mode is what it was created
    with (0666 minus the umask for :func:`atomic_output`).

    Raises:
        OutputError: the target is taken or not a regular file (``partial`` is removed).
        OSError: the move failed (``partial`` is removed).
    """
    partial, path = Path(partial), Path(path)
    try:
        if not replace:
            if not publish_new(partial, path):
                raise OutputError(
                    f"{_describe(path)} exists; not overwritten (it was not written by this run)"
                )
            return
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            st = None
        if st is not None:
            if stat.S_ISLNK(st.st_mode):
                raise OutputError(f"{_describe(path)} became a symbolic link; not replaced")
            kind = file_kind(st.st_mode)
            if kind is not None:
                raise OutputError(f"{_describe(path)} is {kind}; not replaced")
        os.replace(partial, path)
        _fsync_folder(path.parent)
    except BaseException:
        _remove(partial)
        raise


@contextmanager
def atomic_output(
    path: Path, mode: str = "w", *, replace: bool = True, **open_kwargs: Any
) -> Iterator[IO[Any]]:
    """Write ``path`` whole or not at all.

    Opens a fresh partial file beside ``path`` (:func:`partial_path`; created
    with 0666 minus the umask; ``fh.name`` is its path) and yields the file
    object; when the block ends without an exception, flushes, fsyncs and
    moves it into place (:func:`publish`). On any exception the partial file is removed and the
    exception re-raised.

    Args:
        path: final file.
        mode: ``"w"`` (text) or ``"wb"`` (binary).
        replace: replace an existing regular file (False: refuse, atomically).
        open_kwargs: passed to :func:`open` (e.g. ``newline=""``, ``encoding``).
    """
    if mode not in ("w", "wb", "wt", "xb", "x", "xt"):
        raise ValueError(f"atomic_output mode {mode!r}: only write modes are supported")
    path = Path(path)
    partial = partial_path(path)
    if "b" not in mode:
        open_kwargs.setdefault("encoding", "utf-8")

    def exclusive(name: str, flags: int) -> int:  # a fresh file, 0666 minus the umask
        return os.open(name, flags | os.O_EXCL, 0o666)

    try:
        fh = open(partial, mode.replace("x", "w"), opener=exclusive, **open_kwargs)
    except BaseException:
        _remove(partial)
        raise
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _remove(partial)
        raise
    publish(partial, path, replace=replace)


def write_via(path: Path, write: Callable[[Path], Any], *, replace: bool = True) -> None:
    """Let ``write(partial)`` create a file by name, then publish it as ``path``.

    For writers that take a file name (``pygame.image.save``, matplotlib's
    ``savefig``, Pillow): the partial name keeps ``path``'s suffix, so they pick
    the format from it. On any exception the partial file is removed.
    """
    path = Path(path)
    partial = partial_path(path)
    try:
        write(partial)
        if not partial.is_file():
            raise OutputError(f"{_describe(path)}: the writer produced no file")
        fd = os.open(partial, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        _remove(partial)
        raise
    publish(partial, path, replace=replace)


def write_text(path: Path, text: str, *, replace: bool = True) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` by the output rule."""
    with atomic_output(path, "w", replace=replace, newline="") as fh:
        fh.write(text)
