"""Projector mode for a hall, and charts that show the SSRI's effect.

Assertions are on layout rectangles, pixel colours and the read-out numbers,
never on rendered text.
"""

import numpy as np
import pygame
import pytest

from render.app import App
from render.common import colors
from render.common.plots import _y_of
from render.sidepanel import effect_numbers
from render.synapse.molecules import molecule_radius_px
from sim.params.presets import load_preset
from sim.synapse import states as S

LIGHT = {"molecules_per_vesicle": 200}


def make(size=(1280, 720), **kw):
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode(size)
    app = App(load_preset("default", LIGHT), 0, size, scripted=True, **kw)
    return app, surface


def count(surface, rect, rgb):
    arr = pygame.surfarray.pixels3d(surface)[rect.left : rect.right, rect.top : rect.bottom]
    n = int(np.all(arr.reshape(-1, 3) == np.array(rgb, dtype=arr.dtype), axis=1).sum())
    del arr
    return n


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_projector_keeps_every_button_and_tall_charts_with_big_dots(size):
    app, surface = make(size, projector=True)
    app.draw(surface)
    win = pygame.Rect((0, 0), size)
    for w in app.controls.widgets:
        assert w.rect.w > 0 and win.contains(w.rect), w
    screen = app.screen
    assert screen.bar_rect.top >= screen.scene_rect.bottom  # the bar under the scene, not on it
    assert screen.scene_rect.h >= 0.75 * size[1]  # the scene keeps most of the height
    for chart in app.frame.side.chart_rects:  # a quarter of the screen each (the key: H)
        assert chart.h >= 0.25 * size[1] and chart.right <= size[0], chart
    r = molecule_radius_px(app.view, app.screen.theme)
    assert 2 * r + 1 >= 4  # dots of at least 4 px (5 px, and a 1 px outline)
    assert app.screen.fonts.scale > 1.2 * min(size[0] / 1280, size[1] / 720)  # large text


def test_developer_detail_is_on_the_info_key_not_the_title():
    app, surface = make()
    title = app.frame.title()
    assert "seed" not in title and app.preset.name not in title.split()
    rows = dict(app.frame.details())
    assert rows["seed"] == "0" and app.preset.name in rows["preset"]
    assert "slow motion" in rows["pace now"]
    app.do("info")
    assert app.screen.show_info
    app.draw(surface)
    app.do("info")
    assert not app.screen.show_info


def test_the_log_axis_reads_the_tail_the_linear_one_flattens():
    tail = np.array([10.0, 60.0])  # uM: no drug vs SSRI, an order below a 6,000 uM peak
    lin = _y_of(tail, 1.0e4, None)
    log = _y_of(tail, 1.0e4, 1.0)
    assert lin[1] - lin[0] < 0.01
    assert log[1] - log[0] > 0.15


def test_one_colour_per_meaning_in_single_and_compare_mode():
    th = colors.DEFAULT
    app, surface = make()
    for _ in range(180):
        app.update(1 / 60)
    app.draw(surface)
    cleft, bound = app.frame.side.chart_rects
    assert count(surface, cleft, th.plot_conc) > 20  # 5-HT: the molecules' colour
    assert count(surface, cleft, th.drug) == 0
    assert count(surface, bound, th.plot_occupancy) > 20  # bound: the receptors' colour
    app.set_blockade(0.8)
    app.compare.set(True)
    for _ in range(300):  # into the tail, where the traces part
        app.update(1 / 60)
    app.draw(surface)
    cleft, bound = app.frame.side.chart_rects
    for area in (cleft, bound):
        assert count(surface, area, th.drug) > 20  # the SSRI side: the drug's colour
        assert count(surface, area, th.plot_control) > 20  # no drug: neutral
        assert count(surface, area, th.plot_conc) == 0
    assert th.plot_control not in (th.sert, th.receptor, th.molecule_near, th.drug)


def test_legends_sit_between_title_and_data():
    from render.common.plots import draw_plot
    from render.common.text import Fonts

    pygame.font.init()
    fonts = Fonts(1.0)
    surface = pygame.Surface((300, 200))
    t = np.linspace(0, 1, 50)
    args = dict(t_ms=t, series=[(t, (255, 0, 0), 2)], t_end_ms=1.0, window_ms=1.0, y_max=1.0)
    rect = pygame.Rect(0, 0, 300, 200)
    bare = draw_plot(surface, rect, colors.DEFAULT, fonts, title="x", y_fmt="{:g}", **args)
    legend = [(f"entry {k}", (0, 255, 0)) for k in range(6)]
    with_legend = draw_plot(
        surface, rect, colors.DEFAULT, fonts, title="x", y_fmt="{:g}", legend=legend, **args
    )
    assert with_legend.top >= bare.top + 2 * fonts.line_height("small")  # rows reserved


def test_read_out_and_compare_ratios_are_the_window_means():
    app, _ = make(compare=True)
    app.set_blockade(0.8)
    app.compare.set(True)
    for _ in range(240):
        app.update(1 / 60)
    m, c = app.model, app.control
    window_ms = app.play.plot_window_us() / 1000.0
    eff = effect_numbers(m, c, window_ms)
    assert eff.blockade == pytest.approx(0.8)
    assert eff.cleft_uM == pytest.approx(m.cleft_concentration_uM())  # now
    assert eff.bound == pytest.approx(m.occupancy(S.SITE_RECEPTOR))
    t = m.recorder.column("time_ms")
    keep = t >= t[-1] - window_ms
    for name, ratio in (("cleft_uM", eff.cleft_ratio), ("receptor_occupancy", eff.bound_ratio)):
        ref = np.mean(c.recorder.column(name)[keep])
        assert ratio == pytest.approx(np.mean(m.recorder.column(name)[keep]) / ref)
    assert eff.cleft_ratio > 1.0 and eff.bound_ratio > 1.0  # the block shows
    assert effect_numbers(m, None, window_ms).cleft_ratio is None


@pytest.mark.parametrize("height", [120, 260, 420])
def test_the_treatment_chart_is_one_series_inside_its_rect(height):
    from render.common.text import Fonts
    from render.lecture.treatment import Treatment
    from render.lecture.treatment_chart import draw_treatment

    pygame.font.init()
    th = colors.DEFAULT
    fonts = Fonts(1.0)
    t = Treatment(load_preset("default").params, "default")
    t.start_drug(0.8)
    t.advance(21)
    surface = pygame.Surface((500, 600))
    surface.fill((1, 2, 3))
    rect = pygame.Rect(50, 40, 300, height)
    points = [(0, True, 1.3), (7, True, 1.5), (14, True, 1.7), (21, True, 1.8)]
    draw_treatment(surface, rect, th, fonts, t, (points, None))
    arr = pygame.surfarray.array3d(surface)
    outside = np.ones(arr.shape[:2], dtype=bool)
    outside[rect.left : rect.right, rect.top : rect.bottom] = False
    assert np.all(arr[outside] == (1, 2, 3))  # nothing clipped off, nothing spilled
    if height >= 260:
        assert count(surface, rect, th.plot_occupancy) > 20  # the one series
