"""The compiled dot kernel draws exactly what the numpy palette layer draws,
straight into a 32-bit frame (timing is a printed bench figure, never a test).
"""

import numpy as np
import pygame
import pytest

from render.common.splat import DotSplatter
from render.common.stamp import CODE_CLEFT, CODE_FAR, CODE_OUTSIDE, PaletteLayer

COLORS = {code: (30 * code, 255 - 20 * code, (70 * code) % 256) for code in range(1, 8)}


def reference(size, px, py, codes, radius, outline, base):
    layer = PaletteLayer(size, transparent=False)
    layer.set_colors(COLORS)
    layer.begin()
    order = np.argsort(codes, kind="stable")  # the layer's last write wins: largest last
    layer.stamp(px[order], py[order], codes[order])
    layer.grow(radius, outline=outline)
    layer.finish(base)
    out = pygame.Surface(size, depth=32)
    layer.blit(out, (0, 0))
    return pygame.surfarray.array3d(out)


@pytest.mark.parametrize("radius,outline", [(1, False), (2, True), (3, True)])
def test_the_kernel_draws_what_the_palette_layer_draws(radius, outline):
    pygame.display.init()
    rng = np.random.default_rng(radius)
    w, h, n = 300, 80, 4000
    x = rng.uniform(-60, 360, n).astype(np.float32)  # some off the region, both sides
    y = rng.uniform(-50, 50, n).astype(np.float32)
    z = rng.uniform(-5, 90, n).astype(np.float32)
    depth = 10.0
    codes = (CODE_FAR + (y < depth) + (y < -depth)).astype(np.uint8)
    base = np.where(np.arange(w) < 200, CODE_CLEFT, CODE_OUTSIDE).astype(np.uint8)
    want = reference((w, h), x, z, codes, radius, outline, base)
    frame = pygame.Surface((w + 40, h + 30), depth=32)
    frame.fill((9, 9, 9))
    splat = DotSplatter()
    splat.set_colors(COLORS)
    region = pygame.Rect(20, 10, w, h)
    splat.draw(
        frame,
        region,
        (x, y, z),
        (1.0, 1.0, 0.0, 0.0),
        depth_nm=depth,
        radius=radius,
        outline=outline,
        base=base,
    )
    got = pygame.surfarray.array3d(frame)
    np.testing.assert_array_equal(got[20 : 20 + w, 10 : 10 + h], want)
    outside = np.ones(got.shape[:2], dtype=bool)
    outside[20 : 20 + w, 10 : 10 + h] = False
    assert np.all(got[outside] == 9)  # nothing written beyond the region


def test_transparent_dots_leave_the_background():
    pygame.display.init()
    frame = pygame.Surface((50, 40), depth=32)
    frame.fill((1, 2, 3))
    splat = DotSplatter()
    splat.set_colors(COLORS)
    x = np.array([10.0, 30.0], dtype=np.float32)
    splat.draw(frame, frame.get_rect(), (x, x * 0, x), (1.0, 1.0, 0.0, 0.0), fixed_code=5, radius=1)
    arr = pygame.surfarray.array3d(frame)
    assert tuple(arr[10, 10]) == COLORS[5] and tuple(arr[11, 10]) == COLORS[5]
    assert (arr[:, :] == (1, 2, 3)).all(axis=2).sum() == 50 * 40 - 10  # two 5-px plus signs
