"""The fast course day measures the same quantity as the day before it, within 2 SE on every day.

The reference (``data/day_reference.json``, written by
``python -m tests.sim.course.day_reference``) holds a 42-day course, on the
drug for 28 days and off it for 14, run by the definition of a day before
the fast one (20 ns steps, the terminal and the recorder every 1 us) at
several seeds; its file names the commit. Here the same 43 days (the
recorded slow states, whatever the slow state's code has become since) run
through the course runner at today's definition with one seed the
reference does not use, and each day's mean bound receptors must lie within
2 SE of the reference mean.

The SE of a day's difference combines the new value's own spread (one run:
the per-seed SD) and the reference mean's (SD / sqrt(n)). The per-seed SD is
estimated from the reference, relative to the day's mean and pooled over the
days with the same number of releases in their window (the noise of a day
comes from its releases: a day with one release varies far more than one
with four), which gives each pool tens of degrees of freedom instead of the
n - 1 of one day.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from sim.course.day import TIMELINE_DT_NS, day_overrides, day_plan, run_day
from sim.course.day_pool import run_local
from sim.params.presets import load_preset

DATA = Path(__file__).resolve().parent / "data" / "day_reference.json"
NEW_SEED = 1000
"""A seed none of the reference's runs used (they use 0..n-1)."""

CHECKED_DAYS = (-1, 0, 1, 2, 7, 14, 21, 27, 28, 29, 30, 35, 41)
"""The days the suite runs (a third of the CPU of all 43): the baseline, the first days on the
drug, each week, the last day on it, the first days off it and the end. ``CLEFT_ALL_DAYS=1``
runs every day of the reference (about 50 CPU-s at the fast step)."""


@dataclass(frozen=True)
class RecordedDay:
    """A day's slow state as the reference recorded it (the fields a day's run reads)."""

    day: int
    on_drug: bool
    occupancy: float
    autoreceptor_sensitivity: float
    receptor_density: float
    firing_factor: float


def _reference() -> tuple[dict, list[RecordedDay], np.ndarray]:
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    names = RecordedDay.__dataclass_fields__
    days = [RecordedDay(**{k: d[k] for k in names}) for d in doc["days"]]
    seeds = sorted(set.intersection(*(set(d["bound"]) for d in doc["days"])), key=int)
    values = np.array([[d["bound"][s] for s in seeds] for d in doc["days"]])
    return doc, days, values


def _releases_in_window(state: RecordedDay, window_ms: float) -> int:
    base = load_preset("default").params
    rate = day_overrides(base, state)["firing_rate_hz"]
    plan = day_plan(rate, window_ms)
    return 0 if plan.first_spike_ms < 0 else max(1, round(plan.run_ms * rate / 1000.0))


def pooled_relative_sd(values: np.ndarray, groups: list[int]) -> np.ndarray:
    """Per-seed SD of each day relative to its mean, pooled over the days of the same group."""
    rel_var = np.var(values, axis=1, ddof=1) / np.mean(values, axis=1) ** 2
    out = np.empty(len(groups))
    for g in set(groups):
        rows = [i for i, x in enumerate(groups) if x == g]
        out[rows] = math.sqrt(float(np.mean(rel_var[rows])))
    return out


@pytest.fixture(scope="module")
def course():
    doc, days, values = _reference()
    if os.environ.get("CLEFT_ALL_DAYS") != "1":
        keep = [i for i, d in enumerate(days) if d.day in CHECKED_DAYS]
        days, values = [days[i] for i in keep], values[keep]
    jobs = [
        {"state": st, "preset": doc["preset"], "overrides": {"dt_ns": TIMELINE_DT_NS},
         "seed": NEW_SEED, "window_ms": doc["window_ms"]}
        for st in days
    ]  # fmt: skip
    new = np.empty(len(days))
    for i, row in run_local(run_day, jobs, workers=2):
        new[i] = row["receptors_bound_mean"]
    return doc, days, values, new


def test_the_reference_is_a_course_on_and_off_the_drug(course):
    doc, days, values, _ = course
    assert days[0].day == -1 and set(CHECKED_DAYS) <= {d.day for d in _reference()[1]}
    assert len(_reference()[1]) >= 43  # the reference: the baseline and at least 42 days
    assert any(d.on_drug for d in days) and any(d.day >= 0 and not d.on_drug for d in days)
    assert values.shape[1] >= 3 and doc["reference"]["dt_ns"] != TIMELINE_DT_NS


def test_every_day_agrees_with_the_reference_within_2_se(course):
    doc, days, values, new = course
    n = values.shape[1]
    mean = values.mean(axis=1)
    groups = [_releases_in_window(d, doc["window_ms"]) for d in days]
    sd = pooled_relative_sd(values, groups) * mean
    se = sd * math.sqrt(1.0 + 1.0 / n)
    z = (new - mean) / se
    worst = int(np.argmax(np.abs(z)))
    assert np.all(np.abs(z) <= 2.0), (
        f"day {days[worst].day}: {new[worst]:.2f} against {mean[worst]:.2f} +- {se[worst]:.2f} "
        f"(z = {z[worst]:+.2f}; {int(np.sum(np.abs(z) > 2))} of {len(z)} days beyond 2 SE)"
    )
