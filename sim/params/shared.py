"""Quantities both scales take, each declared once: its unit, its meaning and, where they agree, its values.

The synapse (:mod:`sim.params.synapse`) and the tissue
(:mod:`sim.params.tissue`) each have a field of every name below. What the
quantity is (unit and meaning) is declared here once; a default, range or
source given here holds for both sets, and a set gives its own only where its
scale differs (the synapse's didactic clock against the tissue's
physiological one) plus, in ``note``, what the quantity means at its scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sim.params.spec import param


@dataclass(frozen=True)
class Shared:
    """A quantity both parameter sets declare; ``None`` leaves a value to each set."""

    unit: str
    doc: str
    default: Any = None
    lo: float | None = None
    hi: float | None = None
    source: str | None = None

    def field(self, note: str = "", **scale: Any) -> Any:
        """The dataclass field for one set: ``scale`` gives its default, lo, hi or source.

        Raises:
            TypeError: a value both here and in ``scale``, or missing from both.
        """
        values = {}
        for key in ("default", "lo", "hi", "source"):
            here, there = getattr(self, key), scale.pop(key, None)
            if (here is None) == (there is None):
                raise TypeError(f"{key} must be given once, here or by the set")
            values[key] = here if there is None else there
        if scale:
            raise TypeError(f"unknown {sorted(scale)}")
        doc = f"{self.doc} {note}".strip()
        return param(
            values["default"], self.unit, values["lo"], values["hi"], values["source"], doc
        )


DIFFUSION = Shared(
    "um^2/ms",
    "Diffusion coefficient of 5-HT in free solution.",
    default=0.54,
    lo=0.01,
    hi=5.0,
    source="likely Gerhardt & Adams 1982 (unconfirmed; range 0.4-0.8)",
)

DOCKED_VESICLES = Shared("vesicles", "Docked, releasable vesicles per release site.", hi=100)

MOLECULES_PER_VESICLE = Shared("molecules", "5-HT molecules in a full small vesicle.", lo=1)

RELEASE_PROBABILITY = Shared(
    "",
    "Chance that one docked, filled vesicle fuses per action potential.",
    lo=0.0,
    hi=1.0,
)

FIRING_RATE = Shared("Hz", "Action-potential rate.", lo=0.0)

AUTORECEPTOR_SENSITIVITY = Shared(
    "fraction",
    "Autoreceptor responsiveness (1 = naive); chronic SSRI treatment lowers it.",
    default=1.0,
    lo=0.0,
    hi=1.0,
)

BLOCKADE = Shared(
    "fraction",
    "Fraction of SERT occupied by an SSRI.",
    default=0.0,
    lo=0.0,
    hi=1.0,
)
