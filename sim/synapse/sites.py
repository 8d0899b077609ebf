"""Membrane sites: binding, unbinding and SERT turnover, event-driven.

A site (receptor, autoreceptor or SERT; see :mod:`sim.synapse.geometry` for where
they sit) is free or holds one molecule. Capture is tested in the diffusion
kernel (:mod:`sim.synapse.diffusion`) when a molecule's step crosses the membrane in
the site's tile, with a per-crossing probability for the site's reactivity
kappa = kon / tile area that depends on what the site does with it:

- SERT takes molecules one way (inward), so what matters is the uptake rate
  from a depleted layer: Andrews' relation (:mod:`sim.synapse.capture`),
  exact for the slab decay rate of science.md 4.4.
- Receptors and autoreceptors bind reversibly, so what matters is the
  equilibrium C/(C + Kd) (science.md 4.3). A let-go molecule is put where
  captured ones come from (:func:`sim.synapse.diffusion._release_offset`),
  which keeps a uniform concentration uniform (detailed balance); the
  binding flux is then P*C*sqrt(D*dt/pi) per tile area per step, exactly
  kon*C when P = kappa*sqrt(pi*dt/D) (Erban & Chapman), and the dwell is
  geometric with p = koff*dt per step (mean 1/koff), so
  theta/(1 - theta) = C/Kd exactly. Andrews' P here made Kd ~1.7% high at
  dt 10 ns; the first-order P overstates capture from a depleted layer by
  ~0.4*P (0.3% for the default receptors, P ~ 0.006), which a sparse
  receptor patch in a reflecting membrane hardly has.

Both rules count the crossings of a half-space; the cleft is a slab, whose
molecules beyond the far wall do not exist, so at steps that are a large
part of its width a wall is crossed less often. Both probabilities are
divided by 1 minus that deficit (:func:`sim.synapse.capture.in_slab`: 2e-10 at
the window's 10 ns, 7% at the treatment course's 160 ns), and a let-go
molecule is put no farther than the far wall. The uniform profile is then
stationary to ~0.2% at 160 ns, not exactly: where a step folds off both
walls, where a captured molecule lands is not where it started (a 1-D
transfer-matrix calculation put the wall concentration 0.05% high at
P = 0.026 and 0.19% at P = 0.1 at 160 ns); at the window's steps the
difference vanishes with the deficit.

At binding the site draws how many steps it will hold the molecule
(geometric: the same process as a per-step coin, drawn once) and, for SERT,
whether it carries the molecule inward (probability kcat/(kcat + koff)) or
lets it go back.

:class:`SiteTable` holds the per-site arrays the kernels read and write;
the njit functions here are called from the diffusion kernel.
"""

from __future__ import annotations

import math

import numpy as np

from sim.common.jit import njit
from sim.params.units import kon_to_nm3_per_us
from sim.synapse import states as S
from sim.synapse.capture import capture_probability, first_order_probability, in_slab

NEVER = np.iinfo(np.int64).max
"""``leave_step`` of a site that holds nothing or never lets go."""

STATE_OF_KIND = np.array([S.RECEPTOR, S.AUTORECEPTOR, S.SERT], dtype=np.int8)
"""Molecule state of a molecule held by a site of each kind (indexed by site kind)."""


KON_NAMES = ("receptor_kon_per_M_s", "autoreceptor_kon_per_M_s", "sert_kon_per_M_s")
"""The association-rate parameter of each site kind (indexed by site kind)."""


class CaptureError(ValueError):
    """A site's reactivity is more than a step of this length can realise."""


