"""Compare mode: a drug-free control synapse beside the current settings, same seed and spikes.

The control is built and stepped by :class:`render.playback.Playback`
(lockstep, so both share one time axis); this room holds the switch.
"""

from __future__ import annotations

from typing import Any


class Compare:
    """The compare switch (C).

    Args:
        app: the window.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.on = False

    def set(self, on: bool) -> None:
        """Turn compare mode on or off; the synapses restart at t = 0 (same seed)."""
        self.on = bool(on)
        self.app.restart()
        self.app.screen.place_views()

    def do_compare(self) -> None:
        """Split screen: a drug-free control (left) beside the current settings (right)."""
        self.set(not self.on)
        if self.on:
            self.app.say("left: no drug; right: your settings. Same seed, same action potentials")
