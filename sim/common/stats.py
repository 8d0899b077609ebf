"""The standard error of the mean of a correlated time series (one run's samples).

A run's samples (e.g. the ambient level every few ms) are correlated over
the relaxation time of what they measure, so sd/sqrt(n) would understate
the error. Here SE = sd * sqrt(tau_int / n), with the integrated
autocorrelation time tau_int = 1 + 2*sum(rho_k) (in samples) summed over
the initial positive run of the autocorrelation rho_k (Geyer's initial
positive sequence, the usual estimator in Markov chain Monte Carlo).
"""

from __future__ import annotations

import math

import numpy as np


def integrated_autocorrelation(x: np.ndarray) -> float:
    """tau_int of the series, in samples (>= 1; 1 for uncorrelated samples)."""
    x = np.asarray(x, dtype=float)
    n = len(x)
    if n < 4:
        return 1.0
    d = x - x.mean()
    var = float(d @ d)
    if var <= 0:
        return 1.0
    f = np.fft.rfft(d, 2 * n)
    acf = np.fft.irfft(f * np.conjugate(f))[:n] / var
    tau = 1.0
    for k in range(1, n // 2):
        if acf[k] <= 0:
            break
        tau += 2.0 * acf[k]
    return tau


def mean_se(x: np.ndarray) -> float:
    """Standard error of the mean of a correlated series (0 for fewer than 2 samples)."""
    x = np.asarray(x, dtype=float)
    if len(x) < 2:
        return 0.0
    return float(np.std(x, ddof=1)) * math.sqrt(integrated_autocorrelation(x) / len(x))
