"""Choosing the display before pygame opens one: a clear refusal, a hidden window, a quiet start.

* With no display (no ``DISPLAY`` or ``WAYLAND_DISPLAY`` on Linux and the
  BSDs) and no ``SDL_VIDEODRIVER`` chosen, the window would run invisibly on
  SDL's offscreen fallback until killed: :func:`display_problem` says so in
  one line instead (``run_app`` turns it into a ValueError, exit code 2).
* With a display named but not reachable (``DISPLAY=:99`` and no server
  there), SDL falls back to its ``offscreen`` driver and the window would
  run unseen at full CPU: :func:`driver_problem` says so in one line once
  pygame's display is initialised (``run_app`` exits with code 2 before the
  model is built, within a few seconds).
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


HIDDEN_DRIVERS = ("offscreen", "dummy", "evdev", "kmsdrm")
"""SDL video drivers that show no desktop window (KMS/DRM and evdev only on a bare console)."""


def driver_problem(driver: str, env: Mapping[str, str] | None = None) -> str | None:
    """Why the display SDL opened shows no window, in one line, or None if it does.

    ``driver`` is ``pygame.display.get_driver()`` after ``pygame.display.init()``;
    a driver chosen by hand (``SDL_VIDEODRIVER``) is taken as meant.
    """
    env = os.environ if env is None else env
    if env.get("SDL_VIDEODRIVER") or driver not in HIDDEN_DRIVERS:
        return None
    named = env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or "none"
    return (
        f"cannot reach the display {named!r} (SDL fell back to its {driver} driver, which shows "
        "no window); check DISPLAY, or use --frames N --screenshot PATH (no window needed)"
    )


def window_problem() -> str | None:
    """Why no window can be shown here (no display, or one SDL cannot reach), or None.

    Cheap (pygame's display is opened and closed again, no window): the
    command line asks before it loads the model and the window's modules,
    so a refusal comes within a second or two.
    """
    problem = display_problem()
    if problem is not None:
        return problem
    import pygame

    with quiet_stderr():
        try:
            pygame.display.init()
        except pygame.error as exc:
            return f"cannot open a display: {exc}"
        driver = pygame.display.get_driver()
        pygame.display.quit()
    return driver_problem(driver)


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
