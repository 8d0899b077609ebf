"""What a frame shows happening: fusion flashes, SERT captures, the action potential's glow.

:class:`Shown` compares the model(s) before and after a batch of steps
(:meth:`Shown.before`, :meth:`Shown.after`) and keeps what to draw, each
item with its age in screen seconds (:meth:`Shown.age` once a frame). It
reads the models and never changes them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from render.common.constants import CAPTURE_FLASH_S, FLASH_S, MAX_CAPTURE_FLASHES
from render.synapse.scene import Flash
from sim import Synapse
from sim.synapse import states as S


def sert_holders(m: Synapse) -> tuple[np.ndarray, np.ndarray]:
    """(SERT site ids, the molecule each holds or -1): compared after a frame for captures."""
    sert = np.flatnonzero(m.sites.kind == S.SITE_SERT)
    return sert, m.site_occupant[sert].copy()


def new_captures(m: Synapse, sert: np.ndarray, before: np.ndarray) -> np.ndarray:
    """SERT sites that took up a molecule since ``before`` (:func:`sert_holders`)."""
    now = m.site_occupant[sert]
    return sert[(now >= 0) & (now != before)]


def fusion_flashes(m: Synapse, dock_before: np.ndarray) -> list[Flash]:
    """A flash at every dock whose vesicle left since ``dock_before`` (a vesicle leaves only by fusing)."""
    had = np.flatnonzero(dock_before >= 0)
    left = had[m.vesicle_dock[dock_before[had]] != had]
    return [Flash(float(m.dock_xyz[d, 0]), float(m.dock_xyz[d, 1])) for d in left.tolist()]


@dataclass
class Before:
    """The models' docks and SERT holders before a batch of steps (model first, then control)."""

    docks: list[np.ndarray]
    holders: list[tuple[np.ndarray, np.ndarray]]
    spikes: int
    """Action potentials in the model's log before the batch."""


class Shown:
    """Flashes, captures and the action potential's age, for the model and the control."""

    def __init__(self) -> None:
        self.flashes: list[Flash] = []
        self.control_flashes: list[Flash] = []
        self.captures: list[list[float]] = []
        """SERT captures being shown: [site id, age in screen s] (the control's apart)."""
        self.control_captures: list[list[float]] = []
        self.ap_age_s = math.inf
        """Screen seconds since the last action potential (inf: none yet)."""

    def clear(self) -> None:
        """Forget everything shown (new models)."""
        self.flashes.clear()
        self.control_flashes.clear()
        self.captures.clear()
        self.control_captures.clear()
        self.ap_age_s = math.inf

    def age(self, wall_s: float) -> None:
        """One frame of ``wall_s`` screen seconds: everything ages; what is too old goes."""
        self.ap_age_s += wall_s
        for flashes in (self.flashes, self.control_flashes):
            for f in flashes:
                f.age_s += wall_s
            flashes[:] = [f for f in flashes if f.age_s < FLASH_S]
        for caps in (self.captures, self.control_captures):
            for cap in caps:
                cap[1] += wall_s
            caps[:] = [cap for cap in caps if cap[1] < CAPTURE_FLASH_S]

    @staticmethod
    def before(models: list[Synapse]) -> Before:
        """The state a batch of steps is compared with (``models``: the model, then the control)."""
        return Before(
            [m.dock_vesicle.copy() for m in models],
            [sert_holders(m) for m in models],
            len(models[0].spike_log),
        )

    def after(self, models: list[Synapse], before: Before) -> None:
        """Note what the batch did: fusions, captures, an action potential (its glow restarts)."""
        m = models[0]
        if len(m.spike_log) > before.spikes:
            self.ap_age_s = 0.0
        self.flashes.extend(fusion_flashes(m, before.docks[0]))
        lists = (self.captures, self.control_captures)
        for model, held, shown in zip(models, before.holders, lists, strict=False):
            shown.extend([float(sid), 0.0] for sid in new_captures(model, *held))
            del shown[:-MAX_CAPTURE_FLASHES]
        if len(models) > 1:
            self.control_flashes.extend(fusion_flashes(models[1], before.docks[1]))
