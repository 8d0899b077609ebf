"""Follow one 5-HT molecule: pick it, keep a fading trail of where it was, read its history.

The model logs a molecule's events only while it is tracked
(``Synapse.track(id)`` and ``Synapse.tracked_log``: released, bound a
receptor, captured by SERT, carried in, repackaged or broken down, with the
time in us). This module only reads the model's arrays to find where the
molecule is now; it never changes the model except through ``track``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Protocol

import numpy as np

from render.synapse.playback import Playback
from render.synapse.view import View
from render.synapse.warp import next_release_us
from sim.synapse import states as S

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
        self.notes: list[tuple[float, str]] = []
        """The window's own lines of the story (e.g. a switch of vesicle), (time us, text)."""
        self.from_vesicle = False
        """Picked in a docked vesicle: switched to a released molecule if its vesicle stays."""
        self._fusions_seen = 0
        self._earlier: list[tuple[float, str]] = []
        self._parked: tuple | None = None
        """Shown a moment before the molecule was followed: (mid, notes, earlier lines,
        from_vesicle), taken up again once the model tracks ``mid`` (forward again)."""

    @property
    def active(self) -> bool:
        """A molecule is being followed."""
        return self.mid is not None

    def follow(self, model, mid: int, from_vesicle: bool = False) -> None:
        """Start following molecule ``mid`` of ``model`` (``model.track``)."""
        model.track(int(mid))
        self.model = model
        self.mid = int(mid)
        self.trail.clear()
        self.notes = []
        self._earlier = []
        self.from_vesicle = from_vesicle
        self._fusions_seen = len(model.fusion_log)
        self._parked = None
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
        self._parked = None

    def update(self) -> None:
        """Note where the molecule is now (call once per frame).

        A molecule picked in a docked vesicle whose vesicle did not fuse when
        others did is swapped for one just released by a fused vesicle (the
        one nearest its pore), and the story says so. A molecule left at a
        moment before it was followed is taken up again once the model
        tracks it (played or sought forward again).
        """
        if self.mid is None:
            parked = self._parked
            if parked is None or self.model is None or self.model.tracked_id != parked[0]:
                return
            self.mid, self.notes, self._earlier, self.from_vesicle = parked
            self._parked = None
            self._fusions_seen = min(self._fusions_seen, len(self.model.fusion_log))
        m = self.model
        if self.from_vesicle and len(m.fusion_log) > self._fusions_seen:
            self._fusions_seen = len(m.fusion_log)
            if int(m.state[self.mid]) == S.VESICLE:
                t_us, _, _, px, py = m.fusion_log[-1]
                other = nearest_free_to(m, px, py)
                if other is not None:
                    earlier = self.log()
                    self.follow(m, other, from_vesicle=False)
                    self._earlier = earlier
                    self.notes.append(
                        (t_us, "released by a neighbouring vesicle (the first stayed docked)")
                    )
            else:
                self.from_vesicle = False
        self.state, self.xyz = molecule_xyz(m, self.mid)
        if self.xyz is not None:
            self.trail.append((float(self.xyz[0]), float(self.xyz[2]), self.state))

    def rewound(self) -> None:
        """The model was rebuilt at another moment: the trail starts again there.

        A moment before the molecule was followed (the model tracks nothing, or
        another one) hides the following; it comes back at a moment the model
        tracks the molecule again (:meth:`update`).
        """
        self.trail.clear()
        if self.mid is None:
            self.update()
            return
        if self.model.tracked_id != self.mid:
            self._parked = (self.mid, self.notes, self._earlier, self.from_vesicle)
            self.mid = None
            self.state = None
            self.xyz = None
            return
        self._fusions_seen = min(self._fusions_seen, len(self.model.fusion_log))
        self.update()

    def log(self) -> list[tuple[float, str]]:
        """The story: (time us, event) from ``model.tracked_log`` and the window's notes."""
        if self.model is None or self.model.tracked_id != self.mid:
            return []
        own = list(self.model.tracked_log)
        if self._earlier:  # the first molecule's lines, then the switch, then this one's
            own = [e for e in own if not e[1].startswith("followed")]
        return sorted([*self._earlier, *self.notes, *own], key=lambda e: e[0])


