"""The mean-field prediction for a synapse's run, on its own time axis (drawn beside the agents).

Releases are read from the model's history (:func:`releases_of`), then the
ODE (:func:`sim.synapse.meanfield.ode.simulate`) runs with the model's
parameters and blockade and is sampled at the recorder's times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.synapse.meanfield.ode import OUTPUT_KEYS, simulate

if TYPE_CHECKING:
    from sim.synapse.model import Synapse

OVERLAY_SHELLS = 30
"""Shells outside the disc that resolve the radial spread (converged: 60 changes the
mean cleft concentration of the single-release preset by < 0.5%)."""


def releases_of(model: Synapse) -> tuple[np.ndarray, np.ndarray]:
    """Release times (us) and molecules released per action potential, from a model's history.

    Times come from ``model.spike_log`` (entries with at least one vesicle
    fused). Counts come from the recorder's cumulative ``released`` column,
    which is exact even for partly filled vesicles: the rise between the last
    sample at or before a spike and the first sample after it (split between
    spikes that share one sample interval by their vesicles fused). A spike
    after the last sample takes the rest of ``counters["released"]``.
    """
    spikes = [(t, n) for t, n, _ in model.spike_log if n > 0]
    if not spikes:
        return np.zeros(0), np.zeros(0)
    t_spike = np.array([t for t, _ in spikes], dtype=float)
    fused = np.array([n for _, n in spikes], dtype=float)
    t_rec = model.recorder.column("time_ms") * 1000.0
    released = model.recorder.column("released")
    # First sample taken after the step in which the spike happened.
    after = np.searchsorted(t_rec, t_spike + 0.5 * model.dt_us, side="left")
    counts = np.zeros(len(spikes))
    for j in np.unique(after):
        sel = after == j
        before = released[j - 1] if j >= 1 else 0.0
        upto = released[j] if j < len(released) else float(model.counters["released"])
        counts[sel] = (upto - before) * fused[sel] / fused[sel].sum()
    return t_spike, counts


def from_model(
    model: Synapse, t_end_us: float | None = None, dt_us: float = 0.05, shells: int = 1
) -> dict[str, np.ndarray]:
    """The mean-field prediction for a model's run, on the model's own time axis.

    Uses the model's parameters, its current blockade (a blockade changed
    during the run is not followed) and its releases (:func:`releases_of`).
    Molecules added with ``model.inject`` are not included.

    Args:
        model: a :class:`sim.Synapse` that has been run.
        t_end_us: end of the prediction, us; None means the model's time now.
        dt_us: Runge-Kutta step, us (see :func:`simulate`).
        shells: compartments outside the cleft disc (see :func:`compartments`).

    Returns:
        ``OUTPUT_KEYS`` arrays at the recorder's sample times up to
        ``t_end_us`` (``time_ms`` is the recorder's column).
    """
    t_end = model.time_us if t_end_us is None else float(t_end_us)
    times, counts = releases_of(model)
    keep = times <= t_end
    t_rec_ms = model.recorder.column("time_ms")
    t_rec_ms = t_rec_ms[t_rec_ms * 1000.0 <= t_end + 1e-9].copy()
    # Output on the recorder's spacing (interpolation is then exact on its grid).
    all_t = model.recorder.column("time_ms")
    sample_us = float(all_t[1] - all_t[0]) * 1000.0 if len(all_t) > 1 else None
    if sample_us is not None and sample_us < dt_us:
        sample_us = None
    ode = simulate(
        model.params,
        times[keep],
        counts[keep],
        t_end,
        dt_us=dt_us,
        blockade=model.blockade,
        sample_us=sample_us,
        shells=shells,
    )
    result = {"time_ms": t_rec_ms}
    for key in OUTPUT_KEYS[1:]:
        result[key] = np.interp(t_rec_ms, ode["time_ms"], ode[key])
    return result
