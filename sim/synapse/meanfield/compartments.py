"""The mean-field ODE's constants: compartments, exchange between them, sites and rates.

See :mod:`sim.synapse.meanfield` for the model these constants describe.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from sim.params.synapse import ParameterError, Parameters
from sim.params.units import diffusion_to_nm2_per_us, kon_to_nm3_per_us


def _ring_share(edges_nm: np.ndarray, inner_nm: float, outer_nm: float) -> np.ndarray:
    """Share of the annulus inner <= r <= outer (nm) in each compartment [e_k, e_k+1)."""
    n = len(edges_nm) - 1
    if outer_nm <= inner_nm:
        return np.zeros(n)
    clipped = np.clip(edges_nm, inner_nm, outer_nm) ** 2
    return np.diff(clipped) / (outer_nm**2 - inner_nm**2)


def compartments(
    params: Parameters, blockade: float | None = None, shells: int = 1
) -> dict[str, Any]:
    """The constants of the ODE: compartments, exchange, sites and rates.

    Compartment 0 is the cleft disc r < a; compartments 1..shells are annuli
    of equal width between a and R. ``shells = 1`` is the two-compartment
    model of the module doc (exchange k_out = 8 D/a^2, k_in = k_out V_c/V_o,
    the outside well mixed). With more shells the sheet is a finite-volume
    radial diffusion: between neighbours at radius r_i the conductance is
    2 pi r_i W D / (centre distance), the disc's side of its boundary
    counting a/4 (the distance that reproduces k_out) and a shell's half its
    width. Sites are shared by area (tile exclusion ignored).

    Args:
        params: the synapse's parameters.
        blockade: fraction of SERT blocked; None uses ``params.blockade``.
        shells: number of compartments outside the cleft disc (1..400).

    Returns:
        ``edges_nm`` (shells + 2 radii, nm), ``volume_nm3`` (shells + 1),
        ``conductance_nm3_per_us`` (shells; flux = G (c_i/V_i - c_j/V_j)
        molecules/us), ``n_auto`` and ``n_sert`` (sites per compartment,
        unblocked SERT only), ``n_receptor`` (all in the disc); ``kon_r``,
        ``kon_a``, ``kon_s`` (nm^3/us per molecule); ``koff_r``, ``koff_a``,
        ``koff_s``, ``kcat_s`` (1/us); ``k_out`` and ``k_in`` (1/us, the
        two-compartment exchange rates) and ``blockade``.
    """
    p = params
    f = p.blockade if blockade is None else blockade
    if (
        isinstance(f, bool)
        or not isinstance(f, (int, float))
        or not (math.isfinite(f) and 0.0 <= f <= 1.0)
    ):
        raise ParameterError(f"blockade = {f!r} is out of range [0.0, 1.0]")
    if isinstance(shells, bool) or not isinstance(shells, int) or not 1 <= shells <= 400:
        raise ParameterError(f"shells = {shells!r} must be a whole number in [1, 400]")
    a, big_r, w = p.active_zone_radius_nm, p.outer_radius_nm, p.cleft_width_nm
    d = diffusion_to_nm2_per_us(p.diffusion_um2_per_ms)
    if big_r <= a:
        shells = 0  # no sheet outside the disc
    edges = np.concatenate(([0.0], np.linspace(a, big_r, shells + 1)))
    volume = math.pi * np.diff(edges**2) * w
    width = (big_r - a) / shells if shells else 0.0
    g = np.zeros(shells)
    if shells == 1:
        g[0] = 8.0 * math.pi * d * w  # k_out * V_c with k_out = 8 D / a^2
    elif shells > 1:
        g[0] = 2.0 * math.pi * a * w * d / (0.25 * a + 0.5 * width)
        g[1:] = 2.0 * math.pi * edges[2:-1] * w * d / width
    k_out = 8.0 * d / (a * a) if shells else 0.0
    k_in = k_out * volume[0] / (math.pi * (big_r**2 - a**2) * w) if shells else 0.0

    n_ring = int(round(p.sert_count * p.sert_ring_fraction))
    ring_outer = min(p.sert_ring_outer_nm, big_r)
    sert_share = n_ring * _ring_share(edges, p.sert_ring_inner_nm, ring_outer) + (
        p.sert_count - n_ring
    ) * _ring_share(edges, 0.0, big_r)
    unblocked = 1.0 - int(round(f * p.sert_count)) / p.sert_count if p.sert_count else 0.0
    face = min(p.terminal_radius_nm, big_r)
    return {
        "edges_nm": edges,
        "volume_nm3": volume,
        "conductance_nm3_per_us": g,
        "n_receptor": float(p.receptor_count),
        "n_auto": p.autoreceptor_count * _ring_share(edges, 0.0, face),
        "n_sert": sert_share * unblocked,
        "kon_r": kon_to_nm3_per_us(p.receptor_kon_per_M_s),
        "kon_a": kon_to_nm3_per_us(p.autoreceptor_kon_per_M_s),
        "kon_s": kon_to_nm3_per_us(p.sert_kon_per_M_s),
        "koff_r": p.receptor_kon_per_M_s * p.receptor_kd_uM * 1e-12,
        "koff_a": p.autoreceptor_kon_per_M_s * p.autoreceptor_kd_uM * 1e-12,
        "koff_s": p.sert_koff_per_ms / 1000.0,
        "kcat_s": p.sert_kcat_per_ms / 1000.0,
        "k_out": k_out,
        "k_in": k_in,
        "blockade": float(f),
    }


def sert_fraction_in_cleft(params: Parameters) -> float:
    """Fraction of SERT placed inside the cleft disc r < a (area-weighted, tiles ignored).

    The ring part (``sert_ring_fraction``) lies in the ring clipped to the
    sheet; the rest spreads over the whole sheet, a^2/R^2 of it inside.
    """
    k = compartments(params, 0.0)
    total = float(k["n_sert"].sum())
    return float(k["n_sert"][0]) / total if total > 0 else 0.0


def autoreceptor_fraction_in_cleft(params: Parameters) -> float:
    """Fraction of autoreceptors inside the cleft disc: a^2 / min(T, R)^2 (bouton face)."""
    k = compartments(params, 0.0)
    total = float(k["n_auto"].sum())
    return float(k["n_auto"][0]) / total if total > 0 else 0.0
