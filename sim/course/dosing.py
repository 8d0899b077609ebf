"""Doses as prescribed: mg per day -> drug level over days -> SERT occupancy, and tapers.

This teaches a mechanism; it is not dosing advice.

Three steps, each with its source (values not checked against the primary
source are marked *unconfirmed*, as in science.md):

1. **Occupancy at steady state.** SERT occupancy under a daily dose D (mg)
   is hyperbolic, Occ = Emax*D/(ED50 + D) (Meyer et al. 2004, Am J
   Psychiatry 161:826, [11C]DASB PET; the fits Horowitz & Taylor 2019,
   Lancet Psychiatry 6:538, taper by). Emax = 0.85, the plateau of Meyer et
   al. 2001 (Am J Psychiatry 158:1843: "a plateau of occupancy around 85%").
   Each ED50 is solved from one occupancy at the minimum therapeutic dose:
   paroxetine 20 mg 83% and citalopram 20 mg 77% (Meyer 2001); fluoxetine
   20 mg, sertraline 50 mg and venlafaxine XR 75 mg "76-85%, about 80%"
   (Meyer 2004, abstract), taken as 80%; escitalopram 10 mg and fluvoxamine
   100 mg 80% *unconfirmed* (not in Meyer 2004). The ED50s are therefore
   *unconfirmed* against the papers' own fits.
2. **Level over days.** One-compartment pharmacokinetics with a dose at the
   start of each day and first-order elimination (half-lives from the
   product labels, *unconfirmed*, science.md section 6). A drug with an
   active metabolite (fluoxetine -> norfluoxetine, venlafaxine ->
   O-desmethylvenlafaxine) forms it from the parent at the parent's
   elimination rate, and the metabolite is eliminated at its own. Each
   species' level is expressed as the daily dose that would keep it there at
   steady state ("dose-equivalent", mg/day), so at steady state both equal
   D; the level that sets occupancy is (1 - w)*parent + w*metabolite with
   the metabolite's share w (0.5 for both, *unconfirmed*: norfluoxetine's
   steady-state level and SERT potency are similar to fluoxetine's). A day's
   occupancy is that of the day's mean level (the swing within a day is not
   shown).
3. **Tapers** end on the stop day: ``abrupt`` (full dose to the day before),
   ``linear:W`` (W weekly steps of equal mg down to 0 on the stop day) or
   ``hyperbolic:W`` (W weekly steps of equal steady-state occupancy, so
   shrinking mg steps, Horowitz & Taylor 2019).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.params.synapse import ParameterError

NOT_ADVICE = "Cleft teaches a mechanism; this is not dosing advice."
"""Said on every screen and output that shows doses."""

EMAX = 0.85
"""Plateau of SERT occupancy (Meyer et al. 2001, Am J Psychiatry 158:1843)."""

STEPS_PER_DAY = 24
"""Sub-steps per day when the day's mean level is integrated (exact exponentials within each)."""


@dataclass(frozen=True)
class Drug:
    """One antidepressant's dose-occupancy and pharmacokinetic constants.

    Attributes:
        name: lower-case name.
        min_dose_mg: minimum therapeutic daily dose, mg.
        occupancy_at_min: SERT occupancy at that dose at steady state (fraction).
        half_life_h: elimination half-life of the parent, h.
        metabolite_half_life_h: of the active metabolite, h (0: none).
        metabolite_share: the metabolite's share w of the level that occupies SERT.
        source: where the numbers come from.
    """

    name: str
    min_dose_mg: float
    occupancy_at_min: float
    half_life_h: float
    metabolite_half_life_h: float = 0.0
    metabolite_share: float = 0.0
    source: str = ""

    @property
    def ed50_mg(self) -> float:
        """Daily dose giving half of Emax at steady state, mg (solved from the minimum dose)."""
        return self.min_dose_mg * (EMAX / self.occupancy_at_min - 1.0)

    def occupancy(self, dose_mg: float | np.ndarray) -> float | np.ndarray:
        """Steady-state SERT occupancy at a daily dose (or dose-equivalent level), mg."""
        d = np.maximum(dose_mg, 0.0)
        return EMAX * d / (self.ed50_mg + d)

    def dose_for_occupancy(self, occupancy: float) -> float:
        """Daily dose whose steady-state occupancy is ``occupancy`` (< Emax), mg."""
        if not 0.0 <= occupancy < EMAX:
            raise ParameterError(f"occupancy = {occupancy} must be in [0, {EMAX})")
        return self.ed50_mg * occupancy / (EMAX - occupancy)


