"""Shared helpers for the window tests: size, key presses, frames (the ``screen``
fixture is in tests/conftest.py).

tests/conftest.py selects pygame's dummy video and audio drivers before this
module imports pygame.
"""

from __future__ import annotations

import pygame

SIZE = (1280, 720)
"""Window size of the tests (the default window), px."""


def press(app, key: int, mod: int = 0) -> None:
    """Post one key press (down, then up, as a keyboard sends it) and let the app handle it."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=""))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode=""))
    app.pump()


def frames(app, surface: pygame.Surface, n: int) -> None:
    """Advance and draw ``n`` frames of 1/60 s."""
    for _ in range(n):
        app.update(1 / 60)
        app.draw(surface)
