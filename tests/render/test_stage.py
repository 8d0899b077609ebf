"""The scene column's stage: the synapse picture keeps its least height under a card, the
course chart and the compare headers, and what gives way stays readable and whole.

Assertions are on layout rectangles and font heights, never on rendered text.
"""

from types import SimpleNamespace

import pygame
import pytest

from render.common.banner import banner_height
from render.lecture.panels import draw_follow_log
from render.lecture.tour import STEPS
from render.lecture.treatment_chart import compact_height
from render.stage import CARD_TEXT_SHARE, COURSE_SHARE, PICTURE_SHARE, share_column
from tests.render.test_sidepanel import make

TISSUE_CARD = (
    "Zoomed in: one varicosity's synapse (the scale changed)",
    "From the 20 µm cube of tissue to the synapse of varicosity 23 of 46: a 20 nm cleft, 1,000 "
    "times smaller. The clock is now in microseconds: 1 s on screen is 200 µs, slowed 5,000x "
    "(the time-warp varies it from 1,000x to 200,000x). Most 5-HT varicosities face no "
    "synapse; this model gives one a postsynaptic side. SSRI blockade 80% at both scales.",
    "M zooms back out to the tissue (its clock waits at t = 1.00 s)",
)
FOOTER = "N or Page Down next   Page Up back   R replays this step   T or Esc ends the tour"
TOUR_CARDS = [
    (f"Guided tour {i + 1}/12: {st['title']}", st["text"], FOOTER) for i, st in enumerate(STEPS)
]
LAYOUTS = [((1280, 720), False), ((1280, 720), True), ((1920, 1080), False), ((1920, 1080), True)]


def column_of(size, projector):
    """The app's scene column and fonts at a window ``size`` in a colour profile."""
    app, _ = make(size, projector=projector)
    screen = app.screen
    return screen.scene_rect.copy(), screen.fonts


@pytest.mark.parametrize(("size", "projector"), LAYOUTS)
def test_the_picture_keeps_its_floor_under_card_course_and_compare(size, projector):
    column, fonts = column_of(size, projector)
    h = size[1]
    for card in [TISSUE_CARD, *TOUR_CARDS]:
        for compare in (False, True):
            stage = share_column(column, fonts, h, (card, True, compare))
            for pane in stage.panes:
                assert pane.h >= PICTURE_SHARE * h, (card[0], compare, stage.concessions)
            assert stage.course.h >= COURSE_SHARE * h
            inner = stage.course.h - 2 * int(10 * fonts.scale)
            assert inner >= compact_height(fonts)  # the compact chart's least, whole
            cf = stage.card_fonts
            assert stage.card.h == banner_height(cf, stage.card.w, *card[1:])  # the card whole
            assert cf.fonts["normal"].get_height() >= CARD_TEXT_SHARE * h
            rects = [stage.card, stage.course, *stage.panes, *stage.headers]
            for i, a in enumerate(rects):
                assert column.contains(a)
                assert all(not a.colliderect(b) for b in rects[i + 1 :])


@pytest.mark.parametrize(("size", "projector"), LAYOUTS)
def test_nothing_gives_way_when_the_picture_has_room(size, projector):
    column, fonts = column_of(size, projector)
    for shown in ((None, False, False), (None, False, True), (TOUR_CARDS[0], False, False)):
        stage = share_column(column, fonts, size[1], shown, strip_h=30)
        assert stage.concessions == [] and stage.header_size == "big"
        assert stage.card_fonts in (None, fonts)
        assert stage.strip is not None  # the history strip under the picture


def test_concessions_come_in_order_chart_then_headers_then_card():
    column, fonts = column_of((1280, 720), True)
    stage = share_column(column, fonts, 720, (TISSUE_CARD, True, True))
    assert stage.concessions[0].startswith("card fonts")
    assert stage.concessions[1:] == ["compact course chart", "thin headers"]
    single = share_column(column, fonts, 720, (TISSUE_CARD, True, False))
    assert "thin headers" not in single.concessions
    bare = share_column(column, fonts, 720, (None, True, False))
    assert bare.concessions in ([], ["compact course chart"])


def test_the_follow_log_stays_inside_a_low_picture():
    pygame.font.init()
    surface = pygame.Surface((800, 400))
    column, fonts = column_of((1280, 720), True)
    events = [(float(i), f"event {i}") for i in range(12)]
    follower = SimpleNamespace(active=True, mid=7, state=None, log=lambda: events)
    theme = make((1280, 720))[0].screen.theme
    for h in (400, 150, 110):
        area = pygame.Rect(0, 0, 800, h)
        box = draw_follow_log(surface, area, theme, fonts, follower)
        assert area.contains(box), (h, box)
        # the cleft in the middle and read-outs over most of the picture push the box low
        top = [pygame.Rect(0, 0, 800, int(0.8 * h))]
        box = draw_follow_log(
            surface, area, theme, fonts, follower, clear_of=(0.3 * h, 0.6 * h), avoid=top
        )
        assert area.contains(box), (h, box)
