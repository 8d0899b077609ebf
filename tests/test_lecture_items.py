"""Issue 15's items one by one, each through the code path a lecturer's press takes.

The whole lecture is in tests/test_lecture.py; these tests pin each fix down
on its own, small and fast.
"""

from __future__ import annotations

import re

import pygame
import pytest

from render.common.colors import theme
from render.common.text import Fonts
from render.synapse import hud
from render.synapse.view import View
from tests.window import SIZE


def written(monkeypatch) -> list[str]:
    """Every string drawn through Fonts.blit from now on."""
    texts: list[str] = []
    blit = Fonts.blit

    def spy(self, surface, text, *args, **kwargs):
        texts.append(text)
        return blit(self, surface, text, *args, **kwargs)

    monkeypatch.setattr(Fonts, "blit", spy)
    return texts


def us_in(text: str) -> float:
    value, unit = re.search(r"= ([0-9.]+) (ns|µs|ms)", text).groups()
    return float(value) * {"ns": 1e-3, "µs": 1.0, "ms": 1e3}[unit]


# ------------------------------------------------------------ 8: pace line
@pytest.mark.parametrize("now, averaged, achieved", [(31.2, 60.0, 43.7), (500.0, 40.0, 20.0)])
def test_pace_line_and_cpu_warning_compare_like_with_like(
    screen, monkeypatch, now, averaged, achieved
):
    """The set pace shown is the one the warning compares with: never below the achieved."""
    texts = written(monkeypatch)
    view = View(20.0, 250.0, 600.0, pygame.Rect((0, 0), SIZE))
    hud.draw_time_hud(
        screen,
        view,
        theme(False),
        Fonts(1.0),
        title="t",
        time_us=10.0,
        playback_us_per_s=now,
        achieved_us_per_s=achieved,
        paused=False,
        dt_ns=10.0,
        warp=True,
        set_us_per_s=averaged,
    )
    pace = us_in(next(t for t in texts if "simulated" in t))
    warning = [t for t in texts if "keep up" in t]
    assert warning, texts  # achieved below 90% of the averaged set pace
    assert us_in(warning[0]) < 0.9 * pace


# -------------------------------------------------------- 1: tour keys once
def keyboard(key: int, hold_s: float) -> list[pygame.event.Event]:
    """A press held ``hold_s`` as the window's keyboard sends it (repeat 350 ms, then 45 ms)."""
    down = pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="")
    repeats = [down] * max(0, int((hold_s - 0.350) / 0.045) + 1) if hold_s > 0.350 else []
    return [down, *repeats, pygame.event.Event(pygame.KEYUP, key=key, mod=0)]


def test_tour_keys_act_once_per_press_held_or_queued(screen):
    from render.app import App
    from sim.params.presets import load_preset

    app = App(load_preset("default"), size=SIZE, scripted=True)
    for ev in keyboard(pygame.K_t, 0.8):
        app.handle_event(ev)
    assert app.guide.index == 0
    for ev in keyboard(pygame.K_n, 0.7):  # held 0.7 s: 9 repeats arrive
        app.handle_event(ev)
    assert app.guide.index == 1
    for ev in keyboard(pygame.K_n, 0.1) + keyboard(pygame.K_n, 0.5):  # queued during set-up
        app.handle_event(ev)
    assert app.guide.index == 3
    b = app.model.blockade
    for ev in keyboard(pygame.K_UP, 0.5):  # a value key still repeats while held
        app.handle_event(ev)
    assert app.model.blockade > b + 0.05
    app.close()


# ---------------------------------------------------- 3: no window, no run
@pytest.mark.parametrize("display", [None, ":65431"])  # none, and one nobody serves
def test_no_window_means_one_line_and_exit_2_within_5_s(display):
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("SDL_VIDEODRIVER", "WAYLAND_DISPLAY")}
    env.pop("DISPLAY", None)
    if display is not None:
        env["DISPLAY"] = display
    root = Path(__file__).resolve().parent.parent
    t0 = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "main.py", "--quit-after", "30"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    took = time.perf_counter() - t0
    assert run.returncode == 2, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "display" in run.stderr
    assert took < 5.0


