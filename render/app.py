"""The Cleft window: the App that puts its rooms together, and ``run_app`` that opens it.

:class:`App` holds one :class:`sim.Synapse` (through :class:`render.synapse.playback.Playback`)
and a view of it. Tests drive it without a display: ``handle_event(event)``
(or ``pump()`` for the queue), ``update(real_dt_s)`` and ``draw(surface)``.
:func:`run_app` opens the real window (or, with ``frames``, draws that many
frames deterministically and can save the last one as PNG, or record them as
a video).

Each part owns its state (a newcomer looks here first, then in the room):

* :mod:`render.synapse.playback` the model(s), the fixed-step clock, pause and speed;
* :mod:`render.screen` window size, layout, colour profile, fonts, cameras, view keys;
* :mod:`render.controls` the widgets and the event handler (keys, mouse);
* the lecture layer: :mod:`render.lecture.guide` (tour), :mod:`render.lecture.course`
  (treatment timeline), :mod:`render.synapse.compare`, :mod:`render.lecture.follow`;
* :mod:`render.frame` and :mod:`render.sidepanel` draw a frame.

The App itself keeps what crosses rooms (loading a scenario, blockade and
firing rate, messages) and the things that start
and stop background work: recordings (:mod:`render.media.recording`), the
mean-field overlay's worker and the treatment day runs.

Every command has one entry in :attr:`App.actions`, the action table built
here where the rooms are wired: action name (:data:`render.common.keys.BINDINGS`)
to the bound method that runs it. The event handler and the help overlay read
that table; ``App.do(action)`` runs one entry.
"""

from __future__ import annotations

import math
import time
from functools import partial
from pathlib import Path
from typing import Any

import pygame

from render.common.constants import (
    CAPTION_S,
    GIF_COLORS,
    GIF_FPS,
    GIF_WIDTH_PX,
    NOMINAL_FPS,
    PLOT_SCREEN_S,
    RECORD_MAX_CATCHUP_FRAMES,
    REFERENCE_SIZE_PX,
    VIDEO_FPS,
)
from render.common.keys import BINDINGS, PRESET_KEYS, Action
from render.common.plots import plot_window_us
from render.controls import Controls
from render.display import display_problem, driver_problem, quiet_stderr, scripted_driver
from render.frame import FrameDrawer
from render.lecture.course import Course
from render.lecture.follow import FollowRoom
from render.lecture.guide import Guide
from render.lecture.overlay import MeanFieldOverlay
from render.lecture.treatment import DayRuns
from render.media.recording import SUFFIXES, RecordingError, VideoRecorder, next_free_path
from render.media.stats import RunStats
from render.screen import Screen
from render.synapse.compare import Compare
from render.synapse.playback import Playback
from render.tissue.mode import TissueMode
from sim.common.display import MAX_SIZE, MIN_SIZE, size_fits
from sim.params.presets import Preset, load_preset
from sim.params.synapse import ParameterError, Parameters
from sim.runs.outputs import atomic_output, check_output

WINDOW_TITLE = "Cleft - a serotonin synapse, molecule by molecule"

DEFAULT_OUT_DIR = Path.home() / "Cleft"
"""Where S (PNG) and V (MP4, GIF) save when no ``--out-dir`` is given."""


def record_fps(path: str | Path) -> int:
    """Frames per second of a recording to ``path``: ``GIF_FPS`` for .gif, else ``VIDEO_FPS``."""
    return GIF_FPS if Path(path).suffix.lower() == ".gif" else VIDEO_FPS


