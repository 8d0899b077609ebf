"""A deterministic mean-field (ODE) prediction of the synapse, to draw beside the agents.

Same parameters and blockade as :class:`sim.Synapse`, but every population is
a well-mixed number of molecules instead of a set of agents. Two compartments
of the extracellular sheet (units: nm, us, molecules):

- the cleft disc, r < a (a = ``active_zone_radius_nm``), volume
  V_c = pi a^2 W (W = ``cleft_width_nm``);
- the extrasynaptic sheet outside it, a < r < R (R = ``outer_radius_nm``),
  volume V_o = pi (R^2 - a^2) W.

Exchange. A molecule leaves the disc at rate k_out = 8 D / a^2: a^2/(8 D) is
the mean exit time from a 2-D disc of radius a for a uniform start (the mean
of (a^2 - r^2)/(4 D) over the disc); the cleft is thin, so only lateral
motion matters. The back-flux k_in = k_out V_c / V_o makes the equilibrium
concentrations equal. The outside is treated as well mixed at once, and the
outer edge as reflecting (``edge = "absorbing"`` losses are not modelled).

Sites. Receptors (``receptor_count``, all on the postsynaptic disc) bind from
the cleft compartment with kon and let go with koff = kon Kd. Autoreceptors
are placed like the agents' ones, uniformly on the bouton face r <= T
(T = ``terminal_radius_nm``): the fraction a^2/T^2 binds from the cleft, the
rest from the outside (with the defaults 7.6% / 92.4%). Unblocked SERT,
N_S - round(f N_S) like the model's nested blockade, are split between the
compartments by area: the ring part by the ring's area inside r < a (none with
the default ring 110-400 nm), the rest by a^2/R^2. An empty SERT captures from
its compartment at kon [free] (kon in nm^3/us via
:func:`sim.params.units.kon_to_nm3_per_us`, [free] in molecules/nm^3); a bound SERT
lets go (koff) or carries inward (kcat). With explicit sites, Michaelis-Menten
saturation, Km = (koff + kcat)/kon and Vmax = kcat N_S, comes out by itself.

Release. Each release adds its molecules to the free cleft compartment at its
time. Integration: classical fourth-order Runge-Kutta with a fixed step (the
right-hand side is bilinear in free molecules and empty sites). The sum
free + bound + taken up equals the molecules released, to round-off, because
every term moves molecules between populations.

Where it holds: total free 5-HT is independent of the exchange when SERT
covers the sheet uniformly and uptake is reaction-limited (capture slow
compared with crossing the 20 nm cleft) and not locally saturated; there the
agents agree within ~1% (tests/test_meanfield.py). The cleft concentration is
the weak point of two compartments: they spread a release over the whole
sheet within a few 1/k_out (~3 us), while in the agents it spreads as a 2-D
Gaussian and returns to the disc, so for t < R^2/(4 D) (~0.5 ms by default)
the true cleft concentration stays higher. With the single-release preset
(0.6 ms, 4 seeds) the agents' mean cleft 5-HT is 212 uM, two compartments
give 72 uM and ``shells=30`` gives 201 uM (receptor occupancy 0.47 / 0.36 /
0.48). ``shells`` > 1 (see :func:`compartments`) is a finite-volume radial
diffusion outside the disc; ``OVERLAY_SHELLS`` is the count we recommend for
drawing beside the agents' cleft trace.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.params.synapse import ParameterError, Parameters
from sim.params.units import count_to_uM, diffusion_to_nm2_per_us, kon_to_nm3_per_us

if TYPE_CHECKING:
    from sim.synapse.model import Synapse

OVERLAY_SHELLS = 30
"""Shells outside the disc that resolve the radial spread (converged: 60 changes the
mean cleft concentration of the single-release preset by < 0.5%)."""

MAX_RATE_DT = 2.0
"""Refuse a step with (largest rate) * dt above this: RK4 is stable for a
decaying mode only below 2.785, and accurate well below 1."""

OUTPUT_KEYS: tuple[str, ...] = (
    "time_ms",
    "free_cleft",
    "free_outside",
    "free_total",
    "cleft_uM",
    "receptor_occupancy",
    "autoreceptor_occupancy",
    "sert_bound",
    "taken_up",
    "released",
)
"""Arrays returned by :func:`simulate` and :func:`from_model`."""


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


def _check_inputs(
    release_times_us: Sequence[float],
    release_counts: Sequence[float],
    t_end_us: float,
    dt_us: float,
    sample_us: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    for name, value in (("t_end_us", t_end_us), ("dt_us", dt_us)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
            raise ParameterError(f"{name} = {value!r} must be a number")
        if not math.isfinite(value):
            raise ParameterError(f"{name} = {value} is not finite")
    if t_end_us < 0:
        raise ParameterError(f"t_end_us = {t_end_us} must be >= 0")
    if dt_us <= 0:
        raise ParameterError(f"dt_us = {dt_us} must be > 0")
    if sample_us is not None and not (math.isfinite(sample_us) and sample_us > 0):
        raise ParameterError(f"sample_us = {sample_us} must be a finite number > 0")
    times = np.asarray(release_times_us, dtype=float).ravel()
    counts = np.asarray(release_counts, dtype=float).ravel()
    if times.shape != counts.shape:
        raise ParameterError(
            f"release_times_us ({times.size}) and release_counts ({counts.size}) differ in length"
        )
    if not (np.isfinite(times).all() and np.isfinite(counts).all()):
        raise ParameterError("release times and counts must be finite")
    if (times < 0).any() or (counts < 0).any():
        raise ParameterError("release times and counts must be >= 0")
    return times, counts


def _fastest_rate(k: dict[str, Any], released: float) -> float:
    """Upper bound (Gershgorin) on the linearised rates of the ODE, 1/us."""
    v, g = k["volume_nm3"], k["conductance_nm3_per_us"]
    exch = np.zeros(len(v))
    exch[:-1] += g
    exch[1:] += g
    sites = k["kon_r"] * k["n_receptor"] * (np.arange(len(v)) == 0)
    sites = sites + k["kon_a"] * k["n_auto"] + k["kon_s"] * k["n_sert"]
    per_compartment = 2.0 * exch / v + sites / v
    kon_max = max(k["kon_r"], k["kon_a"], k["kon_s"])
    return float(
        max(
            per_compartment.max(),
            kon_max * released / v.min()
            + max(k["koff_r"], k["koff_a"])
            + k["koff_s"]
            + k["kcat_s"],
        )
    )


def simulate(
    params: Parameters,
    release_times_us: Sequence[float],
    release_counts: Sequence[float],
    t_end_us: float,
    dt_us: float = 0.05,
    blockade: float | None = None,
    sample_us: float | None = None,
    shells: int = 1,
) -> dict[str, np.ndarray]:
    """Integrate the mean-field model from an empty sheet.

    Args:
        params: the synapse's parameters (geometry, sites, rates).
        release_times_us: times of the releases, us (>= 0).
        release_counts: molecules released at each time.
        t_end_us: end of the integration, us.
        dt_us: fixed Runge-Kutta step, us. Accuracy needs dt well below the
            fastest time, 1/(k_out + k_in) ~ 2.8 us by default (two
            compartments), so 0.5 us is still within ~4e-6 of 0.01 us for long
            windows (30 shells: 0.25 us is within 3e-6 of 0.01 us). CPU cost
            ~5 us per step for two compartments, ~80 us with 30 shells.
        blockade: fraction of SERT blocked; None uses ``params.blockade``.
        sample_us: spacing of the output samples, us (rounded to whole
            steps); None gives every step.
        shells: compartments outside the cleft disc; 1 is the two-compartment
            model, more resolve the radial spread (see :func:`compartments`).

    Returns:
        Arrays over the sample times (see ``OUTPUT_KEYS``): ``time_ms``;
        ``free_cleft``, ``free_outside``, ``free_total``, ``sert_bound``,
        ``taken_up`` (cumulative, carried in by SERT) and ``released``
        (cumulative) in molecules; ``cleft_uM`` (free 5-HT in the cleft disc,
        uM); ``receptor_occupancy`` and ``autoreceptor_occupancy``
        (fractions). The state at a release time is the one just before the
        release, as in the agents' recorder.

    Raises:
        ParameterError: bad inputs, or a step too long for the fastest rate.
    """
    times, counts = _check_inputs(release_times_us, release_counts, t_end_us, dt_us, sample_us)
    k = compartments(params, blockade, shells)
    lam = _fastest_rate(k, float(counts.sum()))
    if lam * dt_us > MAX_RATE_DT:
        raise ParameterError(
            f"dt_us = {dt_us} is too long for the fastest rate {lam:.3g} /us "
            f"(rate*dt must be <= {MAX_RATE_DT}); use dt_us <= {MAX_RATE_DT / lam:.3g}"
        )
    n_steps = int(math.ceil(t_end_us / dt_us - 1e-9))
    every = 1 if sample_us is None else max(1, int(round(sample_us / dt_us)))
    # Each release goes in at the nearest grid time (rounded half down).
    grid_index = np.ceil(times / dt_us - 0.5 - 1e-9).astype(np.int64)
    order = np.argsort(grid_index, kind="stable")
    releases = (grid_index[order].tolist(), counts[order].tolist())
    integrate = _integrate_two if len(k["volume_nm3"]) == 2 else _integrate_shells
    out = integrate(k, releases, n_steps, dt_us, every)

    t_us, free_c, free_o, bound_r, bound_a, bound_s, taken, rel = out
    n_r, n_a = k["n_receptor"], float(k["n_auto"].sum())
    return {
        "time_ms": t_us / 1000.0,
        "free_cleft": free_c,
        "free_outside": free_o,
        "free_total": free_c + free_o,
        "cleft_uM": count_to_uM(1.0, float(k["volume_nm3"][0])) * free_c,
        "receptor_occupancy": bound_r / n_r if n_r > 0 else np.zeros_like(t_us),
        "autoreceptor_occupancy": bound_a / n_a if n_a > 0 else np.zeros_like(t_us),
        "sert_bound": bound_s,
        "taken_up": taken,
        "released": rel,
    }


def _integrate_two(
    k: dict[str, Any],
    releases: tuple[list[int], list[float]],
    n_steps: int,
    h: float,
    every: int,
) -> np.ndarray:
    """RK4 for two compartments in plain floats (about 5 us per step).

    Returns an (8, n_samples) array: time (us), free cleft, free outside,
    bound receptors, bound autoreceptors, bound SERT, taken up, released.
    """
    vc, vo = (float(x) for x in k["volume_nm3"])
    g = float(k["conductance_nm3_per_us"][0])
    kx, kb = g / vc, g / vo
    g_r, g_ac, g_ao = k["kon_r"] / vc, k["kon_a"] / vc, k["kon_a"] / vo
    g_sc, g_so = k["kon_s"] / vc, k["kon_s"] / vo
    n_r = k["n_receptor"]
    n_ac, n_ao = (float(x) for x in k["n_auto"])
    n_sc, n_so = (float(x) for x in k["n_sert"])
    koff_r, koff_a, koff_s, kcat = k["koff_r"], k["koff_a"], k["koff_s"], k["kcat_s"]
    s_leave = koff_s + kcat
    rel_idx, rel_n = releases

    def rhs(y: tuple[float, ...]) -> tuple[float, ...]:
        c, o, r, ac, ao, sc, so, _ = y
        b_r = g_r * c * (n_r - r) - koff_r * r
        b_ac = g_ac * c * (n_ac - ac) - koff_a * ac
        b_ao = g_ao * o * (n_ao - ao) - koff_a * ao
        u_c = g_sc * c * (n_sc - sc)
        u_o = g_so * o * (n_so - so)
        x = kx * c - kb * o
        return (
            -x - b_r - b_ac - u_c + koff_s * sc,
            x - b_ao - u_o + koff_s * so,
            b_r,
            b_ac,
            b_ao,
            u_c - s_leave * sc,
            u_o - s_leave * so,
            kcat * (sc + so),
        )

    def shifted(y: tuple[float, ...], dy: tuple[float, ...], a: float) -> tuple[float, ...]:
        return tuple(yi + a * di for yi, di in zip(y, dy, strict=True))

    out = np.zeros((8, n_steps // every + 1))
    # y = (free cleft, free outside, receptors, autoreceptors in/out, SERT in/out, taken up)
    y = (0.0,) * 8
    released = 0.0
    h2, h6 = 0.5 * h, h / 6.0
    j = next_rel = 0
    for step in range(n_steps + 1):
        if step % every == 0:
            c, o, r, ac, ao, sc, so, up = y
            out[:, j] = (step * h, c, o, r, ac + ao, sc + so, up, released)
            j += 1
        if step == n_steps:
            break
        while next_rel < len(rel_idx) and rel_idx[next_rel] <= step:
            y = (y[0] + rel_n[next_rel], *y[1:])
            released += rel_n[next_rel]
            next_rel += 1
        k1 = rhs(y)
        k2 = rhs(shifted(y, k1, h2))
        k3 = rhs(shifted(y, k2, h2))
        k4 = rhs(shifted(y, k3, h))
        y = tuple(
            yi + h6 * (a + 2.0 * (b + c) + d)
            for yi, a, b, c, d in zip(y, k1, k2, k3, k4, strict=True)
        )
    return out


def _integrate_shells(
    k: dict[str, Any],
    releases: tuple[list[int], list[float]],
    n_steps: int,
    h: float,
    every: int,
) -> np.ndarray:
    """RK4 for any number of compartments, as numpy vectors (same output as ``_integrate_two``).

    State vector: free (m), bound autoreceptors (m), bound SERT (m), bound
    receptors (1), taken up (1), for m compartments.
    """
    v = k["volume_nm3"]
    m = len(v)
    g = k["conductance_nm3_per_us"]
    inv_v = 1.0 / v
    g_a, g_s = k["kon_a"] * inv_v, k["kon_s"] * inv_v
    g_r = k["kon_r"] * inv_v[0]
    n_a, n_s, n_r = k["n_auto"], k["n_sert"], k["n_receptor"]
    koff_r, koff_a, koff_s, kcat = k["koff_r"], k["koff_a"], k["koff_s"], k["kcat_s"]
    s_leave = koff_s + kcat
    rel_idx, rel_n = releases
    fr, ar, sr = slice(0, m), slice(m, 2 * m), slice(2 * m, 3 * m)
    ir, iu = 3 * m, 3 * m + 1

    def rhs(y: np.ndarray) -> np.ndarray:
        c, a, s, r = y[fr], y[ar], y[sr], y[ir]
        dy = np.empty_like(y)
        b_a = g_a * c * (n_a - a) - koff_a * a
        u_s = g_s * c * (n_s - s)
        b_r = g_r * c[0] * (n_r - r) - koff_r * r
        flux = g * np.diff(c * inv_v)  # molecules/us from compartment i+1 into i
        dc = koff_s * s - b_a - u_s
        dc[:-1] += flux
        dc[1:] -= flux
        dc[0] -= b_r
        dy[fr] = dc
        dy[ar] = b_a
        dy[sr] = u_s - s_leave * s
        dy[ir] = b_r
        dy[iu] = kcat * s.sum()
        return dy

    out = np.zeros((8, n_steps // every + 1))
    y = np.zeros(3 * m + 2)
    released = 0.0
    h2, h6 = 0.5 * h, h / 6.0
    j = next_rel = 0
    for step in range(n_steps + 1):
        if step % every == 0:
            free = y[fr]
            out[:, j] = (
                step * h,
                free[0],
                free[1:].sum(),
                y[ir],
                y[ar].sum(),
                y[sr].sum(),
                y[iu],
                released,
            )
            j += 1
        if step == n_steps:
            break
        while next_rel < len(rel_idx) and rel_idx[next_rel] <= step:
            y[0] += rel_n[next_rel]
            released += rel_n[next_rel]
            next_rel += 1
        k1 = rhs(y)
        k2 = rhs(y + h2 * k1)
        k3 = rhs(y + h2 * k2)
        k4 = rhs(y + h * k3)
        y = y + h6 * (k1 + 2.0 * (k2 + k3) + k4)
    return out


def releases_of(model: Synapse) -> tuple[np.ndarray, np.ndarray]:
    """Release times (us) and molecules released per action potential, from a model's history.

    Times come from ``model.spike_log`` (entries with at least one vesicle
    fused). Counts come from the recorder's cumulative ``released`` column,
    which is exact even for partly filled vesicles: the rise between the last
    sample at or before a spike and the first sample after it (split between
    spikes that share one sample interval by their vesicles fused). A spike
    after the last sample takes the rest of ``counters["released"]``.
    """
    spikes = [(t, n) for t, n, _ in model.spike_log if n > 0]
    if not spikes:
        return np.zeros(0), np.zeros(0)
    t_spike = np.array([t for t, _ in spikes], dtype=float)
    fused = np.array([n for _, n in spikes], dtype=float)
    t_rec = model.recorder.column("time_ms") * 1000.0
    released = model.recorder.column("released")
    # First sample taken after the step in which the spike happened.
    after = np.searchsorted(t_rec, t_spike + 0.5 * model.dt_us, side="left")
    counts = np.zeros(len(spikes))
    for j in np.unique(after):
        sel = after == j
        before = released[j - 1] if j >= 1 else 0.0
        upto = released[j] if j < len(released) else float(model.counters["released"])
        counts[sel] = (upto - before) * fused[sel] / fused[sel].sum()
    return t_spike, counts


def from_model(
    model: Synapse, t_end_us: float | None = None, dt_us: float = 0.05, shells: int = 1
) -> dict[str, np.ndarray]:
    """The mean-field prediction for a model's run, on the model's own time axis.

    Uses the model's parameters, its current blockade (a blockade changed
    during the run is not followed) and its releases (:func:`releases_of`).
    Molecules added with ``model.inject`` are not included.

    Args:
        model: a :class:`sim.Synapse` that has been run.
        t_end_us: end of the prediction, us; None means the model's time now.
        dt_us: Runge-Kutta step, us (see :func:`simulate`).
        shells: compartments outside the cleft disc (see :func:`compartments`).

    Returns:
        ``OUTPUT_KEYS`` arrays at the recorder's sample times up to
        ``t_end_us`` (``time_ms`` is the recorder's column).
    """
    t_end = model.time_us if t_end_us is None else float(t_end_us)
    times, counts = releases_of(model)
    keep = times <= t_end
    t_rec_ms = model.recorder.column("time_ms")
    t_rec_ms = t_rec_ms[t_rec_ms * 1000.0 <= t_end + 1e-9].copy()
    # Output on the recorder's spacing (interpolation is then exact on its grid).
    all_t = model.recorder.column("time_ms")
    sample_us = float(all_t[1] - all_t[0]) * 1000.0 if len(all_t) > 1 else None
    if sample_us is not None and sample_us < dt_us:
        sample_us = None
    ode = simulate(
        model.params,
        times[keep],
        counts[keep],
        t_end,
        dt_us=dt_us,
        blockade=model.blockade,
        sample_us=sample_us,
        shells=shells,
    )
    result = {"time_ms": t_rec_ms}
    for key in OUTPUT_KEYS[1:]:
        result[key] = np.interp(t_rec_ms, ode["time_ms"], ode[key])
    return result
