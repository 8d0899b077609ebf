"""The mean-field overlay: :func:`sim.synapse.meanfield.from_model` drawn beside the agents' cleft trace.

``from_model`` integrates from an empty sheet every call (about 80 us of CPU
per 0.25 us step with ``OVERLAY_SHELLS`` shells), so the window never calls
it every frame:

* a prediction runs ahead of the model to ``now + lookahead``: until the next
  release nothing new can happen to the ODE, so it stays exact until then and
  is drawn up to the model's time (and no further than the first release it
  does not include);
* it is recomputed when a release happens, the blockade changes, the model is
  rebuilt, or the model reaches the end of the prediction; interactively at
  most every ``OVERLAY_MIN_INTERVAL_S`` of wall time;
* one call integrates at most ``OVERLAY_SPAN_US`` of simulated time: it starts
  from an empty sheet at t0 = max(0, end - span), so releases before t0 are
  left out (the plot says "ODE from t0" when t0 > 0);
* interactively it runs in a worker process, so the window keeps drawing at
  full speed; scripted runs (``--frames``) compute it in line so every frame
  is deterministic.

To start the ODE at t0, ``from_model`` is handed a read-only stand-in of the
model (:class:`ModelView`) whose time axis begins at t0: recorder samples,
action potentials and cumulative releases shifted, plus future sample times
for the lookahead. The ODE itself (``sim/meanfield.py``) is untouched. This
module imports no pygame, so the worker process stays small.
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from render.common.constants import OVERLAY_SPAN_US
from sim.synapse import meanfield

if TYPE_CHECKING:
    from sim import Synapse

OVERLAY_DT_US = 0.25
"""Runge-Kutta step of the overlay, us (sim.synapse.meanfield: within 3e-6 of 0.01 us with 30 shells)."""

OVERLAY_MIN_LOOKAHEAD_US = 10.0
"""Least simulated time a prediction runs ahead of the model, us."""

OVERLAY_MIN_INTERVAL_S = 0.5
"""Least wall time between two interactive recomputations, s."""


class _Columns:
    """Duck-types ``Recorder.column`` for :class:`ModelView`."""

    def __init__(self, columns: dict[str, np.ndarray]) -> None:
        self._columns = columns

    def column(self, name: str) -> np.ndarray:
        """One stored column."""
        return self._columns[name]


@dataclass
class ModelView:
    """What :func:`sim.synapse.meanfield.from_model` reads of a model, on a time axis starting at t0.

    Attributes:
        params: the model's parameters.
        blockade: the model's blockade now.
        dt_us: model step, us.
        time_us: end of the stand-in's time axis (t_end - t0), us.
        spike_log: action potentials at or after t0, times shifted by -t0.
        counters: ``released`` since t0.
        recorder: ``time_ms`` (shifted, with future samples up to t_end) and
            ``released`` (since t0) columns.
        t0_us: where the stand-in's t = 0 lies on the model's clock, us.
    """

    params: Any
    blockade: float
    dt_us: float
    time_us: float
    spike_log: list[tuple[float, int, float]]
    counters: dict[str, float]
    recorder: _Columns
    t0_us: float = 0.0


def model_view(model, t0_us: float, t_end_us: float) -> ModelView:
    """A stand-in of ``model`` whose clock starts at the first sample at or after ``t0_us``.

    Samples up to the model's time are copied; samples after it (up to
    ``t_end_us``) are added on the recorder's spacing with the releases so far,
    so the prediction can run ahead until the next release.
    """
    rec = model.recorder
    t_ms = rec.column("time_ms")
    released = rec.column("released")
    i0 = min(int(np.searchsorted(t_ms, t0_us / 1000.0 - 1e-12)), len(t_ms) - 1)
    t0_ms = float(t_ms[i0])
    base = float(released[i0])
    spacing_ms = float(t_ms[1] - t_ms[0]) if len(t_ms) > 1 else model.dt_us / 1000.0
    last_ms = float(t_ms[-1])
    n_future = max(0, int(math.floor((t_end_us / 1000.0 - last_ms) / spacing_ms + 1e-9)))
    future = last_ms + spacing_ms * np.arange(1, n_future + 1)
    total = float(model.counters["released"])
    times = np.concatenate((t_ms[i0:], future)) - t0_ms
    rel = np.concatenate((released[i0:], np.full(n_future, total))) - base
    spikes = [(t - t0_ms * 1000.0, n, p) for t, n, p in model.spike_log if t >= t0_ms * 1000.0]
    return ModelView(
        params=model.params,
        blockade=float(model.blockade),
        dt_us=float(model.dt_us),
        time_us=float(times[-1] * 1000.0),
        spike_log=spikes,
        counters={"released": total - base},
        recorder=_Columns({"time_ms": times, "released": rel}),
        t0_us=t0_ms * 1000.0,
    )


def predict(view: ModelView) -> dict[str, np.ndarray]:
    """Run :func:`sim.synapse.meanfield.from_model` on a stand-in; times back on the model's clock.

    Runs in the worker process (a pure function of its picklable argument).

    Returns:
        ``time_ms`` (model clock), ``cleft_uM`` and ``receptor_occupancy``.
    """
    out = meanfield.from_model(
        view, t_end_us=view.time_us, dt_us=OVERLAY_DT_US, shells=meanfield.OVERLAY_SHELLS
    )
    return {
        "time_ms": out["time_ms"] + view.t0_us / 1000.0,
        "cleft_uM": out["cleft_uM"],
        "receptor_occupancy": out["receptor_occupancy"],
    }


def release_times_us(model) -> list[float]:
    """Times of the action potentials that released something, us."""
    return [t for t, n, _ in model.spike_log if n > 0]


@dataclass
class Prediction:
    """One finished prediction and what it was computed from."""

    model_ref: Any
    blockade: float
    n_releases: int
    t0_us: float
    valid_until_us: float
    arrays: dict[str, np.ndarray] = field(default_factory=dict)


class MeanFieldOverlay:
    """Keeps a mean-field prediction for the model on screen, recomputing only when needed.

    Args:
        background: compute in a worker process (interactive window); False
            computes in line (scripted runs, tests).
    """

    def __init__(self, background: bool) -> None:
        self.background = background
        self.enabled = False
        self.result: Prediction | None = None
        self.error: str | None = None
        """Why the prediction failed (the overlay turns off); the window says it once."""
        self.note: str | None = None
        """Something the window should say once (e.g. no worker process: computed in line)."""
        self.computations = 0
        self._pending: tuple[Any, Prediction] | None = None
        self._pool = None
        self._last_submit_s = -math.inf

    def needs_update(self, model) -> bool:
        """True if the prediction is missing or stale for ``model`` (ignoring the throttle)."""
        r = self.result
        if r is None or r.model_ref() is not model or r.blockade != model.blockade:
            return True
        if len(release_times_us(model)) != r.n_releases:
            return True
        return model.time_us >= r.valid_until_us

    def update(self, model, window_us: float, now_s: float) -> None:
        """Collect a finished job and start a new one if the prediction is stale.

        Args:
            model: the synapse on screen.
            window_us: length of the plot's time window, us (sets the lookahead).
            now_s: wall (or screen) time, s, for the throttle.
        """
        if not self.enabled:
            return
        self._collect()
        if self._pending is not None or not self.needs_update(model):
            return
        if self.background and now_s - self._last_submit_s < OVERLAY_MIN_INTERVAL_S:
            if self.result is not None and self.result.model_ref() is model:
                return
        lookahead = min(max(0.5 * window_us, OVERLAY_MIN_LOOKAHEAD_US), 0.25 * OVERLAY_SPAN_US)
        t_end = model.time_us + lookahead
        t0 = max(0.0, t_end - OVERLAY_SPAN_US)
        view = model_view(model, t0, t_end)
        meta = Prediction(
            weakref.ref(model),
            float(model.blockade),
            len(release_times_us(model)),
            view.t0_us,
            view.t0_us + view.time_us,
        )
        self._last_submit_s = now_s
        if self.background and self._submit(view, meta):
            return
        self._finish(meta, lambda: predict(view))

    def wait(self) -> None:
        """Block until a running background computation has finished (tests, shutdown)."""
        if self._pending is not None:
            future, meta = self._pending
            self._pending = None
            self._finish(meta, future.result)

    def drawable(self, model) -> dict[str, np.ndarray] | None:
        """The prediction's arrays cut to what is valid and already happened, or None."""
        r = self.result
        if not self.enabled or r is None or r.model_ref() is not model:
            return None
        if r.blockade != model.blockade:
            return None
        limit_us = model.time_us
        releases = release_times_us(model)
        if len(releases) > r.n_releases:
            limit_us = min(limit_us, releases[r.n_releases])
        cut = int(np.searchsorted(r.arrays["time_ms"], limit_us / 1000.0 + 1e-12, side="right"))
        return {k: v[:cut] for k, v in r.arrays.items()}

    def reset(self) -> None:
        """Forget the prediction (model rebuilt)."""
        self.result = None
        self._last_submit_s = -math.inf

    def close(self) -> None:
        """Stop the worker process (a running job is abandoned)."""
        self._pending = None
        if self._pool is not None:
            self._pool.close()  # render.common.workers: the process is ended, not left running
            self._pool = None

    # ------------------------------------------------------------- internals
    def _submit(self, view: ModelView, meta: Prediction) -> bool:
        try:
            if self._pool is None:
                from render.common.workers import Worker

                self._pool = Worker("overlay")  # spawned, one job at a time, dies with us
            self._pending = (self._pool.submit(predict, view), meta)
            return True
        except Exception as exc:  # no worker process available: compute in line
            why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.note = f"mean-field ODE computed in the window (no worker process: {why})"
            self.background = False
            self.close()
            return False

    def _collect(self) -> None:
        if self._pending is None or not self._pending[0].done():
            return
        future, meta = self._pending
        self._pending = None
        self._finish(meta, future.result)

    def _finish(self, meta: Prediction, compute) -> None:
        try:
            meta.arrays = compute()
        except Exception as exc:  # e.g. a step too long for a preset's rates
            self.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            self.enabled = False
            return
        self.error = None
        self.computations += 1
        self.result = meta


