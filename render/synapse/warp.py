"""Time-warp playback: slow motion around each release, easing to fast through clearance and back.

The pace (simulated us per second on screen) is a function of simulated time
only, so it never changes the science: the model still advances by whole
steps, and the same seed gives the same numbers at any pace.

With ``P`` the preset's (or the lecturer's) playback speed, ``t`` the model
time, ``t_r`` the last action potential that released something and
``t_n`` the next one when it can be known (the first scheduled spike, a
regular train, or the F key)::

    pace = min(fast, slow * exp((t - t_r) / ease), slow * exp((t_n - t) / ease))
    slow = P * WARP_SLOW_FRACTION,  fast = P * WARP_FAST_FACTOR,  ease = WARP_EASE_US

so each release starts at ``slow`` (``ease / slow`` seconds of screen time
cover its first ``ease`` microseconds: the vesicle opening, 5-HT spreading
across the cleft, the first receptors bound), the pace grows e-fold every
``ease`` of simulated time through clearance, and eases down the same way
before a release it can foresee. A Poisson train cannot be foreseen: its
releases are caught by cutting the frame short (:mod:`render.synapse.playback`).

In the window the fast pace is further capped to what the CPU can step
(``Playback``), so the set pace is always one the machine keeps.
"""

from __future__ import annotations

import math

from render.common.constants import WARP_EASE_US, WARP_FAST_FACTOR, WARP_SLOW_FRACTION


def last_release_us(model) -> float | None:
    """Time of the last action potential that fused a vesicle, us (None before any)."""
    for t_us, fused, _ in reversed(model.spike_log):
        if fused > 0:
            return float(t_us)
    return None


def next_release_us(model) -> float | None:
    """When the next action potential is due, us, if it can be known (the first, or a regular train).

    Read from the model's own schedule when it has one (a rate set by hand
    reschedules the next spike: the warp must wait for that one, not for the
    time the parameters alone would give).
    """
    p = model.params
    spikes = model.spike_log
    regular = model.firing_rate_hz > 0 and p.firing_pattern == "regular"
    if spikes and not regular:
        return None
    scheduled = getattr(getattr(model, "release", None), "next_spike_us", None)
    if scheduled is not None:
        return float(scheduled) if math.isfinite(scheduled) else None
    if not spikes:
        return p.first_spike_ms * 1000.0 if p.first_spike_ms >= 0 else None
    return float(spikes[-1][0]) + 1.0e6 / model.firing_rate_hz


class TimeWarp:
    """The time-warp pace for a base playback speed.

    Args:
        base_us_per_s: the fixed playback speed ``P`` the warp is scaled to.
    """

    def __init__(self, base_us_per_s: float) -> None:
        self.base_us_per_s = float(base_us_per_s)
        self.expect_at_us: float | None = None
        """A release asked for by hand (F): treated as due at this time, us."""

    @property
    def slow_us_per_s(self) -> float:
        """Pace at the moment of a release, simulated us per second."""
        return self.base_us_per_s * WARP_SLOW_FRACTION

    @property
    def fast_us_per_s(self) -> float:
        """Pace between releases, simulated us per second."""
        return self.base_us_per_s * WARP_FAST_FACTOR

    def pace(self, model) -> float:
        """Set pace now, simulated us per second on screen (``slow`` .. ``fast``)."""
        t = model.time_us
        slow, fast = self.slow_us_per_s, self.fast_us_per_s
        pace = fast
        t_r = last_release_us(model)
        if t_r is not None:
            pace = min(pace, slow * math.exp(min(50.0, (t - t_r) / WARP_EASE_US)))
        due = [x for x in (next_release_us(model), self.expect_at_us) if x is not None]
        if due:
            ahead = max(0.0, min(due) - t)
            pace = min(pace, slow * math.exp(min(50.0, ahead / WARP_EASE_US)))
        return max(slow, pace)
