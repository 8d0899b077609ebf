"""Unit conversions used by the model. Internal units: nm, us, molecules.

science.md: 1 uM = 602.2 molecules per um^3; k in 1/(M s) times 1.6605e-9 gives
um^3/s per molecule.
"""

from __future__ import annotations

MOLECULES_PER_UM3_PER_UM = 602.214
"""Molecules per um^3 at 1 uM."""

MOLECULES_PER_NM3_PER_UM = MOLECULES_PER_UM3_PER_UM * 1.0e-9
"""Molecules per nm^3 at 1 uM."""

UM3_PER_S_PER_M_S = 1.66054e-9
"""um^3/s per molecule for a rate constant of 1 /(M s)."""


def kon_to_nm3_per_us(kon_per_M_s: float) -> float:
    """Second-order rate constant 1/(M s) -> nm^3/us per molecule."""
    return kon_per_M_s * UM3_PER_S_PER_M_S * 1.0e9 / 1.0e6


def diffusion_to_nm2_per_us(d_um2_per_ms: float) -> float:
    """Diffusion coefficient um^2/ms -> nm^2/us (factor 1000)."""
    return d_um2_per_ms * 1.0e3


def count_to_uM(count: float, volume_nm3: float) -> float:
    """Concentration in uM of ``count`` molecules in ``volume_nm3``."""
    return count / (volume_nm3 * MOLECULES_PER_NM3_PER_UM)