def gif_size(size: tuple[int, int]) -> tuple[int, int]:
    """A GIF's frame size for a window ``size``: ``GIF_WIDTH_PX`` wide at most, even, same shape."""
    w, h = size
    k = min(1.0, GIF_WIDTH_PX / max(w, 1))
    return max(2, int(w * k) // 2 * 2), max(2, int(h * k) // 2 * 2)


def gif_frame(surface: pygame.Surface, size: tuple[int, int]) -> pygame.Surface:
    """``surface`` scaled to ``size`` and reduced to ``GIF_COLORS`` colours, for a GIF frame.

    Fewer, stable colours make the GIF's compression work (the encoder then
    keeps exactly these colours); smooth scaling keeps text readable.
    """
    from PIL import Image

    small = pygame.transform.smoothscale(surface, size) if surface.get_size() != size else surface
    img = Image.frombytes("RGB", size, pygame.image.tobytes(small, "RGB"))
    img = img.quantize(GIF_COLORS, method=Image.Quantize.FASTOCTREE).convert("RGB")
    return pygame.image.frombytes(img.tobytes(), size, "RGB")


def out_folder(folder: Path) -> Path:
    """``folder``, created if missing (S and V save there)."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_png(surface: pygame.Surface, path: Path, replace: bool = True) -> None:
    """Write ``surface`` as a PNG by the output rule (whole or not at all, mode from the umask)."""
    with atomic_output(Path(path), "wb", replace=replace) as fh:
        pygame.image.save(surface, fh, "frame.png")


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
            (default: ``DEFAULT_OUT_DIR``, created on the first save).
        frame_fps: scripted frames per second of playback (``NOMINAL_FPS``;
            ``VIDEO_FPS`` for a scripted recording).
        compare: start in compare mode (a drug-free control beside the model).
        tour: start the guided tour.
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
        compare: bool = False,
        tour: bool = False,
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.preset = preset
        self.user_overrides = dict(preset.overrides)
        """Parameter overrides from the command line, kept when another preset is loaded."""
        self.seed = seed
        self.scripted = scripted
        self.running = True
        self.toast: tuple[str, float] | None = None
        self.caption_at: float | None = None if scripted else 0.0
        self.screenshot_dir = Path(screenshot_dir) if screenshot_dir else DEFAULT_OUT_DIR
        self.record_dir = self.screenshot_dir
        self.last_screenshot: Path | None = None
        self.last_recording: Path | None = None
        self._screenshot_pending = False
        self.video: VideoRecorder | None = None
        self._next_capture_s = 0.0
        self.day_runs: DayRuns | None = None
        self.overlay = MeanFieldOverlay(background=not scripted)

        self.play = Playback(
            preset.params,
            seed,
            preset.playback_us_per_s,
            scripted=scripted,
            frame_fps=frame_fps,
            say=self.say,
        )
        self.compare = Compare(self)
        self.guide = Guide(self)
        self.course = Course(self)
        self.follow = FollowRoom(self)
        self.tissue = TissueMode(self)
        self.screen = Screen(self, size, projector)
        self.controls = Controls(self)
        self.frame = FrameDrawer(self)
        self.actions: dict[str, Action] = self._action_table()
        """Action name -> the bound method that runs it (every binding has exactly one)."""
        self.screen.layout(size)
        if compare:
            self.compare.set(True)
        if tour:
            self.guide.do_tour()

    # --------------------------------------------------------- shortcuts
    @property
    def model(self):
        """The synapse on screen (with your settings)."""
        return self.play.model

    @property
    def control(self):
        """Compare mode: the drug-free control synapse, else None."""
        return self.play.control

    @property
    def view(self):
        """The camera over the model's picture."""
        return self.screen.view

    @property
    def caption_visible(self) -> bool:
        """The scenario's caption banner is up."""
        return (
            self.caption_at is not None
            and self.play.screen_time_s - self.caption_at < CAPTION_S
            and not self.guide.active
        )

    def card_text(self) -> tuple[str, str, str] | None:
        """(title, text, footer) of the card below the scene.

        A change of scale's card first, then the tour's, then the caption's
        (not over the tissue view: that caption is the synapse's).
        """
        card = self.tissue.card_text() or self.guide.card_text()
        if card is None and self.caption_visible and not self.tissue.on:
            footer = "I shows this again   H lists every key   T starts a guided tour"
            card = (self.preset.title, self.preset.caption, footer)
        return card

    def plot_window_us(self) -> float:
        """Length of the live plots' time window, simulated us."""
        return plot_window_us(self.play.base_us_per_s, PLOT_SCREEN_S)

    def say(self, text: str) -> None:
        """A short message at the top right of the scene."""
        self.toast = (text, self.play.screen_time_s)

    # ----------------------------------------------------------- actions
    def _action_table(self) -> dict[str, Action]:
        """The one action table: every key binding's action name to the method that runs it."""
        play, screen, controls, course = self.play, self.screen, self.controls, self.course
        guide, follow = self.guide, self.follow
        table: dict[str, Action] = {
            # time
            "toggle_pause": play.do_toggle_pause,
            "step": self.do_step,
            "speed_up": play.do_speed_up,
            "speed_down": play.do_speed_down,
            "warp": play.do_warp,
            "pause_on_event": play.do_pause_on_event,
            "reset": self.do_reset,
            # synapse
            "fire": self.do_fire,
            "blockade_up": controls.do_blockade_up,
            "blockade_down": controls.do_blockade_down,
            "rate_up": controls.do_rate_up,
            "rate_down": controls.do_rate_down,
            # scenarios
            **{f"preset_{d}": partial(self.load_preset_key, name) for d, name, _ in PRESET_KEYS},
            "caption": self.do_caption,
            "tissue": self.tissue.do_tissue,
            # treatment timeline
            "day": course.do_day,
            "week": course.do_week,
            "drug": course.do_drug,
            # explore
            "compare": self.compare.do_compare,
            "tour": guide.do_tour,
            "tour_next": guide.do_tour_next,
            "tour_back": guide.do_tour_back,
            "follow_random": follow.do_follow_random,
            "follow_stop": follow.do_follow_stop,
            "overlay": self.do_overlay,
            # view
            "zoom_in": screen.do_zoom_in,
            "zoom_out": screen.do_zoom_out,
            "zoom_cleft": screen.do_zoom_cleft,
            "fit": screen.do_fit,
            "pan_left": screen.do_pan_left,
            "pan_right": screen.do_pan_right,
            "pan_up": screen.do_pan_up,
            "pan_down": screen.do_pan_down,
            "labels": screen.do_labels,
            "projector": screen.do_projector,
            "fullscreen": screen.do_fullscreen,
            # other
            "help": screen.do_help,
            "info": screen.do_info,
            "screenshot": self.do_screenshot,
            "record": self.do_record,
            "record_gif": self.do_record_gif,
            "quit": self.do_quit,
        }
        bound = {b.action for b in BINDINGS}
        if set(table) != bound:  # a programming error: a key without a command or the reverse
            raise RuntimeError(f"action table and key bindings differ: {set(table) ^ bound}")
        return table

    def do(self, action: str) -> None:
        """Run a bound action by its name (see :data:`render.common.keys.BINDINGS`)."""
        if self.tissue.on and not self.tissue.allows(action):
            return
        self.actions[action]()

    def pump(self) -> None:
        """Handle every event waiting in pygame's queue."""
        for event in pygame.event.get():
            self.handle_event(event)

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to one pygame event (the tissue view's clicks and Tab/Enter first)."""
        if not self.tissue.handle_event(event):
            self.controls.handle_event(event)

    # ------------------------------------------------------------- model
    def set_blockade(self, fraction: float) -> None:
        """SSRI blockade, fraction of SERT 0..1; the model follows at once (not the control)."""
        f = float(min(1.0, max(0.0, fraction)))
        if self.tissue.on:  # the tissue view is shown: the slider and keys act on the tissue
            self.tissue.set_blockade(round(f, 6))
            return
        self.model.set_blockade(round(f, 6))

    @property
    def shown_blockade(self) -> float:
        """The blockade of the model on screen (the tissue's in the tissue view), fraction."""
        return self.tissue.blockade if self.tissue.on else self.model.blockade

    def set_firing_rate(self, hz: float) -> None:
        """Action-potential rate from now on, Hz (both synapses in compare mode)."""
        for m in self.play.models:
            m.set_firing_rate(float(hz))

    def build(self, params: Parameters) -> None:
        """New model(s) from ``params`` at t = 0, same seed; the control too in compare mode."""
        rates_changed = self.play.build(params, self.compare.on)
        self.screen.set_geometry(params)
        self.follow.follower.stop()
        self.overlay.reset()
        if rates_changed and self.screen.size != (0, 0):
            self.screen.layout(self.screen.size, force=True)

    def restart(self) -> None:
        """Rebuild at t = 0 from the same parameters, keeping hand-set blockade and rate."""
        blockade, rate = self.model.blockade, self.model.firing_rate_hz
        self.build(self.play.params)
        if blockade != self.model.blockade:
            self.model.set_blockade(blockade)
        if rate != self.model.firing_rate_hz:
            for m in self.play.models:
                m.set_firing_rate(rate)

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
            self.say(f"cannot load '{name}': {exc}")
            return False
        self.preset = preset
        self.course.end()
        self.course.planned_occupancy = None
        self.build(preset.params)
        self.play.set_speed(preset.playback_us_per_s)
        self.caption_at = self.play.screen_time_s if announce else None
        return True

    def do_reset(self) -> None:
        """Restart at t = 0 (in the tour: replay the step)."""
        if self.guide.active:
            self.guide.replay()
            return
        self.restart()
        self.say("restarted at t = 0 (same seed)")

    def do_step(self) -> None:
        """One model step (pauses first if playing); the followed molecule moves with it."""
        self.play.step_once()
        self.follow.follower.update()

    def do_fire(self) -> None:
        """Queue one action potential at the next step (both synapses in compare mode)."""
        for m in self.play.models:
            m.fire()
        self.play.expect_release()
        if self.play.paused:
            self.say("action potential queued: press Space to play or Right to step")

    def do_caption(self) -> None:
        """Show the scenario's title and caption again."""
        self.caption_at = self.play.screen_time_s

    def do_overlay(self) -> None:
        """Mean-field ODE prediction beside the cleft trace on / off."""
        ov = self.overlay
        ov.enabled = not ov.enabled
        if ov.enabled:
            self.say("dashed: mean-field ODE, same parameters (sim/meanfield.py)")
            self._update_overlay()

    def do_screenshot(self) -> None:
        """Save the next drawn frame as PNG in ``screenshot_dir``."""
        self._screenshot_pending = True

    def load_preset_key(self, name: str) -> None:
        """A number key: end the tour, leave the tissue view, load scenario ``name`` (same seed)."""
        if self.guide.active:
            self.guide.end()
        if self.tissue.on:
            self.tissue.set(False)
        self.load_scenario(name)

    def do_quit(self) -> None:
        """Close the help overlay if open, else end the tour, else quit."""
        if self.screen.show_help:
            self.screen.show_help = False
        elif self.guide.active:
            self.guide.end()
            self.say("tour ended: back to what was on screen before it")
        else:
            self.running = False

    # -------------------------------------------------------------- loop
    def update(self, real_dt_s: float) -> int:
        """Advance by one frame of ``real_dt_s`` wall seconds; returns model steps taken."""
        self.guide.update()
        if self.tissue.on:  # the synapse waits, unchanged
            return self.tissue.update(real_dt_s)
        steps = self.play.update(real_dt_s)
        ap = self.play.last_ap
        if ap is not None:
            n_ap, fused, p_rel = ap
            what = "action potential" if n_ap == 1 else f"{n_ap} action potentials"
            self.say(
                f"{what}: {fused} vesicle{'s' if fused != 1 else ''} fused "
                f"(p = {p_rel:.2f} per docked vesicle)"
            )
        self.follow.update()
        self._update_overlay()
        return steps

    def _update_overlay(self) -> None:
        ov = self.overlay
        if not ov.enabled:
            return
        now = self.play.screen_time_s if self.scripted else time.perf_counter()
        ov.update(self.model, self.plot_window_us(), now)
        if ov.error is not None:
            self.say(f"mean-field ODE unavailable: {ov.error}")
            ov.error = None

    def draw(self, surface: pygame.Surface) -> None:
        """Draw one frame onto ``surface``; save it (S) and hand it to a running recording."""
        (self.tissue.draw if self.tissue.on else self.frame.draw)(surface)
        if self._screenshot_pending:
            self._screenshot_pending = False
            self._save_screenshot(surface)
        self._capture(surface)
        if self.video is not None and not self.scripted:
            self.frame.draw_rec_badge(surface, self.video)

    def _save_screenshot(self, surface: pygame.Surface) -> None:
        try:
            path = next_free_path(out_folder(self.screenshot_dir), ".png")
            save_png(surface, path, replace=False)
        except (pygame.error, OSError, ValueError) as exc:
            self.say(f"screenshot failed: {exc}")
            return
        self.last_screenshot = path
        self.say(f"saved {path}")
        print(f"saved {path}", flush=True)

    # ------------------------------------------------ background workers
    def start_day_runs(self, base: Parameters) -> None:
        """Start the treatment timeline's background day runs (not in scripted runs)."""
        if not self.scripted:  # scripted runs stay deterministic and quick
            self.day_runs = DayRuns(base, self.seed)

    def stop_day_runs(self) -> None:
        """Stop the day runs' worker."""
        if self.day_runs is not None:
            self.day_runs.close()
            self.day_runs = None

    def close(self) -> None:
        """Finish a running recording; stop the overlay's, the day runs' and the control's workers."""
        if self.video is not None:
            self.stop_recording()
        self.overlay.close()
        self.course.end()
        self.play.close()

    # ------------------------------------------------------------- recording
    def start_recording(
        self, path: str | Path | None = None, *, gif: bool = False, explicit: bool = False
    ) -> Path:
        """Start recording frames to ``path`` (default: the next free ``cleft-NNNN``)."""
        if self.video is not None:
            raise RecordingError("already recording")
        if path is None:
            path = next_free_path(out_folder(self.record_dir), ".gif" if gif else ".mp4")
        fps, size = (GIF_FPS, gif_size(self.screen.size)) if gif else (VIDEO_FPS, self.screen.size)
        self.video = VideoRecorder(Path(path), size, fps, block=self.scripted, explicit=explicit)
        self._next_capture_s = self.play.screen_time_s
        return self.video.path

    def stop_recording(self) -> Path | None:
        """Finish the recording and give it its name; None (and a message) if it failed."""
        v, self.video = self.video, None
        if v is None:
            return None
        try:
            out = v.finish()
        except RecordingError as exc:
            self.say(str(exc))
            return None
        self.last_recording = out
        dropped = f", {v.frames_dropped} dropped" if v.frames_dropped else ""
        self.say(f"saved {out} ({v.frames_written} frames{dropped})")
        if not self.scripted:
            print(f"saved {out}", flush=True)
        return out

    def _toggle_recording(self, gif: bool) -> None:
        if self.video is not None:
            self.stop_recording()
            return
        try:
            path = self.start_recording(gif=gif)
        except OSError as exc:
            self.say(f"cannot record: {exc}")
            return
        self.say(f"recording {path.name}: press V again to stop and save")

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
            step = 1.0 / v.fps
            while (
                self.play.screen_time_s + 1e-9 >= self._next_capture_s
                and n < RECORD_MAX_CATCHUP_FRAMES
            ):
                n += 1
                self._next_capture_s += step
            if self.play.screen_time_s >= self._next_capture_s:
                self._next_capture_s = self.play.screen_time_s + step
        if n:
            frame = gif_frame(surface, v.size) if v.kind == "gif" else surface
            data = pygame.image.tobytes(frame, "RGB")
            for _ in range(n):
                v.add_frame(data, frame.get_size())


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
        or not size_fits(*size)
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


def _check_session(
    frames: Any,
    out_dir: Any,
    quit_after: Any,
    stats: Any,
    flags: dict[str, Any],
) -> Path | None:
    """Check the start-up options of a lecture run; returns the output folder (or None)."""
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise ValueError(f"{name} = {value!r} must be True or False")
    if quit_after is not None and (
        isinstance(quit_after, bool)
        or not isinstance(quit_after, (int, float))
        or not (math.isfinite(quit_after) and 0.0 < quit_after <= 86400.0)
    ):
        raise ValueError(f"--quit-after {quit_after!r} must be seconds in (0, 86400]")
    if quit_after is not None and frames is not None:
        raise ValueError("--quit-after runs in real time; --frames draws a fixed count: pick one")
    if stats is not None:
        if Path(stats).suffix.lower() != ".json":
            raise ValueError(f"--stats {str(stats)!r} must be a .json path")
        check_output("--stats", stats)
    if out_dir is None:
        return None
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--out-dir {str(out_dir)!r} is not a folder")
    if not folder.parent.resolve().is_dir():
        raise ValueError(f"--out-dir {str(out_dir)!r}: its parent folder does not exist")
    folder.mkdir(exist_ok=True)
    check_output("--out-dir", folder / "cleft-probe.png")
    return folder


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
    *,
    projector: bool = False,
    compare: bool = False,
    tour: bool = False,
    out_dir: str | Path | None = None,
    quit_after: float | None = None,
    stats: str | Path | None = None,
) -> int:
    """Open the Cleft window; returns the exit code (0).

    Args:
        preset_name: preset name (``assets/presets``) or a .toml path. A tissue
            preset (``model = "tissue"``) opens on the tissue view, its
            parameters and ``blockade`` on the tissue; the synapse behind it
            (key M, or a click on a varicosity) is ``ZOOM_PRESET``.
        overrides: parameter values applied on top of the preset.
        seed: model seed.
        size: window size (width, height), px.
        frames: draw exactly this many frames, then exit, without showing a
            window (SDL's dummy driver). Each frame advances the model by the
            preset's playback speed at a nominal 60 fps (deterministic); with
            ``record``, at the file's frame rate (``VIDEO_FPS``, ``GIF_FPS``) so
            it plays at the set speed.
        screenshot: with ``frames``, save the last frame to this PNG path.
        blockade: initial SSRI blockade, fraction of SERT 0..1.
        fullscreen: start fullscreen (F11 toggles).
        record: record from the first frame to this .mp4 or .gif path (must
            not exist); the file is complete when the window closes (or after
            ``frames``). V stops it early.
        projector: start in projector mode (P).
        compare: start in compare mode (C).
        tour: start the guided tour (T).
        out_dir: folder for S and V (default ``DEFAULT_OUT_DIR``); created if
            its parent exists. Each saved path is printed.
        quit_after: run in real time for this many wall seconds, then close.
        stats: write the run's diagnostics (:mod:`render.media.stats`) as JSON here.

    Raises:
        ValueError: any invalid argument, or no display to open a window on
            (one-line message); preset errors are ValueErrors too.
        RecordingError: the recording could not be written (an OSError; no
            partial file is left).
    """
    _check_args(
        preset_name, overrides, seed, size, frames, screenshot, blockade, fullscreen, record
    )
    flags = {"projector": projector, "compare": compare, "tour": tour}
    folder = _check_session(frames, out_dir, quit_after, stats, flags)
    scripted = frames is not None
    problem = None if scripted else display_problem()
    if problem is not None:
        raise ValueError(problem)
    preset = load_preset(preset_name, overrides or None)
    tissue = None
    if preset.model == "tissue":  # the window opens on the tissue; a synapse waits behind it
        if compare or tour:
            flag = "--compare" if compare else "--tour"
            raise ValueError(f"{flag} starts at the synapse: use it without a tissue preset")
        from render.tissue.mode import ZOOM_PRESET

        tissue, preset = preset, load_preset(ZOOM_PRESET)
    app: App | None = None
    run = RunStats()
    with scripted_driver(scripted):
        try:
            with quiet_stderr():
                pygame.display.init()
                hidden = None if scripted else driver_problem(pygame.display.get_driver())
                if hidden is not None:
                    raise ValueError(hidden)
                pygame.font.init()
                screen = _set_mode(tuple(size), fullscreen)
            pygame.display.set_caption(WINDOW_TITLE)
            pygame.key.set_repeat(350, 45)
            app = App(
                preset,
                seed,
                screen.get_size(),
                scripted=scripted,
                projector=projector,
                screenshot_dir=folder,
                frame_fps=record_fps(record) if scripted and record else NOMINAL_FPS,
                compare=compare,
                tour=tour,
            )
            if tissue is not None:
                app.tissue.start(tissue)
            if blockade is not None:
                app.set_blockade(float(blockade))
            if record is not None:
                app.record_dir = Path(record).parent
                app.start_recording(
                    record, gif=Path(record).suffix.lower() == ".gif", explicit=True
                )
            _loop(app, screen, size, frames, quit_after, run)
            if screenshot is not None and run.frames:
                save_png(pygame.display.get_surface(), Path(screenshot))
            if app.video is not None:
                video, app.video = app.video, None
                video.finish()  # raises RecordingError (nothing left behind) on failure
            if stats is not None:
                run.write(stats)
        except BaseException:
            if app is not None and app.video is not None:
                app.video.abort()
            raise
        finally:
            if app is not None:
                app.overlay.close()
                app.stop_day_runs()
                app.play.close()
            pygame.quit()
    return 0


def _loop(
    app: App,
    screen: pygame.Surface,
    size: tuple[int, int],
    frames: int | None,
    quit_after: float | None,
    run: RunStats,
) -> None:
    """The frame loop: events, one update, one draw, flip; ``run`` gets one record per frame."""
    is_fullscreen = bool(screen.get_flags() & pygame.FULLSCREEN)
    windowed_size = tuple(size)
    timer = pygame.time.Clock()
    start = last = time.perf_counter()
    while app.running:
        app.pump()
        if not app.running:
            break
        if app.screen.fullscreen_requested:
            app.screen.fullscreen_requested = False
            if not is_fullscreen:
                windowed_size = screen.get_size()
            is_fullscreen = not is_fullscreen
            screen = _set_mode(windowed_size, is_fullscreen)
            is_fullscreen = bool(screen.get_flags() & pygame.FULLSCREEN)
        screen = pygame.display.get_surface()
        dt_s = 0.0 if frames is not None else timer.tick(NOMINAL_FPS) / 1000.0
        t_before = app.model.time_us
        model_before = app.model
        app.update(dt_s)
        app.draw(screen)
        with app.play.stepping_during():  # the frame's steps run while the display copies it
            pygame.display.flip()
        advanced = app.model.time_us - (t_before if app.model is model_before else 0.0)
        now = time.perf_counter()
        play = app.play
        run.frame(now - last, not play.paused, play.playback_us_per_s, advanced, play.behind)
        last = now
        if frames is not None and run.frames >= frames:
            break
        if quit_after is not None and now - start >= quit_after:
            break
