"""The Cleft window: event handling, the fixed-step loop, layout and drawing.

:class:`App` holds one :class:`sim.Synapse` and a view of it. Tests drive it
without a display: ``handle_event(event)`` (or ``pump()`` for the queue),
``update(real_dt_s)`` and ``draw(surface)``. :func:`run_app` opens the real
window (or, with ``frames``, draws that many frames deterministically and can
save the last one as PNG, or record them as a video).

Lecture features (issue 4), each on a key of :mod:`render.keys`:

* scenario presets on 1-9 (rebuilt with the same seed; caption banner, I repeats it);
* a treatment timeline (D, W, K; :mod:`render.treatment`, slow state from
  ``sim.timeline``);
* compare (C): a drug-free control synapse on the left, stepped in lockstep;
* a guided tour (T, N, B; steps in :mod:`render.tour`);
* follow one molecule (click or G; :mod:`render.follow`);
* the mean-field ODE beside the cleft trace (O; :mod:`render.overlay`);
* video recording (V, Shift+V, ``--record``; :mod:`render.recording`).

The model only ever advances through ``Synapse.step()``, a whole number of
times per frame decided by :class:`render.clock.FixedStepClock`; the same seed
and the same number of steps give the same numbers as a headless run.
"""

from __future__ import annotations

import math
import time
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np
import pygame

from sim import Synapse
from sim.params import ParameterError, Parameters
from sim.presets import Preset, load_preset
from sim.timeline import THERAPEUTIC_OCCUPANCY

from . import hud, panels
from .clock import TICKS_PER_S, FixedStepClock, ticks_from_seconds, ticks_per_frame
from .colors import theme as get_theme
from .constants import (
    ACHIEVED_WINDOW_S,
    AP_FLASH_S,
    BLOCKADE_STEP,
    CAPTION_S,
    FLASH_S,
    MAX_FRAME_S,
    NOMINAL_FPS,
    PLOT_SCREEN_S,
    RATE_CHOICES_HZ,
    RECORD_MAX_CATCHUP_FRAMES,
    REFERENCE_SIZE_PX,
    SPEED_CHOICES_US_PER_S,
    STEP_BUDGET_S,
    TIMELINE_BASE,
    TOAST_S,
    VIDEO_FPS,
    ZOOM_STEP,
)
from .follow import Follower, nearest_free, random_free_molecule
from .keys import PRESET_KEYS, action_for
from .overlay import MeanFieldOverlay
from .recording import SUFFIXES, RecordingError, VideoRecorder, next_free_path
from .scene import Flash, SceneRenderer, glyph_size_px
from .tour import STEPS as TOUR_STEPS
from .treatment import DayRuns, Segment, Treatment, segment_of
from .view import View
from .widgets import Button, Slider, Stepper, Widget

WINDOW_TITLE = "Cleft - a serotonin synapse, molecule by molecule"
MIN_SIZE = (320, 240)
MAX_SIZE = (7680, 4320)


def _fmt_rate(hz: float) -> str:
    return f"{hz:,.0f} Hz" if hz >= 1 or hz == 0 else f"{hz:g} Hz"


def _fmt_speed(us_per_s: float) -> str:
    return f"{hud.fmt_duration_us(us_per_s)}/s"


def _same_params(a: Parameters, b: Parameters) -> bool:
    """Equal parameter sets (floats to 1e-9 relative: day states are computed)."""
    da, db = a.as_dict(), b.as_dict()
    for k, va in da.items():
        vb = db[k]
        if isinstance(va, float) or isinstance(vb, float):
            if not math.isclose(float(va), float(vb), rel_tol=1e-9, abs_tol=1e-12):
                return False
        elif va != vb:
            return False
    return True


CLICK_SLOP_PX = 5
"""A press and release closer than this is a click (follow a molecule), not a drag."""


