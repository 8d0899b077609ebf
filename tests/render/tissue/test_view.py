"""The tissue view draws a tissue model under the dummy video driver, and only reads it."""

import numpy as np
import pygame

from render.tissue.view import TissueView
from sim.params.tissue import TissueParameters
from sim.tissue.model import Tissue


def _brightness(surface, xy):
    r, g, b, *_ = surface.get_at((int(xy[0]), int(xy[1])))
    return r + g + b


def test_view_draws_the_map_molecules_and_varicosities(screen):
    p = TissueParameters(cube_um=10.0, initial_nM=0.0, firing_rate_hz=0.0)
    m = Tissue(p, seed=3)
    m.inject(4000, 2.9, 2.9, 5.3)  # one voxel of the middle layer (z 4-6 um)
    before = (m.time_ms, m.n, m.counters.copy())
    view = TissueView()
    view.draw(screen, screen.get_rect(), m)
    assert (m.time_ms, m.n, m.counters) == before  # the view only reads the model
    hot = view.to_screen(np.array([3.0]), np.array([3.0]))
    cold = view.to_screen(np.array([7.0]), np.array([7.0]))
    # the bolus voxel is ~4 uM, near the white end; an empty voxel is background
    assert (
        _brightness(screen, (hot[0][0], hot[1][0]))
        > _brightness(screen, (cold[0][0], cold[1][0])) + 150
    )
    # clicking a varicosity finds it; an empty corner of the slice finds none
    vx, vy = view.to_screen(m.varicosity_xyz[0], m.varicosity_xyz[1])
    assert view.varicosity_at(m, (int(vx[0]), int(vy[0]))) is not None
    assert view.varicosity_at(m, (screen.get_width() - 2, screen.get_height() - 2)) is None


def test_view_draws_into_a_small_rect_and_counts_dots(screen):
    m = Tissue(TissueParameters(), seed=1)
    m.run(200.0)
    view = TissueView(trace_s=5.0)
    rect = pygame.Rect(100, 50, 640, 360)
    screen.fill((1, 2, 3))
    view.draw(screen, rect, m)
    assert screen.get_at((10, 10))[:3] == (1, 2, 3)  # nothing outside the rect
    in_slab = np.count_nonzero((m.free_positions()[2] >= 10.0) & (m.free_positions()[2] < 12.0))
    assert view.dot_stride == max(1, -(-in_slab // 6000))


def test_flash_timing_is_the_time_since_each_fibre_fired():
    m = Tissue(TissueParameters(cube_um=10.0, firing_rate_hz=2.0), seed=2)
    last = np.full(m.fibre_count.shape[0], np.inf)
    phase = m.fibre_phase
    for _ in range(700):  # 1.4 s in 2 ms steps: every fibre fires at least twice
        m.step()
        now = m.fibre_phase
        last[now < phase] = m.time_ms
        phase = now
    since = TissueView.ms_since_spike(m)
    np.testing.assert_allclose(since, m.time_ms - last, atol=m.dt_ms + 1e-9)
