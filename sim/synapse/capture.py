"""Per-crossing capture probability for a surface of reactivity kappa (Andrews 2009).

A molecule whose Brownian step ends beyond a reactive membrane is taken with
probability P and otherwise reflected. The first-order rule of Erban &
Chapman (2007), P = kappa*sqrt(pi*dt/D), overstates capture by about 0.5*P
(science.md section 3). Andrews (2009, Phys Biol 6:046015, the relation
Smoldyn uses) instead relates the dimensionless reactivity
kappa' = kappa*sqrt(dt/D) to P through the steady state of the discrete
algorithm itself: molecules in a half-space above an adsorbing wall, fed by a
constant flux from far away, settle into a profile that far from the wall is
the continuum's straight line c(x) = a + b*x. The flux absorbed per step,
J = P * integral of c(x)*Phi(-x/sigma), equals D*dt*b (Fick), and the
continuum reactivity is the flux over the extrapolated wall concentration:
kappa*dt = J/a. This module solves that steady state numerically (a
Fredholm equation of the second kind on a fine grid) and inverts it for P.

Solving takes a fraction of a second to seconds (a dense linear solve per
P), too long for every model built, so the table of kappa'(P) is stored in
:mod:`sim.synapse.capture_table`, written by ``python -m sim.synapse.capture``;
a test re-solves it and compares.

Checks of the solver (tests/test_reactive_boundary.py): for small P it gives
kappa' = P/sqrt(pi) (Erban & Chapman); at P = 1 the wall behaves as a
perfect absorber displaced by 0.5826*sigma (science.md section 4.2), i.e.
kappa' = 1/(sqrt(2)*0.5826) = 1.2137.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.synapse.capture_table import TABLE_KAPPA_PRIME, TABLE_P

GRID_PER_SIGMA = 40
"""Grid points per step length in the steady-state solve (midpoint rule, error O(h^2))."""
HALF_SPACE_SIGMAS = 8.0
"""Depth of the solved region in step lengths; beyond it the profile is the straight line."""
TABLE_POINTS = 41
"""P values 0, 0.025, ..., 1 at which kappa' is solved. Between them the ratio
P/kappa' (which is sqrt(pi) exactly at P = 0, Erban & Chapman, and smooth)
is interpolated linearly in kappa': relative error < 2e-4 in P at every P,
against ~1% low below P = 0.025 when P itself was interpolated (the curve
bends there; tests/test_reactive_boundary.py)."""


_P_PER_KAPPA_PRIME = np.concatenate(([math.sqrt(math.pi)], TABLE_P[1:] / TABLE_KAPPA_PRIME[1:]))
"""P/kappa' at the table's points; at P = 0 the limit sqrt(pi) (Erban & Chapman)."""


def _upper_tail(z: np.ndarray) -> np.ndarray:
    return np.array([0.5 * math.erfc(v / math.sqrt(2.0)) for v in z])


def _phi(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


@lru_cache(maxsize=1)
def _grid():
    h = 1.0 / GRID_PER_SIGMA
    m = int(round(HALF_SPACE_SIGMAS * GRID_PER_SIGMA))
    x = (np.arange(m) + 0.5) * h
    big_l = m * h
    direct = h * _phi(x[:, None] - x[None, :])
    mirror = h * _phi(x[:, None] + x[None, :])
    # Far field c(x) = alpha + x beyond L: its contribution at y, split into the
    # parts proportional to alpha and the rest (step to y, and mirrored step).
    q_d, q_m = _upper_tail(big_l - x), _upper_tail(big_l + x)
    f_d, f_m = _phi(big_l - x), _phi(big_l + x)
    cross_frac = h * _upper_tail(x)  # chance a step from x ends beyond the wall (Phi(-x))
    return x, direct, mirror, (q_d, q_m, f_d, f_m), cross_frac


def kappa_prime_for(p: float) -> float:
    """Dimensionless reactivity kappa*sqrt(dt/D) that capture probability ``p`` realises.

    Solves the steady state of the discrete algorithm (units of sigma = 1, so
    D*dt = 1/2 and the far-field slope b = 1): c = K c + T(alpha) on the grid,
    then alpha from the flux balance P * sum(c * Phi(-x)) = 1/2.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"capture probability {p} is outside [0, 1]")
    if p == 0.0:
        return 0.0
    x, direct, mirror, (q_d, q_m, f_d, f_m), cross_frac = _grid()
    keep = 1.0 - p
    a = np.eye(len(x)) - (direct + keep * mirror)
    t_alpha = q_d + keep * q_m
    t_rest = (x * q_d + f_d) + keep * (-x * q_m + f_m)
    c_alpha, c_rest = np.linalg.solve(a, np.stack([t_alpha, t_rest], axis=1)).T
    # Flux per step: P * integral c(x) Phi(-x) dx = D dt b = 1/2.
    flux_alpha = p * float(cross_frac @ c_alpha)
    flux_rest = p * float(cross_frac @ c_rest)
    alpha = (0.5 - flux_rest) / flux_alpha
    return 1.0 / (math.sqrt(2.0) * alpha)


