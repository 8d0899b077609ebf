"""Presets on number keys, treatment timeline, compare, tour,
follow a molecule and the mean-field overlay (recording from the window:
tests/render/media/test_window_recording.py).

Driven by posted events under pygame's dummy driver; assertions are on model
state and files, never on rendered text.
"""

from pathlib import Path

import numpy as np
import pygame
import pytest

from render.app import App
from render.common.constants import CAPTION_S
from render.common.keys import BINDINGS, PRESET_KEYS, action_for, help_rows
from render.lecture.tour import HIGHLIGHTS, STEPS
from render.lecture.treatment import NEVER
from sim.course.timeline import THERAPEUTIC_OCCUPANCY, slow_states
from sim.params.presets import load_preset
from sim.synapse import meanfield
from sim.synapse import states as S
from tests.window import SIZE, frames, press

ROOT = Path(__file__).resolve().parents[3]
LIGHT = {"molecules_per_vesicle": 200}
"""Fewer molecules per vesicle: the same model, cheaper steps."""


def make_app(preset="default", overrides=None, seed=0, warp=True):
    app = App(load_preset(preset, overrides), seed=seed, size=SIZE, scripted=True)
    app.play.set_warp(warp)
    return app


def receptor_sites(model):
    return int(np.count_nonzero(model.sites.kind == S.SITE_RECEPTOR))


# ----------------------------------------------------------------- bindings
def test_new_keys_are_in_the_one_table_and_the_help():
    rows = help_rows()
    for key, action in (
        (pygame.K_d, "day"),
        (pygame.K_w, "week"),
        (pygame.K_k, "drug"),
        (pygame.K_c, "compare"),
        (pygame.K_t, "tour"),
        (pygame.K_n, "tour_next"),
        (pygame.K_PAGEUP, "tour_back"),
        (pygame.K_b, "blank"),
        (pygame.K_F5, "tour_start"),
        (pygame.K_g, "follow_random"),
        (pygame.K_o, "overlay"),
        (pygame.K_v, "record"),
        (pygame.K_i, "caption"),
    ):
        assert action_for(key, 0) == action
        b = next(b for b in BINDINGS if b.action == action)
        assert (b.group, b.label, b.description) in rows
    assert action_for(pygame.K_g, pygame.KMOD_LSHIFT) == "follow_stop"
    assert action_for(pygame.K_v, pygame.KMOD_LSHIFT) == "record_gif"
    for digit, name, _ in PRESET_KEYS:
        assert action_for(getattr(pygame, f"K_{digit}"), 0) == f"preset_{digit}"
        assert action_for(getattr(pygame, f"K_KP_{digit}"), 0) == f"preset_{digit}"
        load_preset(name)  # every preset on a key exists


# ------------------------------------------------------------------ presets
def test_number_keys_load_presets_with_the_same_seed_and_show_the_caption(screen):
    app = make_app(seed=3)
    frames(app, screen, 3)
    assert not app.caption_visible  # scripted runs start without the banner
    press(app, pygame.K_2)
    assert app.preset.name == "fast-sert"
    assert app.model.params.sert_kon_per_M_s == load_preset("fast-sert").params.sert_kon_per_M_s
    assert app.model.step_index == 0 and app.model.seed == 3
    assert app.caption_visible
    press(app, pygame.K_KP_3)
    assert app.preset.name == "acute-ssri"
    assert app.model.blockade == pytest.approx(0.8)
    assert app.model.firing_rate_hz == load_preset("acute-ssri").params.firing_rate_hz
    assert app.controls.rate_stepper.choices.count(app.model.firing_rate_hz) == 1
    app.play.screen_time_s += CAPTION_S + 1
    assert not app.caption_visible
    press(app, pygame.K_i)
    assert app.caption_visible
    app.draw(screen)


