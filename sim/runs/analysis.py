"""Derived numbers and the analytic results of science.md section 4.

Fits and theory used by the summary, the tests and the plots. Units: time in
the unit of the arrays passed in, lengths in nm, D in nm^2/us.
"""

from __future__ import annotations

import math

import numpy as np

FIRST_PASSAGE_WALL_SHIFT = 0.5826
"""A discrete walk that checks only step end points sees an absorbing wall this
many per-axis step lengths further out (science.md section 4.2)."""


def fit_clearance_tau(
    time: np.ndarray, free: np.ndarray, release_times: np.ndarray, min_samples: int = 5
) -> float | None:
    """Time constant of the decay of free 5-HT after the first release.

    Takes the samples from the peak that follows the first release up to the
    next release (or the end), keeps those between 90% and 5% of the peak, and
    fits ln(free) = a - t/tau by least squares. Returns None when there was no
    release or fewer than ``min_samples`` samples fall in the window.
    """
    if len(release_times) == 0 or len(time) == 0:
        return None
    t0 = release_times[0]
    t_end = release_times[1] if len(release_times) > 1 else np.inf
    window = (time >= t0) & (time < t_end)
    if not window.any():
        return None
    tw, fw = time[window], free[window].astype(float)
    i_peak = int(np.argmax(fw))
    peak = fw[i_peak]
    if peak <= 0:
        return None
    tw, fw = tw[i_peak:], fw[i_peak:]
    keep = (fw <= 0.9 * peak) & (fw >= 0.05 * peak)
    if keep.sum() < min_samples:
        return None
    slope = np.polyfit(tw[keep], np.log(fw[keep]), 1)[0]
    if slope >= 0:
        return None
    return float(-1.0 / slope)


def slab_uptake_roots(
    width_nm: float, kappa_nm_per_us: float, d_nm2_per_us: float, n_roots: int = 50
) -> np.ndarray:
    """Roots alpha_n of alpha*tan(alpha*L) = kappa/D (science.md section 4.4), 1/nm.

    The slab has one wall of reactivity kappa and one reflecting wall; the
    n-th root lies in ((n-1)*pi/L, (n-1/2)*pi/L) and is found by bisection.
    """
    h = kappa_nm_per_us / d_nm2_per_us
    roots = []
    for n in range(n_roots):
        lo = n * math.pi / width_nm + 1e-12
        hi = (n + 0.5) * math.pi / width_nm - 1e-12
        f = lambda a: a * math.tan(a * width_nm) - h  # noqa: E731
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if f(mid) > 0:
                hi = mid
            else:
                lo = mid
        roots.append(0.5 * (lo + hi))
    return np.array(roots)


def slab_uptake_rate(width_nm: float, kappa_nm_per_us: float, d_nm2_per_us: float) -> float:
    """Exact late-time decay rate D*alpha_1^2 of free molecules in the slab, 1/us."""
    a1 = slab_uptake_roots(width_nm, kappa_nm_per_us, d_nm2_per_us, 1)[0]
    return d_nm2_per_us * a1 * a1


def slab_survival(
    t_us: np.ndarray,
    width_nm: float,
    kappa_nm_per_us: float,
    d_nm2_per_us: float,
    n_roots: int = 50,
) -> np.ndarray:
    """Fraction of molecules not yet taken up at ``t_us``, for a uniform start.

    Eigen-series of the slab: S(t) = sum_n c_n exp(-D alpha_n^2 t) with
    c_n = 2 sin^2(a_n L) / (a_n L (a_n L + sin(a_n L) cos(a_n L))).
    """
    a = slab_uptake_roots(width_nm, kappa_nm_per_us, d_nm2_per_us, n_roots)
    al = a * width_nm
    c = 2.0 * np.sin(al) ** 2 / (al * (al + np.sin(al) * np.cos(al)))
    t = np.atleast_1d(np.asarray(t_us, dtype=float))
    return (c[None, :] * np.exp(-d_nm2_per_us * a[None, :] ** 2 * t[:, None])).sum(axis=1)


def slab_mean_uptake_time(
    width_nm: float, kappa_nm_per_us: float, d_nm2_per_us: float, n_roots: int = 200
) -> float:
    """Mean time to uptake for a uniform start in the slab, us: integral of S(t)."""
    a = slab_uptake_roots(width_nm, kappa_nm_per_us, d_nm2_per_us, n_roots)
    al = a * width_nm
    c = 2.0 * np.sin(al) ** 2 / (al * (al + np.sin(al) * np.cos(al)))
    return float((c / (d_nm2_per_us * a**2)).sum())


def mean_first_passage_us(width_nm: float, start_nm: float, d_nm2_per_us: float) -> float:
    """Mean time to reach an absorbing wall at L from x0, reflecting at 0: (L^2 - x0^2)/(2D)."""
    return (width_nm**2 - start_nm**2) / (2.0 * d_nm2_per_us)


def binding_fraction(conc_uM: float, kd_uM: float) -> float:
    """Equilibrium fraction of receptors bound, C / (C + Kd)."""
    return conc_uM / (conc_uM + kd_uM)
