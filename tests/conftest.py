"""Test setup: no display, no audio (pygame's dummy drivers), project root importable."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@pytest.fixture
def screen():
    """A dummy-driver display of the window tests' size with an empty event queue."""
    import pygame

    from tests.window import SIZE

    pygame.init()
    surf = pygame.display.set_mode(SIZE)
    pygame.event.clear()
    return surf


@pytest.fixture(autouse=True, scope="module")
def _no_window_workers_outlive_their_test_file():
    """Workers a test file's windows started (day runs, overlay) end with the file.

    An App starts background workers from its first frame; tests that build one
    and never close it would otherwise leave them to the next file in the same
    process, whose worker counts they would change.
    """
    yield
    workers = sys.modules.get("render.common.workers")
    if workers is not None:
        workers.close_all()
