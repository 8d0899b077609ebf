"""A synapse's recent past: any moment of it rebuilt exactly, within a memory budget.

A :class:`History` watches one :class:`sim.synapse.model.Synapse`. After the
model advances (at rest), :meth:`History.note` extends the recorded span,
notes its events (:class:`Mark`) and now and then freezes a snapshot
(:mod:`sim.synapse.snapshot`); it also keeps every recorder row of the span.
:meth:`History.seek` rebuilds the model *in place* at any step of the span:
it thaws the last snapshot at or before that step and steps forward from it.
The model is deterministic and independent of how its steps are grouped, so
the moment rebuilt is byte for byte the moment first run (positions,
counters, random streams, recorder rows).

Snapshots are spaced by work, not time: one after about
``WORK_PER_SNAPSHOT`` molecule-steps (free molecules plus a step's fixed
cost, ``STEP_OVERHEAD_MOLECULES``; at ~5 ns each, ~40 ms of stepping to
reach any moment from its snapshot, plus the frame it was noted in), and at
most ``MAX_STEPS_PER_SNAPSHOT`` steps apart. Every
``DELTAS_PER_KEY + 1``-th snapshot is a key; the others store their arrays as
differences from it. When the memory held passes ``max_bytes`` the oldest key
and its deltas go first (the newest group always stays).

A command that changes the model (blockade, firing rate, an action
potential, following a molecule, ...) must be followed by
:meth:`History.forget_future`: the recorded span after that step was another
future, and a snapshot is taken at once so the command is part of the past.

Invariants: ``first_step <= model.step_index`` and, after :meth:`note`,
``model.step_index <= last_step``; a snapshot exists at ``first_step`` and at
every step where a command was given; ``marks`` are the span's events in
step order, each with ``first_step <= step < last_step``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from sim.synapse.model import Synapse
from sim.synapse.recorder import COLUMN_NAMES
from sim.synapse.snapshot import Frozen, freeze, thaw

DEFAULT_MAX_BYTES = 200 * 2**20
"""Memory a history may hold by default, bytes (200 MiB)."""

WORK_PER_SNAPSHOT = 8_000_000
"""Molecule-steps between snapshots: bounds the stepping a seek needs (~40 ms at ~5 ns each).

Halving it halves a seek's worst stepping but doubles the snapshots' share of a frame; at
this value ``bench --history`` measured a worst seek of 66 ms CPU and the snapshots at ~11%
of the stepping time at the warp's fastest pace (4e6: 48 ms and 14%)."""

STEP_OVERHEAD_MOLECULES = 128
"""A step's fixed cost in free-molecule steps (~0.6 us a step with none free, ~5 ns a molecule)."""

MAX_STEPS_PER_SNAPSHOT = 100_000
"""Most steps between snapshots, however few molecules are free."""

DELTAS_PER_KEY = 31
"""Snapshots stored as differences from a key snapshot, per key."""

CAPTURE_TEXTS = frozenset(
    (
        "bound a receptor",
        "bound an autoreceptor",
        "captured by SERT",
        "lost at the edge of the sheet",
    )
)
"""Events of the followed molecule that the history marks as a capture (``tracked_log`` texts)."""

_TIME_MS = COLUMN_NAMES.index("time_ms")
_RECEPTOR_OCCUPANCY = COLUMN_NAMES.index("receptor_occupancy")


@dataclass(frozen=True)
class Mark:
    """An event in the recorded span.

    Attributes:
        step: the model step index at which it happens (the model at rest at
            ``step`` shows the moment just before it).
        kind: ``"fusion"`` (a vesicle fused), ``"first_bound"`` (the first
            receptor bound after a release: one step before the first recorder
            sample after the fusion whose receptor occupancy is above the
            sample before it, so within ``sample_interval_us`` of the binding
            and the same however the steps were grouped), or ``"capture"`` (the followed molecule bound a
            site, was captured by SERT or was lost).
    """

    step: int
    kind: str


