"""Reduced geometries for validation tests, built only through parameters."""

from __future__ import annotations

from typing import Any

from sim import Parameters, Synapse

QUIET: dict[str, Any] = {
    "first_spike_ms": -1.0,
    "firing_rate_hz": 0.0,
    "docked_vesicles": 0,
    "reserve_vesicles": 0,
    "synthesis_per_ms": 0.0,
    "receptor_count": 0,
    "autoreceptor_count": 0,
    "sert_count": 0,
    "vmat_rate_per_ms": 0.0,
    "mao_rate_per_ms": 0.0,
}
"""No release, no synthesis, no sites: only the molecules a test injects."""


def quiet_synapse(seed: int = 0, **overrides: Any) -> Synapse:
    """A synapse with nothing in it but what the test adds."""
    return Synapse(Parameters(**{**QUIET, **overrides}), seed=seed)
