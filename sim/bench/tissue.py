"""The tissue kernel's speed: wall time per tissue second at the default parameters."""

from __future__ import annotations

import time

from sim.params.tissue import TissueParameters
from sim.tissue.model import Tissue


def tissue_bench(seconds: float = 1.0, seed: int = 0) -> list[str]:
    """Wall time per tissue second at the default parameters (a printed figure, not a test)."""
    model = Tissue(TissueParameters(), seed=seed)
    model.run(10.0)  # compile (cached) and warm up
    n0 = model.n
    t0 = time.perf_counter()
    model.run(seconds * 1000.0)
    wall = time.perf_counter() - t0
    steps = int(round(seconds * 1000.0 / model.dt_ms))
    mol_steps = 0.5 * (n0 + model.n) * steps
    return [
        f"tissue: {seconds:g} s of tissue time, {0.5 * (n0 + model.n):,.0f} free molecules, "
        f"dt {model.dt_ms:g} ms: {wall:.2f} s wall ({wall / seconds:.2f} s per tissue second, "
        f"{wall * 1e9 / mol_steps:.1f} ns per molecule-step)"
    ]