_LABEL = "half-lives: product labels, unconfirmed (science.md 6)"
DRUGS: dict[str, Drug] = {
    d.name: d
    for d in (
        Drug("paroxetine", 20.0, 0.83, 21.0, source=f"Meyer 2001: 20 mg 83%; {_LABEL}"),
        Drug("citalopram", 20.0, 0.77, 35.0, source=f"Meyer 2001: 20 mg 77%; {_LABEL}"),
        Drug("fluoxetine", 20.0, 0.80, 96.0, 222.0, 0.5,
             source="Meyer 2004: 20 mg ~80%; fluoxetine 1-4 d (4 d taken, chronic), "
                    f"norfluoxetine 7-15 d (9.25 d taken), share 0.5 unconfirmed; {_LABEL}"),
        Drug("sertraline", 50.0, 0.80, 26.0, source=f"Meyer 2004: 50 mg ~80%; {_LABEL}"),
        Drug("escitalopram", 10.0, 0.80, 30.0,
             source=f"10 mg 80% unconfirmed (not in Meyer 2004); {_LABEL}"),
        Drug("fluvoxamine", 100.0, 0.80, 15.0,
             source=f"100 mg 80% unconfirmed (not in Meyer 2004); {_LABEL}"),
        Drug("venlafaxine", 75.0, 0.80, 5.0, 11.0, 0.5,
             source="Meyer 2004: XR 75 mg ~80%; venlafaxine 5 h, O-desmethylvenlafaxine 11 h, "
                    f"share 0.5 unconfirmed; {_LABEL}"),
    )
}  # fmt: skip
"""The drugs a course can name (the six SSRIs of science.md and venlafaxine)."""

MAX_DOSE_MG = {name: 4.0 * d.min_dose_mg for name, d in DRUGS.items()}
"""Largest daily dose accepted: 4x the minimum therapeutic dose (a range check, not a guide)."""


def drug(name: str) -> Drug:
    """The :class:`Drug` called ``name`` (case-insensitive); ParameterError names the choices."""
    key = str(name).strip().lower()
    if key not in DRUGS:
        raise ParameterError(f"drug = {name!r} is not known; choose one of {', '.join(DRUGS)}")
    return DRUGS[key]


def parse_taper(text: str) -> tuple[str, int]:
    """``abrupt``, ``linear:WEEKS`` or ``hyperbolic:WEEKS`` -> (kind, weeks)."""
    kind, _, weeks = str(text).strip().lower().partition(":")
    if kind == "abrupt" and not weeks:
        return "abrupt", 0
    if kind in ("linear", "hyperbolic") and weeks.isdigit() and 1 <= int(weeks) <= 52:
        return kind, int(weeks)
    raise ParameterError(
        f"taper = {text!r} must be abrupt, linear:WEEKS or hyperbolic:WEEKS (1-52 weeks)"
    )


def taper_levels(d: Drug, dose_mg: float, kind: str, weeks: int) -> list[float]:
    """Daily doses of the taper's weeks (the full dose first, 0 excluded), mg.

    ``linear``: dose*(1 - j/W), j = 0..W-1 (equal mg steps, the last from
    dose/W to 0). ``hyperbolic``: the doses whose steady-state occupancies
    are Occ(dose)*(1 - j/W) (equal occupancy steps).
    """
    if kind == "abrupt":
        return [dose_mg]
    if kind == "linear":
        return [dose_mg * (1.0 - j / weeks) for j in range(weeks)]
    top = float(d.occupancy(dose_mg))
    return [d.dose_for_occupancy(top * (1.0 - j / weeks)) for j in range(weeks)]


