"""K starts a course as prescribed: drug, dose and taper chosen from the keyboard.

Driven by posted key events under the dummy driver; assertions are on the
timeline's state and the model, compared with sim.course's own functions.
"""

import pygame
import pytest

from render.app import App
from render.common.keys import action_for
from render.lecture.prescription import DRUG_CHOICES, Prescription
from sim.course.checks import dose_states
from sim.course.dosing import DRUGS
from sim.params.presets import load_preset
from tests.window import SIZE, frames, press

LIGHT = {"molecules_per_vesicle": 200}


def test_the_prescription_keys_are_bound():
    assert action_for(pygame.K_k, 0) == "drug"
    assert action_for(pygame.K_k, pygame.KMOD_LSHIFT) == "rx_drug"
    assert action_for(pygame.K_k, pygame.KMOD_LCTRL) == "rx_dose"
    assert action_for(pygame.K_j, 0) == "rx_taper"


def test_choices_cycle_and_say_it_is_not_advice():
    rx = Prescription()
    seen = [rx.drug]
    for _ in range(len(DRUG_CHOICES)):
        rx = rx.next_drug()
        seen.append(rx.drug)
    assert seen[0] is None and seen[-1] is None and set(seen[1:-1]) == set(DRUGS)
    rx = Prescription("citalopram").next_dose()
    assert rx.dose_mg == 2 * DRUGS["citalopram"].min_dose_mg
    assert "not dosing advice" in Prescription("citalopram").text()


def test_k_starts_the_chosen_drug_in_mg_and_tapers_it(screen):
    app = App(load_preset("default", LIGHT), seed=0, size=SIZE, scripted=True)
    app.play.set_warp(False)
    frames(app, screen, 5)
    press(app, pygame.K_k, pygame.KMOD_LSHIFT)  # paroxetine, the first drug
    press(app, pygame.K_j)  # stop by a hyperbolic taper
    press(app, pygame.K_k)  # start it today (day 0)
    t = app.scenario.treatment
    assert t.prescription == Prescription("paroxetine", 1.0, "hyperbolic:4")
    st0 = dose_states(1, "paroxetine", 20.0, 0, 10**9, "hyperbolic:4")[0]
    assert t.state().dose_mg == 20.0 and app.model.blockade == pytest.approx(st0.occupancy)
    press(app, pygame.K_w)
    press(app, pygame.K_w)
    press(app, pygame.K_w)  # day 21
    press(app, pygame.K_k)  # the taper's first step today; 0 mg three weeks on
    assert t.stop_day == 21 + 21 and t.on_drug
    press(app, pygame.K_k, pygame.KMOD_LSHIFT)  # the course has started: no change
    assert t.prescription.drug == "paroxetine"
    for _ in range(4):
        press(app, pygame.K_w)  # day 49
    expected = dose_states(50, "paroxetine", 20.0, 0, 42, "hyperbolic:4")
    assert [s.dose_mg for s in t.states()] == [s.dose_mg for s in expected]
    assert app.model.blockade == pytest.approx(expected[-1].occupancy)
    assert t.state().dose_mg == 0.0 and not t.on_drug
    frames(app, screen, 3)  # the chart and status draw with a course in mg
