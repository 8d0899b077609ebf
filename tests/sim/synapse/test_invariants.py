"""Property-based test of the model's invariants over random parameter sets (hypothesis).

Every parameter is drawn inside its declared range in ``sim/params.py`` (log-uniformly
where the range spans decades), each one changed from its default with probability
about 1/3. Sizes that only make a run slower (molecules, vesicles, sites, lattice
tiles) are drawn from the lower part of their range so an example runs in well under a
second. A drawn set either is refused with a one-line :class:`ParameterError` (a
combination the model does not accept, e.g. a step too long for a rate) or runs, and
then after every stretch of steps:

* ``conservation_error() == 0`` (alive + degraded + lost = initial + synthesised + injected);
* every state count is non-negative;
* the count of every living state equals a recount of the molecules' states, and the
  free pool holds exactly the free molecules.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sim import Synapse
from sim.params.synapse import ParameterError, Parameters, names, spec
from sim.synapse import states as S

SIZE_CAPS = {
    "molecules_per_vesicle": 300,
    "docked_vesicles": 12,
    "reserve_vesicles": 20,
    "initial_cytosol": 2000,
    "receptor_count": 400,
    "autoreceptor_count": 400,
    "sert_count": 2000,
}
"""Upper ends used for sizes (inside the declared ranges): the cost of a step, not its physics."""

MAX_TILES_PER_SIDE = 1500
"""Lattice side drawn at most (2 x 1500^2 tiles, ~250 MB peak would be too slow; ~60 MB here)."""

STEPS = 240
"""Steps per example, in stretches of ``STRETCH``."""
STRETCH = 40


def _value(meta: dict, draw) -> object:
    name, lo, hi = meta["name"], meta["lo"], meta["hi"]
    if meta.get("choices"):
        return draw(st.sampled_from(meta["choices"]))
    is_int = (meta["type"] if isinstance(meta["type"], str) else meta["type"].__name__) == "int"
    if is_int:
        return draw(st.integers(int(lo), int(min(hi, SIZE_CAPS.get(name, hi)))))
    if lo > 0 and hi / lo > 100:  # decades: log-uniform
        x = draw(st.floats(math.log10(lo), math.log10(hi)))
        value = min(hi, max(lo, 10.0**x))
    else:
        value = draw(st.floats(lo, hi, allow_nan=False, allow_infinity=False))
    if name == "dt_ns":  # the model takes whole picoseconds
        value = min(hi, max(lo, round(value, 3)))
    return value


def _fit(chosen: dict) -> dict:
    """Nudge a drawn set towards the cross-field rules (still inside every range).

    The ring's outer radius exceeds its inner one, the sheet is at least the
    synaptic disc, and site counts stay below half the tiles where they go, so
    most examples run rather than being refused for geometry.
    """
    p = Parameters().as_dict() | chosen
    if "sert_ring_inner_nm" in chosen or "sert_ring_outer_nm" in chosen:
        lo, hi = sorted((p["sert_ring_inner_nm"], p["sert_ring_outer_nm"]))
        chosen["sert_ring_inner_nm"], chosen["sert_ring_outer_nm"] = lo, max(hi, lo + 1.0)
    if p["outer_radius_nm"] < p["active_zone_radius_nm"]:
        chosen["outer_radius_nm"] = p["active_zone_radius_nm"]
    p = Parameters().as_dict() | chosen
    if 2 * p["outer_radius_nm"] / p["tile_nm"] > MAX_TILES_PER_SIDE:
        chosen["tile_nm"] = p["tile_nm"] = math.ceil(2 * p["outer_radius_nm"] / MAX_TILES_PER_SIDE)

    def tiles(r_out: float, r_in: float = 0.0) -> int:
        r_out = min(r_out, p["outer_radius_nm"])
        r_in = min(r_in, r_out)
        return int(math.pi * (r_out**2 - r_in**2) / p["tile_nm"] ** 2)

    limits = {
        "receptor_count": tiles(p["active_zone_radius_nm"]) // 2,
        "autoreceptor_count": tiles(p["terminal_radius_nm"]) // 2,
        "sert_count": tiles(p["outer_radius_nm"]) // 4,
    }
    ring = tiles(p["sert_ring_outer_nm"], p["sert_ring_inner_nm"]) // 4
    if p["sert_ring_fraction"] > 0:
        limits["sert_count"] = min(limits["sert_count"], int(ring / p["sert_ring_fraction"]))
    for key, limit in limits.items():
        if p[key] > limit:
            chosen[key] = max(0, limit)
    return chosen


@st.composite
def parameter_sets(draw) -> dict:
    """A random subset of the parameters, each at a random value in its declared range."""
    chosen = {}
    for name in names():
        if draw(st.integers(0, 2)) == 0:
            chosen[name] = _value(spec(name), draw)
    return _fit(chosen)


def _check_invariants(model: Synapse) -> None:
    assert model.conservation_error() == 0
    counts = model.state_counts
    assert (counts >= 0).all(), counts
    recount = np.bincount(model.states(), minlength=len(S.NAMES))
    alive = list(S.ALIVE)
    assert (recount[alive] == counts[alive]).all(), (recount, counts)
    assert model.free.n == counts[S.FREE]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
@given(values=parameter_sets(), seed=st.integers(0, 2**32))
def test_invariants_hold_for_random_parameters_in_range(values, seed):
    try:
        params = Parameters(**values)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = Synapse(params, seed=seed)
    except ParameterError as exc:  # refused combinations must say so in one line
        text = str(exc)
        assert text and "\n" not in text and "=" in text, text
        event(f"refused: {text.split(' = ')[0]}")
        return
    event("ran")
    _check_invariants(model)
    model.fire()
    for _ in range(STEPS // STRETCH):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.run_steps(STRETCH)
        _check_invariants(model)