def daily_doses(
    name: str, dose_mg: float, days: int, start_day: int, stop_day: int, taper: str = "abrupt"
) -> np.ndarray:
    """Dose taken on each day 0..days-1, mg: nothing before ``start_day`` or from ``stop_day``.

    A taper of W weeks lowers the dose at stop_day - 7*(W - j) for j = 1..W-1
    and reaches 0 on the stop day (it starts no earlier than the start day).
    """
    d = drug(name)
    if not (isinstance(dose_mg, (int, float)) and math.isfinite(dose_mg)) or not (
        0.0 <= dose_mg <= MAX_DOSE_MG[d.name]
    ):
        raise ParameterError(
            f"dose_mg = {dose_mg!r} must be in [0, {MAX_DOSE_MG[d.name]:g}] mg/day for {d.name}"
        )
    kind, weeks = parse_taper(taper)
    out = np.zeros(days)
    out[max(0, start_day) : min(days, stop_day)] = dose_mg
    levels = taper_levels(d, float(dose_mg), kind, weeks)
    for j in range(1, len(levels)):
        first = max(start_day, stop_day - 7 * (len(levels) - j))
        out[max(0, first) : min(days, stop_day)] = levels[j]
    return out


def dose_equivalent_levels(name: str, doses_mg: np.ndarray) -> np.ndarray:
    """Each day's mean level as a dose-equivalent (mg/day) under the daily ``doses_mg``.

    Parent P and metabolite M (amounts in mg of parent) evolve exactly
    within each of ``STEPS_PER_DAY`` sub-steps after the day's dose; the
    day's mean amounts are averaged at the sub-steps' midpoints (error
    O(1/STEPS_PER_DAY^2)) and scaled by the elimination rate (per day), which
    makes a steady state under dose D read D for each species.
    """
    d = drug(name)
    kp = math.log(2.0) * 24.0 / d.half_life_h
    km = math.log(2.0) * 24.0 / d.metabolite_half_life_h if d.metabolite_share > 0 else kp
    h = 1.0 / STEPS_PER_DAY
    ep, em = math.exp(-kp * h), math.exp(-km * h)
    cross = kp / (km - kp) * (ep - em) if abs(km - kp) > 1e-12 else kp * h * ep
    half_p, half_m = math.exp(-kp * h / 2), math.exp(-km * h / 2)
    half_cross = kp / (km - kp) * (half_p - half_m) if abs(km - kp) > 1e-12 else 0.0
    p = m = 0.0
    out = np.zeros(len(doses_mg))
    for day, dose in enumerate(doses_mg):
        p += float(dose)
        sum_p = sum_m = 0.0
        for _ in range(STEPS_PER_DAY):
            sum_p += p * half_p
            sum_m += m * half_m + p * half_cross
            p, m = p * ep, m * em + p * cross
        level_p = kp * sum_p * h
        level_m = km * sum_m * h
        w = d.metabolite_share
        out[day] = (1.0 - w) * level_p + w * level_m
    return out


@dataclass(frozen=True)
class DoseCourse:
    """Doses, levels and occupancies of a course, one entry per day (index = day)."""

    drug: str
    dose_mg: np.ndarray
    level_mg: np.ndarray
    occupancy: np.ndarray


def dose_course(
    name: str, dose_mg: float, days: int, start_day: int, stop_day: int, taper: str = "abrupt"
) -> DoseCourse:
    """The daily doses of a course, their dose-equivalent levels and SERT occupancies."""
    doses = daily_doses(name, dose_mg, days, start_day, stop_day, taper)
    level = dose_equivalent_levels(name, doses)
    d = drug(name)
    return DoseCourse(d.name, doses, level, np.asarray(d.occupancy(level), dtype=float))
