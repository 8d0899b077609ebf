"""The help overlay's layout: every box inside the window, none overlapping, at lecture sizes."""

import itertools

import pygame
import pytest

from render.app import App
from render.common.keyhelp import draw_help
from render.common.keys import help_rows
from sim.params.presets import load_preset


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("projector", [False, True])
def test_help_boxes_fit_the_window_and_never_overlap(size, projector):
    pygame.init()
    surface = pygame.Surface(size)
    app = App(load_preset("default"), seed=0, size=size, scripted=True, projector=projector)
    screen = app.screen
    glyphs = app.frame.scene.glyphs(int(round(16 * screen.fonts.scale)))
    caption = f"{app.preset.title}: {app.preset.caption}"
    boxes: list[pygame.Rect] = []
    drawn = draw_help(surface, surface.get_rect(), screen.theme, screen.fonts, caption, glyphs,
                      boxes)  # fmt: skip
    assert sorted(drawn) == sorted(help_rows())  # every binding, at whatever text size fits
    window = surface.get_rect()
    for box in boxes:
        assert window.contains(box), (box, window)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.colliderect(b), (a, b)