# --------------------------------------------- 2: ending the tour restores
def frames_to_first_spike(app, surface, limit: int = 600) -> int:
    for n in range(limit):
        if app.model.spike_log:
            return n
        app.update(1 / 60)
        app.draw(surface)
    return limit


def test_ending_the_tour_restores_pace_and_the_next_action_potential(screen):
    from render.app import App
    from render.synapse.warp import next_release_us
    from sim.params.presets import load_preset
    from tests.window import press

    app = App(load_preset("default"), size=SIZE, scripted=True)
    first = next_release_us(app.model)
    before = frames_to_first_spike(app, screen)
    assert before < 60  # the default synapse fires at once
    press(app, pygame.K_t)
    for _ in range(3):
        press(app, pygame.K_n)
        app.update(1 / 60)
    press(app, pygame.K_t)
    assert not app.guide.active
    assert next_release_us(app.model) == first == app.model.release.next_spike_us
    assert frames_to_first_spike(app, screen) <= before + 1
    app.close()


# ------------------------------------------------ 11: Esc asks once more
def test_esc_asks_once_more_during_a_course_and_after_the_tour(screen):
    from render.app import App
    from sim.params.presets import load_preset
    from tests.window import press

    app = App(load_preset("default"), size=SIZE, scripted=True)
    press(app, pygame.K_k)  # a treatment course
    press(app, pygame.K_ESCAPE)
    assert app.screen.open and "Esc again" in app.messages.toast[0]
    press(app, pygame.K_ESCAPE)
    assert not app.screen.open
    app = App(load_preset("default"), size=SIZE, scripted=True)
    press(app, pygame.K_t)
    press(app, pygame.K_ESCAPE)  # leaves the tour
    press(app, pygame.K_ESCAPE)  # a second Esc to leave it asks first
    assert app.screen.open and not app.guide.active
    for _ in range(int(5.0 * 60)):  # long after: nothing runs, Esc quits at once
        app.update(1 / 60)
    press(app, pygame.K_ESCAPE)
    assert not app.screen.open


# ------------------------------------- 4: compare with the drug-naive synapse
@pytest.mark.parametrize(
    "digit, naive",
    [("1", "healthy"), ("2", "fast-sert"), ("3", "healthy"), ("4", "healthy"), ("5", "healthy")],
)
def test_compare_control_is_the_synapse_never_given_the_drug(screen, monkeypatch, digit, naive):
    from render.app import App
    from render.synapse.compare import DRUG_ADAPTED
    from sim.params.presets import load_preset
    from sim.synapse import states as S
    from tests.window import press

    texts = written(monkeypatch)
    app = App(load_preset("default"), size=SIZE, scripted=True)
    press(app, pygame.K_c)
    press(app, getattr(pygame, f"K_{digit}"))
    want = load_preset(naive).params
    c = app.control
    assert c.blockade == 0.0
    assert c.firing_rate_hz == want.firing_rate_hz
    assert c.autoreceptor_sensitivity == want.autoreceptor_sensitivity
    assert int((c.sites.kind == S.SITE_RECEPTOR).sum()) == want.receptor_count
    assert app.model.firing_rate_hz == app.preset.params.firing_rate_hz  # the scenario itself
    app.draw(screen)
    heading = next(t for t in texts if "NEVER" in t)
    rect = app.screen.header_rects[0]
    assert app.screen.fonts.width(heading, "big") <= rect.w
    press(app, pygame.K_k)  # a course: the control is its drug-free day 0
    for k in (pygame.K_w, pygame.K_w):
        press(app, k)
    base = app.course.treatment.base
    assert all(getattr(app.control, k) == getattr(base, k) for k in DRUG_ADAPTED[:2])
    assert app.control.blockade == 0.0 and app.model.blockade > 0.5
    app.close()


