"""The course chart draws the mean-field curve at once: K, then W, each within a second."""

from __future__ import annotations

import time

import render.lecture.treatment_chart as chart
from render.app import App
from sim.course.curve import course_signal
from sim.params.presets import load_preset
from tests.window import SIZE, frames, press


def test_k_and_w_draw_the_course_curve_within_a_second(monkeypatch, screen):
    drawn: list[list[float]] = []
    real = chart._draw_curve

    def spy(surface, area, theme, curve, x_max, y_top):
        drawn.append(list(curve))
        real(surface, area, theme, curve, x_max, y_top)

    monkeypatch.setattr(chart, "_draw_curve", spy)
    # The kernel compiles once per machine (numba's disk cache); a lecture machine has it.
    course_signal(load_preset("default").params, [])
    app = App(load_preset("default"), size=SIZE, scripted=True)
    frames(app, screen, 1)
    assert drawn == []  # no timeline, no chart
    for key, days in ((ord("k"), 1), (ord("w"), 8)):
        t0 = time.perf_counter()
        press(app, key)
        frames(app, screen, 1)
        assert time.perf_counter() - t0 < 1.0
        assert len(drawn[-1]) == days
    t = app.course.treatment
    expected = course_signal(t.base, t.states())
    assert drawn[-1] == expected
    assert drawn[-1][1] > 1.0  # on the SSRI the receptors see more 5-HT than before it
