"""The ONE key-bindings table. The App's event handler and the help overlay both read it.

Each :class:`Binding` names an action, the keys that trigger it, a required
modifier, the text the help overlay shows and a group heading. The action
table built in :mod:`render.app` (``App.actions``) maps each action name to
the bound method that runs it, one entry per binding. Number keys load the
presets of :data:`PRESET_KEYS` (action ``preset_<digit>``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import pygame

Action = Callable[[], None]
"""What an action name runs: a bound method taking nothing (``App.actions``)."""

SHIFT = pygame.KMOD_SHIFT
CTRL = pygame.KMOD_CTRL


@dataclass(frozen=True)
class Binding:
    """One keyboard command.

    Attributes:
        action: action name; its entry in ``App.actions`` runs it.
        keys: pygame key codes that trigger it.
        label: how the keys are written in the help overlay.
        description: what the command does, in plain language.
        group: heading in the help overlay.
        mod: modifier that must be held (``SHIFT``), 0 for none.
    """

    action: str
    keys: tuple[int, ...]
    label: str
    description: str
    group: str
    mod: int = 0


PRESET_KEYS: tuple[tuple[str, str, str], ...] = (
    ("1", "healthy", "healthy synapse, no drug"),
    ("2", "fast-sert", "fast transporter (gain-of-function SERT)"),
    ("3", "acute-ssri", "SSRI, first day"),
    ("4", "chronic-ssri", "SSRI after 3-4 weeks"),
    ("5", "discontinuation", "SSRI stopped, a week later"),
    ("6", "tryptophan-depletion", "tryptophan depletion"),
    ("7", "default", "default synapse (didactic clock)"),
    ("8", "single-release", "one release, start to finish"),
    ("9", "physiological", "physiological rates (clearance takes seconds)"),
)
"""(digit, preset name, help text): the scenario presets on the number keys."""


def _digit_keys(d: str) -> tuple[int, ...]:
    return (getattr(pygame, f"K_{d}"), getattr(pygame, f"K_KP_{d}"))


BINDINGS: tuple[Binding, ...] = (
    # --- time -------------------------------------------------------------
    Binding("toggle_pause", (pygame.K_SPACE,), "Space", "play / pause", "Time"),
    Binding(
        "step",
        (pygame.K_RIGHT,),
        "Right arrow",
        "one model step while paused (pauses first)",
        "Time",
    ),
    Binding(
        "step_back",
        (pygame.K_LEFT,),
        "Left arrow",
        "one model step back while paused (pauses first)",
        "Time",
    ),
    Binding(
        "prev_event",
        (pygame.K_LEFT,),
        "Ctrl+Left",
        "back to the previous event (fusion, first bound, capture)",
        "Time",
        CTRL,
    ),
    Binding(
        "next_event", (pygame.K_RIGHT,), "Ctrl+Right", "on to the next recorded event", "Time", CTRL
    ),
    Binding("live", (pygame.K_END,), "End", "back to live (the newest moment)", "Time"),
    Binding(
        "replay_release",
        (pygame.K_y,),
        "Y",
        "the last release again, in slow motion (same molecules, same paths)",
        "Time",
    ),
    Binding(
        "speed_up",
        (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS),
        "+",
        "faster playback",
        "Time",
    ),
    Binding("speed_down", (pygame.K_MINUS, pygame.K_KP_MINUS), "-", "slower playback", "Time"),
    Binding(
        "warp",
        (pygame.K_a,),
        "A",
        "time-warp (slow at each release, fast between) / fixed speed",
        "Time",
    ),
    Binding(
        "pause_on_event",
        (pygame.K_e,),
        "E",
        "play on, pause at the next event (fusion, first receptor bound)",
        "Time",
    ),
    Binding(
        "reset",
        (pygame.K_r,),
        "R",
        "restart at t = 0 (same seed, keeps settings); in the tour: replay the step",
        "Time",
    ),
    # --- synapse ------------------------------------------------------------
    Binding("fire", (pygame.K_f,), "F", "fire one action potential now", "Synapse"),
    Binding(
        "blockade_up",
        (pygame.K_UP, pygame.K_RIGHTBRACKET),
        "Up  or  ]",
        "SSRI blockade +5% of SERT",
        "Synapse",
    ),
    Binding(
        "blockade_down",
        (pygame.K_DOWN, pygame.K_LEFTBRACKET),
        "Down  or  [",
        "SSRI blockade -5% of SERT",
        "Synapse",
    ),
    Binding("rate_up", (pygame.K_PERIOD,), ".", "higher firing rate", "Synapse"),
    Binding("rate_down", (pygame.K_COMMA,), ",", "lower firing rate", "Synapse"),
    # --- scenarios ----------------------------------------------------------
    *(Binding(f"preset_{d}", _digit_keys(d), d, text, "Scenarios") for d, _, text in PRESET_KEYS),
    Binding("caption", (pygame.K_i,), "I", "show the scenario's explanation again", "Scenarios"),
    Binding(
        "tissue",
        (pygame.K_m,),
        "M",
        "tissue scale: 20 µm of neuropil in real time / back to the synapse",
        "Scenarios",
    ),
    # --- treatment timeline -------------------------------------------------
    Binding("day", (pygame.K_d,), "D", "treatment timeline: next day", "Treatment"),
    Binding("week", (pygame.K_w,), "W", "treatment timeline: one week later", "Treatment"),
    Binding(
        "drug",
        (pygame.K_k,),
        "K",
        "start the SSRI today (chosen drug, else the slider) / stop it",
        "Treatment",
    ),
    Binding("rx_drug", (pygame.K_k,), "Shift+K", "next drug for K", "Treatment", SHIFT),
    Binding("rx_dose", (pygame.K_k,), "Ctrl+K", "next dose (mg/day)", "Treatment", CTRL),
    Binding("rx_taper", (pygame.K_j,), "J", "abrupt stop or taper", "Treatment"),
    # --- explore ------------------------------------------------------------
    Binding("compare", (pygame.K_c,), "C", "compare: no drug (left) beside the drug", "Explore"),
    Binding("tour", (pygame.K_t,), "T", "guided tour on / off", "Explore"),
    Binding(
        "tour_start", (pygame.K_F5,), "F5", "start the guided tour (a remote's start)", "Explore"
    ),
    Binding(
        "tour_next",
        (pygame.K_n, pygame.K_PAGEDOWN),
        "N  or  Page Down",
        "tour: next step",
        "Explore",
    ),
    Binding("tour_back", (pygame.K_PAGEUP,), "Page Up", "tour: step back", "Explore"),
    Binding(
        "blank",
        (pygame.K_b,),
        "B  (in the tour also .)",
        "black screen / back (a remote's black-screen button)",
        "Explore",
    ),
    Binding(
        "follow_random", (pygame.K_g,), "G", "follow a 5-HT molecule (or click one)", "Explore"
    ),
    Binding("follow_stop", (pygame.K_g,), "Shift+G", "stop following", "Explore", SHIFT),
    Binding("overlay", (pygame.K_o,), "O", "mean-field ODE beside the 5-HT trace", "Explore"),
    # --- view ---------------------------------------------------------------
    Binding("zoom_in", (pygame.K_UP,), "Ctrl+Up", "zoom in (or mouse wheel)", "View", CTRL),
    Binding("zoom_out", (pygame.K_DOWN,), "Ctrl+Down", "zoom out (or mouse wheel)", "View", CTRL),
    Binding("zoom_cleft", (pygame.K_z,), "Z", "zoom into the cleft / back to the overview", "View"),
    Binding("fit", (pygame.K_HOME,), "Home", "show the whole synapse", "View"),
    Binding("pan_left", (pygame.K_LEFT,), "Shift+Left", "pan left (or drag)", "View", SHIFT),
    Binding("pan_right", (pygame.K_RIGHT,), "Shift+Right", "pan right (or drag)", "View", SHIFT),
    Binding("pan_up", (pygame.K_UP,), "Shift+Up", "pan up (or drag)", "View", SHIFT),
    Binding("pan_down", (pygame.K_DOWN,), "Shift+Down", "pan down (or drag)", "View", SHIFT),
    Binding("labels", (pygame.K_l,), "L", "labels naming each structure", "View"),
    Binding("projector", (pygame.K_p,), "P", "projector mode (light, large text)", "View"),
    Binding("fullscreen", (pygame.K_F11,), "F11", "fullscreen on / off", "View"),
    # --- other --------------------------------------------------------------
    Binding("help", (pygame.K_h, pygame.K_F1), "H  or  F1", "this help on / off", "Other"),
    Binding(
        "info",
        (pygame.K_x,),
        "X",
        "details: preset id, seed, step, slow-motion factor, counters",
        "Other",
    ),
    Binding(
        "screenshot",
        (pygame.K_s,),
        "S",
        "save a screenshot (PNG, into ~/Cleft or --out-dir)",
        "Other",
    ),
    Binding(
        "save_session",
        (pygame.K_s,),
        "Ctrl+S",
        "save this session (every command so far) for main.py --replay",
        "Other",
        CTRL,
    ),
    Binding("record", (pygame.K_v,), "V", "record a video (MP4) / stop and save", "Other"),
    Binding("record_gif", (pygame.K_v,), "Shift+V", "record a GIF / stop and save", "Other", SHIFT),
    Binding(
        "quit",
        (pygame.K_ESCAPE,),
        "Esc",
        "close help, end the tour, or quit (asks once more in a course or recording)",
        "Other",
    ),
)
"""Every keyboard command, in the order the help overlay lists them."""

GROUPS: tuple[str, ...] = ("Time", "Synapse", "Scenarios", "Treatment", "Explore", "View", "Other")
"""Help-overlay headings, in order."""

MOUSE_HELP: tuple[tuple[str, str], ...] = (
    ("Wheel", "zoom at the pointer"),
    ("Drag", "pan the view (in the picture)"),
    ("Click / drag", "sliders and buttons (bottom bar)"),
    ("Click / drag", "the history strip under the picture: show that moment"),
    ("Click", "follow the free 5-HT molecule nearest the pointer"),
)
"""Mouse hints shown under the key table in the help overlay."""

_MOD_MASK = SHIFT | CTRL


IN_TOUR: dict[int, str] = {pygame.K_PERIOD: "blank"}
"""Keys that mean something else while the tour runs: a presentation remote's black-screen
button sends '.' (others send B, which blanks everywhere)."""


def action_for(key: int, mod: int, in_tour: bool = False) -> str | None:
    """The action bound to ``key`` with modifiers ``mod`` (pygame KMOD bits), or None.

    A binding that requires a modifier wins when that modifier is held; a
    binding without one matches otherwise (so Shift+= still means '+').
    During the tour (``in_tour``) the keys of :data:`IN_TOUR` come first.
    """
    held = mod & _MOD_MASK
    if in_tour and not held and key in IN_TOUR:
        return IN_TOUR[key]
    fallback = None
    for b in BINDINGS:
        if key not in b.keys:
            continue
        if b.mod and held & b.mod:
            return b.action
        if not b.mod and fallback is None:
            fallback = b.action
    return fallback


def help_rows(actions: Collection[str] | None = None) -> list[tuple[str, str, str]]:
    """(group, keys label, description) for every binding, grouped in ``GROUPS`` order.

    With ``actions`` (the names of the action table), only the bindings that run one.
    """
    return [
        (g, b.label, b.description)
        for g in GROUPS
        for b in BINDINGS
        if b.group == g and (actions is None or b.action in actions)
    ]


# The tissue view's own clicks and keys. They are not in BINDINGS: they act only while the
# tissue view is shown and need the pointer or the selection
# (render.tissue.mode.TissueMode.handle_event reads them); the help overlay lists them apart.
TISSUE_GROUP = "Tissue view"
"""The help overlay's heading for these rows."""