# ----------------------------------------------------------------- timeline
def test_days_and_weeks_follow_the_slow_state(screen):
    app = make_app(overrides=LIGHT)
    app.play.set_warp(False)
    frames(app, screen, 20)  # day 0, no drug: the baseline
    press(app, pygame.K_k)  # start the SSRI today
    t = app.scenario.treatment
    assert t is not None and t.day == 0 and t.on_drug
    assert app.model.blockade == pytest.approx(THERAPEUTIC_OCCUPANCY)
    frames(app, screen, 10)
    press(app, pygame.K_d)
    frames(app, screen, 10)
    press(app, pygame.K_w)
    assert t.day == 8
    st = slow_states(9, THERAPEUTIC_OCCUPANCY, 0, NEVER)[8]
    base = load_preset("default", LIGHT).params
    m = app.model
    assert m.step_index == 0 and m.seed == 0
    assert m.blockade == pytest.approx(st.occupancy)
    assert m.autoreceptor_sensitivity == pytest.approx(st.autoreceptor_sensitivity)
    assert m.autoreceptor_sensitivity < 0.5  # desensitised after a week
    assert m.firing_rate_hz == pytest.approx(base.firing_rate_hz * st.firing_factor)
    assert receptor_sites(m) == round(base.receptor_count * st.receptor_density)
    assert receptor_sites(m) < base.receptor_count  # the hypothesised down-regulation began
    frames(app, screen, 10)
    press(app, pygame.K_k)  # stop abruptly on day 8
    assert not t.on_drug and app.model.blockade == 0.0 and t.stop_day == 8
    press(app, pygame.K_d)
    assert t.day == 9 and not t.on_drug
    st9 = slow_states(10, THERAPEUTIC_OCCUPANCY, 0, 8)[9]
    assert app.model.autoreceptor_sensitivity == pytest.approx(st9.autoreceptor_sensitivity)
    frames(app, screen, 10)
    press(app, pygame.K_k)  # one course per timeline
    assert t.stop_day == 8 and not t.on_drug
    press(app, pygame.K_1)  # a scenario ends the timeline
    assert app.scenario.treatment is None and app.preset.name == "healthy"


def test_timeline_from_a_drug_preset_opens_at_a_drug_free_day_zero(screen):
    app = make_app("acute-ssri", LIGHT)
    press(app, pygame.K_d)  # opens the timeline at day 0 of the drug-free base, then a day on
    t = app.scenario.treatment
    assert t.day == 1 and t.base_name == "healthy" and t.start_day is None
    assert app.model.blockade == 0.0
    assert app.model.firing_rate_hz == load_preset("healthy").params.firing_rate_hz
    frames(app, screen, 3)
    press(app, pygame.K_k)  # the slider was at 80% before the timeline: that dose
    assert t.occupancy == pytest.approx(0.8) and app.model.blockade == pytest.approx(0.8)
    app.draw(screen)


def test_k_then_w_w_w_walks_a_course_whatever_was_on_screen(screen):
    """The lecture's K W W W: K starts the drug at once even with the slider moved."""
    app = make_app(overrides=LIGHT)
    app.set_blockade(0.6)
    for key in (pygame.K_k, pygame.K_w, pygame.K_w, pygame.K_w):
        press(app, key)
    t = app.scenario.treatment
    assert t.start_day == 0 and t.occupancy == pytest.approx(0.6) and t.day == 21
    assert t.on_drug and app.model.blockade == pytest.approx(0.6)


# ------------------------------------------------------------------ compare
def test_compare_runs_a_drug_free_control_with_the_same_spike_train(screen):
    app = make_app(
        overrides={**LIGHT, "firing_pattern": "poisson", "firing_rate_hz": 10000.0}, seed=5
    )
    app.set_blockade(0.8)
    press(app, pygame.K_c)
    c, m = app.control, app.model
    assert app.compare.on and c is not None
    assert c.blockade == 0.0 and m.blockade == pytest.approx(0.8)
    app.play.set_warp(False)
    app.play.set_speed(500.0)
    for _ in range(60):
        frames(app, screen, 1)
        if len(m.spike_log) >= 3:
            break
    assert len(m.spike_log) >= 3
    assert c.step_index == m.step_index  # lockstep
    assert [s[0] for s in c.spike_log] == [s[0] for s in m.spike_log]
    assert c.counters["taken_up"] > m.counters["taken_up"]  # the only difference: the block
    assert app.view.rect.w == app.screen.control_view.rect.w
    assert not app.view.rect.colliderect(app.screen.control_view.rect)
    press(app, pygame.K_c)
    assert not app.compare.on and app.control is None


