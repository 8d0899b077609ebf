"""The one step pipeline: each frame's steps are a :class:`Batch`, decided, run, then shown.

1. *decided* in :meth:`render.synapse.playback.Playback.update` (frame N):
   the clock turns the frame's wall time into whole steps owed, and
   :meth:`StepPipeline.start` takes them;
2. *run*: at once (scripted runs, pause-on-event, and every frame before the
   loop's first display), or behind frame N's display, on a worker thread,
   inside :meth:`StepPipeline.stepping_during` (a 1920x1080 copy takes tens of
   ms on a virtual display, with the GIL released);
3. *shown*: a batch run at once is shown by the frame that decided it; a
   batch run behind the display by the next one, whose ``update`` takes it
   with :meth:`StepPipeline.take_shown` (it draws the batch's flashes and says
   its action potentials). A batch still not run then (a frame drawn without
   ``stepping_during``) runs at that moment.

Between frames nothing steps: the worker is joined before the display's
block ends, so events and drawing always see models at rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from render.synapse.pace import Pace

ActionPotentials = tuple[int, int, float]
"""(count, vesicles fused, release probability per docked vesicle) of a batch's spikes."""


def ap_text(ap: ActionPotentials) -> str:
    """What a batch's action potentials did, for the message line."""
    n_ap, fused, p_rel = ap
    what = "action potential" if n_ap == 1 else f"{n_ap} action potentials"
    return f"{what}: {fused} vesicle{'s' if fused != 1 else ''} fused (p = {p_rel:.2f} each)"


@dataclass
class Batch:
    """One frame's steps, from decided to shown.

    Attributes:
        owed: steps the clock owes for the frame (decided).
        ran: the steps have run (at once, or behind the frame's display).
        done: steps taken (fewer than ``owed`` if a release or an awaited event ended them).
        last_ap: the batch's action potentials, or None.
    """

    owed: int
    ran: bool = False
    done: int = 0
    last_ap: ActionPotentials | None = None


class StepPipeline:
    """Holds the batch between the frame that decided it and the frame that shows it.

    Args:
        step: runs ``n`` steps on the model(s); returns (steps taken, their action potentials).
        pace: notes how long the display took and how long the frame waited for its steps.
        scripted: scripted runs step at once, always (their numbers never depend on the machine).
    """

    def __init__(
        self,
        step: Callable[[int], tuple[int, ActionPotentials | None]],
        pace: Pace,
        scripted: bool,
    ) -> None:
        self.step = step
        self.pace = pace
        self.scripted = scripted
        self.behind_display = False
        """Batches run behind the display (from the loop's first :meth:`stepping_during` on)."""
        self._batch: Batch | None = None
        self.limit: Callable[[int], int] = lambda owed: owed
        """The steps a batch takes of those owed (a replayed session cuts them at the step of
        its next command: :mod:`render.media.session_log`)."""
        self._pool: ThreadPoolExecutor | None = None

    def run(self, batch: Batch) -> int:
        """Stage 2: run ``batch`` (on whichever thread calls); returns the steps taken."""
        batch.done, batch.last_ap = self.step(batch.owed)
        batch.ran = True
        return batch.done

    def start(self, owed: int, at_once: bool) -> Batch:
        """Stage 1 to 2: a batch of ``owed`` steps, run now if ``at_once`` or not behind a display."""
        batch = Batch(self.limit(owed))
        if at_once or not self.behind_display:
            self.run(batch)
        else:
            self._batch = batch  # runs behind this frame's display
        return batch

    def take_shown(self) -> Batch | None:
        """Stage 3: the last frame's batch run behind its display (run now if it was not)."""
        batch, self._batch = self._batch, None
        if batch is not None and not batch.ran:  # its frame never ran it behind a display
            self.run(batch)
        return batch

    def drop(self) -> None:
        """Forget a batch decided for models that were replaced."""
        self._batch = None

    @contextmanager
    def stepping_during(self) -> Iterator[None]:
        """Stage 2 behind the display: run the frame's batch on a worker while the block shows it.

        The block (the display's flip) releases the GIL while it copies; the
        worker is joined before the block ends. From the first call on,
        :meth:`start` leaves its batches to this block (not in scripted runs,
        which stay synchronous).
        """
        if self.scripted:
            yield
            return
        self.behind_display = True
        batch, job = self._batch, None
        if batch is not None and batch.owed:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="cleft-steps")
            job = self._pool.submit(self.run, batch)
        elif batch is not None:
            batch.ran = True  # nothing owed: nothing to run
        t0 = time.perf_counter()
        try:
            yield
        finally:
            t1 = time.perf_counter()
            if job is not None:
                job.result()
            self.pace.note_display(t1 - t0, time.perf_counter() - t1)

    def close(self) -> None:
        """End the worker thread (idempotent; it starts again when needed)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
