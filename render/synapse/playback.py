"""The synapse(s) on screen and the clock that advances them.

:class:`Playback` owns the model (and in compare mode the drug-free control
stepped in lockstep with it, on a worker thread: :class:`render.synapse.compare.Lockstep`),
the integer fixed-step clock, the pause state and what a frame showed
happening (vesicle fusions, action potentials). The model only ever advances
by whole steps decided by :class:`render.synapse.clock.FixedStepClock`; the same seed
and the same number of steps give the same numbers as a headless run. Call
:meth:`Playback.close` when done (it ends the worker threads).

The interactive loop shows each frame inside :meth:`Playback.stepping_during`:
the steps a frame owes then run on a worker thread while the display copies
the frame just drawn (a 1920x1080 copy takes tens of ms on a virtual display,
with the GIL released), and the next frame shows them. The model(s) are
never stepped outside that block or :meth:`Playback.update`, so events and
drawing always see models at rest.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import numpy as np

from render.common.constants import (
    ACHIEVED_WINDOW_S,
    CAPTURE_FLASH_S,
    FLASH_S,
    MAX_CAPTURE_FLASHES,
    MAX_FRAME_S,
    MAX_STEP_BUDGET_S,
    MIN_FPS,
    NOMINAL_FPS,
    PLOT_SCREEN_S,
    RATE_CHOICES_HZ,
    SPEED_CHOICES_US_PER_S,
    STEP_BUDGET_S,
    WARP_CPU_SHARE,
)
from render.common.plots import plot_window_us
from render.common.text import fmt_duration_us
from render.common.widgets import neighbour
from render.synapse.clock import TICKS_PER_S, FixedStepClock, ticks_from_seconds, ticks_per_frame
from render.synapse.compare import Lockstep, drug_naive
from render.synapse.scene import Flash
from render.synapse.warp import TimeWarp
from sim import Synapse
from sim.params.synapse import Parameters
from sim.synapse import states as S


def run_steps(model: Synapse, n: int) -> None:
    """Advance ``model`` by ``n`` whole steps (``Synapse.run_steps`` when the model has it)."""
    fast = getattr(model, "run_steps", None)
    if fast is not None:
        fast(n)
        return
    for _ in range(n):
        model.step()


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


class Playback:
    """The model(s), the clock and the pause state.

    Args:
        params: parameters of the model on screen.
        seed: model seed.
        playback_us_per_s: set playback speed, simulated us per second on screen.
        scripted: a fixed 1/``frame_fps`` s of playback per frame, no CPU cap.
        frame_fps: scripted frames per second of playback.
        say: shows a short message on screen.
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
    ) -> None:
        self.seed = seed
        self.scripted = scripted
        self.frame_fps = int(frame_fps)
        self.say = say
        self.params = params
        """Parameters the model on screen was built from."""
        self.model = Synapse(params, seed=seed)
        self.control: Synapse | None = None
        """Compare mode: the drug-free control (left), stepped in lockstep with ``model``."""
        self.compare = False
        self.naive: Parameters | None = None
        """The drug-naive synapse the compare control is built from (None: ``params`` itself)."""
        """Compare mode (C): :meth:`build` makes the drug-free control beside the model."""
        self.lockstep = Lockstep()
        """Steps the control on a worker thread while this thread steps the model."""
        self.clock = FixedStepClock(params.dt_ns, playback_us_per_s)
        self.paused = False
        self.frame_index = 0
        self.screen_time_s = 0.0
        self.flashes: list[Flash] = []
        self.control_flashes: list[Flash] = []
        self.captures: list[list[float]] = []
        """SERT captures being shown: [site id, age in screen s] (the control's apart)."""
        self.control_captures: list[list[float]] = []
        self.ap_age_s = math.inf
        self.last_ap: tuple[int, int, float] | None = None
        """The last frame's action potentials: (count, vesicles fused, release probability)."""
        self.behind = False
        """The last frame ran slower than the set pace (simulated time was dropped)."""
        self._step_cost_s = 2.0e-5
        self._frame_dt_s = 1.0 / NOMINAL_FPS
        self._overhead_s = 0.0
        self._last_step_s = 0.0
        """Wall time stepping added to the last frame, s (behind the display: only the wait)."""
        self.defer = False
        """Steps run behind the display (:meth:`stepping_during`; interactive loop only)."""
        self._pending = 0
        self._deferred: tuple[int, tuple[int, int, float] | None] = (0, None)
        self._hidden_s = 0.0
        self._behind_display: ThreadPoolExecutor | None = None
        self._achieved: deque[tuple[float, int, float]] = deque()
        self._owed_us = 0.0
        self.base_us_per_s = float(playback_us_per_s)
        """The playback speed chosen (stepper, + and -): the fixed speed, and the warp's scale."""
        self.warp = TimeWarp(self.base_us_per_s)
        self.warp_on = True
        """Time-warp (A toggles): the pace follows the story; off: the fixed speed."""
        self.pause_armed = False
        """E: pause at the next event (a vesicle fusion, or the first receptor bound after it)."""
        self._bindings_at_release: int | None = None
        self.event: str | None = None
        """What the last pause-on-event stopped at (shown on screen)."""
        self.speed_choices = tuple(sorted({*SPEED_CHOICES_US_PER_S, playback_us_per_s}))
        self.rate_choices = tuple(sorted({*RATE_CHOICES_HZ, float(params.firing_rate_hz)}))

    # ------------------------------------------------------------- state
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
        self._achieved.clear()
        if float(us_per_s) not in self.speed_choices:
            self.speed_choices = tuple(sorted({*self.speed_choices, float(us_per_s)}))

    def build(self, params: Parameters) -> bool:
        """New model(s) from ``params`` at t = 0, same seed; returns True if the rate choices changed.

        In compare mode (:attr:`compare`) the drug-free control is built too.
        """
        self.params = params
        self.model = Synapse(params, seed=self.seed)
        self.control = (
            Synapse(drug_naive(params, self.naive or params), seed=self.seed)
            if self.compare
            else None
        )
        if self.control is None:
            self.lockstep.close()
        self.clock.reset()
        self._pending = 0
        self._deferred = (0, None)
        self.flashes.clear()
        self.control_flashes.clear()
        self.captures.clear()
        self.control_captures.clear()
        self.ap_age_s = math.inf
        self._achieved.clear()
        self.warp.expect_at_us = None
        self._bindings_at_release = None
        self.clock.set_speed(self._pace(cap=False))
        rates = tuple(sorted({*RATE_CHOICES_HZ, float(params.firing_rate_hz)}))
        changed = rates != self.rate_choices
        self.rate_choices = rates
        return changed

    def close(self) -> None:
        """End the worker threads (idempotent; they start again when needed)."""
        pool, self._behind_display = self._behind_display, None
        if pool is not None:
            pool.shutdown(wait=True)
        self.lockstep.close()

    def _window(self) -> tuple[float, float, float] | None:
        if len(self._achieved) < 2:
            return None
        (t0, s0, o0), (t1, s1, o1) = self._achieved[0], self._achieved[-1]
        if t1 - t0 < 0.3 * ACHIEVED_WINDOW_S:
            return None
        return t1 - t0, (s1 - s0) * self.model.dt_us, o1 - o0

    def achieved_us_per_s(self) -> float | None:
        """Playback speed actually achieved over the last second of screen time, or None."""
        w = self._window()
        return None if w is None else w[1] / w[0]

    def set_us_per_s_recent(self) -> float | None:
        """The set pace averaged over the same second (time-warp changes it), or None."""
        w = self._window()
        return None if w is None else w[2] / w[0]

    # -------------------------------------------------------------- loop
    def step_budget_s(self) -> float:
        """Wall time a frame may spend stepping, s.

        ``STEP_BUDGET_S``, or more when drawing and the display leave room
        within a ``MIN_FPS`` frame (a large window on a slow display then keeps
        the pace at a lower frame rate), at most ``MAX_STEP_BUDGET_S``; plus,
        when the steps run behind the display, the time the display takes.
        """
        own = min(MAX_STEP_BUDGET_S, max(STEP_BUDGET_S, 1.0 / MIN_FPS - self._overhead_s))
        return own + (self._hidden_s if self.defer else 0.0)

    def _pace(self, cap: bool) -> float:
        """The pace to set for the next frame, us/s (``cap``: no more than the CPU can step)."""
        if not self.warp_on:
            return self.base_us_per_s
        pace = self.warp.pace(self.model)
        if cap:
            steps = self.step_budget_s() / max(self._step_cost_s, 1e-9)
            can = WARP_CPU_SHARE * steps * self.model.dt_us / self._frame_dt_s
            pace = max(min(pace, can), min(self.warp.slow_us_per_s, can))
        return pace

    def _released(self, spikes_before: int) -> bool:
        return any(s[1] > 0 for s in self.model.spike_log[spikes_before:])

    def _event(self, spikes_before: int) -> str | None:
        """The event pause-on-event waits for, if it happened since ``spikes_before`` spikes."""
        m = self.model
        bindings = m.counters["receptor_bindings"]
        if self._released(spikes_before):
            self._bindings_at_release = bindings
            return "a vesicle fused: release"
        if self._bindings_at_release is not None and bindings > self._bindings_at_release:
            self._bindings_at_release = None
            return "the first 5-HT bound a receptor"
        return None

    def advance(self, n_steps: int) -> int:
        """Step the model(s) up to ``n_steps`` times; note fusions and action potentials to show.

        In time-warp or pause-on-event mode the steps go in chunks, and the
        frame stops early at a release (so slow motion starts at it, even for
        an unforeseeable Poisson spike) or at the awaited event. Returns the
        steps taken.
        """
        self.last_ap = None
        if n_steps <= 0:
            return 0
        m, c = self.model, self.control
        for model in self.models:  # stepped on threads (compare, behind the display)
            model.release_gil = True
        dock_before = m.dock_vesicle.copy()
        c_dock_before = c.dock_vesicle.copy() if c is not None else None
        held_before = [sert_holders(x) for x in self.models]
        spikes_before = len(m.spike_log)
        if self.pause_armed:
            chunks = min(n_steps, 32)
        elif self.warp_on and n_steps >= 64:
            chunks = 8
        else:
            chunks = 1
        t0 = time.perf_counter()
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
            if self.pause_armed:
                event = self._event(spikes_before)
                if event is not None:
                    self.pause_armed = False
                    self.paused = True
                    self.event = event
                    self.say(f"paused: {event} (Space plays, E waits for the next event)")
                    break
            elif chunks > 1 and self._released(spikes_before):
                self.clock.reset()  # the warp slows down here: the rest of the frame is not owed
                break
        self._last_step_s = time.perf_counter() - t0
        # One sample moves the estimate by at most 1.6x (the first call loads the compiled
        # kernel: hundreds of ms that would starve the next frames' budgets).
        cost = min(self._last_step_s / done, 4.0 * self._step_cost_s)
        self._step_cost_s = 0.8 * self._step_cost_s + 0.2 * cost
        if len(m.spike_log) > spikes_before:
            self.ap_age_s = 0.0
            self.warp.expect_at_us = None
            fused_total = sum(s[1] for s in m.spike_log[spikes_before:])
            self.last_ap = (len(m.spike_log) - spikes_before, fused_total, m.spike_log[-1][2])
        self.flashes.extend(fusion_flashes(m, dock_before))
        lists = (self.captures, self.control_captures)
        for model, before, shown in zip(self.models, held_before, lists, strict=False):
            shown.extend([float(sid), 0.0] for sid in new_captures(model, *before))
            del shown[:-MAX_CAPTURE_FLASHES]
        if c is not None:
            self.control_flashes.extend(fusion_flashes(c, c_dock_before))
        return done

    def update(self, real_dt_s: float) -> int:
        """Advance by one frame of ``real_dt_s`` wall seconds; returns model steps taken.

        Interactive: the wall time (clamped to ``MAX_FRAME_S``) feeds the
        integer accumulator, and the steps are capped to a CPU budget (the
        on-screen 'achieved' speed then drops). Scripted: exactly
        1/``frame_fps`` s per frame, no cap, so the step count never depends
        on the machine. With time-warp the pace is set anew each frame.
        """
        if self._pending:  # owed by a frame never shown through stepping_during
            n, self._pending = self._pending, 0
            self._deferred = (self.advance(n), self.last_ap)
        if self.scripted:
            ticks = ticks_per_frame(self.frame_fps, self.frame_index)
            max_steps = None
        else:
            ticks = ticks_from_seconds(min(max(real_dt_s, 0.0), MAX_FRAME_S))
            max_steps = max(1, int(self.step_budget_s() / max(self._step_cost_s, 1e-9)))
            dt = min(max(real_dt_s, 1.0 / NOMINAL_FPS), MAX_FRAME_S)
            self._frame_dt_s = 0.9 * self._frame_dt_s + 0.1 * dt
            rest = max(0.0, dt - self._last_step_s)  # drawing, events, the display
            self._overhead_s = 0.9 * self._overhead_s + 0.1 * rest
        wall_s = ticks / TICKS_PER_S
        self.frame_index += 1
        self.screen_time_s += wall_s
        self.ap_age_s += wall_s
        for flashes in (self.flashes, self.control_flashes):
            for f in flashes:
                f.age_s += wall_s
            flashes[:] = [f for f in flashes if f.age_s < FLASH_S]
        for caps in (self.captures, self.control_captures):
            for cap in caps:
                cap[1] += wall_s
            caps[:] = [cap for cap in caps if cap[1] < CAPTURE_FLASH_S]
        steps, self.last_ap = self._deferred  # what the steps behind the last frame did
        self._deferred = (0, None)
        self.behind = False
        if not self.paused:
            self.clock.set_speed(self._pace(cap=not self.scripted))
            owed = self.clock.advance(ticks, max_steps)
            self.behind = self.clock.dropped or (not self.scripted and real_dt_s > MAX_FRAME_S)
            if self.defer and not self.pause_armed:
                self._pending = owed  # run behind the display of this frame
            else:
                steps = self.advance(owed)
            self._owed_us += wall_s * self.playback_us_per_s
            self._achieved.append((self.screen_time_s, self.model.step_index, self._owed_us))
            while self._achieved and self.screen_time_s - self._achieved[0][0] > ACHIEVED_WINDOW_S:
                self._achieved.popleft()
        return steps

    @contextmanager
    def stepping_during(self) -> Iterator[None]:
        """Run the steps :meth:`update` owes on a worker thread while the block shows the frame.

        The block (the display's flip) releases the GIL while it copies; the
        worker is joined before the block ends, so nothing steps between
        frames. From the first call on, :meth:`update` leaves its steps to
        this block (not in scripted runs, which stay synchronous); what they
        did (fusions, captures, action potentials) shows in the next frame.
        """
        if self.scripted:
            yield
            return
        self.defer = True
        n, self._pending = self._pending, 0
        if n and self._behind_display is None:
            self._behind_display = ThreadPoolExecutor(1, thread_name_prefix="cleft-steps")
        job = self._behind_display.submit(self.advance, n) if n else None
        t0 = time.perf_counter()
        try:
            yield
        finally:
            t1 = time.perf_counter()
            done = 0 if job is None else job.result()
            self._last_step_s = time.perf_counter() - t1  # what the frame waited for
            if job is not None:
                self._deferred = (done, self.last_ap)
            shown_s = min(t1 - t0, 0.1)  # the first display maps the window: not a frame's copy
            self._hidden_s = 0.9 * self._hidden_s + 0.1 * shown_s if self._hidden_s else shown_s

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

    # ----------------------------------------------------------- actions
    def do_toggle_pause(self) -> None:
        """Play / pause."""
        self.paused = not self.paused
        self._achieved.clear()
        self.clock.reset()

    def fire(self) -> None:
        """Queue one action potential at the next step (both synapses in compare mode)."""
        for m in self.models:
            m.fire()
        self.expect_release()
        if self.paused:
            self.say("action potential queued: press Space to play or Right to step")

    def do_rate_up(self) -> None:
        """Next higher firing rate."""
        self.set_firing_rate(neighbour(self.rate_choices, self.model.firing_rate_hz, +1))

    def do_rate_down(self) -> None:
        """Next lower firing rate."""
        self.set_firing_rate(neighbour(self.rate_choices, self.model.firing_rate_hz, -1))

    def step_once(self) -> None:
        """One model step (pauses first if playing)."""
        self.paused = True
        self._achieved.clear()
        self.advance(1)

    def do_speed_up(self) -> None:
        """Next faster playback speed."""
        self.set_speed(neighbour(self.speed_choices, self.base_us_per_s, +1))

    def do_speed_down(self) -> None:
        """Next slower playback speed."""
        self.set_speed(neighbour(self.speed_choices, self.base_us_per_s, -1))

    def set_warp(self, on: bool) -> None:
        """Time-warp on, or the fixed speed."""
        self.warp_on = bool(on)
        self.clock.set_speed(self._pace(cap=not self.scripted))
        self._achieved.clear()

    def do_warp(self) -> None:
        """Time-warp (slow at each release, fast through clearance) or a fixed speed."""
        self.set_warp(not self.warp_on)
        if self.warp_on:
            self.say("time-warp: slow motion at each release, faster through clearance")
        else:
            self.say(f"fixed speed: 1 s on screen = {fmt_duration_us(self.base_us_per_s)}")

    def do_pause_on_event(self) -> None:
        """Play on and pause at the next event (a fusion, the first receptor bound after it)."""
        self.pause_armed = not self.pause_armed
        if self.pause_armed:
            m = self.model
            if m.spike_log and m.spike_log[-1][1] > 0:
                self._bindings_at_release = m.counters["receptor_bindings"]
            self.paused = False
            self.clock.reset()
            self.say("playing until the next event: a vesicle fusion or the first receptor bound")
