"""What a tissue run reports: the ambient level over its last third, its JSON and terminal summary."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.common.stats import mean_se
from sim.params.tissue import AMBIENT_RANGE_NM
from sim.tissue.model import Tissue
from sim.tissue.theory import steady_state_nM


def ambient_window(model: Tissue) -> dict[str, float]:
    """Ambient level over the last third of the run: mean, sd, slope (nM, nM/s) and the mean's SE.

    The SE allows for the samples' autocorrelation (:func:`sim.common.stats.mean_se`).
    """
    t = model.recorder.column("time_ms")
    c = model.recorder.column("ambient_nM")
    keep = t >= t[-1] * 2.0 / 3.0
    t, c = t[keep], c[keep]
    slope = float(np.polyfit(t / 1000.0, c, 1)[0]) if len(t) >= 3 else 0.0
    sd = float(np.std(c, ddof=1)) if len(c) > 1 else 0.0
    return {"mean": float(np.mean(c)), "sd": sd, "slope": slope, "start_ms": float(t[0]),
            "se": mean_se(c)}  # fmt: skip


def tissue_summary(preset: Any, model: Tissue) -> dict[str, Any]:
    """The JSON summary of a tissue run: the synapse's keys where they apply, plus the tissue's."""
    c = model.counters
    w = ambient_window(model)
    ss = steady_state_nM(model.params.with_overrides(blockade=model.blockade))
    lo, hi = AMBIENT_RANGE_NM
    return {
        "model": "tissue",
        "time_ms": round(model.time_ms, 9),
        "seed": model.seed,
        "preset": preset.name,
        "blockade": model.blockade,
        "dt_ns": round(model.dt_ms * 1.0e6, 6),
        "counts": {"free": model.n, "taken_up": c["taken_up"]},
        "released": c["released"],
        "taken_up": c["taken_up"],
        "injected": c["injected"],
        "initial": c["initial"],
        "action_potentials": c["action_potentials"],
        "vesicles_fused": c["vesicles_released"],
        "autoreceptor_occupancy_mean": float(
            np.mean(model.recorder.column("autoreceptor_occupancy"))
        ),
        "ambient_nM": w["mean"],
        "ambient_nM_sd": w["sd"],
        "ambient_slope_nM_per_s": w["slope"],
        "ambient_window_ms": [w["start_ms"], round(model.time_ms, 9)],
        "measured_range_nM": [lo, hi],
        "steady_state_nM_meanfield": None if math.isinf(ss) else ss,
        "varicosities": int(model.varicosity_voxel.shape[0]),
        "fibres": int(model.fibre_count.shape[0]),
        "conservation_error": model.conservation_error(),
        "parameters": model.params.as_dict(),
    }


def tissue_human_summary(s: dict[str, Any]) -> str:
    """A few lines for the terminal."""
    ss = s["steady_state_nM_meanfield"]
    ss_text = "none (release exceeds the remaining uptake)" if ss is None else f"{ss:.1f} nM"
    lo, hi = s["measured_range_nM"]
    return "\n".join(
        [
            f"Cleft tissue: preset '{s['preset']}', seed {s['seed']}, {s['time_ms'] / 1000:g} s "
            f"simulated (dt {s['dt_ns'] / 1e6:g} ms), SSRI blockade {s['blockade']:.0%}",
            f"  {s['varicosities']} varicosities on {s['fibres']} fibres; action potentials "
            f"{s['action_potentials']}, vesicles {s['vesicles_fused']}",
            f"  released {s['released']}, taken up {s['taken_up']}, free now {s['counts']['free']}",
            f"  ambient 5-HT {s['ambient_nM']:.1f} nM (sd {s['ambient_nM_sd']:.1f}, slope "
            f"{s['ambient_slope_nM_per_s']:+.1f} nM/s) over the last third; measured "
            f"{lo:g}-{hi:g} nM; mean-field steady state {ss_text}",
            f"  mean autoreceptor occupancy {s['autoreceptor_occupancy_mean']:.3f}",
        ]
    )
