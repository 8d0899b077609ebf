"""A lecture played through the real window loop: a scripted clock, key presses, checks per step.

:func:`play` runs :func:`render.window.run_app` (interactive, not ``--frames``)
under SDL's dummy driver with ``pygame.time.Clock`` replaced by
:class:`ScriptedClock`: each tick of the loop runs the lecture script up to
its next frame and returns that frame's wall time, so the loop runs as fast
as the machine draws. The script (a generator taking a :class:`Lecturer`)
posts events as a keyboard sends them (KEYDOWN, the repeats that arrive
while a key is held, KEYUP), as a presentation remote does, or as a mouse
does, and calls :meth:`Lecturer.check` after each action: every check that
fails is recorded under the issue item it covers, with the step's name, and
a half-size screenshot of every checked frame is kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

import pygame

import render.window as app_module

REPEAT_DELAY_S, REPEAT_INTERVAL_S = 0.350, 0.045
"""The window's key repeat (``pygame.key.set_repeat(350, 45)`` in ``run_app``), s."""

FRAME_S = 0.25
"""Wall time of a scripted frame, s (the loop's clamp ``MAX_FRAME_S``: fewest frames per second)."""

Script = Callable[["Lecturer"], Generator[float, None, None]]


@dataclass
class Played:
    """What a played lecture left: failures by item, screenshots by step, the app."""

    failures: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    shots: list[tuple[str, pygame.Surface]] = field(default_factory=list)
    app: object = None
    frames: int = 0
    exit_code: int | None = None

    def save_shots(self, folder: Path) -> None:
        """Write every kept screenshot to ``folder`` as NN-step.png (test artefacts)."""
        folder.mkdir(parents=True, exist_ok=True)
        for i, (name, surf) in enumerate(self.shots):
            safe = "".join(ch if ch.isalnum() else "-" for ch in name)[:60]
            pygame.image.save(surf, str(folder / f"{i:02d}-{safe}.png"))


class Lecturer:
    """The script's hands: keys, remote buttons, mouse; and its eyes: ``check``."""

    def __init__(self, played: Played, checks: Callable[[Lecturer, str], None]) -> None:
        self.played = played
        self.checks = checks
        self.app = None
        self.tour: int | None = None
        """The tour step (0-based) the presses so far asked for, None outside the tour."""

    def key(self, key: int, hold_s: float = 0.12, mod: int = 0) -> None:
        """One press of ``key`` held ``hold_s``: KEYDOWN, the repeats, KEYUP (queued at once)."""
        down = {"key": key, "mod": mod, "unicode": "", "scancode": 0}
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, down))
        t = REPEAT_DELAY_S
        while t < hold_s:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, down))
            t += REPEAT_INTERVAL_S
        pygame.event.post(pygame.event.Event(pygame.KEYUP, down))

    def click(self, pos: tuple[int, int], to: tuple[int, int] | None = None) -> None:
        """A left click at ``pos`` (dragged to ``to`` before release)."""
        end = to or pos
        pygame.event.post(
            pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0))
        )
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
        if to is not None:
            pygame.event.post(
                pygame.event.Event(pygame.MOUSEMOTION, pos=end, rel=(0, 0), buttons=(1, 0, 0))
            )
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=end, button=1))

    def frames(self, n: int) -> Generator[float, None, None]:
        """Let ``n`` frames of ``FRAME_S`` pass (the first one handles the posted events)."""
        for _ in range(n):
            yield FRAME_S

    def check(self, step: str) -> None:
        """Run the checks on the frame just shown; keep a half-size screenshot of it."""
        surf = pygame.display.get_surface()
        self.played.shots.append((step, pygame.transform.scale_by(surf, 0.5)))
        self.checks(self, step)

    def fail(self, item: str, step: str, what: str) -> None:
        """Record a failed check of ``item`` at ``step``."""
        self.played.failures[item].append(f"{step}: {what}")


class ScriptedClock:
    """Stands in for ``pygame.time.Clock``: ``tick`` runs the script to its next frame."""

    def __init__(self, script: Generator[float, None, None]) -> None:
        self.script = script
        self.done = False

    def tick(self, _fps: float = 0) -> float:
        """The next frame's wall time, ms (after the script posted its events for it)."""
        if not self.done:
            try:
                return 1000.0 * next(self.script)
            except StopIteration:
                self.done = True
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        return 1000.0 * FRAME_S


def play(
    monkeypatch,
    script: Script,
    checks: Callable[[Lecturer, str], None],
    size: tuple[int, int],
    projector: bool,
    preset: str = "default",
) -> tuple[Played, Lecturer]:
    """Run ``script`` through ``run_app``'s window loop at ``size``; returns what it left."""
    played = Played()
    lecturer = Lecturer(played, checks)
    loop = app_module._loop

    def spy_loop(app, *args):
        lecturer.app = played.app = app
        return loop(app, *args)

    monkeypatch.setattr(app_module, "_loop", spy_loop)
    monkeypatch.setattr(pygame.time, "Clock", lambda: ScriptedClock(script(lecturer)))
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    played.exit_code = app_module.run_app(preset, None, 0, size, projector=projector)
    return played, lecturer