class App:
    """The interactive visualiser, drawable on any surface.

    Args:
        preset: a resolved preset (parameters, title, playback speed).
        seed: model seed (same seed, same steps -> same numbers).
        size: window size (width, height), px.
        scripted: advance a fixed number of steps per frame (the preset's
            playback speed at ``frame_fps``) regardless of wall time; the
            mean-field overlay is computed in line and recordings never drop
            frames.
        projector: start in the projector colour profile.
        screenshot_dir: where the S key saves PNGs and V saves videos
            (default: current folder).
        frame_fps: scripted frames per second of playback (``NOMINAL_FPS``;
            ``VIDEO_FPS`` for a scripted recording).
    """

    def __init__(
        self,
        preset: Preset,
        seed: int = 0,
        size: tuple[int, int] = REFERENCE_SIZE_PX,
        *,
        scripted: bool = False,
        projector: bool = False,
        screenshot_dir: str | Path | None = None,
        frame_fps: int = NOMINAL_FPS,
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.preset = preset
        self.user_overrides = dict(preset.overrides)
        """Parameter overrides from the command line, kept when another preset is loaded."""
        self.seed = seed
        self.scripted = scripted
        self.frame_fps = int(frame_fps)
        self.params = preset.params
        """Parameters the model on screen was built from."""
        self.model = Synapse(preset.params, seed=seed)
        self.compare = False
        self.control: Synapse | None = None
        """Compare mode: the drug-free control (left), stepped in lockstep with ``model``."""
        self.clock = FixedStepClock(preset.params.dt_ns, preset.playback_us_per_s)
        self.paused = False
        self.running = True
        self.projector = projector
        self.theme = get_theme(projector)
        self.show_labels = False
        self.show_help = False
        self.frame_index = 0
        self.screen_time_s = 0.0
        self.flashes: list[Flash] = []
        self.control_flashes: list[Flash] = []
        self.ap_age_s = math.inf
        self.toast: tuple[str, float] | None = None
        self.caption_at: float | None = None if scripted else 0.0
        self.fullscreen_requested = False
        self.screenshot_dir = Path(screenshot_dir) if screenshot_dir else Path.cwd()
        self.record_dir = self.screenshot_dir
        self.last_screenshot: Path | None = None
        self.last_recording: Path | None = None
        self._screenshot_pending = False
        self._step_cost_s = 2.0e-5
        self._achieved: deque[tuple[float, int]] = deque()
        self._drag_from: tuple[int, int] | None = None
        self._press_at: tuple[int, int] | None = None
        self._dragged = False
        self.help_rows_drawn: list[tuple[str, str, str]] = []
        self.labels_drawn = 0
        self.treatment: Treatment | None = None
        self.day_runs: DayRuns | None = None
        self._frozen_segment: Segment | None = None
        self._planned_occupancy: float | None = None
        self._live_points: list[tuple[int, bool, float]] = []
        self._live_points_at = -math.inf
        self.tour_index: int | None = None
        self.highlight: str | None = None
        self.highlights_drawn = 0
        self.follower = Follower()
        self.overlay = MeanFieldOverlay(background=not scripted)
        self.video: VideoRecorder | None = None
        self._next_capture_s = 0.0

        p = preset.params
        self.speed_choices = tuple(sorted({*SPEED_CHOICES_US_PER_S, preset.playback_us_per_s}))
        self.rate_choices = tuple(sorted({*RATE_CHOICES_HZ, float(p.firing_rate_hz)}))
        self.scene = SceneRenderer(self.theme)
        self.size = (0, 0)
        self.fonts = hud.Fonts(1.0)
        self.view = View(
            p.cleft_width_nm, p.terminal_radius_nm, p.outer_radius_nm, pygame.Rect(0, 0, 640, 360)
        )
        self.control_view = View(
            p.cleft_width_nm, p.terminal_radius_nm, p.outer_radius_nm, pygame.Rect(0, 0, 320, 360)
        )
        self.scene_rect = pygame.Rect(0, 0, 640, 360)
        self.card_rect: pygame.Rect | None = None
        self.header_rects: list[pygame.Rect] = []
        self._build_widgets()
        self.layout(size)

    # ----------------------------------------------------------------- model
    @property
    def playback_us_per_s(self) -> float:
        """Set playback speed: simulated us per second on screen."""
        return self.clock.playback_us_per_s

    @property
    def models(self) -> list[Synapse]:
        """The synapses on screen: the model, and the control in compare mode."""
        return [self.model] if self.control is None else [self.model, self.control]

    @property
    def caption_visible(self) -> bool:
        """The scenario's caption banner is up."""
        return (
            self.caption_at is not None
            and self.screen_time_s - self.caption_at < CAPTION_S
            and self.tour_index is None
        )

    def set_blockade(self, fraction: float) -> None:
        """SSRI blockade, fraction of SERT 0..1; the model follows at once (not the control)."""
        f = float(min(1.0, max(0.0, fraction)))
        if round(f, 6) != self.model.blockade:
            self._freeze_day()
        self.model.set_blockade(round(f, 6))

    def set_firing_rate(self, hz: float) -> None:
        """Action-potential rate from now on, Hz (both synapses in compare mode)."""
        if float(hz) != self.model.firing_rate_hz:
            self._freeze_day()
        for m in self.models:
            m.set_firing_rate(float(hz))

    def set_speed(self, us_per_s: float) -> None:
        """Playback speed, simulated us per second on screen."""
        self.clock.set_speed(float(us_per_s))
        self._achieved.clear()
        if float(us_per_s) not in self.speed_stepper.choices:
            self.speed_stepper.choices = tuple(sorted({*self.speed_stepper.choices, us_per_s}))

    def _build(self, params: Parameters) -> None:
        """New model(s) from ``params`` at t = 0, same seed; the control too in compare mode."""
        self.params = params
        self.model = Synapse(params, seed=self.seed)
        self.control = (
            Synapse(params.with_overrides(blockade=0.0), seed=self.seed) if self.compare else None
        )
        for v in (self.view, self.control_view):
            v.width_nm = params.cleft_width_nm
            v.terminal_radius_nm = params.terminal_radius_nm
            v.outer_radius_nm = params.outer_radius_nm
        self.clock.reset()
        self.flashes.clear()
        self.control_flashes.clear()
        self.ap_age_s = math.inf
        self._achieved.clear()
        self._frozen_segment = None
        self._live_points_at = -math.inf
        self.follower.stop()
        self.overlay.reset()
        rates = tuple(sorted({*RATE_CHOICES_HZ, float(params.firing_rate_hz)}))
        if rates != self.rate_stepper.choices:
            self.rate_stepper.choices = rates
            if self.size != (0, 0):
                self.layout(self.size, force=True)

    def _restart(self) -> None:
        """Rebuild at t = 0 from the same parameters, keeping hand-set blockade and rate."""
        blockade, rate = self.model.blockade, self.model.firing_rate_hz
        self._record_day()
        self._build(self.params)
        if blockade != self.model.blockade:
            self.model.set_blockade(blockade)
        if rate != self.model.firing_rate_hz:
            for m in self.models:
                m.set_firing_rate(rate)

    def reset(self) -> None:
        """Restart the model at t = 0 with the same seed, keeping blockade, rate and speed."""
        self._restart()

    def load_scenario(
        self, name: str, overrides: dict | None = None, announce: bool = True
    ) -> bool:
        """Load preset ``name`` (plus the command line's overrides) and rebuild, same seed.

        Ends a treatment timeline; the caption banner shows the preset's title
        and caption for ``CAPTION_S`` when ``announce``. Returns False (and
        says why on screen) if the preset cannot be loaded.
        """
        try:
            preset = load_preset(name, {**self.user_overrides, **(overrides or {})})
        except (ParameterError, ValueError) as exc:
            self._say(f"cannot load '{name}': {exc}")
            return False
        self.preset = preset
        self._end_timeline()
        self._planned_occupancy = None
        self._build(preset.params)
        self.set_speed(preset.playback_us_per_s)
        self.caption_at = self.screen_time_s if announce else None
        return True

    def _fusion_flashes(self, m: Synapse, dock_before: np.ndarray) -> list[Flash]:
        # A vesicle leaves its dock only by fusing (sim/model.py _action_potential).
        had = np.flatnonzero(dock_before >= 0)
        left = had[m.vesicle_dock[dock_before[had]] != had]
        return [Flash(float(m.dock_xyz[d, 0]), float(m.dock_xyz[d, 1])) for d in left.tolist()]

    def _advance(self, n_steps: int) -> None:
        """Step the model(s) ``n_steps`` times and note fusions and action potentials to show."""
        if n_steps <= 0:
            return
        m, c = self.model, self.control
        dock_before = m.dock_vesicle.copy()
        c_dock_before = c.dock_vesicle.copy() if c is not None else None
        spikes_before = len(m.spike_log)
        t0 = time.perf_counter()
        if c is None:
            for _ in range(n_steps):
                m.step()
        else:  # lockstep: the same steps for both, so the traces share one time axis
            for _ in range(n_steps):
                m.step()
                c.step()
        cost = (time.perf_counter() - t0) / n_steps
        self._step_cost_s = 0.8 * self._step_cost_s + 0.2 * cost
        if len(m.spike_log) > spikes_before:
            self.ap_age_s = 0.0
            _, fused, p_rel = m.spike_log[-1]
            fused_total = sum(s[1] for s in m.spike_log[spikes_before:])
            n_ap = len(m.spike_log) - spikes_before
            what = "action potential" if n_ap == 1 else f"{n_ap} action potentials"
            self.toast = (
                f"{what}: {fused_total} vesicle{'s' if fused_total != 1 else ''} fused "
                f"(p = {p_rel:.2f} per docked vesicle)",
                self.screen_time_s,
            )
        self.flashes.extend(self._fusion_flashes(m, dock_before))
        if c is not None:
            self.control_flashes.extend(self._fusion_flashes(c, c_dock_before))

    def achieved_us_per_s(self) -> float | None:
        """Playback speed actually achieved over the last second of screen time, or None."""
        if len(self._achieved) < 2:
            return None
        (t0, s0), (t1, s1) = self._achieved[0], self._achieved[-1]
        if t1 - t0 < 0.3 * ACHIEVED_WINDOW_S:
            return None
        return (s1 - s0) * self.model.dt_us / (t1 - t0)

    def plot_window_us(self) -> float:
        """Length of the live plots' time window, simulated us."""
        return hud.plot_window_us(self.playback_us_per_s, PLOT_SCREEN_S)

    # ----------------------------------------------------------------- loop
    def update(self, real_dt_s: float) -> int:
        """Advance by one frame of ``real_dt_s`` wall seconds; returns model steps taken.

        Interactive: the wall time (clamped to ``MAX_FRAME_S``) feeds the
        integer accumulator, and the steps are capped to a CPU budget (the
        on-screen 'achieved' speed then drops). Scripted: exactly
        1/``frame_fps`` s per frame, no cap, so the step count never depends
        on the machine.
        """
        if self.scripted:
            ticks = ticks_per_frame(self.frame_fps, self.frame_index)
            max_steps = None
        else:
            ticks = ticks_from_seconds(min(max(real_dt_s, 0.0), MAX_FRAME_S))
            max_steps = max(1, int(STEP_BUDGET_S / max(self._step_cost_s, 1e-9)))
        wall_s = ticks / TICKS_PER_S
        self.frame_index += 1
        self.screen_time_s += wall_s
        self.ap_age_s += wall_s
        for flashes in (self.flashes, self.control_flashes):
            for f in flashes:
                f.age_s += wall_s
            flashes[:] = [f for f in flashes if f.age_s < FLASH_S]
        steps = 0
        if not self.paused:
            steps = self.clock.advance(ticks, max_steps)
            self._advance(steps)
            self._achieved.append((self.screen_time_s, self.model.step_index))
            while self._achieved and self.screen_time_s - self._achieved[0][0] > ACHIEVED_WINDOW_S:
                self._achieved.popleft()
        self.follower.update()
        self._update_overlay()
        return steps

    def _update_overlay(self) -> None:
        ov = self.overlay
        if not ov.enabled:
            return
        now = self.screen_time_s if self.scripted else time.perf_counter()
        ov.update(self.model, self.plot_window_us(), now)
        if ov.error is not None:
            self._say(f"mean-field ODE unavailable: {ov.error}")
            ov.error = None

    # --------------------------------------------------------------- events
    def pump(self) -> None:
        """Handle every event waiting in pygame's queue."""
        for event in pygame.event.get():
            self.handle_event(event)

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to one pygame event (keys via the bindings table, mouse via widgets/view)."""
        t = event.type
        if t == pygame.QUIT:
            self.running = False
        elif t == pygame.VIDEORESIZE:
            self.layout(event.size)
        elif t == pygame.KEYDOWN:
            action = action_for(event.key, getattr(event, "mod", 0))
            if action is not None:
                self.do(action)
        elif t in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            self._mouse(event)
        elif t == pygame.MOUSEWHEEL:
            pos = pygame.mouse.get_pos()
            if self.compare and self.control_view.rect.collidepoint(pos):
                pos = (pos[0] + self.view.rect.left - self.control_view.rect.left, pos[1])
            if not self.view.rect.collidepoint(pos):
                pos = self.view.rect.center
            self.view.zoom_at(ZOOM_STEP ** getattr(event, "y", 0), pos)

    def _in_scene(self, pos: tuple[int, int]) -> bool:
        return self.view.rect.collidepoint(pos) or (
            self.compare and self.control_view.rect.collidepoint(pos)
        )

    def _mouse(self, event: pygame.event.Event) -> None:
        if self.show_help and event.type == pygame.MOUSEBUTTONDOWN:
            self.show_help = False
            return
        for w in self.widgets:
            if w.handle_event(event):
                return
        pos = getattr(event, "pos", None)
        if event.type == pygame.MOUSEBUTTONDOWN and pos and getattr(event, "button", 1) == 1:
            if self._in_scene(pos):
                self._drag_from = tuple(pos)
                self._press_at = tuple(pos)
                self._dragged = False
        elif event.type == pygame.MOUSEMOTION and self._drag_from is not None and pos:
            if self._press_at is not None and not self._dragged:
                dx, dy = pos[0] - self._press_at[0], pos[1] - self._press_at[1]
                self._dragged = dx * dx + dy * dy > CLICK_SLOP_PX * CLICK_SLOP_PX
            self.view.pan(pos[0] - self._drag_from[0], pos[1] - self._drag_from[1])
            self._drag_from = tuple(pos)
        elif event.type == pygame.MOUSEBUTTONUP and getattr(event, "button", 1) == 1:
            if self._press_at is not None and not self._dragged and pos:
                self.follow_at(tuple(pos))
            self._drag_from = None
            self._press_at = None

    def follow_at(self, pos: tuple[int, int]) -> bool:
        """Follow the free molecule drawn nearest screen point ``pos``; True if one was found."""
        if self.compare and self.control_view.rect.collidepoint(pos):
            self._say("follow works on the right-hand synapse (the one with your settings)")
            return False
        if not self.view.rect.collidepoint(pos):
            return False
        mid = nearest_free(self.model, self.view, pos)
        if mid is None:
            self._say("no free 5-HT there: click on a yellow dot, or press G")
            return False
        self._follow(mid)
        return True

    def _follow(self, mid: int) -> None:
        self.follower.follow(self.model, mid)
        self._say(f"following 5-HT #{mid}: its history is listed bottom right (Shift+G stops)")

    def do(self, action: str) -> None:
        """Run a bound action by its id (see :data:`render.keys.BINDINGS`)."""
        getattr(self, f"do_{action}")()

    def do_toggle_pause(self) -> None:
        """Play / pause."""
        self.paused = not self.paused
        self._achieved.clear()
        self.clock.reset()

    def do_step(self) -> None:
        """One model step (pauses first if playing)."""
        self.paused = True
        self._achieved.clear()
        self._advance(1)
        self.follower.update()

    def do_speed_up(self) -> None:
        """Next faster playback speed."""
        self.set_speed(self.speed_stepper.neighbour(+1))

    def do_speed_down(self) -> None:
        """Next slower playback speed."""
        self.set_speed(self.speed_stepper.neighbour(-1))

    def do_reset(self) -> None:
        """Restart at t = 0."""
        self.reset()
        self._say("restarted at t = 0 (same seed)")

    def do_fire(self) -> None:
        """Queue one action potential at the next step (both synapses in compare mode)."""
        self._freeze_day()
        for m in self.models:
            m.fire()
        if self.paused:
            self._say("action potential queued: press Space to play or Right to step")

    def do_blockade_up(self) -> None:
        """Blockade +5%."""
        self.set_blockade(round(self.model.blockade / BLOCKADE_STEP + 1) * BLOCKADE_STEP)

    def do_blockade_down(self) -> None:
        """Blockade -5%."""
        self.set_blockade(round(self.model.blockade / BLOCKADE_STEP - 1) * BLOCKADE_STEP)

    def do_rate_up(self) -> None:
        """Next higher firing rate."""
        self.set_firing_rate(self.rate_stepper.neighbour(+1))

    def do_rate_down(self) -> None:
        """Next lower firing rate."""
        self.set_firing_rate(self.rate_stepper.neighbour(-1))

    # ------------------------------------------------------------- scenarios
    def do_caption(self) -> None:
        """Show the scenario's title and caption again."""
        self.caption_at = self.screen_time_s

    # ------------------------------------------------------------- timeline
    def _showing(self, params: Parameters) -> bool:
        """The model on screen is ``params`` untouched by hand (blockade, rate, sensitivity)."""
        m = self.model
        return (
            _same_params(self.params, params)
            and math.isclose(m.blockade, params.blockade, abs_tol=1e-9)
            and math.isclose(m.firing_rate_hz, params.firing_rate_hz, rel_tol=1e-9)
            and math.isclose(m.autoreceptor_sensitivity, params.autoreceptor_sensitivity)
        )

    def _day_segment(self) -> Segment | None:
        """What was recorded of the day on screen while it showed the day's state, or None."""
        t = self.treatment
        if t is None:
            return None
        if self._frozen_segment is not None:
            return self._frozen_segment
        if not self._showing(t.params()):
            return None
        return segment_of(self.model, t.day, t.on_drug)

    def _freeze_day(self) -> None:
        """A hand-made change is coming: the day's record ends here."""
        t = self.treatment
        if t is not None and self._frozen_segment is None and self._showing(t.params()):
            self._frozen_segment = segment_of(self.model, t.day, t.on_drug)

    def _record_day(self) -> None:
        if self.treatment is not None:
            self.treatment.record(self._day_segment())
            self._frozen_segment = None

    def _timeline_ready(self) -> bool:
        """Open the timeline if needed; True if the key's own action may go ahead.

        If the synapse on screen already is the timeline's day 0 (drug-free,
        naive, untouched), what was watched of it is day 0's record and the
        key acts at once. Otherwise day 0 is built first (and the key only
        opens the timeline), so the signal always has a drug-free baseline.
        """
        if self.treatment is not None:
            return True
        name = TIMELINE_BASE.get(self.preset.name, self.preset.name)
        try:
            base = (
                self.preset if name == self.preset.name else load_preset(name, self.user_overrides)
            )
        except (ParameterError, ValueError) as exc:
            self._say(f"cannot start a timeline: {exc}")
            return False
        t = Treatment(base.params, name)
        self.caption_at = None  # the scenario's caption no longer describes the screen
        if self.model.blockade > 0:
            self._planned_occupancy = self.model.blockade
        self.treatment = t
        if not self.scripted:  # scripted runs stay deterministic and quick
            self.day_runs = DayRuns(t.base, self.seed)
        if self._showing(t.params()):
            return True
        self._build(t.params())
        self._say("timeline opened at day 0 without drug (the baseline): K starts the SSRI")
        return False

    def _rebuild_day(self) -> None:
        t = self.treatment
        self._build(t.params())
        st = t.state()
        if self.day_runs is not None:
            self.day_runs.request(st)
        drug = f"SSRI {st.occupancy * 100:.0f}% of SERT" if st.on_drug else "no drug"
        self._say(
            f"day {st.day}: {drug}, autoreceptors "
            f"{st.autoreceptor_sensitivity * 100:.0f}% sensitive, "
            f"firing {self.model.firing_rate_hz:,.0f} Hz"
        )

    def _advance_days(self, days: int) -> None:
        if not self._timeline_ready():
            return
        t = self.treatment
        self._record_day()
        if t.advance(days) == 0:
            self._say("the timeline ends here (one year)")
            return
        self._rebuild_day()

    def do_day(self) -> None:
        """Treatment timeline: next day."""
        self._advance_days(1)

    def do_week(self) -> None:
        """Treatment timeline: seven days on."""
        self._advance_days(7)

    def do_drug(self) -> None:
        """Start the SSRI today (dose: the slider, else 80% of SERT), or stop it today."""
        slider = self.model.blockade
        if not self._timeline_ready():
            return
        t = self.treatment
        if t.course_over:
            self._say("one course per timeline: load a scenario (1-9) to start a new one")
            return
        self._record_day()
        if t.start_day is None:
            if slider > 0:
                occupancy = slider
            elif self._planned_occupancy:
                occupancy = self._planned_occupancy
            else:
                occupancy = THERAPEUTIC_OCCUPANCY
            t.start_drug(occupancy)
        else:
            t.stop_drug()
        self._rebuild_day()

    # --------------------------------------------------------------- compare
    def do_compare(self) -> None:
        """Split screen: a drug-free control (left) beside the current settings (right)."""
        self.compare = not self.compare
        self._restart()
        self._place_views()
        if self.compare:
            self._say("left: no drug; right: your settings. Same seed, same action potentials")

    # ------------------------------------------------------------------ tour
    def do_tour(self) -> None:
        """Start the guided tour, or end it."""
        if self.tour_index is None:
            self.tour_index = 0
            self._apply_tour_step()
        else:
            self._end_tour()
            self._say("tour ended")

    def do_tour_next(self) -> None:
        """Next tour step (the last one ends the tour)."""
        if self.tour_index is None:
            self._say("N and B step through the guided tour: press T to start it")
            return
        if self.tour_index + 1 >= len(TOUR_STEPS):
            self._end_tour()
            self._say("end of the tour")
            return
        self.tour_index += 1
        self._apply_tour_step()

    def do_tour_back(self) -> None:
        """Previous tour step."""
        if self.tour_index is None:
            self._say("N and B step through the guided tour: press T to start it")
            return
        if self.tour_index == 0:
            self._say("this is the first step of the tour")
            return
        self.tour_index -= 1
        self._apply_tour_step()

    def _end_tour(self) -> None:
        self.tour_index = None
        self.highlight = None
        self._place_views()

    def _apply_tour_step(self) -> None:
        step = TOUR_STEPS[self.tour_index]
        self.compare = bool(step.get("compare", False))
        self._place_views()  # tour card and split screen first: the camera depends on them
        if not self.load_scenario(step["preset"], step.get("overrides"), announce=False):
            return
        if step.get("blockade") is not None:
            self.set_blockade(step["blockade"])
        self.set_speed(step.get("speed", self.preset.playback_us_per_s))
        spec = step.get("view", {"mode": "fit"})
        if spec["mode"] == "cleft":
            self.view.zoom_cleft()
        elif spec["mode"] == "focus":
            self.view.focus(spec["x_nm"], spec["z_nm"], spec["zoom"])
        else:
            self.view.fit()
        self.highlight = step.get("highlight")
        self.paused = False

    # ---------------------------------------------------------------- follow
    def do_follow_random(self) -> None:
        """Follow a free molecule chosen from the seed (or one about to be released)."""
        mid = random_free_molecule(self.model, self.seed)
        if mid is None:
            self._say("no 5-HT to follow yet: fire an action potential (F)")
            return
        self._follow(mid)

    def do_follow_stop(self) -> None:
        """Stop following a molecule."""
        self.follower.stop()

    # --------------------------------------------------------------- overlay
    def do_overlay(self) -> None:
        """Mean-field ODE prediction beside the cleft trace on / off."""
        ov = self.overlay
        ov.enabled = not ov.enabled
        if ov.enabled:
            self._say("dashed: mean-field ODE, same parameters (sim/meanfield.py)")
            self._update_overlay()

    # ------------------------------------------------------------- recording
    def start_recording(
        self, path: str | Path | None = None, *, gif: bool = False, explicit: bool = False
    ) -> Path:
        """Start recording frames to ``path`` (default: the next free ``cleft-NNNN``)."""
        if self.video is not None:
            raise RecordingError("already recording")
        if path is None:
            path = next_free_path(self.record_dir, ".gif" if gif else ".mp4")
        self.video = VideoRecorder(
            Path(path), self.size, VIDEO_FPS, block=self.scripted, explicit=explicit
        )
        self._next_capture_s = self.screen_time_s
        return self.video.path

    def stop_recording(self) -> Path | None:
        """Finish the recording and give it its name; None (and a message) if it failed."""
        v, self.video = self.video, None
        if v is None:
            return None
        try:
            out = v.finish()
        except RecordingError as exc:
            self._say(str(exc))
            return None
        self.last_recording = out
        dropped = f", {v.frames_dropped} dropped" if v.frames_dropped else ""
        self._say(f"saved {out.name} ({v.frames_written} frames{dropped})")
        return out

    def _toggle_recording(self, gif: bool) -> None:
        if self.video is not None:
            self.stop_recording()
            return
        try:
            path = self.start_recording(gif=gif)
        except OSError as exc:
            self._say(f"cannot record: {exc}")
            return
        self._say(f"recording {path.name}: press V again to stop and save")

    def do_record(self) -> None:
        """Start recording an MP4, or stop and save."""
        self._toggle_recording(gif=False)

    def do_record_gif(self) -> None:
        """Start recording a GIF, or stop and save."""
        self._toggle_recording(gif=True)

    def _capture(self, surface: pygame.Surface) -> None:
        v = self.video
        if v is None:
            return
        if v.error is not None:
            self.stop_recording()
            return
        n = 1
        if not self.scripted:  # keep video time in step with screen time
            n = 0
            step = 1.0 / VIDEO_FPS
            while (
                self.screen_time_s + 1e-9 >= self._next_capture_s and n < RECORD_MAX_CATCHUP_FRAMES
            ):
                n += 1
                self._next_capture_s += step
            if self.screen_time_s >= self._next_capture_s:
                self._next_capture_s = self.screen_time_s + step
        if n:
            data = pygame.image.tobytes(surface, "RGB")
            for _ in range(n):
                v.add_frame(data, surface.get_size())

    def close(self) -> None:
        """Finish a running recording and stop the overlay's and the day runs' workers."""
        if self.video is not None:
            self.stop_recording()
        self.overlay.close()
        self._end_timeline()

    def _end_timeline(self) -> None:
        self.treatment = None
        if self.day_runs is not None:
            self.day_runs.close()
            self.day_runs = None

    # -------------------------------------------------------------- the rest
    def do_zoom_in(self) -> None:
        """Zoom in about the scene centre."""
        self.view.zoom_at(ZOOM_STEP)

    def do_zoom_out(self) -> None:
        """Zoom out about the scene centre."""
        self.view.zoom_at(1.0 / ZOOM_STEP)

    def do_zoom_cleft(self) -> None:
        """Fill the screen with the cleft (true scale), or go back."""
        self.view.toggle_cleft()

    def do_fit(self) -> None:
        """Overview of the whole synapse."""
        self.view.fit()

    def do_pan_left(self) -> None:
        """Look further left."""
        self.view.pan_step(-1, 0)

    def do_pan_right(self) -> None:
        """Look further right."""
        self.view.pan_step(1, 0)

    def do_pan_up(self) -> None:
        """Look further up (into the terminal)."""
        self.view.pan_step(0, -1)

    def do_pan_down(self) -> None:
        """Look further down (into the postsynaptic cell)."""
        self.view.pan_step(0, 1)

    def do_labels(self) -> None:
        """Structure names on / off."""
        self.show_labels = not self.show_labels

    def do_projector(self) -> None:
        """Switch between the default and the projector profile."""
        self.projector = not self.projector
        self.theme = get_theme(self.projector)
        self.scene.set_theme(self.theme)
        self.layout(self.size, force=True)

    def do_fullscreen(self) -> None:
        """Ask the window loop to toggle fullscreen."""
        self.fullscreen_requested = True

    def do_help(self) -> None:
        """Help overlay on / off."""
        self.show_help = not self.show_help

    def do_screenshot(self) -> None:
        """Save the next drawn frame as PNG in ``screenshot_dir``."""
        self._screenshot_pending = True

    def do_quit(self) -> None:
        """Close the help overlay if open, else end the tour, else quit."""
        if self.show_help:
            self.show_help = False
        elif self.tour_index is not None:
            self._end_tour()
            self._say("tour ended")
        else:
            self.running = False

    def _say(self, text: str) -> None:
        self.toast = (text, self.screen_time_s)

    # --------------------------------------------------------------- layout
    def _build_widgets(self) -> None:
        self.pause_button = Button(
            lambda: "Play" if self.paused else "Pause", self.do_toggle_pause, "Space"
        )
        self.step_button = Button(lambda: "Step", self.do_step, "Right arrow")
        self.fire_button = Button(lambda: "Fire AP", self.do_fire, "F")
        self.reset_button = Button(lambda: "Reset", self.do_reset, "R")
        self.blockade_slider = Slider(
            "SSRI blockade of SERT (Up/Down, [ ])",
            lambda: self.model.blockade,
            self.set_blockade,
            lambda v: f"{v * 100:.0f}%",
            ticks=((0.8, "80% = typical dose"),),
        )
        self.rate_stepper = Stepper(
            "Firing rate ( , . )",
            self.rate_choices,
            lambda: self.model.firing_rate_hz,
            self.set_firing_rate,
            _fmt_rate,
        )
        self.speed_stepper = Stepper(
            "Playback ( - + )",
            self.speed_choices,
            lambda: self.playback_us_per_s,
            self.set_speed,
            _fmt_speed,
        )
        self.compare_button = Button(
            lambda: "Compare", self.do_compare, "C", on=lambda: self.compare
        )
        self.tour_button = Button(
            lambda: "Tour", self.do_tour, "T", on=lambda: self.tour_index is not None
        )
        self.bar_widgets: list[Widget] = [
            self.pause_button,
            self.step_button,
            self.fire_button,
            self.reset_button,
            self.blockade_slider,
            self.rate_stepper,
            self.speed_stepper,
            self.compare_button,
            self.tour_button,
        ]
        self.side_buttons: list[Widget] = [
            Button(lambda: "Labels (L)", self.do_labels, on=lambda: self.show_labels),
            Button(
                lambda: "Cleft zoom (Z)", self.do_zoom_cleft, on=lambda: self.view.mode == "cleft"
            ),
            Button(lambda: "Projector (P)", self.do_projector, on=lambda: self.projector),
            Button(lambda: "Help (H)", self.do_help, on=lambda: self.show_help),
        ]
        self.optional_widgets: list[Widget] = [self.compare_button, self.tour_button]
        """Shortcut buttons left out when the bar has no room (their keys still work)."""
        self.widgets = self.bar_widgets + self.side_buttons

    def ui_scale(self, size: tuple[int, int]) -> float:
        """Interface scale for a window size: 1 at 1280x720, times the profile's factor."""
        w, h = size
        base = min(w / REFERENCE_SIZE_PX[0], h / REFERENCE_SIZE_PX[1])
        return float(np.clip(base, 0.7, 2.4)) * self.theme.ui_scale

    def layout(self, size: tuple[int, int], force: bool = False) -> None:
        """Place the scene, the side panel and the control bar for a window ``size`` (px)."""
        size = (max(MIN_SIZE[0], int(size[0])), max(MIN_SIZE[1], int(size[1])))
        if size == self.size and not force:
            return
        self.size = size
        w, h = size
        s = self.ui_scale(size)
        if force or abs(self.fonts.scale - s) > 1e-6:
            self.fonts = hud.Fonts(s)
        for wd in self.widgets:
            wd.scale = s
        side_w = int(min(max(300 * s, 0.23 * w), 0.45 * w))
        scene_w = w - side_w
        # Control bar across the whole width: flow the widgets left to right, wrapping.
        cap_h = self.fonts.line_height("small") + int(4 * s)
        wid_h = int(34 * s)
        row_h = cap_h + wid_h + int(10 * s) + self.fonts.line_height("small")
        gap = int(12 * s)
        rows: list[list[tuple[Widget, int]]] = [[]]
        x = gap
        for wd in self.bar_widgets:
            pw = wd.preferred_width(self.fonts)
            if x + pw > w - gap and rows[-1]:
                if wd in self.optional_widgets:  # a shortcut button never costs a row
                    wd.rect = pygame.Rect(0, 0, 0, 0)
                    continue
                rows.append([])
                x = gap
            rows[-1].append((wd, pw))
            x += pw + gap
        bar_h = row_h * len(rows)
        self.bar_rect = pygame.Rect(0, h - bar_h, w, bar_h)
        for ri, row in enumerate(rows):
            x = gap
            y = self.bar_rect.top + ri * row_h + cap_h + int(2 * s)
            for wd, pw in row:
                wd.rect = pygame.Rect(x, y, pw, wid_h)
                x += pw + gap
        self.side_rect = pygame.Rect(scene_w, 0, side_w, h - bar_h)
        self.scene_rect = pygame.Rect(0, 0, scene_w, h - bar_h)
        self._place_views()
        # Side buttons: a 2 x 2 grid at the bottom of the side panel.
        pad = int(10 * s)
        bw = (side_w - 3 * pad) // 2
        bh = int(32 * s)
        for i, b in enumerate(self.side_buttons):
            col, row = i % 2, i // 2
            b.rect = pygame.Rect(
                scene_w + pad + col * (bw + pad),
                self.side_rect.bottom - (2 - row) * (bh + pad),
                bw,
                bh,
            )

    def _tour_card_text(self) -> tuple[str, str, str]:
        step = TOUR_STEPS[self.tour_index]
        title = f"Guided tour {self.tour_index + 1}/{len(TOUR_STEPS)}: {step['title']}"
        footer = "N next   B back   T or Esc ends the tour   (the keys still work)"
        return title, step["text"], footer

    def _place_views(self) -> None:
        """Scene rectangles: tour card at the bottom, split screen in compare mode."""
        r = pygame.Rect(self.scene_rect)
        s = self.fonts.scale
        m = int(8 * s)
        self.card_rect = None
        if self.tour_index is not None:
            title, text, footer = self._tour_card_text()
            h = panels.banner_height(self.fonts, r.w - 2 * m, title, text, footer)
            h = min(h, r.h // 2)
            self.card_rect = pygame.Rect(r.left + m, r.bottom - h - m, r.w - 2 * m, h)
            r.h -= h + 2 * m
        self.header_rects = []
        if self.compare:
            head = self.fonts.line_height("big") + int(10 * s)
            gap = max(4, int(6 * s))
            half = (r.w - gap) // 2
            left = pygame.Rect(r.left, r.top + head, half, r.h - head)
            right = pygame.Rect(r.right - half, r.top + head, half, r.h - head)
            self.header_rects = [
                pygame.Rect(left.left, r.top, half, head),
                pygame.Rect(right.left, r.top, half, head),
            ]
            self.control_view.set_rect(left)
            self.view.set_rect(right)
            self.control_view.copy_camera(self.view)
        else:
            self.view.set_rect(r)

    # ----------------------------------------------------------------- draw
    def draw(self, surface: pygame.Surface) -> None:
        """Draw one frame onto ``surface`` (re-lays-out if its size changed)."""
        if surface.get_size() != self.size:
            self.layout(surface.get_size())
        th, fonts, m = self.theme, self.fonts, self.model
        s = fonts.scale
        surface.fill(th.background)
        ap_glow = max(0.0, 1.0 - self.ap_age_s / AP_FLASH_S)
        scenes = [(self.view, m, self.flashes)]
        if self.control is not None:
            self.control_view.copy_camera(self.view)
            scenes.insert(0, (self.control_view, self.control, self.control_flashes))
        self.labels_drawn = 0
        self.highlights_drawn = 0
        for view, model, flashes in scenes:
            self.scene.draw(surface, view, model, flashes, ap_glow)
            g = glyph_size_px(view, model.params.tile_nm, th)
            site_xy = None
            if self.show_labels:
                site_xy = self.scene.site_screen_positions(view, model, g)
                self.labels_drawn += hud.draw_labels(surface, view, model, th, fonts, site_xy)
            if self.highlight:
                if site_xy is None:
                    site_xy = self.scene.site_screen_positions(view, model, g)
                items = panels.highlight_items(self.highlight, view, model, site_xy, g)
                panels.draw_highlights(surface, view, th, fonts, items, self.screen_time_s)
                panels.draw_site_rings(surface, view, th, model, site_xy, self.highlight, g)
                self.highlights_drawn += len(items)
            hud.draw_scale_bars(surface, view, th, fonts)
        panels.draw_follow(surface, self.view, th, self.follower, s)
        if self.compare:
            self._draw_compare_headers(surface)
        hud_view = self.control_view if self.compare else self.view
        hud_rect = hud.draw_time_hud(
            surface,
            hud_view,
            th,
            fonts,
            title=self._title(),
            time_us=m.time_us,
            playback_us_per_s=self.playback_us_per_s,
            achieved_us_per_s=None if self.scripted else self.achieved_us_per_s(),
            paused=self.paused,
            dt_ns=m.params.dt_ns,
        )
        panels.draw_follow_log(surface, self.view.rect, th, fonts, self.follower)
        if self.toast and self.screen_time_s - self.toast[1] < TOAST_S:
            hud.draw_toast(surface, self.view.rect, self.toast[0], th, fonts, avoid=hud_rect)
        self._draw_side(surface)
        self._draw_bar(surface)
        if self.card_rect is not None and self.tour_index is not None:
            panels.draw_banner(surface, self.card_rect, th, fonts, *self._tour_card_text())
        elif self.caption_visible:
            self._draw_caption(surface)
        if self.show_help:
            glyphs = self.scene.glyphs(int(round(16 * fonts.scale)))
            caption = f"{self.preset.title}: {self.preset.caption}"
            self.help_rows_drawn = hud.draw_help(
                surface, surface.get_rect(), th, fonts, caption, glyphs
            )
        if self._screenshot_pending:
            self._screenshot_pending = False
            self._save_screenshot(surface)
        self._capture(surface)
        if self.video is not None and not self.scripted:
            v = self.video
            text = f"REC {int(v.seconds) // 60}:{int(v.seconds) % 60:02d}  (V stops and saves)"
            if v.frames_dropped:
                text += f"  {v.frames_dropped} frames dropped"
            fonts.blit(
                surface,
                text,
                (self.scene_rect.centerx, self.scene_rect.top + int(8 * s)),
                "normal",
                th.warn,
                "midtop",
                box=th.label_bg,
            )

    def _title(self) -> str:
        t = self.treatment
        if t is not None:
            return f"Treatment timeline from '{t.base_name}', day {t.day}   (seed {self.seed})"
        return f"{self.preset.title}   (preset '{self.preset.name}', seed {self.seed})"

    def _draw_compare_headers(self, surface: pygame.Surface) -> None:
        th, fonts = self.theme, self.fonts
        f = self.model.blockade
        right = f"SSRI: {f * 100:.0f}% of SERT blocked" if f > 0 else "your settings (no drug yet)"
        for rect, text, color in zip(
            self.header_rects,
            ("NO DRUG (control)", right),
            (th.plot_control, th.plot_conc),
            strict=True,
        ):
            surface.fill(th.panel, rect)
            pygame.draw.line(surface, color, rect.bottomleft, rect.bottomright, max(2, th.line + 2))
            fonts.blit(surface, text, rect.center, "big", color, "center")

    def _draw_caption(self, surface: pygame.Surface) -> None:
        fonts = self.fonts
        m = int(8 * fonts.scale)
        r = self.scene_rect
        title, text = self.preset.title, self.preset.caption
        footer = "I shows this again   H lists every key   T starts a guided tour"
        h = panels.banner_height(fonts, r.w - 2 * m, title, text, footer)
        rect = pygame.Rect(r.left + m, r.bottom - h - m, r.w - 2 * m, h)
        panels.draw_banner(surface, rect, self.theme, fonts, title, text, footer)

    def _draw_side(self, surface: pygame.Surface) -> None:
        th, fonts, m, c = self.theme, self.fonts, self.model, self.control
        r = self.side_rect
        hud.panel(surface, r, th)
        s = fonts.scale
        pad = int(10 * s)
        inner = r.inflate(-2 * pad, -2 * pad)
        lh = fonts.line_height("normal")
        g = int(round(16 * s))
        bottom = self.side_buttons[0].rect.top - pad
        show_legend = False
        if self.treatment is not None:
            detail_h = int(330 * s)
            plot_h = int(min(150 * s, max(60 * s, (bottom - inner.top - detail_h) / 2)))
        else:
            counters_h = 8 * lh
            legend_h = hud.legend_height(fonts, g)
            fixed = counters_h + legend_h + fonts.line_height("small") + 4 * pad
            plot_h = int(min(150 * s, (bottom - inner.top - fixed) / 2))
            show_legend = plot_h >= 90 * s
            if not show_legend:  # no room (large text): the help overlay shows the key instead
                plot_h = int(min(150 * s, (bottom - inner.top - fixed + legend_h) / 2))
        rec = m.recorder
        t_ms = rec.column("time_ms")
        window_us = self.plot_window_us()
        window_ms = window_us / 1000.0
        t_end = max(m.time_ms, window_ms)
        width = max(2, th.line + 1)
        pred = self.overlay.drawable(m)
        # Free 5-HT in the cleft, uM.
        # Only the samples in the window (and one before it) are scaled and drawn,
        # so the per-frame cost does not grow with the length of the run.
        i0 = int(np.searchsorted(t_ms, m.time_ms - window_ms))
        lo = max(0, i0 - 1)
        t_ms = t_ms[lo:]
        conc = rec.column("cleft_uM")[lo:]
        peaks = [float(conc[i0 - lo :].max()) if len(conc[i0 - lo :]) else 0.0]
        series: list[hud.Series] = []
        legend: list[tuple[str, tuple[int, int, int]]] = []
        if c is not None:
            c_conc = c.recorder.column("cleft_uM")[lo:]
            peaks.append(float(c_conc[i0 - lo :].max()) if len(c_conc[i0 - lo :]) else 0.0)
            series.append(hud.Series(c_conc, th.plot_control, width))
            legend.append(("no drug", th.plot_control))
            legend.append((f"SSRI {m.blockade * 100:.0f}%", th.plot_conc))
        series.append(hud.Series(conc, th.plot_conc, width))
        if pred is not None and len(pred["time_ms"]):
            j0 = int(np.searchsorted(pred["time_ms"], m.time_ms - window_ms))
            if j0 < len(pred["cleft_uM"]):
                peaks.append(float(pred["cleft_uM"][j0:].max()))
            series.append(
                hud.Series(pred["cleft_uM"], th.plot_ode, width, pred["time_ms"], dashed=True)
            )
        if self.overlay.enabled:
            if c is None:
                legend.append(("agents", th.plot_conc))
            legend.append(("mean-field ODE", th.plot_ode))
        y_max = hud.nice_ceil(max(max(peaks), 1.0))
        p1 = pygame.Rect(inner.left, inner.top, inner.w, plot_h)
        now_c = float(conc[-1]) if len(conc) else 0.0
        hud.draw_plot(
            surface,
            p1,
            th,
            fonts,
            title="Free 5-HT in cleft (µM)"
            if c is not None
            else f"Free 5-HT in cleft: {now_c:,.0f} µM",
            t_ms=t_ms,
            series=series,
            t_end_ms=t_end,
            window_ms=window_ms,
            y_max=y_max,
            y_fmt="{:,.0f}",
            legend=legend or None,
        )
        # Receptor occupancy with the blockade history.
        occ = rec.column("receptor_occupancy")[lo:]
        blk = rec.column("blockade")[lo:]
        p2 = pygame.Rect(inner.left, p1.bottom + pad, inner.w, plot_h)
        now_o = float(occ[-1]) if len(occ) else 0.0
        series = [hud.Series(blk * 100.0, th.plot_blockade, width)]
        legend = []
        if c is not None:
            series.append(
                hud.Series(
                    c.recorder.column("receptor_occupancy")[lo:] * 100.0, th.plot_control, width
                )
            )
            legend.append(("no drug", th.plot_control))
        series.append(hud.Series(occ * 100.0, th.plot_occupancy, width))
        if pred is not None and len(pred["time_ms"]):
            series.append(
                hud.Series(
                    pred["receptor_occupancy"] * 100.0, th.plot_ode, width, pred["time_ms"], True
                )
            )
        legend += [
            ("SSRI" if c is not None else "bound", th.plot_occupancy),
            (f"{'blocked' if c is not None else 'SSRI'} {m.blockade * 100:.0f}%", th.plot_blockade),
        ]
        if pred is not None:
            legend.append(("ODE", th.plot_ode))
        hud.draw_plot(
            surface,
            p2,
            th,
            fonts,
            title="Receptors bound (%)"
            if c is not None
            else f"Receptors bound: {now_o * 100:.0f}%",
            t_ms=t_ms,
            series=series,
            t_end_ms=t_end,
            window_ms=window_ms,
            y_max=100.0,
            y_fmt="{:.0f}%",
            legend=legend,
        )
        y = p2.bottom + 2
        note = f"plots: last {hud.fmt_duration_us(window_us)} of simulated time"
        pred_t0 = self.overlay.result.t0_us if self.overlay.result is not None else 0.0
        if pred is not None and pred_t0 > 0:
            note += f"; ODE from t = {hud.fmt_time_us(pred_t0)}"
        y = fonts.blit(surface, note, (inner.left, y), "small", th.text_dim).bottom + pad
        area = pygame.Rect(inner.left, y, inner.w, bottom - y)
        if self.treatment is not None:
            panels.draw_treatment(
                surface,
                area,
                th,
                fonts,
                self.treatment,
                m.firing_rate_hz,
                int(np.count_nonzero(m.sites.kind == 0)),
                self._signal_points(),
                self._computed_points(),
            )
        else:
            y = hud.draw_counters(surface, area, m, th, fonts, c, th.plot_control) + pad
            if show_legend:
                hud.draw_legend(
                    surface, pygame.Rect(inner.left, y, inner.w, 0), th, fonts, self.scene.glyphs(g)
                )
        for b in self.side_buttons:
            b.draw(surface, th, fonts)

    def _computed_points(self) -> tuple[list[tuple[int, bool, float]], int] | None:
        """Background day runs: (points, runs still busy), or None when there are none."""
        if self.day_runs is None:
            return None
        self.day_runs.poll()
        return self.day_runs.points(), self.day_runs.busy

    def _signal_points(self) -> list[tuple[int, bool, float]]:
        """Daily signal including the day on screen (recomputed twice a second of screen time)."""
        if self.screen_time_s - self._live_points_at >= 0.5 or self.scripted:
            self._live_points = self.treatment.signal_points(self._day_segment())
            self._live_points_at = self.screen_time_s
        return self._live_points

    def _draw_bar(self, surface: pygame.Surface) -> None:
        hud.panel(surface, self.bar_rect, self.theme)
        for wd in self.bar_widgets:
            if wd.rect.w:
                wd.draw(surface, self.theme, self.fonts)

    def _save_screenshot(self, surface: pygame.Surface) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = self.screenshot_dir / f"cleft-{stamp}.png"
        k = 1
        while path.exists():
            path = self.screenshot_dir / f"cleft-{stamp}-{k}.png"
            k += 1
        try:
            pygame.image.save(surface, str(path))
        except (pygame.error, OSError) as exc:
            self._say(f"screenshot failed: {exc}")
            return
        self.last_screenshot = path
        self._say(f"saved {path.name}")


def _preset_action(digit: str, name: str):
    def action(self: App) -> None:
        if self.tour_index is not None:
            self._end_tour()
        self.load_scenario(name)

    action.__name__ = f"do_preset_{digit}"
    action.__doc__ = f"Load the '{name}' scenario (key {digit}); same seed."
    return action


for _digit, _name, _ in PRESET_KEYS:
    setattr(App, f"do_preset_{_digit}", _preset_action(_digit, _name))


# ------------------------------------------------------------------ window
def _check_args(
    preset_name: Any,
    overrides: Any,
    seed: Any,
    size: Any,
    frames: Any,
    screenshot: Any,
    blockade: Any,
    fullscreen: Any,
    record: Any = None,
) -> None:
    if not isinstance(preset_name, str) or not preset_name:
        raise ValueError(f"preset = {preset_name!r} must be a preset name")
    if overrides is not None and not isinstance(overrides, dict):
        raise ValueError(f"overrides = {overrides!r} must be a dict of parameter values")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number >= 0")
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in size)
        or not (MIN_SIZE[0] <= size[0] <= MAX_SIZE[0] and MIN_SIZE[1] <= size[1] <= MAX_SIZE[1])
    ):
        raise ValueError(
            f"size = {size!r} must be (width, height) in [{MIN_SIZE[0]}, {MAX_SIZE[0]}] x "
            f"[{MIN_SIZE[1]}, {MAX_SIZE[1]}] px"
        )
    if frames is not None and (
        isinstance(frames, bool) or not isinstance(frames, int) or frames < 1
    ):
        raise ValueError(f"frames = {frames!r} must be a whole number >= 1")
    if screenshot is not None:
        if frames is None:
            raise ValueError("screenshot needs frames (draw N frames, then save the last)")
        path = Path(screenshot)
        if path.suffix.lower() != ".png":
            raise ValueError(f"screenshot = {screenshot!r} must be a .png path")
        if not path.parent.resolve().is_dir():
            raise ValueError(f"screenshot folder {str(path.parent)!r} does not exist")
    if blockade is not None and (
        isinstance(blockade, bool)
        or not isinstance(blockade, (int, float))
        or not (math.isfinite(blockade) and 0.0 <= blockade <= 1.0)
    ):
        raise ValueError(f"blockade = {blockade!r} is out of range [0.0, 1.0]")
    if not isinstance(fullscreen, bool):
        raise ValueError(f"fullscreen = {fullscreen!r} must be True or False")
    if record is not None:
        path = Path(record)
        if path.suffix.lower() not in SUFFIXES:
            raise ValueError(f"record = {str(record)!r} must be a .mp4 or .gif path")
        if not path.parent.resolve().is_dir():
            raise ValueError(f"record folder {str(path.parent)!r} does not exist")
        if path.exists():
            raise ValueError(f"record = {str(record)!r} exists; recordings never overwrite a file")


