"""The recorded past of the synapse(s) on screen: one :class:`sim.synapse.history.History` each.

:class:`Rewind` keeps a history per model on screen (in compare mode the model
and its control, always at the same step: they are noted, sought and cut
together) and the steps at which a command changed the model.

The model is rebuilt exactly at any recorded step (:meth:`Rewind.seek`). Play
from a past step regenerates the same future (the model is deterministic), up
to a step at which a command was given: stepping onto it would miss the
command, so that one step is taken by rebuilding the model from the snapshot
taken just after the command (:meth:`Rewind.before_steps`). A command given
at a past moment (a changed blockade, firing rate, a fired action potential,
a followed molecule) drops the recorded future: it is simulated anew.

A command is seen by comparing the model's *command state* (:func:`command_state`)
with the one it had when it came to rest at its step, so every way a command
arrives (keys, slider, tour steps) is caught without each naming itself here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim import Synapse
from sim.common.display import MAX_HISTORY_MB
from sim.synapse.history import History, Mark

BYTES_PER_MIB = 2**20


def check_history_mb(history_mb: object) -> None:
    """Refuse a history budget that is not a whole number of MiB in [0, ``MAX_HISTORY_MB``].

    Raises:
        ValueError: with a one-line message naming the option.
    """
    if (
        isinstance(history_mb, bool)
        or not isinstance(history_mb, int)
        or not 0 <= history_mb <= MAX_HISTORY_MB
    ):
        raise ValueError(
            f"--history-mb {history_mb!r} must be a whole number of MiB in [0, {MAX_HISTORY_MB}]"
        )


def command_state(model: Synapse) -> tuple:
    """What the window's commands change in ``model`` (equal at one step: no command given).

    Blockade (fraction), firing rate (Hz) and the next scheduled spike (us),
    action potentials asked for and not fired yet, autoreceptor sensitivity,
    the followed molecule's id and the molecules injected.
    """
    release = model.release
    return (
        float(model.blockade),
        float(model.firing_rate_hz),
        float(release.next_spike_us),
        int(release.pending_fires),
        float(model.terminal.autoreceptor_sensitivity),
        int(model.tracked_id),
        int(model.counters["injected"]),
    )


@dataclass(frozen=True)
class Span:
    """The recorded span that can be shown, model step indices (``first`` <= ``last``)."""

    first: int
    last: int


class Rewind:
    """The histories of the models on screen.

    Args:
        max_bytes: memory all histories together may hold, bytes (0: no history;
            in compare mode each of the two holds half).
        models: the models on screen now, the model first (:meth:`build`).
    """

    def __init__(self, max_bytes: int, models: Sequence[Synapse] = ()) -> None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
            raise ValueError(f"max_bytes = {max_bytes!r} must be a whole number of bytes >= 0")
        self.max_bytes = max_bytes
        self.histories: list[History] = []
        """One per model on screen, the model's first (empty with no history)."""
        self.anchors: list[int] = []
        """Steps inside the span at which a command changed the model (ascending)."""
        self._rest: list[tuple[int, tuple]] = []
        """Per model, (step, command state) when it last came to rest."""
        if models:
            self.build(models)

    @property
    def on(self) -> bool:
        """A history is kept (``max_bytes`` > 0)."""
        return self.max_bytes > 0

    def build(self, models: Sequence[Synapse]) -> None:
        """Start new histories for new ``models`` (the model first), empty at their step."""
        self.histories = []
        self.anchors = []
        if self.on:
            share = self.max_bytes // len(models)
            self.histories = [History(m, share) for m in models]
        self._settled()

    # ------------------------------------------------------------- reading
    @property
    def model(self) -> Synapse | None:
        """The model whose step is shown (None with no history)."""
        return self.histories[0].model if self.histories else None

    @property
    def span(self) -> Span | None:
        """The steps every history can show (None with no history)."""
        if not self.histories:
            return None
        first = max(h.first_step for h in self.histories)
        last = min(h.last_step for h in self.histories)
        return Span(first, max(first, last))

    @property
    def marks(self) -> list[Mark]:
        """The model's events inside the span, in step order."""
        span = self.span
        if span is None:
            return []
        return [k for k in self.histories[0].marks if span.first <= k.step <= span.last]

    @property
    def nbytes(self) -> int:
        """Memory the histories hold now, bytes."""
        return sum(h.nbytes for h in self.histories)

    @property
    def at_head(self) -> bool:
        """The newest recorded moment is shown (always, with no history)."""
        span = self.span
        return span is None or self.histories[0].model.step_index >= span.last

    def steps_behind(self) -> int:
        """Steps from the moment shown to the newest recorded one (0 at the head)."""
        span = self.span
        if span is None:
            return 0
        return max(0, span.last - self.histories[0].model.step_index)

    # ------------------------------------------------------------ stepping
    def commands_given(self) -> bool:
        """Drop the recorded future if a command changed a model since it came to rest.

        Call with the models at rest (before they step, before a seek, once a
        frame). The span of every history then ends at this step (they stay in
        lockstep) and a snapshot there holds the command; the step is kept as
        an anchor. Returns True if a command was found.
        """
        rest = zip(self.histories, self._rest, strict=True)
        if not any(command_state(h.model) != state for h, (_, state) in rest):
            return False
        step = self.histories[0].model.step_index
        for h in self.histories:
            h.forget_future()
        self.anchors = [a for a in self.anchors if a < step] + [step]
        self._settled()
        return True

    def before_steps(self, n_steps: int) -> int:
        """Before the models step ``n_steps``: how many may run from here (0 .. ``n_steps``).

        A command given since they came to rest drops the recorded future
        (:meth:`commands_given`). Stepping onto an anchor ahead would miss
        the command given there: the batch stops one step short of it, and
        the next batch starts by taking that step from the anchor's snapshot
        (it counts as one of its steps).
        """
        if not self.histories:
            return n_steps
        self.commands_given()
        step = self.histories[0].model.step_index
        ahead = [a for a in self.anchors if a > step]
        if ahead and ahead[0] == step + 1 and n_steps > 0:
            self.seek(step + 1)  # the model is one step before the snapshot: it is thawed
            n_steps, step = n_steps - 1, step + 1
            ahead = ahead[1:]
        return min(n_steps, ahead[0] - 1 - step) if ahead else n_steps

    def after_steps(self) -> None:
        """After the models stepped (at rest): extend the span with the new moments."""
        if not self.histories:
            return
        for h in self.histories:
            h.note()
        first = self.span.first  # type: ignore[union-attr]
        self.anchors = [a for a in self.anchors if a >= first]
        self._settled()

    def seek(self, step: int) -> int:
        """Rebuild every model at ``step`` (clamped into the span); returns the step shown.

        A command given since the models came to rest is kept (the span then
        ends at this step, :meth:`commands_given`) before the seek.
        """
        if not self.histories:
            return 0
        self.commands_given()
        span = self.span
        step = min(max(int(step), span.first), span.last)  # type: ignore[union-attr]
        for h in self.histories:
            h.seek(step)
        self._settled()
        return step

    def _settled(self) -> None:
        self._rest = [(h.model.step_index, command_state(h.model)) for h in self.histories]
