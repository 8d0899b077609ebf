"""Geometry of the synapse: membranes, the site lattice and vesicle positions.

Coordinates in nm. z runs from the presynaptic membrane (z = 0) to the
postsynaptic membrane (z = cleft width W); x and y lie in the membranes, with
the synapse centred on the origin. The presynaptic terminal is the half-space
z < 0 over a disc of ``terminal_radius_nm``; the extracellular sheet
0 < z < W extends to ``outer_radius_nm``.

Each membrane is divided into square tiles of side ``tile_nm``; a tile holds at
most one site (receptor, autoreceptor or SERT). A molecule whose step crosses
a membrane inside a site's tile may react with that site (MCell's per-tile
version of the reactive-boundary rule, Kerr et al. 2008).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params.synapse import ParameterError, Parameters
from sim.synapse.states import SITE_AUTORECEPTOR, SITE_RECEPTOR, SITE_SERT

PLANE_PRE = 0
PLANE_POST = 1


@dataclass
class Sites:
    """All membrane sites, as arrays indexed by site id.

    Attributes:
        kind: SITE_RECEPTOR, SITE_AUTORECEPTOR or SITE_SERT per site.
        plane: PLANE_PRE or PLANE_POST.
        x, y: tile-centre position in nm.
        block_rank: for SERT, a seeded random rank; the ``round(f*n)`` lowest
            ranks are drug-occupied at blockade f, so raising f only adds blocks.
        grid: (2, n_tiles, n_tiles) site id per tile per plane, -1 if empty.
    """

    kind: np.ndarray
    plane: np.ndarray
    x: np.ndarray
    y: np.ndarray
    block_rank: np.ndarray
    grid: np.ndarray
    tile_nm: float
    half_extent_nm: float

    @property
    def count(self) -> int:
        """Number of sites."""
        return int(self.kind.shape[0])


def _tile_centres(n_side: int, tile: float, half: float) -> tuple[np.ndarray, np.ndarray]:
    c = -half + (np.arange(n_side) + 0.5) * tile
    cx, cy = np.meshgrid(c, c, indexing="xy")
    return cx.ravel(), cy.ravel()


def build_sites(p: Parameters, rng: np.random.Generator) -> Sites:
    """Place receptors, autoreceptors and SERT on the tile lattice (seeded)."""
    tile = p.tile_nm
    n_side = int(np.ceil(2.0 * p.outer_radius_nm / tile))
    half = n_side * tile / 2.0
    cx, cy = _tile_centres(n_side, tile, half)
    r = np.hypot(cx, cy)
    # Tiles whose centre lies inside the sheet: their total area is pi*R^2 on average.
    inside = r <= p.outer_radius_nm

    kinds, planes, tiles = [], [], []

    def take(kind: int, plane: int, count: int, allowed: np.ndarray, name: str, where: str):
        pool = np.flatnonzero(allowed)
        if count > len(pool):
            raise ParameterError(
                f"{name} = {count} does not fit: only {len(pool)} free tiles of {tile} nm {where}"
            )
        chosen = rng.choice(pool, size=count, replace=False) if count else pool[:0]
        kinds.append(np.full(count, kind, np.int8))
        planes.append(np.full(count, plane, np.int8))
        tiles.append(chosen)
        return chosen

    take(
        SITE_RECEPTOR,
        PLANE_POST,
        p.receptor_count,
        inside & (r <= p.active_zone_radius_nm),
        "receptor_count",
        "inside the active zone",
    )
    free_pre = inside.copy()
    chosen = take(
        SITE_AUTORECEPTOR,
        PLANE_PRE,
        p.autoreceptor_count,
        free_pre & (r <= p.terminal_radius_nm),
        "autoreceptor_count",
        "on the terminal",
    )
    free_pre[chosen] = False
    n_ring = int(round(p.sert_count * p.sert_ring_fraction))
    ring = (r >= p.sert_ring_inner_nm) & (r <= p.sert_ring_outer_nm)
    chosen = take(SITE_SERT, PLANE_PRE, n_ring, free_pre & ring, "sert_count", "in the SERT ring")
    free_pre[chosen] = False
    take(
        SITE_SERT,
        PLANE_PRE,
        p.sert_count - n_ring,
        free_pre,
        "sert_count",
        "on the presynaptic sheet",
    )

    kind = np.concatenate(kinds) if kinds else np.zeros(0, np.int8)
    plane = np.concatenate(planes)
    tile_idx = np.concatenate(tiles).astype(np.int64)
    grid = np.full((2, n_side, n_side), -1, dtype=np.int64)
    site_ids = np.arange(len(kind))
    grid[plane, tile_idx // n_side, tile_idx % n_side] = site_ids
    block_rank = np.full(len(kind), -1, dtype=np.int64)
    is_sert = kind == SITE_SERT
    block_rank[is_sert] = rng.permutation(int(is_sert.sum()))
    return Sites(
        kind=kind,
        plane=plane,
        x=cx[tile_idx].astype(np.float32),
        y=cy[tile_idx].astype(np.float32),
        block_rank=block_rank,
        grid=grid,
        tile_nm=tile,
        half_extent_nm=half,
    )


def dock_positions(p: Parameters, rng: np.random.Generator) -> np.ndarray:
    """(n_dock, 3) centres of docked vesicles at the active zone, nm."""
    n = p.docked_vesicles
    rmax = max(p.active_zone_radius_nm - p.vesicle_radius_nm, 0.0)
    # Sunflower spiral: evenly spread, no overlaps for ~10 docks in a 110 nm disc.
    k = np.arange(n) + 0.5
    rad = rmax * np.sqrt(k / max(n, 1))
    ang = k * np.pi * (3.0 - np.sqrt(5.0)) + rng.uniform(0, 2 * np.pi)
    z = np.full(n, -(p.vesicle_radius_nm + 1.0))
    return np.stack([rad * np.cos(ang), rad * np.sin(ang), z], axis=1)


def random_points_in_terminal(
    p: Parameters, rng: np.random.Generator, n: int, margin_nm: float = 0.0
) -> np.ndarray:
    """(n, 3) uniform points inside the hemispherical bouton (z < 0), nm."""
    radius = max(p.terminal_radius_nm - margin_nm, 1.0)
    v = rng.normal(size=(n, 3))
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
    v[:, 2] = -np.abs(v[:, 2])
    rad = radius * rng.uniform(size=n) ** (1.0 / 3.0)
    pts = v * rad[:, None]
    pts[:, 2] = np.minimum(pts[:, 2], -margin_nm)
    return pts


def terminal_points_from_uniforms(p: Parameters, u: np.ndarray) -> np.ndarray:
    """(n, 3) uniform points in the hemispherical bouton (z < 0), nm, from (n, 3) uniforms.

    Each point uses its own row of ``u`` (cos theta, phi, radius by inverse
    CDF), so drawing the rows in one batch or in several gives the same
    points: what a run does must not depend on how its steps are grouped.
    """
    cos_t = -u[:, 0]
    sin_t = np.sqrt(np.maximum(0.0, 1.0 - cos_t * cos_t))
    phi = 2.0 * np.pi * u[:, 1]
    rad = p.terminal_radius_nm * np.cbrt(u[:, 2])
    return np.stack([rad * sin_t * np.cos(phi), rad * sin_t * np.sin(phi), rad * cos_t], axis=1)


def reserve_positions(p: Parameters, rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, 3) centres of reserve vesicles inside the bouton, away from the membrane."""
    return random_points_in_terminal(p, rng, n, margin_nm=2.5 * p.vesicle_radius_nm)


def cleft_volume_nm3(p: Parameters) -> float:
    """Volume of the synaptic cleft (the active-zone disc times the width), nm^3."""
    return float(np.pi * p.active_zone_radius_nm**2 * p.cleft_width_nm)
