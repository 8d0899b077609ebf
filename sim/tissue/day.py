"""One day of a treatment course on the tissue model (the course's slow state told in nanomolar)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.params.presets import load_preset
from sim.params.synapse import ParameterError
from sim.tissue.model import Tissue
from sim.tissue.summary import ambient_window
from sim.tissue.theory import steady_state_nM

DAY_KEYS = ("blockade", "firing_rate_hz", "autoreceptor_sensitivity")
"""What a treatment day sets on the tissue (the timeline's slow state, in tissue parameters)."""


def run_tissue_day(job: dict[str, Any]) -> dict[str, Any]:
    """One day of a treatment course on the tissue model: a pure function of ``job`` (picklable).

    For :mod:`sim.course.timeline`, so that each day's state is told in nanomolar.

    Args:
        job: ``blockade`` (SERT occupancy that day, 0..1), ``firing_rate_hz``
            (the day's tonic rate, Hz: the drug-free rate times the raphe
            firing factor), ``autoreceptor_sensitivity`` (1 naive, lower when
            desensitised; applied to the terminal 5-HT1B feedback, an
            assumption), ``seed``; optional ``duration_ms`` (default 10,000),
            ``preset`` (default "tissue") and ``overrides`` (tissue parameters).
            The run starts at the day's mean-field steady state (or at the
            preset's ``initial_nM`` when there is none), so the last third
            measures the day's level rather than the approach to it (the
            relaxation takes seconds at a high blockade).

    Returns:
        The day's numbers: ``ambient_nM``, ``ambient_nM_sd``, ``ambient_nM_se`` and
        ``ambient_slope_nM_per_s`` over the last third of the run,
        ``steady_state_nM_meanfield`` (None if the level has no steady
        state), ``autoreceptor_occupancy_mean``, ``vesicles_per_ap_mean``,
        ``released``, ``taken_up``, ``time_ms``, and the three inputs.
    """
    preset = load_preset(job.get("preset", "tissue"), dict(job.get("overrides", {})))
    if preset.model != "tissue":
        raise ParameterError(f"preset {preset.name!r} is not a tissue preset")
    day = {key: job[key] for key in DAY_KEYS}
    params = preset.params.with_overrides(**day)
    ss = steady_state_nM(params)
    if math.isfinite(ss):
        params = params.with_overrides(initial_nM=ss)
    model = Tissue(params, seed=int(job["seed"]))
    model.run(float(job.get("duration_ms", 10_000.0)))
    w = ambient_window(model)
    rec = model.recorder
    return {
        **day,
        "time_ms": model.time_ms,
        "ambient_nM": w["mean"],
        "ambient_nM_sd": w["sd"],
        "ambient_nM_se": w["se"],
        "ambient_slope_nM_per_s": w["slope"],
        "steady_state_nM_meanfield": None if math.isinf(ss) else ss,
        "autoreceptor_occupancy_mean": float(np.mean(rec.column("autoreceptor_occupancy"))),
        "vesicles_per_ap_mean": float(np.mean(rec.column("vesicles_per_ap"))),
        "released": model.counters["released"],
        "taken_up": model.counters["taken_up"],
    }