class History:
    """Snapshots, rows and events of one synapse's recent past.

    Args:
        model: the synapse (its recorder must not write to a file).
        max_bytes: memory the history may hold, bytes (> 0).
    """

    def __init__(self, model: Synapse, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
            raise ValueError(f"max_bytes = {max_bytes!r} must be a whole number > 0")
        self.model = model
        self.max_bytes = max_bytes
        self.clear()

    # ------------------------------------------------------------ reading
    @property
    def at_head(self) -> bool:
        """The model shows the newest recorded moment."""
        return self.model.step_index == self.last_step

    @property
    def nbytes(self) -> int:
        """Memory held now, bytes: snapshots, recorder rows and the key in the clear."""
        raw = sum(s.raw_nbytes for s in self._snaps if s.key is None)
        return self._snap_bytes + self._rows.nbytes + raw

    @property
    def snapshot_steps(self) -> list[int]:
        """The steps at which snapshots are held, oldest first."""
        return [s.step for s in self._snaps]

    @property
    def span_us(self) -> float:
        """Simulated time the span covers, us."""
        return (self.last_step - self.first_step) * self.model.dt_us

    # ------------------------------------------------------------ writing
    def clear(self) -> None:
        """Forget everything; the span starts again at the model's current step."""
        m = self.model
        self.first_step = self.last_step = m.step_index
        self.marks: list[Mark] = []
        self._snaps: list[Frozen] = []
        self._snap_bytes = 0
        self._work = 0
        self._await_bound: int | None = None
        """Step of a fusion whose first receptor binding is not marked yet, or None."""
        self._anchors: set[int] = set()
        """Steps where a command was given (each has the snapshot taken just after it)."""
        self._exact_at: int | None = None
        """A command's step at which the model is known to hold the command, or None."""
        rec = m.recorder
        self._rows = np.array(rec.table(), dtype=np.float64)
        self._rows_n = len(self._rows)
        self._rows_first = rec.n - self._rows_n
        self._snapshot()

    def note(self) -> None:
        """After the model advanced: extend the span, note its events, snapshot if due."""
        m = self.model
        now = m.step_index
        if now <= self.last_step:
            return  # inside the span: the same past again
        seen = self._rows_n
        if not self._take_rows():
            self.clear()  # rows were dropped before they were kept: start afresh from here
            return
        self._mark(self.last_step, now, seen)
        self._work += (m.free.n + STEP_OVERHEAD_MOLECULES) * (now - self.last_step)
        self.last_step = now
        if self._work >= WORK_PER_SNAPSHOT or now - self._snaps[-1].step >= MAX_STEPS_PER_SNAPSHOT:
            self._snapshot()

    def forget_future(self) -> None:
        """A command changed the model at its current step: that step becomes the span's end."""
        m = self.model
        if m.step_index > self.last_step:
            self.note()
        k = m.step_index
        while self._snaps and self._snaps[-1].step >= k:
            self._snap_bytes -= self._snaps.pop().nbytes
        self.marks = [mk for mk in self.marks if mk.step < k]
        self._rows_n = m.recorder.n - self._rows_first
        self.last_step = k
        if self._await_bound is not None and self._await_bound >= k:
            self._await_bound = None
        if not self._snaps:
            self.first_step = k
        self._snapshot()
        self._anchors = {a for a in self._anchors if a < k} | {k}
        self._exact_at = k

    def seek(self, step: int) -> None:
        """Rebuild the model in place at ``step`` (``first_step <= step <= last_step``).

        Steps forward from where the model is when that is on the way;
        otherwise thaws the last snapshot at or before ``step`` first. A model
        that reached a command's step by stepping (without the command) is not
        on the way: the snapshot taken after the command is thawed there.
        """
        if not self.first_step <= step <= self.last_step:
            raise ValueError(
                f"step {step} is outside the recorded span [{self.first_step}, {self.last_step}]"
            )
        m = self.model
        i = bisect.bisect_right([s.step for s in self._snaps], step) - 1
        snap = self._snaps[i]
        on_the_way = snap.step <= m.step_index <= step
        if m.step_index in self._anchors and m.step_index != self._exact_at:
            on_the_way = False  # stepped onto a command's step without the command: thaw it
        if not on_the_way:
            self._exact_at = snap.step
            first = snap.recorder["n"] - snap.recorder["held"] - self._rows_first
            thaw(m, snap, self._rows[first : snap.recorder["n"] - self._rows_first])
            if snap.key is not None and snap.key is not self._key:
                snap.key.forget_raw()  # an old key in the clear is not kept (memory)
        m.run_steps(step - m.step_index)

    # ----------------------------------------------------------- internals
    @property
    def _key(self) -> Frozen:
        last = self._snaps[-1]
        return last if last.key is None else last.key

    def _snapshot(self) -> None:
        """Freeze the model now (a key every ``DELTAS_PER_KEY + 1``); keep to the budget."""
        key = None
        if self._snaps:
            key = self._key
            if sum(1 for s in self._snaps[-DELTAS_PER_KEY:] if s.key is key) >= DELTAS_PER_KEY:
                key.forget_raw()
                key = None
        snap = freeze(self.model, key)
        self._snaps.append(snap)
        self._snap_bytes += snap.nbytes
        self._work = 0
        self._keep_to_budget()

    def _keep_to_budget(self) -> None:
        """Drop the oldest key and its deltas while over budget (the newest group stays)."""
        while self.nbytes > self.max_bytes:
            keys = [i for i, s in enumerate(self._snaps) if s.key is None]
            if len(keys) < 2:
                return
            dropped, self._snaps = self._snaps[: keys[1]], self._snaps[keys[1] :]
            self._snap_bytes -= sum(s.nbytes for s in dropped)
            first = self._snaps[0]
            self.first_step = first.step
            self.marks = [mk for mk in self.marks if mk.step >= first.step]
            self._anchors = {a for a in self._anchors if a >= first.step}
            cut = first.recorder["n"] - first.recorder["held"] - self._rows_first
            self._rows = self._rows[cut : self._rows_n].copy()
            self._rows_n -= cut
            self._rows_first += cut

    def _take_rows(self) -> bool:
        """Keep the recorder rows taken since the last note; False if some were already dropped."""
        rec = self.model.recorder
        new = rec.n - (self._rows_first + self._rows_n)
        if new <= 0:
            return True
        table = rec.table()
        if new > len(table):
            return False
        need = self._rows_n + new
        if need > len(self._rows):
            grown = np.empty((max(need, 2 * len(self._rows), 1024), table.shape[1]))
            grown[: self._rows_n] = self._rows[: self._rows_n]
            self._rows = grown
        self._rows[self._rows_n : need] = table[len(table) - new :]
        self._rows_n = need
        return True

    def _mark(self, lo: int, hi: int, seen: int) -> None:
        """Note the events of steps ``lo <= step < hi`` (fusions, first binding, captures).

        ``seen``: recorder rows kept before these steps (the rows after it are theirs).
        """
        m = self.model
        dt = m.dt_us
        found: list[Mark] = []
        for t_us, fused, _p in reversed(m.spike_log):
            s = int(round(t_us / dt))
            if s < lo:
                break
            if fused > 0 and s < hi:
                found.append(Mark(s, "fusion"))
        if m.tracked_id >= 0:
            for t_us, text in reversed(m.tracked_log):
                s = int(round(t_us / dt))
                if s < lo:
                    break
                if text in CAPTURE_TEXTS and s < hi:
                    found.append(Mark(s, "capture"))
        found.extend(self._first_bound([f.step for f in found if f.kind == "fusion"], seen))
        self.marks.extend(sorted(found, key=lambda mk: mk.step))

    def _first_bound(self, fusions: list[int], seen: int) -> list[Mark]:
        """The first receptor binding after each fusion, read from the new recorder rows.

        A row sampled at step ``s`` after a fusion (at a step before ``s``)
        whose receptor occupancy is above the row before it marks
        ``s - 1``. The rows are sampled at fixed steps, so the marks do not
        depend on how the steps were grouped into batches.
        """
        if seen < 1:
            return []
        dt_ms = self.model.dt_us * 1e-3
        rows = self._rows[seen - 1 : self._rows_n]
        marks: list[Mark] = []
        fusions = sorted(fusions)
        for before, row in zip(rows[:-1], rows[1:], strict=True):
            s = int(round(row[_TIME_MS] / dt_ms))
            while fusions and fusions[0] < s:
                self._await_bound = fusions.pop(0)
            if (
                self._await_bound is not None
                and row[_RECEPTOR_OCCUPANCY] > before[_RECEPTOR_OCCUPANCY]
            ):
                marks.append(Mark(max(s - 1, self._await_bound), "first_bound"))
                self._await_bound = None
        if fusions:
            self._await_bound = fusions[-1]
        return marks
