"""The peer comparison on Cleft's side: the lecture workload as data, how to run Smoldyn, the lines.

Smoldyn itself runs in :mod:`sim.bench.peer` (which imports nothing from
Cleft, so it can run under another interpreter); this module builds its
input from a real Cleft model (:func:`peer_spec`) and prints both figures
side by side (:func:`peer_bench`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from sim.bench.engine import (
    SEED,
    STEPS,
    WARMUP_STEPS,
    StepFigure,
    lecture_params,
    lecture_positions,
)
from sim.params.synapse import ParameterError
from sim.synapse import states as S
from sim.synapse.model import Synapse


def peer_spec(n_free: int, steps: int = STEPS, seed: int = SEED) -> dict[str, Any]:
    """The lecture workload as plain data for :func:`sim.bench.peer.run_smoldyn` (nm, us)."""
    params = lecture_params()
    model = Synapse(params, seed=seed)
    st, p = model.site_table, params
    off_per_us = {
        S.SITE_RECEPTOR: p.receptor_kon_per_M_s * p.receptor_kd_uM * 1e-12,
        S.SITE_AUTORECEPTOR: p.autoreceptor_kon_per_M_s * p.autoreceptor_kd_uM * 1e-12,
        S.SITE_SERT: p.sert_koff_per_ms / 1000.0,
    }
    kinds = {}
    for kind in np.unique(st.kind):
        kappa = np.unique(st.kappa_nm_per_us[st.kind == kind])
        if len(kappa) != 1:
            raise ParameterError("peer: sites of one kind must share one reactivity")
        kinds[str(int(kind))] = {
            "kappa_nm_per_us": float(kappa[0]),
            "off_per_us": float(off_per_us[int(kind)]),
            "uptake_per_us": p.sert_kcat_per_ms / 1000.0 if kind == S.SITE_SERT else 0.0,
        }
    sites = [
        [float(x), float(y), int(plane), int(kind)]
        for x, y, plane, kind in zip(st.x, st.y, st.plane, st.kind, strict=True)
    ]
    return {
        "width_nm": p.cleft_width_nm,
        "radius_nm": p.outer_radius_nm,
        "tile_nm": p.tile_nm,
        "d_nm2_per_us": model.d_nm2_per_us,
        "dt_us": model.dt_us,
        "seed": seed,
        "warmup_steps": WARMUP_STEPS,
        "steps": steps,
        "sites": sites,
        "kinds": kinds,
        "positions": lecture_positions(params, n_free, seed).T.tolist(),
    }


def peer_runner(python: str | None) -> tuple[bool, str | None, str | None]:
    """How to run the peer: (available, interpreter or None for this one, line to print).

    Raises ParameterError when ``python`` was given and cannot run Smoldyn
    (bad input); when it was not and this interpreter cannot import smoldyn,
    returns (False, None, the install line).
    """
    from sim.bench.peer import import_problem, probe_python, unavailable_line

    if python is not None:
        problem = probe_python(python)
        if problem:
            raise ParameterError(f"--peer-python: {problem}")
        return True, python, None
    problem = import_problem()
    if problem:
        return False, None, unavailable_line(problem)
    return True, None, None


PEER_DIFFERENCES = (
    "differs: a Smoldyn panel holds any number of molecules (a Cleft site one, so Cleft's "
    "SERT saturate at 10k+), panels sit 0.001 nm inside the cleft, and Smoldyn has no "
    "vesicles, cytosol, synthesis or recorder to advance"
)


def peer_bench(
    figures: dict[int, StepFigure], python: str | None, steps: int = STEPS
) -> Iterator[str]:
    """Lines comparing Cleft's ns per molecule-step with Smoldyn's on the same molecules."""
    from sim.bench.peer import PeerError, run_peer

    where = f"under {python}" if python else "in this interpreter"
    yield (
        f"peer smoldyn ({where}): same molecules, dt, D, 20 nm slab between reflecting planes "
        "inside a reflecting cylinder of the sheet's radius, every Cleft site a 10 nm "
        "adsorbing panel (its kappa, Smoldyn's own Andrews probabilities; koff; SERT "
        f"uptake at kcat); {PEER_DIFFERENCES}; setup and {WARMUP_STEPS} steps excluded"
    )
    for n, fig in figures.items():
        try:
            peer = run_peer(peer_spec(n, steps), python)
        except PeerError as exc:
            yield f"peer smoldyn: {exc}; skipping the rest of the peer"
            return
        ours, theirs = fig.ns_per_molecule_step, peer["ns_per_molecule_step"]
        caught_ours = 1.0 - fig.free_end / fig.free_start
        caught_theirs = 1.0 - peer["free_end"] / peer["free_start"]
        yield (
            f"peer {n:>8,} free, {steps} steps: Cleft {ours:.1f} ns, Smoldyn "
            f"{peer['version']} {theirs:.1f} ns per molecule-step ({peer['us_per_step']:.0f} "
            f"us per step): Smoldyn/Cleft = {theirs / ours:.1f}x; free molecules captured "
            f"in the window: Cleft {caught_ours:.1%}, Smoldyn {caught_theirs:.1%}"
        )
