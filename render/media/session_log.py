"""The window's session: every command recorded with its moment, saved (Ctrl+S, --save-session), replayed.

:class:`SessionLog` wraps the entries of the action table (``App.actions``)
and the controls that are not keys (the slider, the steppers, clicks, drags
and the wheel on the picture), so each command given appends a
:class:`sim.runs.session.Command` with its moment (the model's build count and
step index, and the screen time) before it runs. A replay
(:meth:`SessionLog.replay`) runs the recorded commands through the same
wrappers: each at the start of a frame (:meth:`SessionLog.apply_due`, before
the tour and the clock), when the model stands at the command's step; the
clock's batch is cut there (``StepPipeline.limit``), so the command lands on
exactly that step whatever the frame rate. A command given at the step where
the previous one left the model waits the screen time it waited then (a
pause while the lecturer talks); one at a later step runs as soon as the
model reaches it.

What is recorded, and why:

* every action of the action table that changes the model or the picture: time
  (pause, step, speed, time-warp, E, R), the synapse's keys, scenarios, the
  treatment timeline, compare, the tour's keys, follow, the overlay, the view
  (zoom, pan, labels, projector, help, info, black screen): a demo is what
  the hall sees, so the view is part of it;
* the slider (``blockade``), the firing-rate and playback steppers (``rate``,
  ``speed``), a click on the picture (``click``: the molecule there is
  followed), drags and the wheel (``pan``, ``wheel``), a zoom from the tissue
  view onto a varicosity (``tissue_zoom``);
* what happens by itself but changes the model or the time: a tour step's
  timed action potential (recorded as ``fire``; a replay does not fire it
  again) and E's pause at its event (``event_paused``: E pauses at the end of
  a batch of steps, which depends on the frame rate, so a replay pauses at the
  recorded step instead);
* Esc only when it closes the help or the black screen or ends the tour
  (when it would quit it is not a command of the demo).

Not recorded: S, V, Shift+V, Ctrl+S (they save, they do not show), F11 (the
replaying display decides) and window resizes (a session keeps its size).
The tissue view's own clock follows the wall clock, so the tissue's molecules
are not replayed exactly (the synapse's are); its selection keys are not recorded.

While a replay runs, a command the user gives ends it (the controls are
theirs from then on; the message says so); saving, recording and quitting
do not.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from render.common.keys import BINDINGS, Action
from render.lecture.guide import Guide
from render.media.recording import next_free_path
from render.media.saves import out_folder
from render.screen import Screen
from render.synapse.event_pause import paused_text
from render.synapse.playback import Playback
from sim.params.synapse import ParameterError
from sim.runs.outputs import OutputError
from sim.runs.session import Command, Session, write_session

NOT_RECORDED = frozenset({"screenshot", "record", "record_gif", "save_session", "fullscreen"})
"""Actions of the action table that are not commands of a session (see the module's docstring)."""

RECORDED_ACTIONS = frozenset(b.action for b in BINDINGS) - NOT_RECORDED
"""The action names a session may hold (with :data:`sim.runs.session.VALUE_COMMANDS`)."""

SAME_TIME_S = 1e-9
"""Screen times this close count as equal when a replay waits, s (float sums of frame times)."""

SESSION_STEM = "cleft-session"
"""Ctrl+S saves ``cleft-session-NNNN.toml`` in the screenshot folder."""


class SessionLog:
    """The commands of this window session, and a session being replayed.

    Args:
        start: how the session started (its ``commands`` list receives the commands).
        play: the model(s): their build count, step index and screen time give each moment.
        say: shows a short message on screen.
        folder: where Ctrl+S saves (the screenshot folder).
        scripted: a scripted run (no messages about the replay).
    """

    def __init__(
        self,
        start: Session,
        play: Playback,
        say: Callable[[str], None],
        folder: Callable[[], Path],
        scripted: bool = False,
    ) -> None:
        self.session = start
        self.play = play
        self.say = say
        self.folder = folder
        self.scripted = scripted
        self.handlers: dict[str, Callable[..., None]] = {}
        """Command name -> what runs it (the recording wrapper): a replay calls these."""
        self.pending: deque[Command] = deque()
        """A replay's commands still to run, in order."""
        self._applying = False
        self._model = play.model
        self.builds = 1
        """Models seen so far, this one the first (each rebuild is a command's: R, a preset
        key, a course day, compare, a tour step); with the step index, a command's moment."""
        self._at: tuple[int, int] = (1, 0)
        self._at_screen_s = 0.0
        self._at_original_s = 0.0
        self.handlers["event_paused"] = self._paused
        play.pipeline.limit = self._limit
        play.event_pause.pauses = self._event

    # ------------------------------------------------------------ recording
    @property
    def replaying(self) -> bool:
        """A replay still has commands to run."""
        return bool(self.pending)

    def note(self, name: str, value: Any = None) -> None:
        """Append command ``name`` (with ``value``) at the model's moment now."""
        if self.pending and not self._applying:  # the user took over
            self.end_replay("replay ended: your command takes over")
        build, step = self._moment()
        t_us = self.play.model.time_us
        self.session.commands.append(
            Command(build, step, self.play.screen_time_s, name, value, t_us)
        )

    def recorded(self, name: str, run: Callable[..., None]) -> Callable[..., None]:
        """``run`` wrapped so each call is recorded as command ``name`` (its arguments the value)."""

        def command(*args: Any) -> None:
            value = None if not args else args[0] if len(args) == 1 else tuple(args)
            self.note(name, value)
            run(*args)

        self.handlers[name] = command
        return command

    def attach(self, actions: MutableMapping[str, Action], screen: Screen, guide: Guide) -> None:
        """Record the action table's commands (in place) and the tour's timed action potentials."""
        self.wrap_actions(actions, lambda: screen.show_help or screen.blank or guide.active)
        guide.timed_fire = self.timed_fire

    def wrap_actions(
        self, actions: MutableMapping[str, Action], covered: Callable[[], bool]
    ) -> None:
        """Record the action table's commands in place (``covered``: Esc would not quit now)."""
        for name, run in list(actions.items()):
            if name in NOT_RECORDED:
                continue
            if name == "quit":
                actions[name] = self._esc(run, covered)
            else:
                actions[name] = self.recorded(name, run)

    def _esc(self, run: Action, covered: Callable[[], bool]) -> Action:
        def esc() -> None:
            if covered():  # it closes the help or black screen, or ends the tour
                self.note("quit")
            run()

        def replayed() -> None:  # never quits a replaying window
            if covered():
                esc()

        self.handlers["quit"] = replayed
        return esc

    def timed_fire(self) -> None:
        """A tour step's timed action potential: recorded; in a replay the session's comes instead."""
        if not self.pending:
            self.handlers["fire"]()

    def _event(self, event: str) -> bool:
        """E's event happened (perhaps on the stepping thread): record the pause, or leave it to the replay."""
        if self.pending:
            return False
        self.note("event_paused", event)
        return True

    def save(self, path: str | Path) -> None:
        """Write the session so far to ``path`` (never replacing a file)."""
        write_session(path, self.session)

    def save_in(self, folder: Path) -> Path:
        """Ctrl+S: the session so far as the next free ``cleft-session-NNNN.toml`` in ``folder``."""
        for _ in range(100):  # another window may take the name first
            path = next_free_path(out_folder(folder), ".toml", SESSION_STEM)
            try:
                self.save(path)
            except OutputError:
                if path.exists():
                    continue
                raise
            return path
        raise OutputError(f"no free session name in {folder}")

    def do_save_session(self) -> None:
        """Ctrl+S: save the session so far in the screenshot folder (never replacing a file)."""
        try:
            path = self.save_in(self.folder())
        except (OSError, ParameterError) as exc:
            self.say(f"session not saved: {exc}")
            return
        n = len(self.session.commands)
        self.say(f"saved {path} ({n} command{'s' if n != 1 else ''}): main.py --replay plays it")
        print(f"saved {path}", flush=True)

    # -------------------------------------------------------------- replay
    def replay(self, commands: list[Command]) -> None:
        """Play ``commands`` back from now on (the window built as their session started)."""
        self.pending = deque(commands)
        self._at = self._moment()
        self._at_screen_s = self.play.screen_time_s
        self._at_original_s = 0.0
        if self.pending and not self.scripted:
            self.say(f"replaying a session of {len(commands)} commands (any command takes over)")

    def _moment(self) -> tuple[int, int]:
        """(models seen, step index) now; a model not seen before counts as the next build."""
        if self.play.model is not self._model:
            self._model = self.play.model
            self.builds += 1
        return self.builds, int(self.play.model.step_index)

    def end_replay(self, why: str) -> None:
        """Drop the commands still to replay, saying ``why`` (interactive runs)."""
        self.pending.clear()
        if not self.scripted:
            self.say(why)

    def _limit(self, owed: int) -> int:
        """Of ``owed`` steps, those the model may take before the next command to replay."""
        if not self.pending:
            return owed
        build, here = self._moment()
        if self.pending[0].build != build:
            return 0  # out of step: :meth:`apply_due` ends the replay
        return max(0, min(owed, self.pending[0].step - here))

    def apply_due(self) -> None:
        """Run the commands due now (start of a frame, the model at rest)."""
        while self.pending:
            c = self.pending[0]
            here = self._moment()
            if c.moment != here:
                if c.moment < here or c.build != here[0]:
                    self.end_replay(f"replay stopped: the model is not at command {c.do!r}'s step")
                return
            if c.moment == self._at:  # given where the last one left the model: wait as long
                due = self._at_screen_s + (c.screen_s - self._at_original_s)
                if self.play.screen_time_s < due - SAME_TIME_S:
                    return
            self.pending.popleft()
            self._run(c)
            self._at, self._at_screen_s, self._at_original_s = (
                self._moment(),
                self.play.screen_time_s,
                c.screen_s,
            )
            if not self.pending and not self.scripted:
                self.say("session replayed to its end: the controls are yours")

    def _run(self, c: Command) -> None:
        run = self.handlers.get(c.do)
        if run is None:  # a command this window cannot run now (its room is missing)
            self.end_replay(f"replay stopped: {c.do!r} cannot be replayed here")
            return
        self._applying = True
        try:
            if c.value is None:
                run()
            elif isinstance(c.value, tuple):
                run(*c.value)
            else:
                run(c.value)
        finally:
            self._applying = False

    def _paused(self, event: str) -> None:
        """A replayed ``event_paused``: pause at this step, as E did when it was recorded."""
        self.note("event_paused", event)
        self.play.paused = True
        self.say(paused_text(event))
