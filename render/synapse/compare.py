"""Compare mode: a drug-free control synapse beside the current settings, same seed and spikes.

The control is built by :class:`render.synapse.playback.Playback` and stepped in
lockstep with the model (both share one time axis). :class:`Lockstep` steps
the control on one persistent worker thread while the caller's thread steps
the model: the diffusion kernel releases the GIL, and the two synapses share
no state (each has its own random streams), so the numbers are exactly those
of stepping one after the other. :class:`Compare` is the switch (C); the
flag itself is :attr:`render.synapse.playback.Playback.compare`, which builds the control.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, TypeVar

from sim.params.synapse import Parameters

M = TypeVar("M")


DRUG_ADAPTED: tuple[str, ...] = ("autoreceptor_sensitivity", "firing_rate_hz", "receptor_count")
"""What weeks on an SSRI change besides the block (the treatment course's day state,
:func:`sim.course.timeline.day_overrides`): the control takes them from the drug-naive synapse."""


def drug_naive(params: Parameters, naive: Parameters) -> Parameters:
    """The compare control: ``params`` as the same synapse never given the drug.

    No block, and the autoreceptor sensitivity, firing rate and receptor
    count of ``naive`` (the drug-free synapse the scenario or course stands
    on), so a first day, weeks on the drug or a discontinuation are compared
    with the synapse before any drug, not with themselves minus the block.
    """
    return params.with_overrides(blockade=0.0, **{k: getattr(naive, k) for k in DRUG_ADAPTED})


class Lockstep:
    """Advances two independent models by the same whole steps on two threads.

    Invariant: between calls neither model is being stepped (:meth:`run`
    waits for the worker before it returns or raises), so the caller may read
    or command both freely. The worker thread starts on the first :meth:`run`
    and ends at :meth:`close` (idempotent; a later :meth:`run` starts a new one).
    """

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None

    @property
    def running(self) -> bool:
        """A worker thread is held (between the first :meth:`run` and :meth:`close`)."""
        return self._pool is not None

    def run(self, step: Callable[[M, int], None], model: M, control: M, n: int) -> None:
        """``step(control, n)`` on the worker thread while ``step(model, n)`` runs here; then join.

        An exception from either side is raised here, after both have stopped.
        """
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cleft-control")
        job = self._pool.submit(step, control, n)
        try:
            step(model, n)
        finally:
            job.result()

    def close(self) -> None:
        """End the worker thread (waits for it: it is idle between calls)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


class CompareFlag(Protocol):
    """Where the switch is kept (:attr:`render.synapse.playback.Playback.compare`)."""

    compare: bool


class Compare:
    """The compare switch (C).

    Args:
        play: the model(s); its ``compare`` flag is the switch.
        restart: rebuilds the model(s) at t = 0 keeping hand-set blockade and rate
            (:meth:`render.lecture.scenario.Scenario.restart`).
        place_views: lays the scene out again (one picture or two).
        say: shows a short message on screen.
    """

    def __init__(
        self,
        play: CompareFlag,
        restart: Callable[[], None],
        place_views: Callable[[], None],
        say: Callable[[str], None],
    ) -> None:
        self.play = play
        self.restart = restart
        self.place_views = place_views
        self.say = say

    @property
    def on(self) -> bool:
        """Compare mode is on (the next rebuild makes the control)."""
        return self.play.compare

    @on.setter
    def on(self, on: bool) -> None:
        self.play.compare = bool(on)

    def set(self, on: bool) -> None:
        """Turn compare mode on or off; the synapses restart at t = 0 (same seed)."""
        self.on = on
        self.restart()
        self.place_views()

    def do_compare(self) -> None:
        """Split screen: a drug-free control (left) beside the current settings (right)."""
        self.set(not self.on)
        if self.on:
            self.say("left: never given the drug; right: your settings (same seed, same spikes)")