def molecule_in_docked_vesicle(model, seed: int) -> int | None:
    """A molecule in a docked, filled vesicle, chosen from (seed, step): about to be released."""
    rng = np.random.default_rng([seed, model.step_index, 1])
    ves = model.dock_vesicle[model.dock_vesicle >= 0]
    ves = ves[model.vesicle_content[ves] > 0]
    if len(ves) == 0:
        return None
    n = model.n_molecules
    ids = np.flatnonzero((model.state[:n] == S.VESICLE) & np.isin(model.site[:n], ves))
    return int(ids[rng.integers(len(ids))]) if len(ids) else None


def nearest_free_to(model, x_nm: float, y_nm: float) -> int | None:
    """Id of the free molecule nearest the membrane point (x, y, 0) (a fusion pore), or None."""
    xyz = model.free_positions()
    if xyz.shape[1] == 0:
        return None
    d2 = (xyz[0] - x_nm) ** 2 + (xyz[1] - y_nm) ** 2 + xyz[2] ** 2
    return int(model.free.ids[int(np.argmin(d2))])


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


END_STATES = {
    S.CYTOSOL: "carried back into the terminal by SERT",
    S.DEGRADED: "broken down by MAO",
    S.LOST: "lost at the edge of the sheet",
}
"""Where a followed molecule's story ends, in plain words."""

FIRE_IF_NEXT_AFTER_US = 300.0
"""G fires an action potential when the next one is not due within this, simulated us."""


class Pictures(Protocol):
    """The two pictures of the synapse (:class:`render.screen.Screen`)."""

    view: View
    control_view: View


class FollowRoom:
    """Follow one molecule in the window: G picks one about to be released, a click a free one.

    Args:
        follower: the followed molecule (the scenario stops it on every rebuild).
        play: the model(s) on screen.
        pictures: the cameras (clicks are mapped through them).
        seed: the window's seed (G's choice depends on it and the step only).
        say: shows a short message on screen.
    """

    def __init__(
        self,
        follower: Follower,
        play: Playback,
        pictures: Pictures,
        seed: int,
        say: Callable[[str], None],
    ) -> None:
        self.follower = follower
        self.play = play
        self.pictures = pictures
        self.seed = seed
        self.say = say
        self._told_end = False

    def follow_at(self, pos: tuple[int, int]) -> bool:
        """Follow the free molecule drawn nearest screen point ``pos``; True if one was found."""
        pictures = self.pictures
        if self.play.compare and pictures.control_view.rect.collidepoint(pos):
            self.say("follow works on the right-hand synapse (the one with your settings)")
            return False
        if not pictures.view.rect.collidepoint(pos):
            return False
        mid = nearest_free(self.play.model, pictures.view, pos)
        if mid is None:
            self.say("no free 5-HT there: click on a dot, or press G")
            return False
        self.start(mid)
        return True

    def start(self, mid: int, from_vesicle: bool = False) -> None:
        """Follow molecule ``mid`` of the model on screen."""
        self.follower.follow(self.play.model, mid, from_vesicle)
        self._told_end = False
        if from_vesicle:
            self.say("following a 5-HT in a docked vesicle: its story is bottom right")
        else:
            self.say(f"following 5-HT #{mid}: its story is bottom right (Shift+G stops)")

    def update(self) -> None:
        """Per frame: the follower's position, and one message when the story ends."""
        f = self.follower
        f.update()
        if f.active and not self._told_end and f.state in END_STATES:
            self._told_end = True
            log = f.log()
            released = [t for t, e in log if e.startswith("released")]
            took = f" {log[-1][0] - released[0]:,.0f} µs after its release" if released else ""
            self.say(f"5-HT #{f.mid} {END_STATES[f.state]}{took}")

    def do_follow_random(self) -> None:
        """Follow a 5-HT from a docked vesicle to its end (firing if no release is near)."""
        m = self.play.model
        mid = molecule_in_docked_vesicle(m, self.seed)
        if mid is not None:
            self.start(mid, from_vesicle=True)
            due = next_release_us(m)
            if due is None or due - m.time_us > FIRE_IF_NEXT_AFTER_US:
                self.play.fire()
            return
        mid = random_free_molecule(m, self.seed)
        if mid is None:
            self.say("no 5-HT to follow yet: fire an action potential (F)")
            return
        self.start(mid)

    def do_step(self) -> None:
        """Right: one model step (pauses first if playing); the followed molecule moves with it."""
        self.play.step_once()
        self.follower.update()

    def do_follow_stop(self) -> None:
        """Stop following a molecule."""
        self.follower.stop()
