"""Choosing the display before pygame opens one: a clear refusal, a hidden window, a quiet start.

* With no display (no ``DISPLAY`` or ``WAYLAND_DISPLAY`` on Linux and the
  BSDs) and no ``SDL_VIDEODRIVER`` chosen, the window would run invisibly on
  SDL's offscreen fallback until killed: :func:`display_problem` says so in
  one line instead (``run_app`` turns it into a ValueError, exit code 2).
* Scripted runs (``--frames``) never show a window: :func:`scripted_driver`
  selects SDL's ``dummy`` driver for them (pixels are drawn exactly the same).
* SDL and its back ends print to the process's stderr while a display is
  opened (e.g. ``XDG_RUNTIME_DIR is invalid`` when Wayland is probed);
  :func:`quiet_stderr` holds file descriptor 2 for that moment. Failures still
  surface, as ``pygame.error`` exceptions.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping

NEEDS_DISPLAY_VAR = ("linux", "freebsd", "openbsd", "netbsd", "sunos")
"""Platforms where a window needs an X11 or Wayland display named in the environment."""


def display_problem(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """Why no window can be shown here, in one line, or None if one can (or a driver was chosen)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if env.get("SDL_VIDEODRIVER"):
        return None
    if not platform.startswith(NEEDS_DISPLAY_VAR):
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); "
        "run it on a desktop, or use --frames N --screenshot PATH (no window needed), "
        "or choose a driver with SDL_VIDEODRIVER"
    )


@contextlib.contextmanager
def scripted_driver(scripted: bool) -> Iterator[None]:
    """While ``scripted``, SDL's ``dummy`` video driver (no window); the environment is restored after."""
    if not scripted:
        yield
        return
    old = os.environ.get("SDL_VIDEODRIVER")
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SDL_VIDEODRIVER", None)
        else:
            os.environ["SDL_VIDEODRIVER"] = old


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send what C libraries write to file descriptor 2 to nowhere for the duration."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr (embedded, captured)
        yield
        return
    try:
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
    finally:
        os.close(saved)
