"""The synapse parameters' checks across fields (each field's own range is in its spec)."""

from __future__ import annotations

from typing import Protocol

from sim.params.spec import ParameterError


class Geometry(Protocol):
    """The fields the cross-field checks read (a :class:`sim.params.synapse.Parameters`)."""

    dt_ns: float
    sert_ring_inner_nm: float
    sert_ring_outer_nm: float
    active_zone_radius_nm: float
    outer_radius_nm: float


def check_together(p: Geometry) -> None:
    """Refuse a step that is not whole picoseconds, an empty SERT ring, a sheet smaller than the disc.

    Raises:
        ParameterError: one line naming the fields and their values.
    """
    if abs(p.dt_ns * 1000.0 - round(p.dt_ns * 1000.0)) > 1e-6:
        raise ParameterError(
            f"dt_ns = {p.dt_ns} must be a whole number of picoseconds (e.g. 10 or 2.5)"
        )
    if p.sert_ring_outer_nm <= p.sert_ring_inner_nm:
        raise ParameterError(
            f"sert_ring_outer_nm = {p.sert_ring_outer_nm} must exceed "
            f"sert_ring_inner_nm = {p.sert_ring_inner_nm}"
        )
    if p.outer_radius_nm < p.active_zone_radius_nm:
        raise ParameterError(
            f"outer_radius_nm = {p.outer_radius_nm} must be at least "
            f"active_zone_radius_nm = {p.active_zone_radius_nm}"
        )
