"""The short message at the top right of the scene: one at a time, ``TOAST_S`` of screen time.

Every room that has something to tell the lecturer is handed :meth:`Messages.say`;
the frame (and the tissue view) draw :meth:`Messages.showing`.
"""

from __future__ import annotations

from collections.abc import Callable

from render.common.constants import TOAST_S


class Messages:
    """The message showing and when it went up.

    Args:
        now: the window's screen time, s (the playback clock: it runs while paused).
    """

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now
        self.toast: tuple[str, float] | None = None
        """(text, screen time it went up, s), or None before the first message."""

    def say(self, text: str) -> None:
        """Show ``text`` from now on (it replaces the one showing)."""
        self.toast = (text, self._now())

    def showing(self) -> str | None:
        """The message to draw now, or None once ``TOAST_S`` of screen time has passed."""
        if self.toast is None or self._now() - self.toast[1] >= TOAST_S:
            return None
        return self.toast[0]