class SiteTable:
    """Per-site rates and occupancy, as arrays indexed by site id.

    Attributes:
        kappa_nm_per_us: surface reactivity kon / tile area of each site.
        p_capture: per-crossing capture probability (Andrews 2009 for SERT, first
            order for receptors and autoreceptors: module doc).
        log1m_p_leave: log(1 - p_leave) per step, 0 where the site never lets go.
        frac_inward: chance a SERT cycle ends inward (kcat/(kcat+koff)); 0 for receptors.
        p_now: capture probability now (0 while occupied or drug-blocked), with
            one extra sentinel entry (always 0) for tiles without a site.
        occupant: molecule id held, -1 if free.
        leave_step: step index at which the occupant leaves (NEVER if none).
        inward: whether the current SERT cycle ends inward.
        occupied: dense list (first ``n_occupied`` entries) of occupied sites;
            ``slot[sid]`` is a site's index in it (-1 if free).
    """

    def __init__(self, sites, params, dt_us: float, d_nm2_per_us: float) -> None:
        p, kind = params, sites.kind
        self.sites = sites
        self.count = n = sites.count
        kon = np.select(
            [kind == S.SITE_RECEPTOR, kind == S.SITE_AUTORECEPTOR, kind == S.SITE_SERT],
            [p.receptor_kon_per_M_s, p.autoreceptor_kon_per_M_s, p.sert_kon_per_M_s],
        ).astype(np.float64)
        self.kappa_nm_per_us = kon * kon_to_nm3_per_us(1.0) / p.tile_nm**2
        self.p_capture = np.zeros(n)
        for k in (S.SITE_RECEPTOR, S.SITE_AUTORECEPTOR, S.SITE_SERT):
            for value in np.unique(self.kappa_nm_per_us[kind == k]):
                of_value = (kind == k) & (self.kappa_nm_per_us == value)
                self.p_capture[of_value] = _probability(k, float(value), dt_us, d_nm2_per_us, p)
        koff_per_us = np.select(
            [kind == S.SITE_RECEPTOR, kind == S.SITE_AUTORECEPTOR, kind == S.SITE_SERT],
            [
                p.receptor_kon_per_M_s * p.receptor_kd_uM * 1e-12,
                p.autoreceptor_kon_per_M_s * p.autoreceptor_kd_uM * 1e-12,
                (p.sert_koff_per_ms + p.sert_kcat_per_ms) / 1000.0,
            ],
        ).astype(np.float64)
        # Reversible sites leave with p = koff*dt per step (detailed balance, module doc);
        # SERT with 1 - exp(-(koff + kcat)*dt) (its kcat*dt may exceed 1).
        per_step = koff_per_us * dt_us
        reversible = kind != S.SITE_SERT
        hazard = np.where(reversible, -np.log1p(-np.minimum(per_step, 1.0 - 1e-12)), per_step)
        self.p_leave = -np.expm1(-hazard)
        self.log1m_p_leave = -hazard
        back_per_us = np.where(kind == S.SITE_SERT, p.sert_koff_per_ms / 1000.0, koff_per_us)
        self.p_return = -np.expm1(-back_per_us * dt_us)
        total = p.sert_koff_per_ms + p.sert_kcat_per_ms
        frac = p.sert_kcat_per_ms / total if total > 0 else 0.0
        self.frac_inward = np.where(kind == S.SITE_SERT, frac, 0.0)
        self.kind = kind.astype(np.int8)
        self.plane = sites.plane.astype(np.int8)
        self.x = sites.x.astype(np.float32)
        self.y = sites.y.astype(np.float32)
        self.occupant = np.full(n, -1, dtype=np.int64)
        self.leave_step = np.full(n, NEVER, dtype=np.int64)
        self.inward = np.zeros(n, dtype=np.bool_)
        self.occupied = np.zeros(n, dtype=np.int64)
        self.slot = np.full(n, -1, dtype=np.int64)
        self.n_occupied = 0
        self.blocked = np.zeros(n, dtype=np.bool_)
        self.p_now = np.zeros(n + 1, dtype=np.float64)
        self.refresh()
        grid = sites.grid
        side = grid.shape[1]
        padded = np.full((2, side + 1, side + 1), n, dtype=np.int32)
        sel = grid >= 0
        padded[:, :side, :side][sel] = grid[sel]
        self.grid_flat = padded.ravel()
        self.grid_side = side + 1

    def refresh(self) -> None:
        """Recompute ``p_now`` from occupancy and blockade."""
        available = (self.occupant < 0) & ~self.blocked
        self.p_now[: self.count] = np.where(available, self.p_capture, 0.0)
        self.p_now[self.count] = 0.0

    def set_blocked(self, blocked: np.ndarray) -> None:
        """Mark drug-occupied SERT (a SERT already carrying a molecule finishes its cycle)."""
        self.blocked = blocked.astype(np.bool_)
        self.refresh()

    def occupancy(self, site_kind: int) -> float:
        """Fraction of sites of ``site_kind`` that hold a molecule."""
        of_kind = self.kind == site_kind
        n = int(of_kind.sum())
        return float(np.count_nonzero(self.occupant[of_kind] >= 0)) / n if n else 0.0

    def max_probabilities(self) -> dict[str, float]:
        """Largest per-step capture and return probabilities (for the step check)."""
        return {
            "capture": float(self.p_capture.max(initial=0.0)),
            "unbinding": float(self.p_return.max(initial=0.0)),
        }