class OnScreen(Protocol):
    """What the overlay's room reads of the playback (:class:`render.synapse.playback.Playback`)."""

    screen_time_s: float
    model: Synapse

    def plot_window_us(self) -> float:
        """Length of the live plots' time window, simulated us."""


class OverlayRoom:
    """The overlay's key (O) and its per-frame update, saying what goes wrong once.

    Args:
        overlay: the prediction kept for the model on screen.
        play: the model on screen, the plots' window and the screen time.
        say: shows a short message on screen.
        scripted: scripted runs time the throttle on screen time (deterministic), else wall time.
    """

    def __init__(
        self, overlay: MeanFieldOverlay, play: OnScreen, say: Callable[[str], None], scripted: bool
    ) -> None:
        self.overlay = overlay
        self.play = play
        self.say = say
        self.scripted = scripted

    def do_overlay(self) -> None:
        """Mean-field ODE prediction beside the cleft trace on / off."""
        ov = self.overlay
        ov.enabled = not ov.enabled
        if ov.enabled:
            self.say("dashed: mean-field ODE, same parameters (sim/meanfield.py)")
            self.update()

    def update(self) -> None:
        """Once a frame: keep the prediction current; say a fallback or a failure once."""
        ov = self.overlay
        if not ov.enabled:
            return
        now = self.play.screen_time_s if self.scripted else time.perf_counter()
        ov.update(self.play.model, self.play.plot_window_us(), now)
        if ov.note is not None:
            self.say(ov.note)
            ov.note = None
        if ov.error is not None:
            self.say(f"mean-field ODE unavailable: {ov.error}")
            ov.error = None