# --------------------------------------------------------------------- tour
def test_tour_keys_step_through_and_apply_each_preset(screen):
    assert 9 <= len(STEPS) <= 14
    for step in STEPS:
        assert step["highlight"] in (*HIGHLIGHTS, None)
        assert 2 <= step["text"].count(". ") + 1 <= 4
        load_preset(step["preset"], step.get("overrides"))
    assert any("2022" in s["text"] and "contested" in s["text"] for s in STEPS)
    app = make_app()
    press(app, pygame.K_t)
    assert app.guide.index == 0 and app.preset.name == STEPS[0]["preset"]
    assert app.model.params.first_spike_ms < 0  # storage: nothing released yet
    app.draw(screen)
    assert app.frame.highlights_drawn >= 1 and app.screen.card_rect is not None
    assert not app.view.rect.colliderect(app.screen.card_rect)
    for i in range(1, len(STEPS)):
        press(app, pygame.K_n)
        step = STEPS[i]
        assert app.guide.index == i and app.preset.name == step["preset"]
        assert app.compare.on == bool(step["compare"])
        if step["blockade"] is not None:
            assert app.model.blockade == pytest.approx(step["blockade"])
        assert app.play.base_us_per_s == pytest.approx(step["speed"])
        course = step.get("course")
        if course is not None:  # a treatment step: the timeline at the step's day
            t = app.scenario.treatment
            assert t is not None and t.day == course["day"] and t.start_day == course["start"]
            assert t.on_drug == (course["stop"] is None or course["day"] < course["stop"])
        else:
            assert app.scenario.treatment is None
    lingering = next(i for i, s in enumerate(STEPS) if s["compare"])
    while app.guide.index > lingering:
        press(app, pygame.K_PAGEUP)
    assert app.compare.on and app.control.blockade == 0.0
    app.draw(screen)
    press(app, pygame.K_PAGEUP)
    assert app.guide.index == lingering - 1 and not app.compare.on
    press(app, pygame.K_ESCAPE)  # ends the tour, does not quit
    assert app.guide.index is None and app.screen.open and app.screen.card_rect is None


# ------------------------------------------------------------------- follow
def test_click_and_g_follow_a_molecule_whose_log_grows(screen):
    app = make_app("single-release", LIGHT)
    frames(app, screen, 8)
    xyz = app.model.free_positions()
    k = int(np.argmin(np.abs(xyz[0])))
    target = int(app.model.free.ids[k])
    pos = (int(round(app.view.x_px(float(xyz[0, k])))), int(round(app.view.z_py(float(xyz[2, k])))))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))
    app.pump()
    assert app.follow.follower.active and app.model.tracked_id == app.follow.follower.mid
    near = app.model.free_positions()[
        :, app.model.free.ids[: app.model.free.n] == app.follow.follower.mid
    ]
    d = np.hypot(
        app.view.x_px(float(near[0, 0])) - pos[0], app.view.z_py(float(near[2, 0])) - pos[1]
    )
    assert d <= 1.5 or app.follow.follower.mid == target
    assert app.view.cx_nm == 0.0  # a click does not pan

    press(app, pygame.K_g)
    picked = app.follow.follower.mid
    twin = make_app("single-release", LIGHT)
    frames(twin, screen, 8)
    press(twin, pygame.K_g)
    assert twin.follow.follower.mid == picked  # deterministic from the seed
    n0 = len(app.follow.follower.log())
    for _ in range(200):
        frames(app, screen, 1)
        if len(app.follow.follower.log()) > n0:
            break
    assert len(app.follow.follower.log()) > n0
    assert len(app.follow.follower.trail) > 1
    press(app, pygame.K_g, pygame.KMOD_LSHIFT)
    assert not app.follow.follower.active


# ------------------------------------------------------------------ overlay
def test_overlay_predicts_on_the_recorder_time_axis(screen):
    app = make_app("single-release", LIGHT, warp=False)
    frames(app, screen, 6)
    press(app, pygame.K_o)
    ov = app.overlay
    assert ov.enabled and ov.result is not None and ov.computations == 1
    pred = ov.drawable(app.model)
    t_rec = app.model.recorder.column("time_ms")
    assert len(pred["time_ms"]) == len(pred["cleft_uM"]) == len(t_rec)
    ref = meanfield.from_model(app.model, dt_us=0.25, shells=meanfield.OVERLAY_SHELLS)
    np.testing.assert_allclose(pred["cleft_uM"], ref["cleft_uM"], rtol=1e-9, atol=1e-9)
    assert ov.result.valid_until_us > app.model.time_us  # runs ahead of the model
    frames(app, screen, 3)  # no new release, still inside the lookahead: no recomputation
    assert ov.computations == 1
    assert len(ov.drawable(app.model)["time_ms"]) == app.model.recorder.n
    press(app, pygame.K_UP)  # blockade changed: recomputed with it
    frames(app, screen, 1)
    assert ov.computations == 2 and ov.result.blockade == pytest.approx(0.05)
    press(app, pygame.K_o)
    assert ov.drawable(app.model) is None


