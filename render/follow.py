"""Follow one 5-HT molecule: pick it, keep a fading trail of where it was, read its history.

The model logs a molecule's events only while it is tracked
(``Synapse.track(id)`` and ``Synapse.tracked_log``: released, bound a
receptor, captured by SERT, carried in, repackaged or broken down, with the
time in us). This module only reads the model's arrays to find where the
molecule is now; it never changes the model except through ``track``.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from sim import states as S

TRAIL_FRAMES = 45
"""Frames of trail kept (0.75 s at 60 fps)."""

PICK_RADIUS_PX = 24.0
"""A click picks the nearest free molecule within this distance, px."""

STATE_TEXT = {
    S.VESICLE: "in a vesicle",
    S.FREE: "free in the cleft",
    S.RECEPTOR: "bound to a receptor",
    S.AUTORECEPTOR: "bound to an autoreceptor",
    S.SERT: "held by SERT",
    S.CYTOSOL: "in the terminal (cytosol)",
    S.DEGRADED: "broken down by MAO (gone)",
    S.LOST: "lost at the sheet edge (gone)",
}
"""Plain words for each molecule state."""


def molecule_xyz(model, mid: int) -> tuple[int, np.ndarray | None]:
    """State of molecule ``mid`` and its position (x, y, z) in nm (None once gone)."""
    return int(model.state[mid]), model.molecule_position(mid)


def random_free_molecule(model, seed: int) -> int | None:
    """A free molecule chosen by a generator seeded with (seed, step): same run, same pick.

    With no free molecule, one in a docked, filled vesicle (it is released if
    that vesicle fuses); None if there is neither.
    """
    rng = np.random.default_rng([seed, model.step_index])
    ids = np.sort(model.free.ids[: model.free.n])
    if len(ids) == 0:
        docked = model.dock_vesicle[model.dock_vesicle >= 0]
        n = model.n_molecules
        ids = np.flatnonzero((model.state[:n] == S.VESICLE) & np.isin(model.site[:n], docked))
    if len(ids) == 0:
        return None
    return int(ids[rng.integers(len(ids))])


class Follower:
    """The followed molecule, its trail (model nm) and its state."""

    def __init__(self) -> None:
        self.model = None
        self.mid: int | None = None
        self.state: int | None = None
        self.xyz: np.ndarray | None = None
        self.trail: deque[tuple[float, float, int]] = deque(maxlen=TRAIL_FRAMES)

    @property
    def active(self) -> bool:
        """A molecule is being followed."""
        return self.mid is not None

    def follow(self, model, mid: int) -> None:
        """Start following molecule ``mid`` of ``model`` (``model.track``)."""
        model.track(int(mid))
        self.model = model
        self.mid = int(mid)
        self.trail.clear()
        self.update()

    def stop(self) -> None:
        """Follow nothing; the model stops logging too."""
        if self.model is not None and self.model.tracked_id == self.mid:
            self.model.untrack()
        self.model = None
        self.mid = None
        self.state = None
        self.xyz = None
        self.trail.clear()

    def update(self) -> None:
        """Note where the molecule is now (call once per frame)."""
        if self.mid is None:
            return
        self.state, self.xyz = molecule_xyz(self.model, self.mid)
        if self.xyz is not None:
            self.trail.append((float(self.xyz[0]), float(self.xyz[2]), self.state))

    def log(self) -> list[tuple[float, str]]:
        """The molecule's history: (time us, event) from ``model.tracked_log``."""
        if self.model is None or self.model.tracked_id != self.mid:
            return []
        return list(self.model.tracked_log)


def nearest_free(model, view, pos: tuple[float, float], radius_px: float = PICK_RADIUS_PX):
    """Id of the free molecule drawn nearest screen point ``pos`` within ``radius_px``, or None."""
    xyz = model.free_positions()
    if xyz.shape[1] == 0:
        return None
    sx = view.x_px(xyz[0].astype(np.float64))
    sy = view.z_py(xyz[2].astype(np.float64))
    d2 = (sx - pos[0]) ** 2 + (sy - pos[1]) ** 2
    i = int(np.argmin(d2))
    if d2[i] > radius_px * radius_px:
        return None
    return int(model.free.ids[i])


class FollowRoom:
    """Follow one molecule in the window: click or G picks it, Shift+G stops.

    Args:
        app: the window (its model, camera and messages).
    """

    def __init__(self, app) -> None:
        self.app = app
        self.follower = Follower()

    def follow_at(self, pos: tuple[int, int]) -> bool:
        """Follow the free molecule drawn nearest screen point ``pos``; True if one was found."""
        app = self.app
        screen = app.screen
        if app.compare.on and screen.control_view.rect.collidepoint(pos):
            app.say("follow works on the right-hand synapse (the one with your settings)")
            return False
        if not screen.view.rect.collidepoint(pos):
            return False
        mid = nearest_free(app.model, screen.view, pos)
        if mid is None:
            app.say("no free 5-HT there: click on a yellow dot, or press G")
            return False
        self.start(mid)
        return True

    def start(self, mid: int) -> None:
        """Follow molecule ``mid`` of the model on screen."""
        self.follower.follow(self.app.model, mid)
        self.app.say(f"following 5-HT #{mid}: its history is listed bottom right (Shift+G stops)")

    def do_follow_random(self) -> None:
        """Follow a free molecule chosen from the seed (or one about to be released)."""
        mid = random_free_molecule(self.app.model, self.app.seed)
        if mid is None:
            self.app.say("no 5-HT to follow yet: fire an action potential (F)")
            return
        self.start(mid)

    def do_follow_stop(self) -> None:
        """Stop following a molecule."""
        self.follower.stop()
