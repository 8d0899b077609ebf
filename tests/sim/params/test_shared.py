"""The quantities both scales take: declared once, each set giving only what its scale changes."""

from __future__ import annotations

from dataclasses import fields

import pytest

from sim.params import shared
from sim.params.synapse import Parameters
from sim.params.tissue import TissueParameters

DECLARED = {
    "diffusion_um2_per_ms": shared.DIFFUSION,
    "docked_vesicles": shared.DOCKED_VESICLES,
    "molecules_per_vesicle": shared.MOLECULES_PER_VESICLE,
    "release_probability": shared.RELEASE_PROBABILITY,
    "firing_rate_hz": shared.FIRING_RATE,
    "autoreceptor_sensitivity": shared.AUTORECEPTOR_SENSITIVITY,
    "blockade": shared.BLOCKADE,
}


def test_every_field_both_sets_have_is_declared_once():
    synapse = {f.name for f in fields(Parameters)}
    tissue = {f.name for f in fields(TissueParameters)}
    assert synapse & tissue == set(DECLARED)


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_both_sets_read_the_shared_declaration(name):
    quantity = DECLARED[name]
    for cls in (Parameters, TissueParameters):
        meta = cls.spec(name)
        assert meta["unit"] == quantity.unit
        assert meta["doc"].startswith(quantity.doc)
        for key in ("default", "lo", "hi", "source"):
            if getattr(quantity, key) is not None:
                assert meta[key] == getattr(quantity, key), (cls.__name__, key)


def test_a_value_is_given_once():
    with pytest.raises(TypeError, match="default"):
        shared.DIFFUSION.field(default=1.0)
    with pytest.raises(TypeError, match="source"):
        shared.FIRING_RATE.field(default=1.0, hi=2.0)