TISSUE_HELP: tuple[tuple[str, str], ...] = (
    ("Click", "on a varicosity: zoom onto its synapse"),
    ("Tab / Shift+Tab", "select the next / previous varicosity"),
    ("Enter", "zoom onto the selected varicosity's synapse"),
    ("M", "from the synapse back out to the tissue (its clock continues)"),
)
"""(keys, what they do) in the tissue view."""


REPEATABLE: frozenset[str] = frozenset(
    {
        "step",
        "step_back",
        "speed_up",
        "speed_down",
        "blockade_up",
        "blockade_down",
        "rate_up",
        "rate_down",
        "zoom_in",
        "zoom_out",
        "pan_left",
        "pan_right",
        "pan_up",
        "pan_down",
    }
)
"""Actions a held key repeats (a value or the camera moves on); every other acts once per press."""


class HeldKeys:
    """Tells a key's first KEYDOWN from the repeats that arrive while it is held.

    A KEYDOWN for a key already down (no KEYUP since) is a repeat: the window's
    auto-repeat, or a press the lecturer held while a slow step was being set
    up. Two presses queued together (down, up, down, up) are two presses.
    """

    def __init__(self) -> None:
        self._down: set[int] = set()

    def is_repeat(self, event) -> bool:
        """Note ``event`` (KEYDOWN or KEYUP); True for a KEYDOWN of a key already held."""
        if event.type == pygame.KEYUP:
            self._down.discard(event.key)
            return False
        if event.type != pygame.KEYDOWN:
            return False
        repeat = event.key in self._down or bool(getattr(event, "repeat", 0))
        self._down.add(event.key)
        return repeat

    def clear(self) -> None:
        """Forget every held key (the window lost the keyboard focus: no KEYUP will come)."""
        self._down.clear()
