"""The cards that say the scale changed (tissue <-> synapse), with both models' numbers.

The numbers put side by side: the cube's side against the cleft's width, and
seconds in real time against slowed-down microseconds (with the time-warp's
range when it is on), and the one SSRI blockade at both scales.
"""

from __future__ import annotations

from render.common.constants import WARP_FAST_FACTOR, WARP_SLOW_FRACTION
from sim.params.synapse import Parameters
from sim.tissue.model import Tissue

Card = tuple[str, str, str]
"""(title, text, footer) of a card below the scene."""

TISSUE_FOOTER = "Click a varicosity (or Tab, Enter) to zoom onto its synapse   H lists every key"
"""The footer of the tissue's cards: how to zoom in."""


def zoom_in_card(
    m: Tissue,
    p: Parameters,
    us_per_s: float,
    warp_on: bool,
    blockade: float,
    onto: int | None,
) -> Card:
    """From the tissue ``m`` to the synapse ``p`` shown at ``us_per_s`` (simulated us per s).

    ``onto``: the varicosity zoomed onto (None: the synapse was entered by M);
    ``blockade``: the SSRI blockade carried over, fraction of SERT.
    """
    slowed = 1e6 / us_per_s
    warp = ""
    if warp_on:  # the time-warp's range around the base pace (render.synapse.warp)
        warp = (f" (the time-warp varies it from {slowed / WARP_FAST_FACTOR:,.0f}x to "
                f"{slowed / WARP_SLOW_FRACTION:,.0f}x)")  # fmt: skip
    ratio = m.side_um * 1000.0 / p.cleft_width_nm
    which = (f"varicosity {onto + 1} of {m.varicosity_xyz.shape[1]}" if onto is not None
             else "a varicosity")  # fmt: skip
    title = ("Zoomed in: one varicosity's synapse (the scale changed)" if onto is not None
             else "Synapse scale (the scale changed)")  # fmt: skip
    text = (
        f"From the {m.side_um:g} \u00b5m cube of tissue to the synapse of {which}: a "
        f"{p.cleft_width_nm:g} nm cleft, {ratio:,.0f} times smaller. The clock is now in "
        f"microseconds: 1 s on screen is {us_per_s:g} \u00b5s, slowed {slowed:,.0f}x{warp}. "
        "Most 5-HT varicosities face no synapse; this model gives one a postsynaptic side. "
        f"{blockade_note(m.blockade, blockade)}"
    )
    return (
        title,
        text,
        f"M zooms back out to the tissue (its clock waits at t = {m.time_s:.2f} s)",
    )


def blockade_note(tissue: float, synapse: float) -> str:
    """The SSRI blockade at the two scales as it is, one sentence (fractions of SERT)."""
    if abs(tissue - synapse) < 5e-3:
        return f"SSRI blockade {synapse:.0%} at both scales."
    return (
        f"SSRI blockade {tissue:.0%} in the tissue, {synapse:.0%} at the synapse "
        "(the treatment course's day sets it there)."
    )


def zoom_out_card(m: Tissue, cleft_nm: float, synapse_blockade: float) -> Card:
    """From the synapse (a ``cleft_nm`` cleft, ``synapse_blockade``) back out to the tissue ``m``."""
    text = (
        f"From the {cleft_nm:g} nm cleft back to a {m.side_um:g} \u00b5m cube of neuropil, "
        f"{m.side_um * 1000.0 / cleft_nm:,.0f} times larger. The clock is in seconds again and "
        f"runs at real time (1 s on screen is 1 s); the tissue continues from "
        f"t = {m.time_s:.2f} s. {blockade_note(m.blockade, synapse_blockade)}"
    )
    return "Zoomed out: the tissue (the scale changed)", text, TISSUE_FOOTER
