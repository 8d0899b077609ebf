"""Headless runs: build a model from a preset, run it, summarise and export.

Used by ``python main.py --headless`` and by batch tools. No drawing here.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from . import states as S
from .analysis import fit_clearance_tau
from .model import Synapse
from .params import ParameterError
from .presets import Preset, load_preset
from .recorder import COLUMN_NAMES


def build(
    preset_name: str = "default",
    seed: int = 0,
    blockade: float | None = None,
    overrides: dict[str, Any] | None = None,
) -> tuple[Preset, Synapse]:
    """Load a preset, apply overrides (and blockade), and build the model."""
    overrides = dict(overrides or {})
    if blockade is not None:
        overrides["blockade"] = blockade
    preset = load_preset(preset_name, overrides)
    return preset, Synapse(preset.params, seed=seed)


def run_headless(
    preset_name: str,
    duration_ms: float,
    seed: int = 0,
    blockade: float | None = None,
    overrides: dict[str, Any] | None = None,
) -> tuple[Preset, Synapse]:
    """Build and run for ``duration_ms`` of simulated time."""
    if not (
        isinstance(duration_ms, (int, float)) and math.isfinite(duration_ms) and duration_ms > 0
    ):
        raise ParameterError(f"duration_ms = {duration_ms!r} must be a finite number > 0")
    preset, model = build(preset_name, seed, blockade, overrides)
    model.run(duration_ms)
    return preset, model


def release_times_ms(model: Synapse) -> np.ndarray:
    """Times (ms) of action potentials that fused at least one vesicle."""
    return np.array([t / 1000.0 for t, fused, _ in model.spike_log if fused > 0])


def summary(preset: Preset, model: Synapse) -> dict[str, Any]:
    """The JSON summary of a run (see README for the fields)."""
    rec = model.recorder
    t = rec.column("time_ms")
    free = rec.column("n_free")
    tau = fit_clearance_tau(t, free, release_times_ms(model))
    c = model.counters
    return {
        "time_ms": round(model.time_ms, 9),
        "seed": model.seed,
        "preset": preset.name,
        "blockade": model.blockade,
        "dt_ns": model.params.dt_ns,
        "counts": {name: int(model.state_counts[code]) for code, name in enumerate(S.NAMES)},
        "released": c["released"],
        "taken_up": c["taken_up"],
        "repackaged": c["repackaged"],
        "degraded": c["degraded"],
        "lost": c["lost"],
        "synthesised": c["synthesised"],
        "injected": c["injected"],
        "action_potentials": c["action_potentials"],
        "vesicles_fused": c["vesicles_fused"],
        "receptor_occupancy_mean": float(np.mean(rec.column("receptor_occupancy"))),
        "autoreceptor_occupancy_mean": float(np.mean(rec.column("autoreceptor_occupancy"))),
        "peak_cleft_uM": float(np.max(rec.column("cleft_uM"))),
        "mean_cleft_uM": float(np.mean(rec.column("cleft_uM"))),
        "clearance_tau_ms": tau,
        "conservation_error": model.conservation_error(),
        "parameters": model.params.as_dict(),
    }


def human_summary(s: dict[str, Any]) -> str:
    """A few lines for the terminal."""
    tau = "n/a (no release)" if s["clearance_tau_ms"] is None else f"{s['clearance_tau_ms']:.3f} ms"
    counts = ", ".join(f"{k} {v}" for k, v in s["counts"].items())
    return "\n".join(
        [
            f"Cleft: preset '{s['preset']}', seed {s['seed']}, {s['time_ms']:g} ms simulated "
            f"(dt {s['dt_ns']:g} ns), SSRI blockade {s['blockade']:.0%}",
            f"  action potentials {s['action_potentials']}, vesicles fused {s['vesicles_fused']}",
            f"  released {s['released']}, taken up {s['taken_up']}, repackaged "
            f"{s['repackaged']}, degraded {s['degraded']}, lost {s['lost']}, "
            f"synthesised {s['synthesised']}",
            f"  peak cleft 5-HT {s['peak_cleft_uM']:.1f} uM, mean {s['mean_cleft_uM']:.2f} uM; "
            f"mean receptor occupancy {s['receptor_occupancy_mean']:.3f}",
            f"  clearance time constant {tau}",
            f"  molecules now: {counts}",
        ]
    )


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early, before a long run, if ``path`` cannot be written."""
    p = Path(path)
    if p.is_dir():
        raise ParameterError(f"output path {str(p)!r} is a directory")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise ParameterError(f"output directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise ParameterError(f"output directory {str(parent)!r} is not writable")
    return p


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` whole or not at all (temporary file, then rename)."""
    p = Path(path)
    fd, tmp = tempfile.mkstemp(dir=p.parent if str(p.parent) else ".", prefix=f".{p.name}.")
    try:
        with os.fdopen(fd, "w", newline="") as fh:
            fh.write(text)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def csv_text(model: Synapse) -> str:
    """The recorder's time series as CSV: a header row, one column per observable."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    for row in model.recorder.table():
        writer.writerow([format(v, ".10g") for v in row])
    return buf.getvalue()


def json_text(s: dict[str, Any]) -> str:
    """The summary as indented JSON."""
    return json.dumps(s, indent=2) + "\n"
