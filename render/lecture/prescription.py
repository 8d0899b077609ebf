"""What K will start in the window's treatment course: a drug, a daily dose and a taper.

Chosen from the keyboard before the course starts (Shift+K the drug, Ctrl+K
the dose, J the taper); the science (occupancy from the dose, drug level
from the half-life, taper steps) is :mod:`sim.course.dosing`. Without a drug
chosen, K starts the SSRI at the slider's share of SERT, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sim.course.dosing import DRUGS, NOT_ADVICE

DRUG_CHOICES: tuple[str | None, ...] = (None, *DRUGS)
"""Shift+K cycles through these (None: the slider's occupancy, no mg)."""

DOSE_FACTORS = (1.0, 2.0, 0.5)
"""Ctrl+K cycles the dose through these multiples of the drug's minimum therapeutic dose."""

TAPERS = ("abrupt", "hyperbolic:4", "linear:4")
"""J cycles the way the course stops (4 weekly steps, the last to 0)."""


@dataclass(frozen=True)
class Prescription:
    """A drug (None: the slider's occupancy), a multiple of its minimum dose, and a taper."""

    drug: str | None = None
    dose_factor: float = 1.0
    taper: str = "abrupt"

    @property
    def dose_mg(self) -> float | None:
        """The daily dose, mg (None without a drug)."""
        return None if self.drug is None else DRUGS[self.drug].min_dose_mg * self.dose_factor

    def next_drug(self) -> Prescription:
        """The next drug of ``DRUG_CHOICES`` (after the last: the slider's occupancy)."""
        i = DRUG_CHOICES.index(self.drug)
        return replace(self, drug=DRUG_CHOICES[(i + 1) % len(DRUG_CHOICES)])

    def next_dose(self) -> Prescription:
        """The next multiple of the minimum dose in ``DOSE_FACTORS``."""
        i = DOSE_FACTORS.index(self.dose_factor)
        return replace(self, dose_factor=DOSE_FACTORS[(i + 1) % len(DOSE_FACTORS)])

    def next_taper(self) -> Prescription:
        """The next way of stopping in ``TAPERS``."""
        i = TAPERS.index(self.taper)
        return replace(self, taper=TAPERS[(i + 1) % len(TAPERS)])

    def text(self) -> str:
        """One line for the screen, with the note that this is not dosing advice."""
        if self.drug is None:
            return "K: the slider's share of SERT (Shift+K: a drug in mg)"
        return (
            f"K: {self.drug} {self.dose_mg:g} mg/day, stop {self.taper} "
            f"(Shift+K drug, Ctrl+K dose, J taper). {NOT_ADVICE}"
        )
