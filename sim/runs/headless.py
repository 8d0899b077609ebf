"""Headless runs: build a model from a preset, run it, summarise and export.

Used by ``python main.py --headless`` and by batch tools. No drawing here.

Every file goes through :mod:`sim.runs.outputs` (checked before the run, written to
a unique partial file, moved into place when complete). A run with
``stream=True`` or a CSV path streams the recorder (:meth:`Recorder.stream_to`):
rows go to the CSV as they are sampled and memory stays flat however long the
run; the summary reads the recorder's running statistics, which are the same
in both modes.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from sim.params.presets import Preset, load_preset
from sim.params.synapse import ParameterError
from sim.runs.analysis import fit_clearance_tau
from sim.runs.outputs import atomic_output
from sim.synapse import states as S
from sim.synapse.memory import check_memory
from sim.synapse.model import Synapse
from sim.synapse.recorder import csv_header, csv_row
from sim.tissue.model import Tissue
from sim.tissue.summary import tissue_human_summary, tissue_summary


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
    if preset.model == "tissue":  # model = "tissue" in [preset]: sim/tissue.py
        return preset, Tissue(preset.params, seed=seed)
    check_memory(preset.params)  # one line naming the parameters, before any allocation
    return preset, Synapse(preset.params, seed=seed)


def run_headless(
    preset_name: str,
    duration_ms: float,
    seed: int = 0,
    blockade: float | None = None,
    overrides: dict[str, Any] | None = None,
    *,
    csv_path: str | os.PathLike | None = None,
    stream: bool = False,
    stop: Callable[[], int | None] | None = None,
) -> tuple[Preset, Synapse]:
    """Build and run for ``duration_ms`` of simulated time.

    Args:
        preset_name: preset name or .toml path.
        duration_ms: simulated time to run, ms (finite, > 0).
        seed: model seed.
        blockade: SSRI blockade 0..1 (None: the preset's).
        overrides: parameter values on top of the preset.
        csv_path: stream the time series to this CSV while running (already
            checked with :func:`sim.runs.outputs.check_outputs`; written whole or not at all).
        stream: keep memory flat without a CSV (the recorder keeps only its
            tail and statistics; implied by ``csv_path``).
        stop: called between pieces of the run; an exit code it returns ends
            the run with ``SystemExit`` (a signal handler's flag).
    """
    if not (
        isinstance(duration_ms, (int, float))
        and not isinstance(duration_ms, bool)
        and math.isfinite(duration_ms)
        and duration_ms > 0
    ):
        raise ParameterError(f"duration_ms = {duration_ms!r} must be a finite number > 0")
    preset, model = build(preset_name, seed, blockade, overrides)
    if csv_path is None:
        if stream:
            model.recorder.stream_to(None)
        _run_in_pieces(model, duration_ms, stop)
        return preset, model
    with atomic_output(Path(csv_path), "w", newline="") as fh:
        model.recorder.stream_to(fh)
        _run_in_pieces(model, duration_ms, stop)
    return preset, model


PIECE_STEPS = 20_000
"""Steps between two looks at ``stop`` (0.2 ms of default-preset time, ~0.1 s of wall time)."""


def _run_in_pieces(model: Any, duration_ms: float, stop: Callable[[], int | None] | None) -> None:
    """``model.run(duration_ms)``, in pieces of ``PIECE_STEPS`` with a look at ``stop()`` between.

    ``stop()`` returning an exit code ends the run with ``SystemExit`` (the
    CSV's partial file is then removed), even if a library swallowed the
    exception a signal handler raised mid-piece. The pieces change nothing:
    a run's numbers do not depend on how its steps are grouped.
    """
    if isinstance(model, Synapse):  # the rounding of Synapse.run and Tissue.run
        left = int(round(duration_ms * 1000.0 / model.dt_us))
    else:
        left = int(round(duration_ms / model.dt_ms))
    while left > 0:
        k = min(left, PIECE_STEPS)
        model.run_steps(k)
        left -= k
        code = stop() if stop is not None else None
        if code is not None:
            raise SystemExit(code)


def release_times_ms(model: Synapse) -> np.ndarray:
    """Times (ms) of action potentials that fused at least one vesicle."""
    return np.array([t / 1000.0 for t, fused, _ in model.spike_log if fused > 0])


def summary(preset: Preset, model: Synapse) -> dict[str, Any]:
    """The JSON summary of a run (see README for the fields)."""
    if isinstance(model, Tissue):
        return tissue_summary(preset, model)
    rec = model.recorder
    t, free = rec.release_window()
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
        "receptor_occupancy_mean": rec.mean("receptor_occupancy"),
        "autoreceptor_occupancy_mean": rec.mean("autoreceptor_occupancy"),
        "peak_cleft_uM": rec.maximum("cleft_uM"),
        "mean_cleft_uM": rec.mean("cleft_uM"),
        "clearance_tau_ms": tau,
        "conservation_error": model.conservation_error(),
        "parameters": model.params.as_dict(),
    }


def human_summary(s: dict[str, Any]) -> str:
    """A few lines for the terminal."""
    if s.get("model") == "tissue":
        return tissue_human_summary(s)
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


def csv_text(model: Synapse) -> str:
    """The recorder's time series as CSV: a header row, one column per observable.

    Only for a recorder kept in full (a streamed run wrote its CSV while running).
    """
    if model.recorder.streaming:
        raise ValueError("the recorder was streamed; its CSV was written while running")
    if isinstance(model, Tissue):
        return model.recorder.csv_text()
    return csv_header() + "".join(csv_row(row) for row in model.recorder.table())


def json_text(s: dict[str, Any]) -> str:
    """The summary as indented JSON."""
    return json.dumps(s, indent=2) + "\n"
