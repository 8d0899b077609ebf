"""The user's folders Cleft writes to by default: ``~/Cleft`` (S and V) and the cache folder.

Both come from the environment, which may be unusable: ``HOME`` empty
(``Path.home()`` is then ``/``), relative, missing or not a folder;
``XDG_CACHE_HOME`` the same. The rule:

- a home folder is used only if it is an absolute path to an existing folder
  other than ``/`` (:func:`home`): ``HOME``, else the user's entry in the
  password database;
- the save folder is ``HOME/Cleft``; without a usable home it is
  ``<temp>/cleft-<uid>`` (a folder of this user only, never a link), and
  :func:`save_folder` says why in one line, for the window to show;
- the cache folder is ``$XDG_CACHE_HOME/cleft`` when that is an absolute
  path, else ``HOME/.cache/cleft``; with neither, there is none
  (:func:`cache_folder` returns None and why) and caches stay in memory.

Nothing is ever written to ``/`` or to a relative path taken from the
environment.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

APP_FOLDER = "Cleft"
"""Folder in the home folder where the window saves (S, V, Shift+V)."""
CACHE_NAME = "cleft"
"""Folder in the cache folder for Cleft's caches."""


def _usable_folder(text: str | None) -> Path | None:
    if not text or "\0" in text:
        return None
    path = Path(text)
    if not path.is_absolute() or path == Path(path.anchor):
        return None
    try:
        return path if path.is_dir() else None
    except OSError:
        return None


def home() -> tuple[Path | None, str]:
    """The user's home folder if usable (see the module docstring), and why not otherwise."""
    given = os.environ.get("HOME")
    found = _usable_folder(given)
    if found is not None:
        return found, ""
    why = "HOME is not set" if given is None else f"HOME={given!r} is not a usable folder"
    try:
        import pwd

        found = _usable_folder(pwd.getpwuid(os.getuid()).pw_dir)
    except (ImportError, KeyError, OSError):
        found = None
    return found, why


def _own_temp_folder() -> Path:
    """``<temp>/cleft-<uid>``, created 0700 if missing; refused if it is a link or another's."""
    folder = Path(tempfile.gettempdir()) / f"cleft-{os.getuid()}"
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
        raise OSError(f"{folder} is not a folder of this user")
    return folder


def save_folder() -> tuple[Path, str]:
    """Where the window saves by default, and a one-line note when it is not ``~/Cleft``.

    Raises:
        OSError: no home and no private temporary folder either.
    """
    found, why = home()
    if found is not None:
        return found / APP_FOLDER, f"{why}; saving in {found / APP_FOLDER}" if why else ""
    folder = _own_temp_folder()
    return folder, f"{why}; saving in {folder}"


def cache_folder() -> tuple[Path | None, str]:
    """Cleft's cache folder (None: keep caches in memory), and why not when there is none."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute() and "\0" not in xdg and Path(xdg) != Path("/"):
        return Path(xdg) / CACHE_NAME, ""
    found, why = home()
    if found is not None:
        return found / ".cache" / CACHE_NAME, ""
    return None, f"{why} and XDG_CACHE_HOME gives no folder; caches are kept in memory only"
