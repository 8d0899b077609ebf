"""SSRIs: affinity at human SERT and the occupancy a free concentration gives.

Ki values (nM) at human SERT from Tatsumi et al. 1997, Eur J Pharmacol 340:249
(science.md section 2). Occupancy at free concentration [I]: f = [I] / ([I] + Ki).
"""

from __future__ import annotations

import math

from sim.params.synapse import ParameterError

SSRI_KI_NM: dict[str, float] = {
    "paroxetine": 0.13,
    "sertraline": 0.29,
    "fluoxetine": 0.8,
    "escitalopram": 1.1,
    "citalopram": 1.2,
    "fluvoxamine": 2.2,
}


def sert_occupancy(drug: str, free_conc_nM: float) -> float:
    """Fraction of SERT occupied by ``drug`` at free concentration ``free_conc_nM``.

    Raises:
        ParameterError: unknown drug, or a concentration that is negative or not finite.
    """
    key = drug.strip().lower()
    if key not in SSRI_KI_NM:
        raise ParameterError(
            f"drug = {drug!r} is not known; choose one of {', '.join(sorted(SSRI_KI_NM))}"
        )
    if (
        not isinstance(free_conc_nM, (int, float))
        or not math.isfinite(free_conc_nM)
        or free_conc_nM < 0
    ):
        raise ParameterError(f"dose_nM = {free_conc_nM!r} must be a finite number >= 0 nM")
    ki = SSRI_KI_NM[key]
    return free_conc_nM / (free_conc_nM + ki)
