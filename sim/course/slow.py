"""The slow state of a treatment course: what days of SERT occupancy do to the raphe and receptors.

Advanced once per day with exact exponential relaxation, from each day's
SERT occupancy f (a fixed one while on the drug, or a dose course's,
:mod:`sim.course.dosing`):

- **Autoreceptor desensitisation** D (sensitivity s = 1 - D) relaxes to
  ``desens_max * min(1, f / 0.8)``: towards a higher target with time
  constant ``desens_tau_days``, towards a lower one (resensitisation) with
  ``resens_tau_days`` (assumed: no measurement of the recovery's pace was
  found, so the same 3.5 days both ways). 0.7 and 3.5 days reproduce ~40% by day 3
  and 60-80% by day 21 (Le Poul et al. 1995; Blier & de Montigny 1998;
  science.md section 2).
- **Postsynaptic receptor density** r relaxes to ``1 - down_max * min(1, f / 0.8)``
  (down with ``receptor_down_tau_days``, up with ``receptor_up_tau_days``).
  The course's receptors stand for the postsynaptic receptors of a terminal
  field (hippocampus-like), whose activation is what "enhanced 5-HT
  transmission" after weeks of an SSRI was measured on (Haddjeri, Blier & de
  Montigny 1998, J Neurosci 18:10150: long-term paroxetine raises the tonic
  activation of postsynaptic 5-HT1A; the course's signal is the same kind of
  quantity, the mean bound receptors over a day's firing period relative to
  the drug-free day, though with their didactic Kd of 100 uM they read each
  release's pulse rather than the nanomolar tonic level, so the match is in
  kind, not in number). Whether an SSRI down-regulates them is where the
  literature is thin and mixed: 2-3 weeks of fluoxetine changed neither
  5-HT1A binding nor the hippocampal 5-HT1A response (Le Poul et al. 2000,
  Neuropharmacology, PMID 10665824); six weeks of paroxetine 20 mg lowered
  cortical 5-HT2A binding by 10% in patients aged 20-30 and not at 30-40
  (Meyer et al. 2001, Am J Psychiatry 158:78, PET); chronic fluoxetine or
  fluvoxamine left it higher, not lower (Massou et al. 1997,
  Psychopharmacology 133:99). Yet a fall of signalling below baseline after
  an abrupt stop (science.md 1.9, 4.7, 6) needs such a down-regulation: the
  5-HT itself does not fall below control (mice stopped from paroxetine:
  hippocampal 5-HT back to control, evoked release above it; Collins et al.
  2024, PMID 38609530), and the desensitised autoreceptors keep firing and
  release high while they recover. That receptors adapted to weeks of raised
  5-HT meet a normal level after the stop is the hypothesis behind the
  discontinuation syndrome (Schatzberg et al. 1997, J Clin Psychiatry 58
  suppl 7:23; the persisting adaptations of Horowitz & Taylor 2019, Lancet
  Psychiatry 6:538). The course takes it, and says it is a hypothesis:
  ``receptor_down_max`` 0.3 with 21-day time constants both ways, all
  three assumed. With them both results of science.md 4.7 hold at both
  scales (day 21 above day 0; below baseline within two weeks of an abrupt
  stop: tests/sim/course/); 0.3 is three times the one human measurement,
  so the dip's depth illustrates the mechanism and predicts nothing, and
  the 21 days (slower than the autoreceptors' 3.5) keep most of the weeks'
  rise. :data:`WITHOUT_DOWN_REGULATION` keeps only the measured adaptations
  (``main.py timeline --receptor-down 0``): the weeks' rise is larger and
  the signal after a stop falls back to baseline from above, never below.
- **Raphe firing** through the somatodendritic 5-HT1A feedback, closed
  loop: raphe extracellular 5-HT relative to baseline is X = F / (1 - f)
  (release there follows firing F, uptake is blocked by f: science.md 4.5),
  its 5-HT1A activation theta = theta0*X / (theta0*X + 1 - theta0), and
  F = max(0, 1 - g*s*theta) / (1 - g*theta0), solved for the fixed point
  (F - that expression rises with F: one root, found by bisection).
  theta0 = 0.25 is assumed; the gain g is calibrated so that an acute 80%
  block gives X = 2.7, the 270% of baseline in the raphe after acute
  fluvoxamine (Bel & Artigas 1992, microdialysis; the occupancy of their
  dose is taken as 80%, *unconfirmed*): g = 1.358, F = 0.54. Acutely the
  firing falls to 54% and raphe 5-HT still rises: a blunted rise, not a
  fall (science.md 1.8, 4.7). With desensitised autoreceptors (s = 0.3)
  firing recovers to ~110% (science.md 1.8).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

THERAPEUTIC_OCCUPANCY = 0.8
"""Reference SERT occupancy at therapeutic doses (Meyer et al. 2004)."""

RAPHE_ACUTE_REL = 2.7
"""Raphe extracellular 5-HT after an acute SSRI, relative to baseline (Bel & Artigas 1992)."""

RAPHE_BASELINE_ACTIVATION = 0.25
"""5-HT1A activation by the drug-free raphe level (assumed)."""


def calibrated_raphe_gain(
    theta0: float = RAPHE_BASELINE_ACTIVATION,
    raphe_rel: float = RAPHE_ACUTE_REL,
    occupancy: float = THERAPEUTIC_OCCUPANCY,
) -> float:
    """The 5-HT1A gain g for which a naive raphe at ``occupancy`` settles at ``raphe_rel``.

    At the fixed point F = (1 - f)*X and F*(1 - g*theta0) = 1 - g*theta(X),
    so g = (1 - F)/(theta(X) - F*theta0).
    """
    firing = (1.0 - occupancy) * raphe_rel
    theta = theta0 * raphe_rel / (theta0 * raphe_rel + 1.0 - theta0)
    return (1.0 - firing) / (theta - firing * theta0)


@dataclass(frozen=True)
class SlowParameters:
    """Constants of the slow (days) state. Units: days or fractions (module doc: sources)."""

    desens_max: float = 0.7
    desens_tau_days: float = 3.5
    resens_tau_days: float = 3.5
    receptor_down_max: float = 0.3
    receptor_down_tau_days: float = 21.0
    receptor_up_tau_days: float = 21.0
    raphe_gain: float = calibrated_raphe_gain()
    raphe_baseline_activation: float = RAPHE_BASELINE_ACTIVATION


WITHOUT_DOWN_REGULATION = SlowParameters(receptor_down_max=0.0)
"""Slow constants with only the measured adaptations: no postsynaptic down-regulation (module doc)."""

RECEPTOR_DOWN_RANGE = (0.0, 0.9)
"""Accepted ``receptor_down_max`` (a course's ``--receptor-down``), fraction of receptors."""


@dataclass(frozen=True)
class DayState:
    """The slow state on one day (taken at the start of the day).

    ``raphe_5ht_rel`` is the raphe's extracellular 5-HT relative to baseline
    (X of the module doc); ``dose_mg`` the day's dose when the course is
    given in mg (else None).
    """

    day: int
    on_drug: bool
    occupancy: float
    autoreceptor_sensitivity: float
    receptor_density: float
    firing_factor: float
    raphe_5ht_rel: float = 1.0
    dose_mg: float | None = None


def _feedback(firing: float, occupancy: float, sensitivity: float, slow: SlowParameters) -> float:
    theta0, gain = slow.raphe_baseline_activation, slow.raphe_gain
    x = raphe_5ht(firing, occupancy)
    theta = theta0 * x / (theta0 * x + 1.0 - theta0)
    return max(0.0, 1.0 - gain * sensitivity * theta) / (1.0 - gain * theta0)


def raphe_5ht(firing: float, occupancy: float) -> float:
    """Raphe extracellular 5-HT relative to drug-free: firing / (1 - f).

    At f = 1 no uptake is left and the level has no bound: the remaining fraction is
    floored at 1e-6 (the 5-HT1A loop saturates long before), so a full block is finite.
    """
    return firing / max(1.0 - occupancy, 1e-6)


def firing_factor(occupancy: float, sensitivity: float, slow: SlowParameters) -> float:
    """Raphe firing relative to the drug-free, naive rate: the closed loop's fixed point."""
    lo, hi = 0.0, 1.0 / (1.0 - slow.raphe_gain * slow.raphe_baseline_activation)
    for _ in range(60):  # bisection: F - feedback(F) rises with F
        mid = 0.5 * (lo + hi)
        if mid - _feedback(mid, occupancy, sensitivity, slow) > 0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def _relax(value: float, target: float, tau_towards_up: float, tau_towards_down: float) -> float:
    tau = tau_towards_up if target > value else tau_towards_down
    return target + (value - target) * math.exp(-1.0 / tau)


def states_of(
    occupancies: Sequence[float],
    on_drug: Sequence[bool],
    slow: SlowParameters | None = None,
    doses_mg: Sequence[float] | None = None,
) -> list[DayState]:
    """The slow state of days 0..n-1 under each day's SERT occupancy (exact daily relaxation)."""
    slow = slow or SlowParameters()
    desens, density = 0.0, 1.0
    out = []
    for day, (f, on) in enumerate(zip(occupancies, on_drug, strict=True)):
        s = 1.0 - desens
        fire = firing_factor(f, s, slow)
        dose = None if doses_mg is None else float(doses_mg[day])
        out.append(DayState(day, bool(on), f, s, density, fire, raphe_5ht(fire, f), dose))
        strength = min(1.0, f / THERAPEUTIC_OCCUPANCY)
        desens = _relax(desens, slow.desens_max * strength, slow.desens_tau_days,
                        slow.resens_tau_days)  # fmt: skip
        density = _relax(density, 1.0 - slow.receptor_down_max * strength,
                         slow.receptor_up_tau_days, slow.receptor_down_tau_days)  # fmt: skip
    return out


def slow_states(
    days: int,
    occupancy_on_drug: float,
    start_day: int,
    stop_day: int,
    slow: SlowParameters | None = None,
) -> list[DayState]:
    """The slow state for days 0..days-1 with a fixed occupancy on days start_day..stop_day-1."""
    on = [start_day <= day < stop_day for day in range(days)]
    return states_of([occupancy_on_drug if o else 0.0 for o in on], on, slow)


def baseline_state() -> DayState:
    """The drug-free, naive state (day -1 in the outputs)."""
    return DayState(-1, False, 0.0, 1.0, 1.0, 1.0)
