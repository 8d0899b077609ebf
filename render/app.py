"""The Cleft window's rooms, built and wired: :class:`App` and its action table.

:class:`App` holds one :class:`sim.Synapse` (through :class:`render.synapse.playback.Playback`)
and a view of it. Tests drive it without a display: ``handle_event(event)``
(or ``pump()`` for the queue), ``update(real_dt_s)`` and ``draw(surface)``.
:func:`render.window.run_app` opens the real window around it.

Each room owns its state and is handed the collaborators it uses (a newcomer
looks here first, then in the room):

* :mod:`render.synapse.playback` the model(s), the fixed-step clock, pause, speed, firing;
* :mod:`render.lecture.scenario` the preset or treatment day on screen, its caption, rebuilds;
* :mod:`render.screen` window size, layout, colour profile, fonts, cameras, view keys;
* :mod:`render.controls` the widgets and the event handler (keys, mouse);
* the lecture layer: :mod:`render.lecture.guide` (tour), :mod:`render.lecture.course`
  (treatment timeline's keys), :mod:`render.synapse.compare`, :mod:`render.lecture.follow`;
* :mod:`render.tissue.mode` the tissue view (M);
* :mod:`render.media.saves` screenshots and recordings;
* :mod:`render.lecture.overlay` the mean-field overlay (O), :mod:`render.quit` Esc;
* :mod:`render.frame` and :mod:`render.sidepanel` draw a frame.

Every command has one entry in :attr:`App.actions`, the action table built
here: action name (:data:`render.common.keys.BINDINGS`) to the bound method
that runs it. The event handler (:meth:`render.controls.Controls.run`), the
buttons and the help overlay read that table.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pygame

from render.common.colors import theme as get_theme
from render.common.constants import NOMINAL_FPS, REFERENCE_SIZE_PX
from render.common.keys import BINDINGS, PRESET_KEYS, Action
from render.common.messages import Messages
from render.common.widgets import WidgetRows
from render.controls import Controls
from render.frame import FrameDrawer
from render.lecture.course import Course
from render.lecture.follow import Follower, FollowRoom
from render.lecture.guide import Guide
from render.lecture.overlay import MeanFieldOverlay, OverlayRoom
from render.lecture.scenario import Scenario
from render.media.saves import Saves, default_out_dir
from render.media.session_log import SessionLog
from render.quit import QuitKey
from render.screen import Screen
from render.sidepanel import SidePanel
from render.synapse.compare import Compare
from render.synapse.history_strip import rewind_room
from render.synapse.pipeline import ap_text
from render.synapse.playback import Playback
from render.synapse.rewind import BYTES_PER_MIB
from render.synapse.scene import SceneRenderer
from render.tissue.mode import TissueMode
from sim import Synapse
from sim.common.display import DEFAULT_HISTORY_MB
from sim.params.presets import Preset
from sim.runs.session import Session


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
            (default: :func:`render.media.saves.default_out_dir`, created on the first save).
        frame_fps: scripted frames per second of playback (``NOMINAL_FPS``;
            ``VIDEO_FPS`` for a scripted recording).
        compare: start in compare mode (a drug-free control beside the model).
        tour: start the guided tour.
        session: how the session started, for Ctrl+S (default: preset name, seed, options).
        history_mb: memory the recorded past (rewind, history strip) may hold, MiB (0: none).
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
        session: Session | None = None,
        history_mb: float = DEFAULT_HISTORY_MB,
    ) -> None:
        if not pygame.font.get_init():
            pygame.font.init()
        self.scripted = scripted
        self.messages = Messages(lambda: self.play.screen_time_s)
        say = self.messages.say
        self.play = Playback(preset.params, seed, preset.playback_us_per_s, scripted=scripted,
                             frame_fps=frame_fps, say=say,
                             history_bytes=int(history_mb * BYTES_PER_MIB))  # fmt: skip
        self.overlay = MeanFieldOverlay(background=not scripted)
        self.actions: dict[str, Action] = {}
        """Action name -> the bound method that runs it (filled below, once every room exists)."""
        self.widgets = WidgetRows()
        self.scene = SceneRenderer(get_theme(projector))
        self.screen = Screen(
            self.play,
            size,
            projector,
            card=self.card_text,
            course=lambda: self.course.treatment is not None,
            wide_bar=lambda: self.tissue.on,
            widgets=self.widgets,
            scene=self.scene,
        )
        folder, note = (Path(screenshot_dir), "") if screenshot_dir else default_out_dir()
        self.saves = Saves(
            folder,
            note=note,
            scripted=scripted,
            screen_time=lambda: self.play.screen_time_s,
            window_size=lambda: self.screen.size,
            say=say,
        )
        start = session or Session(preset.name, seed, size=tuple(size), projector=projector,
                                   compare=compare, tour=tour)  # fmt: skip
        self.session = SessionLog(start, self.play, say, lambda: self.saves.screenshot_dir,
                                  scripted=scripted)  # fmt: skip
        follower = Follower()
        self.scrub, self.widgets.strip = rewind_room(self.play, follower.rewound, say)
        self._lecture_rooms(preset, seed, follower)
        self.actions.update(self._action_table())
        self.session.attach(self.actions, self.screen, self.guide)
        self._input_and_drawing(follower)
        self.screen.layout(size)
        if compare:
            self.compare.set(True)
        if tour:
            self.guide.do_tour()

    def _lecture_rooms(self, preset: Preset, seed: int, follower: Follower) -> None:
        """The rooms that change what is shown: scenario, compare, course, follow, tissue, tour."""
        scripted, say = self.scripted, self.messages.say
        self.scenario = Scenario(
            preset,
            seed=seed,
            scripted=scripted,
            play=self.play,
            screen=self.screen,
            follower=follower,
            overlay=self.overlay,
            say=say,
        )
        self.compare = Compare(self.play, self.scenario.restart, self.screen.place_views, say)
        self.course = Course(self.scenario, self.play, say)
        self.follow = FollowRoom(follower, self.play, self.screen, seed, say)
        self.tissue = TissueMode(
            self.play,
            self.scenario,
            self.screen,
            self.messages,
            self.widgets,
            self.scene,
            self.actions,
            self.card_text,
            seed=seed,
            scripted=scripted,
        )
        self.guide = Guide(
            self.scenario, self.course, self.play, self.compare, self.tissue, self.screen, say
        )
        self.overlay_room = OverlayRoom(self.overlay, self.play, say, self.scripted)
        self.quit = QuitKey(self.screen, self.guide, self.saves, self.course, self.play, say)

    def _input_and_drawing(self, follower: Follower) -> None:
        """The event handler and the frame, which read the rooms (and the action table)."""
        self.controls = Controls(self.widgets, self.actions, self.play, self.screen, self.tissue,
                                 self.guide, self.compare, self.follow, self.session)  # fmt: skip
        side = SidePanel(
            self.play, self.screen, self.course, self.overlay, self.widgets, self.scene
        )
        self.frame = FrameDrawer(
            self.play,
            self.screen,
            self.scenario,
            self.guide,
            follower,
            self.messages,
            self.saves,
            self.widgets,
            side,
            self.scene,
            self.actions,
            self.card_text,
        )

    # --------------------------------------------------------- shortcuts
    @property
    def model(self) -> Synapse:
        """The synapse on screen (with your settings)."""
        return self.play.model

    @property
    def control(self) -> Synapse | None:
        """Compare mode: the drug-free control synapse, else None."""
        return self.play.control

    @property
    def view(self):
        """The camera over the model's picture."""
        return self.screen.view

    @property
    def preset(self) -> Preset:
        """The preset on screen (the scenario's)."""
        return self.scenario.preset

    @property
    def caption_visible(self) -> bool:
        """The scenario's caption banner is up."""
        return self.scenario.caption_visible(touring=self.guide.active)

    def card_text(self) -> tuple[str, str, str] | None:
        """(title, text, footer) of the card below the scene.

        A change of scale's card first, then the tour's, then the caption's
        (not over the tissue view: that caption is the synapse's).
        """
        card = self.tissue.card_text() or self.guide.card_text()
        if card is None and self.caption_visible and not self.tissue.on:
            card = self.scenario.caption_card()
        return card

    def set_blockade(self, fraction: float) -> None:
        """SSRI blockade of the model shown, fraction of SERT 0..1 (the slider's command)."""
        self.tissue.set_shown_blockade(fraction)

    # ----------------------------------------------------------- actions
    def _action_table(self) -> dict[str, Action]:
        """The one action table: every key binding's action name to the method that runs it."""
        play, screen, saves, course = self.play, self.screen, self.saves, self.course
        guide, follow, tissue = self.guide, self.follow, self.tissue
        scenario = self.scenario
        table: dict[str, Action] = {
            # time
            "toggle_pause": play.do_toggle_pause,
            "step": follow.do_step,
            **self.scrub.actions,  # back a step, the events, live, replay (Left, Ctrl, End, Y)
            "speed_up": partial(play.step_speed, +1),
            "speed_down": partial(play.step_speed, -1),
            "warp": play.do_warp,
            "pause_on_event": play.do_pause_on_event,
            "reset": guide.do_reset,
            # synapse
            "fire": play.fire,
            "blockade_up": tissue.do_blockade_up,
            "blockade_down": tissue.do_blockade_down,
            "rate_up": partial(play.step_rate, +1),
            "rate_down": partial(play.step_rate, -1),
            # scenarios
            **{f"preset_{d}": partial(guide.load_preset_key, name) for d, name, _ in PRESET_KEYS},
            "caption": scenario.do_caption,
            "tissue": tissue.do_tissue,
            # treatment timeline
            "day": course.do_day,
            "week": course.do_week,
            "drug": course.do_drug,
            "rx_drug": course.do_rx_drug,
            "rx_dose": course.do_rx_dose,
            "rx_taper": course.do_rx_taper,
            # explore
            "compare": self.compare.do_compare,
            "tour": guide.do_tour,
            "tour_next": guide.do_tour_next,
            "tour_back": guide.do_tour_back,
            "tour_start": guide.do_tour_start,
            "blank": screen.do_blank,
            "follow_random": follow.do_follow_random,
            "follow_stop": follow.do_follow_stop,
            "overlay": self.overlay_room.do_overlay,
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
            "screenshot": saves.do_screenshot,
            "save_session": self.session.do_save_session,
            "record": saves.do_record,
            "record_gif": saves.do_record_gif,
            "quit": self.quit.do_quit,
        }
        bound = {b.action for b in BINDINGS}
        if set(table) != bound:  # a programming error: a key without a command or the reverse
            raise RuntimeError(f"action table and key bindings differ: {set(table) ^ bound}")
        return table

    def do(self, action: str) -> None:
        """Run a bound action by its name, as its key does (:meth:`Controls.run`)."""
        self.controls.run(action)

    def pump(self) -> None:
        """Handle every event waiting in pygame's queue."""
        self.controls.pump()

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to one pygame event (:meth:`render.controls.Controls.handle_event`)."""
        self.controls.handle_event(event)

    # -------------------------------------------------------------- loop
    def update(self, real_dt_s: float) -> int:
        """Advance by one frame of ``real_dt_s`` wall seconds; returns model steps taken."""
        self.session.apply_due()  # a replayed session's commands due at this step
        self.guide.update()
        if self.tissue.on:  # the synapse waits, unchanged
            return self.tissue.update(real_dt_s)
        self.scrub.update()  # a drag along the history strip: the moment it asked for
        steps = self.play.update(real_dt_s)
        if self.play.last_ap is not None and self.play.rewind.at_head:  # not one replayed
            self.messages.say(ap_text(self.play.last_ap))  # (Y's message stays up)
        self.follow.update()
        self.overlay_room.update()
        return steps

    def draw(self, surface: pygame.Surface) -> None:
        """Draw one frame onto ``surface``; save it (S) and hand it to a running recording."""
        if self.screen.blank:  # B: black, nothing recorded
            surface.fill((0, 0, 0))
            return
        (self.tissue.draw if self.tissue.on else self.frame.draw)(surface)
        self.saves.frame_drawn(surface)
        if self.saves.video is not None and not self.scripted:
            self.frame.draw_rec_badge(surface, self.saves.video)

    def close(self) -> None:
        """Finish a running recording; stop the overlay's, the day runs' and the control's workers."""
        if self.saves.video is not None:
            self.saves.stop_recording()
        self.overlay.close()
        self.scenario.end_course()
        self.play.close()