# ------------------------------------------------------ 9: cut, untidy text
def test_a_long_message_wraps_instead_of_being_cut(screen, monkeypatch):
    texts = []
    render = Fonts.render

    def spy(self, text, *args, **kwargs):
        texts.append(text)
        return render(self, text, *args, **kwargs)

    monkeypatch.setattr(Fonts, "render", spy)
    fonts = Fonts(1.5)
    message = "action potential: 3 vesicles fused (p = 0.30 each) and a little more"
    zone = pygame.Rect(700, 10, fonts.width(message, "small") * 2 // 3, 30)
    box = hud.draw_toast(screen, zone, message, theme(True), fonts)
    assert not any(t.endswith("…") for t in texts)
    assert " ".join(texts) == message and box.w <= zone.w


def test_tissue_view_writes_units_as_the_rest_and_keeps_lines_apart(screen, monkeypatch):
    from render.app import App
    from sim.params.presets import load_preset
    from tests.window import press

    texts = written(monkeypatch)
    app = App(load_preset("default"), size=SIZE, scripted=True, projector=True)
    press(app, pygame.K_m)
    for _ in range(3):
        app.update(1 / 60)
        app.draw(screen)
    assert app.tissue.on and texts
    for text in texts:
        assert not re.search(r"\d (um|uM)\b", text), text
        assert not re.search(r"1 in \d+ 5-HT", text), text
    boxes = app.tissue.view.boxes
    for i, (_, a) in enumerate(boxes):
        assert not any(a.colliderect(b) for _, b in boxes[i + 1 :])
    blockade_line = next(t for t in texts if t.startswith("SSRI blockade"))
    assert re.match(r"SSRI blockade \d+%; ", blockade_line)
    app.close()


# ------------------------------------------------------ 11: smaller faults
def test_small_faults_are_gone(screen, monkeypatch):
    from render.app import App
    from render.controls import fmt_rate
    from render.lecture.tour import STEPS
    from sim.params.presets import load_preset
    from tests.window import press

    assert fmt_rate(0.15625) == "0.156 Hz" and fmt_rate(500.0) == "500 Hz"
    assert not any("purple" in s["text"] for s in STEPS)  # the diamonds are drawn pink
    texts = written(monkeypatch)
    app = App(load_preset("default"), size=SIZE, scripted=True)
    for _ in range(300):  # past 1 ms: the clock in ms
        app.update(1 / 60)
    app.draw(screen)
    assert app.model.time_us > 1000.0
    press(app, pygame.K_RIGHT)  # one 10 ns step shows on the clock
    texts.clear()
    app.draw(screen)
    before = next(t for t in texts if t.startswith("t = "))
    press(app, pygame.K_RIGHT)
    texts.clear()
    app.draw(screen)
    assert next(t for t in texts if t.startswith("t = ")) != before
    press(app, pygame.K_k)  # a course at 80%, then the tissue: the card tells the truth
    press(app, pygame.K_w)
    press(app, pygame.K_m)
    title, text, _ = app.card_text()
    assert f"blockade {app.model.blockade:.0%} at both" in text
    assert app.tissue.shown_blockade == pytest.approx(app.model.blockade)
    app.close()


# ---------------------------------------------- 10: the first start is not black
def test_first_start_shows_progress_while_the_kernels_compile(screen, monkeypatch):
    import time

    from render import startup

    flips: list[tuple[float, tuple]] = []
    t0 = time.perf_counter()

    def flip():
        flips.append((time.perf_counter() - t0, tuple(pygame.transform.average_color(screen))))

    monkeypatch.setattr(startup, "kernels_cached", lambda: False)
    slow = [(f"stage {k}", lambda: time.sleep(0.4)) for k in range(3)]
    monkeypatch.setattr(startup, "STAGES", tuple(slow))
    monkeypatch.setattr(startup, "STAGE_S", (0.4, 0.4, 0.4))
    monkeypatch.setattr(pygame.display, "flip", flip)
    assert startup.prepare(screen)
    assert flips and flips[0][0] < 0.5  # drawn at once, not after the compile
    assert len(flips) >= 10  # and again and again while it runs
    assert all(colour[:3] != (0, 0, 0) for _, colour in flips)
    shares = [startup.progress(d, s) for d, s in ((0, 0.0), (0, 0.3), (1, 0.1), (2, 0.39))]
    assert shares == sorted(shares) and 0 <= shares[0] < shares[-1] < 1
    monkeypatch.setattr(startup, "kernels_cached", lambda: True)
    flips.clear()
    assert startup.prepare(screen) and not flips  # a warm cache: no such screen
