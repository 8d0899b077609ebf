"""The scenario on screen: its preset (or treatment day), its caption, and every rebuild.

:class:`Scenario` owns what the synapse on screen was built from: the preset,
the command line's overrides (kept when another preset is loaded), the
caption's clock, and, during a treatment timeline, the
:class:`render.lecture.treatment.Treatment` with its background
:class:`render.lecture.day_runs.DayRuns`. It is the one place that rebuilds
the model(s) (:meth:`Scenario.build`): the number keys, the treatment course
(:mod:`render.lecture.course`), compare mode and the tour all come here.
Loading a scenario ends a treatment timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from render.common.constants import CAPTION_S, TIMELINE_BASE
from render.lecture.day_runs import DayRuns
from render.lecture.follow import Follower
from render.lecture.overlay import MeanFieldOverlay
from render.lecture.treatment import Treatment
from render.synapse.playback import Playback
from sim.course.slow import DayState
from sim.params.presets import Preset, load_preset
from sim.params.synapse import ParameterError, Parameters

CAPTION_FOOTER = "I shows this again   H lists every key   T starts a guided tour"
"""The footer of the scenario's caption card."""


class Geometry(Protocol):
    """What a rebuild changes on the screen (:class:`render.screen.Screen`)."""

    size: tuple[int, int]

    def set_geometry(self, params: Parameters) -> None:
        """Give the cameras the synapse's dimensions."""

    def layout(self, size: tuple[int, int] | None = None, force: bool = False) -> None:
        """Place everything for a window ``size``, px."""