def test_overlay_in_a_worker_process_matches_the_inline_one(screen):
    from render.lecture.overlay import MeanFieldOverlay

    app = make_app("single-release", LIGHT, warp=False)
    frames(app, screen, 6)
    inline, worker = MeanFieldOverlay(background=False), MeanFieldOverlay(background=True)
    try:
        for ov in (inline, worker):
            ov.enabled = True
            ov.update(app.model, app.play.plot_window_us(), now_s=0.0)
        assert worker.result is None  # still computing: the frame was not held up
        worker.wait()
        a, b = inline.drawable(app.model), worker.drawable(app.model)
        np.testing.assert_array_equal(a["time_ms"], b["time_ms"])
        np.testing.assert_allclose(a["cleft_uM"], b["cleft_uM"])
    finally:
        worker.close()


def test_day_runs_compute_the_timeline_measurement_in_a_worker_and_cache_it(monkeypatch, tmp_path):
    """The window's background day runs give the timeline command's numbers for a day."""
    import render.lecture.day_runs as tr
    from sim.course.day import run_day
    from sim.course.timeline import slow_states

    monkeypatch.setattr(tr, "DAY_WINDOW_MS", 0.2)  # a short day: quick
    base = load_preset("default", LIGHT).params
    cache = tr.DayCache(tmp_path / "days.json")
    tr.DayCache._memory.clear()
    runs = tr.DayRuns(base, seed=3, cache=cache)
    day21 = slow_states(22, 0.8, 0, 28)[21]
    runs.request(day21)
    runs.request(day21)  # asked twice, run once
    assert runs.busy == 2
    runs.wait()
    runs.close()
    assert runs.submitted == 2
    points = runs.points()
    assert [d for d, _, _ in points] == [21]
    direct = run_day(runs._job(day21))
    assert runs.bound[21][1] == direct["receptors_bound_mean"]  # same job, same numbers
    assert points[0][2] == runs.bound[21][1] / runs.bound[-1][1]
    # Cached per preset and seed: a new timeline (even after a restart) runs nothing.
    tr.DayCache._memory.clear()
    again = tr.DayRuns(base, seed=3, cache=tr.DayCache(tmp_path / "days.json"))
    again.request(day21)
    assert again.submitted == 0 and again.points() == points
    other = tr.DayRuns(base, seed=4, cache=tr.DayCache(tmp_path / "days.json"))
    assert other.submitted == 1  # another seed is another measurement
    other.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["days.json"]


def test_a_started_course_computes_the_usual_weeks_ahead():
    from render.lecture.treatment import PREFETCH_DAYS, Treatment

    t = Treatment(load_preset("default").params, "default")
    assert t.prefetch_states() == []
    t.advance(2)
    planned = t.prefetch_states(0.8)  # before K: the course K would start today
    assert [st.day for st in planned] == [2 + d for d in PREFETCH_DAYS]
    t.start_drug(0.8)
    assert [st.day for st in t.prefetch_states()] == [2 + d for d in PREFETCH_DAYS]
    assert all(st.on_drug for st in t.prefetch_states())
    assert t.prefetch_states() == planned  # the same states: the runs are reused


def test_an_overlay_without_a_worker_process_computes_in_the_window_and_says_so(monkeypatch):
    import render.common.workers as workers

    def no_worker(*args, **kwargs):
        raise OSError("no process for you")

    monkeypatch.setattr(workers, "Worker", no_worker)
    app = App(load_preset("default", LIGHT), 0, SIZE, scripted=False)  # would use a worker
    try:
        app.update(1 / 60)
        app.do("overlay")
        ov = app.overlay
        assert not ov.background and ov.result is not None  # computed in line instead
        assert app.messages.toast[0].startswith("mean-field ODE computed in the window")
        assert "no process for you" in app.messages.toast[0]
    finally:
        app.close()
