"""Showing the recorded past: step back, jump between events, back to live, replay a release.

:class:`Scrub` is the room of the keys ← (one step back), Ctrl+← / Ctrl+→ (the
previous / next event mark), End (the newest recorded moment) and Y (the last
release again, in slow motion), and of the history strip's clicks and drags.
It moves the model(s) through :class:`render.synapse.rewind.Rewind` and, for a
moment shown anew, forgets what the playback was showing (the flashes, a batch
decided for the old moment, the pace's memory).

Play continues from the moment shown: the model is deterministic, so it
regenerates the recorded future (a command given there drops it instead:
:mod:`render.synapse.rewind`).
"""

from __future__ import annotations

from collections.abc import Callable

from render.common.text import fmt_time_us
from render.synapse.playback import Playback
from render.synapse.rewind import Rewind
from sim.synapse.history import Mark

REPLAY_LEAD_STEPS = 0
"""Y lands this many steps before the last fusion's mark (the model at rest at a mark's step
shows the moment just before its event)."""


class Scrub:
    """The rewind keys and the strip's seeks.

    Args:
        play: the model(s), their pause, clock, warp and flashes.
        on_seek: called after a moment was shown anew (the followed molecule's trail).
        say: shows a short message on screen.
    """

    def __init__(
        self,
        play: Playback,
        on_seek: Callable[[], None] = lambda: None,
        say: Callable[[str], None] = lambda text: None,
    ) -> None:
        self.play = play
        self.on_seek = on_seek
        self.say = say
        self.pending: int | None = None
        """A step asked for by a drag, shown at the next :meth:`update` (one seek per frame)."""
        self.seek: Callable[[int], object] = self.show
        """What the history strip's seeks run: :meth:`show`, or it recorded as a session's
        ``seek`` command (:mod:`render.controls`)."""
        self.strip_shown: Callable[[], bool] = lambda: False
        """The history strip is on screen (it is not while the treatment chart is up, nor
        when the picture has too little height): without it a step back says where it is."""

    @property
    def actions(self) -> dict[str, Callable[[], None]]:
        """The room's entries of the action table (``App.actions``), by action name."""
        return {
            "step_back": self.do_step_back,
            "prev_event": self.do_prev_event,
            "next_event": self.do_next_event,
            "live": self.do_live,
            "replay_release": self.do_replay_release,
        }

    @property
    def rewind(self) -> Rewind:
        """The histories of the models on screen (rebuilt with them)."""
        return self.play.rewind

    def show(self, step: int) -> int:
        """Show the recorded moment ``step`` (clamped into the span); returns the step shown."""
        play = self.play
        self.pending = None
        shown = self.rewind.seek(step)
        play.shown.clear()
        play.pipeline.drop()
        play.clock.reset()
        play.pace.clear_achieved()
        play.warp.expect_at_us = None
        play.event_pause.forget()
        self.on_seek()
        return shown

    def request(self, step: int) -> None:
        """Show ``step`` at the next frame (a drag asks many times a frame; one seek serves them)."""
        self.pending = int(step)

    def update(self) -> None:
        """At the start of a frame (models at rest): commands, then the step a drag asked for.

        A command given at a past moment drops the recorded future at once (the
        strip shows it); a step asked for by a drag is shown.
        """
        self.rewind.commands_given()
        if self.pending is not None:
            self.seek(self.pending)

    def _usable(self) -> bool:
        if not self.rewind.on:
            self.say("no history is kept (--history-mb 0)")
            return False
        return True

    def _pause(self) -> None:
        self.play.paused = True
        self.play.pace.clear_achieved()

    # ------------------------------------------------------------- actions
    def do_step_back(self) -> None:
        """Left: one model step back (pauses first), exactly as Right steps forward."""
        self._pause()
        if not self._usable():
            return
        span, step = self.rewind.span, self.play.model.step_index
        if span is None or step <= span.first:
            self.say("the recorded past starts here")
            return
        self.show(step - 1)
        if not self.strip_shown():
            behind = self.rewind.steps_behind() * self.play.model.dt_us
            self.say(f"{fmt_time_us(behind, self.play.model.dt_us)} before the newest moment: "
                     "End goes back to it")  # fmt: skip

    def _mark_step(self, direction: int) -> Mark | None:
        step = self.play.model.step_index
        marks = self.rewind.marks
        if direction < 0:
            before = [k for k in marks if k.step < step]
            return before[-1] if before else None
        after = [k for k in marks if k.step > step]
        return after[0] if after else None

    def _jump(self, direction: int) -> None:
        self._pause()
        if not self._usable():
            return
        mark = self._mark_step(direction)
        if mark is None:
            self.say("no earlier event recorded" if direction < 0 else "no later event recorded")
            return
        self.show(mark.step)
        self.say(f"{MARK_NAMES.get(mark.kind, mark.kind)} (Ctrl+Left / Ctrl+Right: other events)")

    def do_prev_event(self) -> None:
        """Ctrl+Left: the previous recorded event (a fusion, first bound, a capture)."""
        self._jump(-1)

    def do_next_event(self) -> None:
        """Ctrl+Right: the next recorded event."""
        self._jump(+1)

    def do_live(self) -> None:
        """End: back to the newest recorded moment (play continues from there)."""
        if not self._usable():
            return
        span = self.rewind.span
        if span is not None and not self.rewind.at_head:
            self.show(span.last)
        self.say("live: the newest moment")

    def do_replay_release(self) -> None:
        """Y: back to just before the last vesicle fusion and play it again in slow motion."""
        if not self._usable():
            return
        fusions = [k for k in self.rewind.marks if k.kind == "fusion"]
        if not fusions:
            self.say("no release recorded yet: F fires an action potential")
            return
        play = self.play
        target = fusions[-1].step
        self.show(target - REPLAY_LEAD_STEPS)
        if not play.warp_on:
            play.set_warp(True)
        play.warp.expect_at_us = target * play.model.dt_us  # slow from the first frame on
        play.paused = False
        self.say("the last release again, in slow motion: the same molecules on the same paths")


MARK_NAMES: dict[str, str] = {
    "fusion": "a vesicle fused",
    "first_bound": "the first 5-HT bound a receptor",
    "capture": "the followed molecule was caught",
}
"""What each kind of event mark (:class:`sim.synapse.history.Mark`) means, in words."""
