"""Pause-on-event (E): play on, and stop at the next event of a release.

The events, in the order a release makes them: a vesicle fuses (an action
potential released something), then the first 5-HT binds a receptor after
it. :class:`EventPause` holds whether E is armed and what it waits for;
:meth:`render.synapse.playback.Playback.advance` asks it after each chunk of
steps and pauses the playback at the event.
"""

from __future__ import annotations

from collections.abc import Callable

from sim import Synapse


def paused_text(event: str) -> str:
    """What the screen says when E's awaited ``event`` paused the playback."""
    return f"paused: {event} (Space plays, E waits for the next event)"


def released(model: Synapse, spikes_before: int) -> bool:
    """An action potential since the first ``spikes_before`` released at least one vesicle."""
    return any(s[1] > 0 for s in model.spike_log[spikes_before:])


class EventPause:
    """Armed or not, and the receptor bindings counted at the last release."""

    def __init__(self) -> None:
        self.armed = False
        """E: pause at the next event (a vesicle fusion, or the first receptor bound after it)."""
        self.event: str | None = None
        """What the last pause-on-event stopped at (shown on screen)."""
        self._bindings_at_release: int | None = None
        self.pauses: Callable[[str], bool] = lambda event: True
        """Told each event as it happens: it pauses only if this returns True (a replayed
        session pauses at its recorded step instead: :mod:`render.media.session_log`)."""

    def arm(self, model: Synapse) -> None:
        """Wait for the next event (after a release already seen: its first binding)."""
        self.armed = True
        if model.spike_log and model.spike_log[-1][1] > 0:
            self._bindings_at_release = model.counters["receptor_bindings"]

    def forget(self) -> None:
        """New models: no release seen yet."""
        self._bindings_at_release = None

    def happened(self, model: Synapse, spikes_before: int) -> str | None:
        """The event waited for, if it happened since ``spikes_before`` spikes (then disarmed)."""
        bindings = model.counters["receptor_bindings"]
        event = None
        if released(model, spikes_before):
            self._bindings_at_release = bindings
            event = "a vesicle fused: release"
        elif self._bindings_at_release is not None and bindings > self._bindings_at_release:
            self._bindings_at_release = None
            event = "the first 5-HT bound a receptor"
        if event is None:
            return None
        self.armed = False
        self.event = event
        return event if self.pauses(event) else None