def solve_table(points: int = TABLE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Solve kappa' at ``points`` evenly spaced P in [0, 1] (about 0.1-1 s)."""
    ps = np.linspace(0.0, 1.0, points)
    return ps, np.array([kappa_prime_for(float(p)) for p in ps])


def max_kappa_prime() -> float:
    """The largest reactivity kappa*sqrt(dt/D) a discrete step can realise (P = 1)."""
    return float(TABLE_KAPPA_PRIME[-1])


def capture_probability(kappa_nm_per_us: float, dt_us: float, d_nm2_per_us: float) -> float:
    """Per-crossing capture probability P for reactivity kappa at step dt (Andrews 2009).

    Raises ValueError when kappa*sqrt(dt/D) exceeds what P = 1 realises: the
    step is then too long for this surface to be as reactive as asked.
    """
    if kappa_nm_per_us < 0 or dt_us <= 0 or d_nm2_per_us <= 0:
        raise ValueError("kappa must be >= 0 and dt, D > 0")
    kp = kappa_nm_per_us * math.sqrt(dt_us / d_nm2_per_us)
    kps = TABLE_KAPPA_PRIME
    if kp > kps[-1]:
        raise ValueError(
            f"kappa*sqrt(dt/D) = {kp:.3f} exceeds {kps[-1]:.3f}, the most a step can capture"
        )
    return float(kp * np.interp(kp, kps, _P_PER_KAPPA_PRIME))


def slab_crossing_deficit(sigma_nm: float, width_nm: float) -> float:
    """Fraction of a half-space's crossings of a wall that a uniformly filled slab lacks.

    A molecule at distance x from a wall ends its step beyond it with
    probability Phi(-x/sigma). Over a half-space at density c that sums to
    c*sigma/sqrt(2*pi) per unit area and step, the count both capture rules
    are derived for; a slab of width W has no molecules beyond W, so it lacks
    c*integral_W^inf Phi(-x/sigma) dx, the fraction
    exp(-u^2/2) - u*sqrt(2*pi)*Phi(-u) with u = W/sigma. Negligible at the
    window's steps (u = 6.1 at 10 ns: 2e-10), 1.4% at 80 ns and 7.0% at 160 ns
    in the 20 nm cleft (sigma = sqrt(2*D*dt), D = 0.54 um^2/ms).
    """
    if sigma_nm <= 0 or width_nm <= 0:
        raise ValueError("sigma and the slab width must be > 0")
    u = width_nm / sigma_nm
    return max(
        0.0, math.exp(-0.5 * u * u) - u * math.sqrt(math.pi / 2.0) * math.erfc(u / math.sqrt(2.0))
    )


def in_slab(p: float, sigma_nm: float, width_nm: float) -> float:
    """A per-crossing probability derived for a half-space, raised for a slab of ``width_nm``.

    Divided by 1 - :func:`slab_crossing_deficit`, so a uniformly filled slab
    is crossed and captured as often as the half-space the rule was derived
    for; for Andrews' rule, derived for a depleted layer, an approximation
    (measured with
    ``main.py bench --capture``'s slab at 160 ns: SERT, Andrews' rule, 8.2%
    slow before and 1.3% after; receptors, first-order rule, 6.7% slow
    before and 1.0% fast after). Raises ValueError when that exceeds 1.
    """
    raised = p / (1.0 - slab_crossing_deficit(sigma_nm, width_nm))
    if raised > 1.0:
        raise ValueError(f"the slab needs a per-crossing probability of {raised:.3f} > 1")
    return raised


def first_order_probability(kappa_nm_per_us: float, dt_us: float, d_nm2_per_us: float) -> float:
    """Erban & Chapman's first-order rule P = kappa*sqrt(pi*dt/D) (for comparison only)."""
    return kappa_nm_per_us * math.sqrt(math.pi * dt_us / d_nm2_per_us)


def write_table(path: Path | None = None) -> Path:
    """Solve the table and write it as :mod:`sim.synapse.capture_table`."""
    path = path or Path(__file__).with_name("capture_table.py")
    ps, kps = solve_table()
    lines = [
        '"""kappa*sqrt(dt/D) realised by per-crossing capture probability P (Andrews 2009).',
        "",
        "Written by ``python -m sim.synapse.capture`` from the steady-state solve in",
        f":mod:`sim.synapse.capture` ({GRID_PER_SIGMA} grid points per sigma, depth "
        f"{HALF_SPACE_SIGMAS:g} sigma); do not edit.",
        '"""',
        "",
        "import numpy as np",
        "",
        f"TABLE_P = np.linspace(0.0, 1.0, {len(ps)})",
        "TABLE_KAPPA_PRIME = np.array(",
        "    [",
        *[f"        {v!r}," for v in kps.tolist()],
        "    ]",
        ")",
        "",
    ]
    from sim.runs.outputs import write_text

    write_text(path, "\n".join(lines))  # whole or not at all: it is a source file
    return path


if __name__ == "__main__":
    print(f"wrote {write_table()}")