@njit(cache=True, inline="always")
def bind(
    sid,
    mol,
    step,
    u_dwell,
    u_inward,
    occupant,
    leave_step,
    inward,
    occupied,
    slot,
    n_occ,
    p_now,
    log1m_p_leave,
    frac_inward,
):
    """Site ``sid`` takes molecule ``mol`` at ``step``; returns the new occupied count.

    ``u_dwell`` and ``u_inward`` are uniforms on [0, 1): the dwell is
    geometric (1 + floor(log(1 - u)/log(1 - p)) steps, counting this one) and
    a SERT cycle ends inward when ``u_inward < frac_inward``.
    """
    occupant[sid] = mol
    p_now[sid] = 0.0
    if log1m_p_leave[sid] < 0.0:
        leave_step[sid] = step + np.int64(np.floor(np.log1p(-u_dwell) / log1m_p_leave[sid]))
    else:
        leave_step[sid] = NEVER
    inward[sid] = u_inward < frac_inward[sid]
    occupied[n_occ] = sid
    slot[sid] = n_occ
    return n_occ + 1


@njit(cache=True, inline="always")
def unbind_slot(k, occupant, leave_step, occupied, slot, n_occ, p_now, p_capture, blocked):
    """Free the site at position ``k`` of the occupied list; returns the new occupied count."""
    sid = occupied[k]
    occupant[sid] = -1
    leave_step[sid] = NEVER
    p_now[sid] = 0.0 if blocked[sid] else p_capture[sid]
    last = n_occ - 1
    moved = occupied[last]
    occupied[k] = moved
    slot[moved] = k
    slot[sid] = -1
    return last


def _probability(kind: int, kappa: float, dt_us: float, d_nm2_per_us: float, params) -> float:
    """Per-crossing capture probability of a site of ``kind`` (module doc: why two rules)."""
    sigma_nm = math.sqrt(2.0 * d_nm2_per_us * dt_us)
    try:
        capture_probability(kappa, dt_us, d_nm2_per_us)  # refuses what no step can realise
        if kind == S.SITE_SERT:
            prob = capture_probability(kappa, dt_us, d_nm2_per_us)
        else:
            prob = first_order_probability(kappa, dt_us, d_nm2_per_us)
            if prob > 1.0:
                raise ValueError(f"kappa*sqrt(pi*dt/D) = {prob:.3f} exceeds 1")
        return in_slab(prob, sigma_nm, params.cleft_width_nm)
    except ValueError as exc:
        name = KON_NAMES[kind]
        raise CaptureError(
            f"{name} = {getattr(params, name):g} at dt_ns = {params.dt_ns:g} and tile_nm = "
            f"{params.tile_nm:g}: {exc}; lower {name} or dt_ns"
        ) from None
