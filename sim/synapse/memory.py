"""Memory a synapse would need, estimated from its parameters before anything is allocated.

Some combinations inside the declared ranges need gigabytes (``tile_nm = 1``
with ``outer_radius_nm = 5000`` is a 10,000 x 10,000 tile lattice on two
membranes; 100,000 molecules per vesicle in 1,000 vesicles is 10^8 molecules).
:func:`check_memory` refuses them with one line naming the parameters at
fault and the GiB needed, instead of a MemoryError traceback (or the kernel's
out-of-memory killer) half-way through building the model.

The per-item costs are peaks measured with ``tracemalloc`` while building a
:class:`sim.synapse.model.Synapse` (the numpy model), rounded up:

* membrane lattice: ~52 bytes per tile (the two int64 tile->site planes, the
  padded lookup copy, tile-centre coordinates and masks while sites are placed);
* molecules: ~90 bytes per molecule while the vesicles are filled (state,
  site, position, first-hit time, the cytosol pool and float64 temporaries);
  running adds at most the free pool's 20 bytes per free molecule, below that peak;
* sites: a few hundred bytes each (per-site rates, occupancy, timers).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from sim.params.synapse import ParameterError

GIB = 2**30
"""Bytes in a GiB."""

BYTES_PER_TILE = 56
"""Peak bytes per membrane tile while the lattice is built (measured ~52)."""

BYTES_PER_MOLECULE = 96
"""Peak bytes per 5-HT molecule while vesicles are filled (measured ~87-89 above 10^5 molecules)."""

BYTES_PER_SITE = 256
"""Bytes per membrane site (receptor, autoreceptor, SERT) across its per-site arrays."""

HEADROOM = 0.8
"""Fraction of the available memory a model may take (the rest: drawing, Python, the OS)."""

MEMORY_CAP_ENV = "CLEFT_MEMORY_LIMIT_MB"
"""Environment variable that caps the memory a model may use, MiB (e.g. for tests or shared machines)."""


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes a synapse would allocate, by part.

    Attributes:
        lattice: the membrane tile lattice, bytes.
        molecules: every 5-HT molecule present at t = 0, bytes.
        sites: receptors, autoreceptors and SERT, bytes.
        n_side: tiles along one side of the lattice.
        n_molecules: molecules at t = 0 (vesicles times content plus cytosol).
    """

    lattice: int
    molecules: int
    sites: int
    n_side: int
    n_molecules: int

    @property
    def total(self) -> int:
        """All parts, bytes."""
        return self.lattice + self.molecules + self.sites


def estimate(params) -> MemoryEstimate:
    """The bytes a :class:`~sim.synapse.model.Synapse` with ``params`` would allocate at its peak."""
    n_side = int(math.ceil(2.0 * params.outer_radius_nm / params.tile_nm))
    vesicles = params.docked_vesicles + params.reserve_vesicles
    fill = int(round(params.initial_vesicle_fill * params.molecules_per_vesicle))
    n_mol = vesicles * fill + params.initial_cytosol
    n_sites = params.receptor_count + params.autoreceptor_count + params.sert_count
    return MemoryEstimate(
        lattice=n_side * n_side * BYTES_PER_TILE,
        molecules=n_mol * BYTES_PER_MOLECULE,
        sites=n_sites * BYTES_PER_SITE,
        n_side=n_side,
        n_molecules=n_mol,
    )


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _cgroup_room() -> int | None:
    """Room left under a cgroup v2 memory limit, bytes (None without a limit)."""
    try:
        with open("/sys/fs/cgroup/memory.max", encoding="ascii") as fh:
            limit = fh.read().strip()
        if limit == "max":
            return None
        with open("/sys/fs/cgroup/memory.current", encoding="ascii") as fh:
            current = int(fh.read().strip())
        return max(0, int(limit) - current)
    except (OSError, ValueError):
        return None


def available_bytes() -> int:
    """Memory a new model may use now, bytes.

    The least of MemAvailable (or free pages via ``os.sysconf``), the room
    under a cgroup limit and ``$CLEFT_MEMORY_LIMIT_MB``.
    """
    candidates: list[int] = []
    avail = _meminfo_available()
    if avail is None:
        try:
            avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            avail = None
    if avail is not None and avail > 0:
        candidates.append(avail)
    room = _cgroup_room()
    if room is not None:
        candidates.append(room)
    cap = os.environ.get(MEMORY_CAP_ENV, "").strip()
    if cap:
        try:
            candidates.append(int(float(cap) * 2**20))
        except ValueError:
            pass
    return min(candidates) if candidates else 2**62


def check_memory(params, *, limit_bytes: int | None = None) -> MemoryEstimate:
    """Refuse parameters whose model would not fit in memory; return the estimate.

    Args:
        params: a validated :class:`~sim.params.synapse.Parameters`.
        limit_bytes: the memory allowed, bytes (default: ``HEADROOM`` x
            :func:`available_bytes`).

    Raises:
        ParameterError: one line naming the parameters at fault, their values,
            the GiB needed and the GiB available.
    """
    est = estimate(params)
    limit = int(HEADROOM * available_bytes()) if limit_bytes is None else int(limit_bytes)
    if est.total <= limit:
        return est
    parts = []
    if est.lattice >= 0.25 * est.total:
        parts.append(
            f"tile_nm = {params.tile_nm:g} with outer_radius_nm = {params.outer_radius_nm:g} "
            f"({est.n_side:,} x {est.n_side:,} tiles per membrane: "
            f"{est.lattice / GIB:.1f} GiB)"
        )
    if est.molecules >= 0.25 * est.total:
        vesicles = params.docked_vesicles + params.reserve_vesicles
        what = (
            f"molecules_per_vesicle = {params.molecules_per_vesicle:,} in "
            f"{vesicles:,} vesicles (docked_vesicles + reserve_vesicles)"
        )
        if params.initial_cytosol >= 0.25 * max(1, est.n_molecules):
            what += f" and initial_cytosol = {params.initial_cytosol:,}"
        parts.append(f"{what} ({est.n_molecules:,} molecules: {est.molecules / GIB:.1f} GiB)")
    if not parts:
        parts.append(
            "receptor_count + autoreceptor_count + sert_count = "
            f"{params.receptor_count + params.autoreceptor_count + params.sert_count:,} sites"
        )
    raise ParameterError(
        f"{' and '.join(parts)} need about {est.total / GIB:.1f} GiB; "
        f"{limit / GIB:.1f} GiB may be used here; lower them"
    )
