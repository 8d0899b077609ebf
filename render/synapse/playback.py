"""The synapse(s) on screen, the clock that advances them, and the one step pipeline.

:class:`Playback` owns the model (and in compare mode the drug-free control
stepped in lockstep with it, on a worker thread: :class:`render.synapse.compare.Lockstep`),
the integer fixed-step clock, the pause state, the pace
(:class:`render.synapse.pace.Pace`) and what a frame shows happening
(:class:`render.synapse.shown.Shown`). The model only ever advances by whole
steps decided by :class:`render.synapse.clock.FixedStepClock`; the same seed
and the same number of steps give the same numbers as a headless run. Call
:meth:`Playback.close` when done (it ends the worker threads).

Each frame's steps go through the one step pipeline of
:mod:`render.synapse.pipeline`: decided in :meth:`Playback.update`, run at
once or behind the frame's display (:meth:`Playback.stepping_during`), and
shown by the frame that decided them or by the next one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager

from render.common.constants import (
    MAX_FRAME_S,
    NOMINAL_FPS,
    PLOT_SCREEN_S,
    RATE_CHOICES_HZ,
    SPEED_CHOICES_US_PER_S,
)
from render.common.plots import plot_window_us
from render.common.text import fmt_duration_us
from render.common.widgets import neighbour
from render.synapse.clock import TICKS_PER_S, FixedStepClock, ticks_from_seconds, ticks_per_frame
from render.synapse.compare import Lockstep, drug_naive
from render.synapse.event_pause import EventPause, paused_text, released
from render.synapse.pace import Pace
from render.synapse.pipeline import StepPipeline
from render.synapse.records import bound_records, window_model
from render.synapse.rewind import BYTES_PER_MIB, Rewind
from render.synapse.shown import Shown
from render.synapse.warp import TimeWarp
from sim import Synapse
from sim.common.display import DEFAULT_HISTORY_MB
from sim.params.synapse import Parameters


def run_steps(model: Synapse, n: int) -> None:
    """Advance ``model`` by ``n`` whole steps (``Synapse.run_steps`` when the model has it)."""
    fast = getattr(model, "run_steps", None)
    if fast is not None:
        fast(n)
        return
    for _ in range(n):
        model.step()


class Playback:
    """The model(s), the clock, the pause state and the step pipeline.

    Args:
        params: parameters of the model on screen.
        seed: model seed.
        playback_us_per_s: set playback speed, simulated us per second on screen.
        scripted: a fixed 1/``frame_fps`` s of playback per frame, no CPU cap.
        frame_fps: scripted frames per second of playback.
        say: shows a short message on screen.
        history_bytes: memory the recorded past may hold, bytes (0: none kept).
    """

    def __init__(
        self,
        params: Parameters,
        seed: int,
        playback_us_per_s: float,
        *,
        scripted: bool = False,
        frame_fps: int = NOMINAL_FPS,
        say: Callable[[str], None] = lambda text: None,
        history_bytes: int = DEFAULT_HISTORY_MB * BYTES_PER_MIB,
    ) -> None:
        self.seed = seed
        self.scripted = scripted
        self.frame_fps = int(frame_fps)
        self.say = say
        self.params = params
        """Parameters the model on screen was built from."""
        self.model = window_model(params, seed, playback_us_per_s)
        self.control: Synapse | None = None
        """Compare mode: the drug-free control (left), stepped in lockstep with ``model``."""
        self.compare = False
        """Compare mode (C): :meth:`build` makes the drug-free control beside the model."""
        self.naive: Parameters | None = None
        """The drug-naive synapse the compare control is built from (None: ``params`` itself)."""
        self.lockstep = Lockstep()
        """Steps the control on a worker thread while this thread steps the model."""
        self.clock = FixedStepClock(params.dt_ns, playback_us_per_s)
        self.paused = False
        self.frame_index = 0
        self.screen_time_s = 0.0
        self.shown = Shown()
        """Flashes, captures and the action potential's glow being shown."""
        self.last_ap: tuple[int, int, float] | None = None
        """The frame's action potentials: (count, vesicles fused, release probability)."""
        self.behind = False
        """The last frame ran slower than the set pace (simulated time was dropped)."""
        self.pace = Pace()
        self.pipeline = StepPipeline(lambda n: (self.advance(n), self.last_ap), self.pace, scripted)
        """Each frame's batch of steps, from decided to shown (:mod:`render.synapse.pipeline`)."""
        self.base_us_per_s = float(playback_us_per_s)
        """The playback speed chosen (stepper, + and -): the fixed speed, and the warp's scale."""
        self.warp = TimeWarp(self.base_us_per_s)
        self.warp_on = True
        """Time-warp (A toggles): the pace follows the story; off: the fixed speed."""
        self.event_pause = EventPause()
        """E: pause at the next event (a vesicle fusion, or the first receptor bound after it)."""
        self.speed_choices = tuple(sorted({*SPEED_CHOICES_US_PER_S, playback_us_per_s}))
        self.rate_choices = tuple(sorted({*RATE_CHOICES_HZ, float(params.firing_rate_hz)}))
        self.rewind = Rewind(history_bytes, self.models)
        """The recorded past of the model(s): rebuilt with them, noted after each batch."""

    @property
    def models(self) -> list[Synapse]:
        """The synapses on screen: the model, and the control in compare mode."""
        return [self.model] if self.control is None else [self.model, self.control]

    @property
    def playback_us_per_s(self) -> float:
        """The pace now: simulated us per second on screen (with time-warp it changes)."""
        return self.clock.playback_us_per_s

    def set_speed(self, us_per_s: float) -> None:
        """Playback speed, simulated us per second on screen (time-warp scales to it)."""
        self.base_us_per_s = float(us_per_s)
        self.warp.base_us_per_s = self.base_us_per_s
        self.clock.set_speed(self._pace(cap=False))
        self.pace.clear_achieved()
        bound_records(self.models, self.params, self.base_us_per_s)
        if float(us_per_s) not in self.speed_choices:
            self.speed_choices = tuple(sorted({*self.speed_choices, float(us_per_s)}))

    def build(self, params: Parameters) -> bool:
        """New model(s) (the control too in compare mode) from ``params`` at t = 0, same seed.

        A batch decided for the old models is dropped. Returns True if the rate choices changed.
        """
        self.params = params
        self.model = window_model(params, self.seed, self.base_us_per_s)
        self.control = (
            window_model(drug_naive(params, self.naive or params), self.seed, self.base_us_per_s)
            if self.compare
            else None
        )
        if self.control is None:
            self.lockstep.close()
        self.rewind.build(self.models)
        self.clock.reset()
        self.pipeline.drop()
        self.shown.clear()
        self.pace.clear_achieved()
        self.warp.expect_at_us = None
        self.event_pause.forget()
        self.clock.set_speed(self._pace(cap=False))
        rates = tuple(sorted({*RATE_CHOICES_HZ, float(params.firing_rate_hz)}))
        changed = rates != self.rate_choices
        self.rate_choices = rates
        return changed

    def close(self) -> None:
        """End the worker threads (idempotent; they start again when needed)."""
        self.pipeline.close()
        self.lockstep.close()

    def achieved_us_per_s(self) -> float | None:
        """Playback speed actually achieved over the last second of screen time, or None."""
        w = self.pace.window(self.model.dt_us)
        return None if w is None else w[1] / w[0]

    def set_us_per_s_recent(self) -> float | None:
        """The set pace averaged over the same second (time-warp changes it), or None."""
        w = self.pace.window(self.model.dt_us)
        return None if w is None else w[2] / w[0]

    def _pace(self, cap: bool) -> float:
        """The pace to set for the next frame, us/s (``cap``: no more than the CPU can step)."""
        if not self.warp_on:
            return self.base_us_per_s
        pace = self.warp.pace(self.model)
        if cap:
            can = self.pace.cpu_us_per_s(self.model.dt_us, self.pipeline.behind_display)
            pace = max(min(pace, can), min(self.warp.slow_us_per_s, can))
        return pace

    def update(self, real_dt_s: float) -> int:
        """One frame of ``real_dt_s`` wall seconds: show the last batch, decide this one.

        Interactive: the wall time (clamped to ``MAX_FRAME_S``) feeds the
        integer accumulator, and the steps are capped to a CPU budget (the
        on-screen 'achieved' speed then drops). Scripted: exactly
        1/``frame_fps`` s per frame, no cap, so the step count never depends
        on the machine. With time-warp the pace is set anew each frame.
        Returns the steps this frame shows (``last_ap`` says their action potentials).
        """
        shown = self.pipeline.take_shown()  # the last frame's steps, run behind its display
        behind_display = self.pipeline.behind_display
        if self.scripted:
            ticks = ticks_per_frame(self.frame_fps, self.frame_index)
            max_steps = None
        else:
            ticks = ticks_from_seconds(min(max(real_dt_s, 0.0), MAX_FRAME_S))
            max_steps = self.pace.max_steps(behind_display)  # the budget before this frame
            self.pace.note_frame(real_dt_s)
        wall_s = ticks / TICKS_PER_S
        self.frame_index += 1
        self.screen_time_s += wall_s
        self.shown.age(wall_s)
        steps, self.last_ap = (shown.done, shown.last_ap) if shown is not None else (0, None)
        self.behind = False
        if not self.paused:
            self.clock.set_speed(self._pace(cap=not self.scripted))
            owed = self.clock.advance(ticks, max_steps)
            self.behind = self.clock.dropped or (not self.scripted and real_dt_s > MAX_FRAME_S)
            batch = self.pipeline.start(owed, at_once=self.event_pause.armed)
            if batch.ran:  # run at once: shown now
                steps = batch.done
            self.pace.note_achieved(
                self.screen_time_s, self.model.step_index, wall_s, self.playback_us_per_s
            )
        return steps

    def stepping_during(self) -> AbstractContextManager[None]:
        """The frame's steps run behind the display inside this block (:mod:`render.synapse.pipeline`)."""
        return self.pipeline.stepping_during()

    def advance(self, n_steps: int) -> int:
        """Step the model(s) up to ``n_steps`` times; note fusions and action potentials to show.

        In time-warp or pause-on-event mode the steps go in chunks, and the
        frame stops early at a release (so slow motion starts at it, even for
        an unforeseeable Poisson spike) or at the awaited event. Returns the
        steps taken.
        """
        self.last_ap = None
        n_steps = self.rewind.before_steps(n_steps)  # a command in the past drops the future
        if n_steps <= 0:
            return 0
        m = self.model
        for model in self.models:  # stepped on threads (compare, behind the display)
            model.release_gil = True
        before = self.shown.before(self.models)
        t0 = time.perf_counter()
        done = self._step_in_chunks(n_steps, before.spikes)
        if len(m.spike_log) > before.spikes:
            self.warp.expect_at_us = None
            fused_total = sum(s[1] for s in m.spike_log[before.spikes :])
            self.last_ap = (len(m.spike_log) - before.spikes, fused_total, m.spike_log[-1][2])
        self.shown.after(self.models, before)
        self.rewind.after_steps()  # its snapshots count in what a step costs (the CPU cap)
        self.pace.note_steps(time.perf_counter() - t0, done)
        return done

    def _step_in_chunks(self, n_steps: int, spikes_before: int) -> int:
        """Take ``n_steps`` in chunks, ending early at a release (warp) or an awaited event."""
        m, c, watch = self.model, self.control, self.event_pause
        if watch.armed:
            chunks = min(n_steps, 32)
        elif self.warp_on and n_steps >= 64:
            chunks = 8
        else:
            chunks = 1
        done = 0
        for k in range(chunks):
            n = (k + 1) * n_steps // chunks - done
            if n <= 0:
                continue
            if c is None:
                run_steps(m, n)
            else:  # lockstep: both share one time axis; the control on the worker thread
                self.lockstep.run(run_steps, m, c, n)
            done += n
            if watch.armed:
                event = watch.happened(m, spikes_before)
                if event is not None:
                    self.paused = True
                    self.say(paused_text(event))
                    break
            elif chunks > 1 and released(m, spikes_before):
                self.clock.reset()  # the warp slows down here: the rest of the frame is not owed
                break
        return done

    def expect_release(self) -> None:
        """An action potential was asked for (F): the warp slows down for it at once."""
        self.warp.expect_at_us = self.model.time_us

    def plot_window_us(self) -> float:
        """Length of the live plots' time window, simulated us (from the chosen speed)."""
        return plot_window_us(self.base_us_per_s, PLOT_SCREEN_S)

    def set_firing_rate(self, hz: float) -> None:
        """Action-potential rate from now on, Hz (both synapses in compare mode)."""
        for m in self.models:
            m.set_firing_rate(float(hz))

    def do_toggle_pause(self) -> None:
        """Play / pause."""
        self.paused = not self.paused
        self.pace.clear_achieved()
        self.clock.reset()

    def fire(self) -> None:
        """Queue one action potential at the next step (both synapses in compare mode)."""
        for m in self.models:
            m.fire()
        self.expect_release()
        if self.paused:
            self.say("action potential queued: press Space to play or Right to step")

    def step_rate(self, direction: int) -> None:
        """The next higher (``direction`` +1) or lower (-1) firing rate."""
        self.set_firing_rate(neighbour(self.rate_choices, self.model.firing_rate_hz, direction))

    def step_once(self) -> None:
        """One model step (pauses first if playing)."""
        self.paused = True
        self.pace.clear_achieved()
        self.advance(1)

    def step_speed(self, direction: int) -> None:
        """The next faster (``direction`` +1) or slower (-1) playback speed."""
        self.set_speed(neighbour(self.speed_choices, self.base_us_per_s, direction))

    def set_warp(self, on: bool) -> None:
        """Time-warp on, or the fixed speed."""
        self.warp_on = bool(on)
        self.clock.set_speed(self._pace(cap=not self.scripted))
        self.pace.clear_achieved()

    def do_warp(self) -> None:
        """Time-warp (slow at each release, fast through clearance) or a fixed speed."""
        self.set_warp(not self.warp_on)
        if self.warp_on:
            self.say("time-warp: slow motion at each release, faster through clearance")
        else:
            self.say(f"fixed speed: 1 s on screen = {fmt_duration_us(self.base_us_per_s)}")

    def do_pause_on_event(self) -> None:
        """Play on and pause at the next event (a fusion, the first receptor bound after it)."""
        if self.event_pause.armed:
            self.event_pause.armed = False
        else:
            self.event_pause.arm(self.model)
            self.paused = False
            self.clock.reset()
            self.say("playing until the next event: a vesicle fusion or the first receptor bound")
