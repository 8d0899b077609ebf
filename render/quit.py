"""Esc: close what covers the screen, end the tour, or quit (asking once more if work would end).

A presentation remote's Esc (its stop button) therefore never quits during
the tour, and Esc pressed twice to leave the tour asks first; a running
recording or treatment course makes Esc ask once more too (within
``QUIT_CONFIRM_S`` of screen time a second Esc quits).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from render.common.constants import QUIT_CONFIRM_S
from render.lecture.course import Course
from render.lecture.guide import Guide
from render.media.saves import Saves
from render.screen import Screen
from render.synapse.playback import Playback


class QuitKey:
    """What Esc does now, and when it last asked.

    Args:
        screen: the help and blank switches, and the window's open flag.
        guide: the tour (Esc ends it first).
        saves: a running recording (Esc asks before ending it).
        course: a treatment course (Esc asks before ending it).
        play: the screen time the confirmations are timed on.
        say: shows a short message on screen.
    """

    def __init__(
        self,
        screen: Screen,
        guide: Guide,
        saves: Saves,
        course: Course,
        play: Playback,
        say: Callable[[str], None],
    ) -> None:
        self.screen = screen
        self.guide = guide
        self.saves = saves
        self.course = course
        self.play = play
        self.say = say
        self._quit_asked_at = -math.inf
        """Screen time Esc last asked 'Esc again quits', s."""
        self._tour_ended_at = -math.inf

    def do_quit(self) -> None:
        """Esc: close the help, else end the tour, else quit; a course or recording asks once more."""
        now, say, screen = self.play.screen_time_s, self.say, self.screen
        if screen.show_help or screen.blank:
            screen.show_help = screen.blank = False
            return
        if self.guide.active:
            self.guide.end()
            self._tour_ended_at = now
            say("tour ended: back to what was on screen before it (Esc again asks to quit)")
            return
        ends = [
            what
            for what, on in (
                (" and ends the recording", self.saves.video is not None),
                (" and ends the treatment course", self.course.treatment is not None),
                ("", now - self._tour_ended_at < QUIT_CONFIRM_S),
            )
            if on
        ]
        if ends and now - self._quit_asked_at >= QUIT_CONFIRM_S:
            self._quit_asked_at = now
            say(f"Esc again quits Cleft{ends[0]}")
            return
        screen.open = False
