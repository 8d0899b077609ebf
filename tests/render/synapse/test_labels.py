"""Structure labels never overlap each other or the read-outs, and never
leave their pane, in single and compare mode at 1280x720 and 1920x1080 (and any camera).
"""

import pygame
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from render.app import App
from render.synapse.labels import MARGIN_PX
from sim.params.presets import load_preset

LIGHT = {"molecules_per_vesicle": 200}


def labelled_app(size, compare, projector=False):
    pygame.display.init()
    pygame.font.init()
    surface = pygame.display.set_mode(size)
    app = App(
        load_preset("default", LIGHT), 0, size, scripted=True, compare=compare, projector=projector
    )
    app.screen.show_labels = True
    for _ in range(20):  # the release: vesicles have left their docks
        app.update(1 / 60)
    return app, surface


def check_placed(app, min_per_pane):
    placed = app.frame.placed
    assert len(placed) == (2 if app.compare.on else 1)
    for pane, labels, keepout in placed:
        assert len(labels) >= min_per_pane
        inner = pane.inflate(-2 * MARGIN_PX, -2 * MARGIN_PX)
        boxes = [lab.box for lab in labels]
        for i, box in enumerate(boxes):
            assert inner.contains(box), (labels[i].text, box, pane)
            assert box.collidelist(boxes[i + 1 :]) < 0, labels[i].text
            assert box.collidelist(keepout) < 0, labels[i].text
    panes = [p for p, _, _ in placed]
    if len(panes) == 2:
        assert not panes[0].colliderect(panes[1])


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("compare", [False, True])
@pytest.mark.parametrize("projector", [False, True])
def test_labels_fit_their_pane_and_never_overlap(size, compare, projector):
    app, surface = labelled_app(size, compare, projector)
    app.draw(surface)
    check_placed(app, min_per_pane=8)
    app.screen.view.zoom_cleft()  # the cleft at true scale: other anchors, same rules
    app.draw(surface)
    check_placed(app, min_per_pane=2)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    zoom=st.floats(0.5, 6.0),
    pan_x=st.integers(-400, 400),
    pan_y=st.integers(-300, 300),
    compare=st.booleans(),
    big=st.booleans(),
)
def test_labels_never_overlap_at_any_camera(zoom, pan_x, pan_y, compare, big):
    app, surface = labelled_app((1920, 1080) if big else (1280, 720), compare)
    app.screen.view.zoom_at(zoom)
    app.screen.view.pan(pan_x, pan_y)
    app.draw(surface)
    check_placed(app, min_per_pane=0)


@pytest.mark.parametrize("width", [8, 60, 300, 900])
def test_messages_stay_inside_their_zone_whatever_their_length(width):
    from render.common.colors import DEFAULT
    from render.common.text import Fonts
    from render.synapse.hud import draw_toast, toast_zone

    pygame.font.init()
    fonts = Fonts(1.0)
    surface = pygame.Surface((1000, 200))
    zone = toast_zone(pygame.Rect(0, 0, 2 * width, 200), fonts)
    for text in ("ok", "saved /a/rather/long/path/to/cleft-20260101-120000.png" * 2):
        drawn = draw_toast(surface, zone, text, DEFAULT, fonts)
        assert zone.contains(drawn)
