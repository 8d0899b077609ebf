"""The diffusion kernel's inputs, in named groups, each field with its unit.

:func:`sim.synapse.diffusion.advance` takes one of each (in the order of
:data:`sim.synapse.diffusion.GROUPS`); :class:`sim.synapse.transport.Transport`
builds them from the synapse's parts. Arrays are shared, not copied: the
kernel changes the free rows, the books, the occupancy and the outputs in
place.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Cleft(NamedTuple):
    """The space the molecules move in and the size of their steps."""

    width_nm: float
    """Membrane to membrane (presynaptic z = 0, postsynaptic z = width), nm."""
    outer_radius_nm: float
    """Radius of the extracellular sheet, nm."""
    absorbing: bool
    """The outer edge removes molecules (else it mirrors them back)."""
    step_table_nm: np.ndarray
    """float32[65536]: normal deviates of standard deviation sqrt(2 D dt), nm."""
    step_sd_nm: float
    """sqrt(2 D dt), nm: sets where a molecule let go starts (:func:`_release_offset`)."""
    dt_us: float
    """The time step, us."""


class Lattice(NamedTuple):
    """The membrane tiles: which site owns the tile a crossing lands in."""

    grid_flat: np.ndarray
    """int32, (2, side, side) flattened: site id per plane, row, column; ``n_sites`` if none.
    (int32, not int64: the default lattice is 323 KB instead of 646 KB, so more of it stays
    in cache for the random look-ups of pass 2; ~5% of a treatment day's CPU.)"""
    grid_side: int
    """Tiles per row, including one padding tile."""
    half_extent_nm: float
    """The lattice spans [-half, half) nm in x and y."""
    inv_tile_per_nm: float
    """1 / tile side, 1/nm."""


class FreeRows(NamedTuple):
    """The dense block of free molecules (:class:`sim.synapse.pool.FreePool`), rows ``[0, n_free)``."""

    ids: np.ndarray
    """int64: molecule id of each row."""
    xyz_nm: np.ndarray
    """float32, (3, capacity): x, y, z of each row, nm."""


class Books(NamedTuple):
    """Every molecule's state and the counts of each state."""

    state: np.ndarray
    """int8 per molecule id (:mod:`sim.synapse.states`)."""
    site: np.ndarray
    """int64 per molecule id: the site holding it, -1 if none."""
    state_counts: np.ndarray
    """int64 per state: molecules in it."""


class SiteRates(NamedTuple):
    """What each site is and how it reacts; arrays by site id (:class:`sim.synapse.sites.SiteTable`)."""

    kind: np.ndarray
    """int8: SITE_RECEPTOR, SITE_AUTORECEPTOR or SITE_SERT."""
    plane: np.ndarray
    """int8: PLANE_PRE (z = 0) or PLANE_POST (z = width)."""
    x_nm: np.ndarray
    """float32: tile-centre x, nm."""
    y_nm: np.ndarray
    """float32: tile-centre y, nm."""
    state_of_kind: np.ndarray
    """int8 per site kind: the state of a molecule it holds."""
    p_capture: np.ndarray
    """float64: per-crossing capture probability (Andrews 2009)."""
    log1m_p_leave: np.ndarray
    """float64: log(1 - per-step leave probability), 0 if it never lets go."""
    frac_inward: np.ndarray
    """float64: chance a SERT cycle ends inward, kcat/(kcat + koff); 0 for receptors."""


class SiteOccupancy(NamedTuple):
    """Which sites hold a molecule and until when; arrays by site id (:class:`sim.synapse.sites.SiteTable`)."""

    p_now: np.ndarray
    """float64 (n_sites + 1): capture probability now, 0 while occupied or blocked."""
    blocked: np.ndarray
    """bool: drug-occupied SERT."""
    occupant: np.ndarray
    """int64: molecule held, -1 if free."""
    leave_step: np.ndarray
    """int64: step index at which the occupant leaves (NEVER if none)."""
    inward: np.ndarray
    """bool: the current SERT cycle ends inward."""
    occupied: np.ndarray
    """int64: dense list of occupied sites, first ``n_occupied`` entries."""
    slot: np.ndarray
    """int64: each site's index in ``occupied``, -1 if free."""


class Outputs(NamedTuple):
    """What a call reports, and its scratch."""

    counts: np.ndarray
    """int64 per :data:`sim.synapse.diffusion.COUNTER_NAMES`: events in this call (the caller zeroes it)."""
    taken: np.ndarray
    """int64: molecules carried into the terminal (room for n_free + n_occupied)."""
    events: np.ndarray
    """int64 scratch: crossings of one step (room for n_free + n_occupied)."""


class Watch(NamedTuple):
    """What is followed: one molecule's events and the first postsynaptic hits."""

    tracked_id: int
    """The followed molecule, -1 if none."""
    log_step: np.ndarray
    """int64: step index of each logged event."""
    log_code: np.ndarray
    """int64: :data:`sim.synapse.diffusion.EVENT_TEXT` index of each logged event."""
    record_first_hits: bool
    """Fill ``first_post_hit_us``."""
    first_post_hit_us: np.ndarray
    """float64 per molecule id: time of the first crossing to the postsynaptic membrane, us."""