def _set_mode(size: tuple[int, int], fullscreen: bool) -> pygame.Surface:
    if fullscreen:
        try:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        except pygame.error:
            pass
    return pygame.display.set_mode(size, pygame.RESIZABLE)


def run_app(
    preset_name: str,
    overrides: dict | None,
    seed: int,
    size: tuple[int, int],
    frames: int | None = None,
    screenshot: str | None = None,
    blockade: float | None = None,
    fullscreen: bool = False,
    record: str | None = None,
) -> int:
    """Open the Cleft window; returns the exit code (0).

    Args:
        preset_name: preset name (``assets/presets``) or a .toml path.
        overrides: parameter values applied on top of the preset.
        seed: model seed.
        size: window size (width, height), px.
        frames: draw exactly this many frames, then exit. Each frame advances
            the model by the preset's playback speed at a nominal 60 fps
            (deterministic; works under ``SDL_VIDEODRIVER=dummy``); with
            ``record``, at ``VIDEO_FPS`` so the file plays at the set speed.
        screenshot: with ``frames``, save the last frame to this PNG path.
        blockade: initial SSRI blockade, fraction of SERT 0..1.
        fullscreen: start fullscreen (F11 toggles).
        record: record from the first frame to this .mp4 or .gif path (must
            not exist); the file is complete when the window closes (or after
            ``frames``). V stops it early.

    Raises:
        ValueError: any invalid argument (one-line message); preset errors
            (:class:`sim.presets.PresetError`) are ValueErrors too.
        RecordingError: the recording could not be written (an OSError; no
            partial file is left).
    """
    _check_args(
        preset_name, overrides, seed, size, frames, screenshot, blockade, fullscreen, record
    )
    preset = load_preset(preset_name, overrides or None)
    pygame.display.init()
    pygame.font.init()
    app: App | None = None
    try:
        screen = _set_mode(tuple(size), fullscreen)
        pygame.display.set_caption(WINDOW_TITLE)
        pygame.key.set_repeat(350, 45)
        scripted = frames is not None
        app = App(
            preset,
            seed,
            screen.get_size(),
            scripted=scripted,
            frame_fps=VIDEO_FPS if scripted and record else NOMINAL_FPS,
        )
        if blockade is not None:
            app.set_blockade(float(blockade))
        if record is not None:
            app.record_dir = Path(record).parent
            app.start_recording(record, gif=Path(record).suffix.lower() == ".gif", explicit=True)
        is_fullscreen = bool(screen.get_flags() & pygame.FULLSCREEN)
        windowed_size = tuple(size)
        timer = pygame.time.Clock()
        drawn = 0
        while app.running:
            app.pump()
            if not app.running:
                break
            if app.fullscreen_requested:
                app.fullscreen_requested = False
                if not is_fullscreen:
                    windowed_size = screen.get_size()
                is_fullscreen = not is_fullscreen
                screen = _set_mode(windowed_size, is_fullscreen)
                is_fullscreen = bool(screen.get_flags() & pygame.FULLSCREEN)
            screen = pygame.display.get_surface()
            dt_s = 0.0 if frames is not None else timer.tick(NOMINAL_FPS) / 1000.0
            app.update(dt_s)
            app.draw(screen)
            pygame.display.flip()
            drawn += 1
            if frames is not None and drawn >= frames:
                break
        if screenshot is not None and drawn:
            pygame.image.save(screen, str(screenshot))
        if app.video is not None:
            video, app.video = app.video, None
            video.finish()  # raises RecordingError (nothing left behind) on failure
    except BaseException:
        if app is not None and app.video is not None:
            app.video.abort()
        raise
    finally:
        if app is not None:
            app.overlay.close()
        pygame.quit()
    return 0