class Scenario:
    """The preset or treatment day on screen, its caption, and the rebuilds.

    Args:
        preset: the preset the window opened with (its overrides are the command line's).
        seed: the window's seed (every rebuild and every day run uses it).
        scripted: a scripted run (no caption at start, no background day runs).
        play: the model(s) and their clock.
        screen: the cameras and layout a rebuild updates.
        follower: the followed molecule (a rebuild stops following).
        overlay: the mean-field overlay (a rebuild forgets its prediction).
        say: shows a short message on screen.
    """

    def __init__(
        self,
        preset: Preset,
        *,
        seed: int,
        scripted: bool,
        play: Playback,
        screen: Geometry,
        follower: Follower,
        overlay: MeanFieldOverlay,
        say: Callable[[str], None],
    ) -> None:
        self.preset = preset
        self.user_overrides = dict(preset.overrides)
        """Parameter overrides from the command line, kept when another preset is loaded."""
        self.seed = seed
        self.scripted = scripted
        self.caption_at: float | None = None if scripted else 0.0
        """Screen time the caption went up, s (None: not showing)."""
        self.treatment: Treatment | None = None
        """The treatment timeline on screen (D, W, K), or None."""
        self.planned_occupancy: float | None = None
        """A blockade set by hand before the timeline opened: the dose K starts with."""
        self.day_runs: DayRuns | None = None
        """The timeline's background day runs (None: no timeline, or a scripted run)."""
        self.ahead_runs: DayRuns | None = None
        """Day runs started with the window for the course K would start (idle CPU only): a
        timeline opened on the same base takes them over instead of starting its own."""
        self.tour_runs: DayRuns | None = None
        """Day runs a started tour owns (computing its course steps' days ahead): a
        timeline on the same base uses them instead of starting its own."""
        self.play = play
        self.screen = screen
        self.follower = follower
        self.overlay = overlay
        self.say = say

    # ------------------------------------------------------------ caption
    def caption_visible(self, touring: bool) -> bool:
        """The caption banner is up (never during the tour: its card explains)."""
        return (
            self.caption_at is not None
            and self.play.screen_time_s - self.caption_at < CAPTION_S
            and not touring
        )

    def caption_card(self) -> tuple[str, str, str]:
        """(title, caption, footer) of the scenario's caption card."""
        return self.preset.title, self.preset.caption, CAPTION_FOOTER

    def do_caption(self) -> None:
        """Show the scenario's title and caption again."""
        self.caption_at = self.play.screen_time_s

    # ------------------------------------------------------------ rebuilds
    def build(self, params: Parameters) -> None:
        """New model(s) from ``params`` at t = 0, same seed; the control too in compare mode.

        The control is the same synapse never given the drug: a course's
        drug-free base, or for a preset that is a day of treatment
        (``TIMELINE_BASE``) the drug-free preset it stands on.
        """
        self.play.naive = self.naive()
        rates_changed = self.play.build(params)
        self.screen.set_geometry(params)
        self.follower.stop()
        self.overlay.reset()
        if rates_changed and self.screen.size != (0, 0):
            self.screen.layout(self.screen.size, force=True)

    def naive(self) -> Parameters | None:
        """The drug-naive synapse behind what is on screen (None: the parameters themselves)."""
        if self.treatment is not None:
            return self.treatment.base
        base = TIMELINE_BASE.get(self.preset.name)
        if base is None:
            return None
        loaded = self.load(base, self.preset.overrides)
        return None if loaded is None else loaded.params

    def restart(self) -> None:
        """Rebuild at t = 0 from the same parameters, keeping hand-set blockade and rate."""
        model = self.play.model
        blockade, rate = model.blockade, model.firing_rate_hz
        self.build(self.play.params)
        if blockade != self.play.model.blockade:
            self.play.model.set_blockade(blockade)
        if rate != self.play.model.firing_rate_hz:
            self.play.set_firing_rate(rate)

    def load(self, name: str, overrides: dict | None = None) -> Preset | None:
        """Preset ``name`` with the command line's overrides (then ``overrides``); None says why."""
        try:
            return load_preset(name, {**self.user_overrides, **(overrides or {})})
        except (ParameterError, ValueError) as exc:
            self.say(f"cannot load '{name}': {exc}")
            return None

    def load_scenario(
        self, name: str, overrides: dict | None = None, announce: bool = True
    ) -> bool:
        """Load preset ``name`` (plus the command line's overrides) and rebuild, same seed.

        Ends a treatment timeline; the caption banner shows the preset's title
        and caption for ``CAPTION_S`` when ``announce``. Returns False (and
        says why on screen) if the preset cannot be loaded.
        """
        preset = self.load(name, overrides)
        if preset is None:
            return False
        self.preset = preset
        self.end_course()
        self.planned_occupancy = None
        self.build(preset.params)
        self.play.set_speed(preset.playback_us_per_s)
        self.caption_at = self.play.screen_time_s if announce else None
        return True

    # --------------------------------------------------- treatment course
    def end_course(self) -> None:
        """Close the treatment timeline (if one is open) and stop its background runs."""
        self.treatment = None
        self.stop_day_runs()

    def start_day_runs(self, base: Parameters) -> None:
        """Start the timeline's background day runs (not in scripted runs).

        The tour's runs, or those started with the window, serve it when they
        compute the same base at the same seed; else new ones start (and the
        window's, for another base, stop).
        """
        if self.scripted:  # scripted runs stay deterministic and quick
            return
        ahead, self.ahead_runs = self.ahead_runs, None
        if self.tour_runs is not None and self.tour_runs.serves(base, self.seed):
            self.day_runs = self.tour_runs
        elif ahead is not None and ahead.serves(base, self.seed):
            self.day_runs, ahead = ahead, None
        else:
            self.day_runs = DayRuns(base, self.seed)
        if ahead is not None:
            ahead.close()

    def start_ahead_runs(self, base: Parameters, states: list[DayState]) -> None:
        """Compute ``states`` of ``base`` before any timeline asks (not in scripted runs).

        The runs are at :class:`DayRuns`'s priority (``DAY_NICE``, the
        window's own).
        """
        if self.scripted or self.ahead_runs is not None:
            return
        self.ahead_runs = DayRuns(base, self.seed)
        self.ahead_runs.prefetch(states)

    def stop_ahead_runs(self) -> None:
        """Stop the runs started with the window (a tour starts its own)."""
        runs, self.ahead_runs = self.ahead_runs, None
        if runs is not None:
            runs.close()

    def stop_day_runs(self) -> None:
        """Stop the day runs' workers (the tour's own runs go on until the tour ends)."""
        if self.day_runs is not None and self.day_runs is not self.tour_runs:
            self.day_runs.close()
        self.day_runs = None
