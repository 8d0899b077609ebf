"""What a window model's recorder keeps: the recent past the plots and the overlay read.

The window's memory then stays flat however long it runs (a headless run
keeps its whole record).
"""

from __future__ import annotations

import math

from render.common.constants import OVERLAY_SPAN_US, PLOT_SCREEN_S
from render.common.plots import plot_window_us
from sim import Synapse
from sim.params.synapse import Parameters
from sim.synapse.recorder import TAIL_ROWS

RECORD_MAX_ROWS = 2**18
"""Most recorder rows a window model keeps (x2 buffer x 24 columns x 8 B: ~100 MB at most;
262 ms at 1 us sampling). The plots and the overlay read only the recent past, so the
window's memory stays flat however long it runs."""


def record_rows(params: Parameters, us_per_s: float) -> int:
    """Recorder rows the window keeps, at the sampling interval.

    1.5x the plot window or the overlay's span, whichever is longer; at least
    ``TAIL_ROWS``, at most ``RECORD_MAX_ROWS``.
    """
    span_us = 1.5 * max(plot_window_us(us_per_s, PLOT_SCREEN_S), OVERLAY_SPAN_US)
    sample_us = max(params.sample_interval_us, params.dt_ns / 1000.0)
    return min(RECORD_MAX_ROWS, max(TAIL_ROWS, math.ceil(span_us / sample_us) + 2))


def bound_records(models: list[Synapse], params: Parameters, us_per_s: float) -> None:
    """Keep only the recent past the window reads in each model's recorder (flat memory)."""
    rows = record_rows(params, us_per_s)
    for m in models:
        if m.recorder.streaming:
            m.recorder.keep_last(rows)
        else:
            m.recorder.stream_to(None, rows)


def window_model(params: Parameters, seed: int, us_per_s: float) -> Synapse:
    """A synapse for the window: its recorder keeps what the window reads (:func:`record_rows`)."""
    model = Synapse(params, seed=seed)
    bound_records([model], params, us_per_s)
    return model
