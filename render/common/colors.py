"""Every colour Cleft draws, in ONE place: a default (dark) and a projector (light) profile.

Both profiles use the Okabe-Ito palette (Okabe & Ito 2008, "Color Universal
Design"), which stays distinguishable for the common colour-vision
deficiencies. Colour is never the only cue: every state also differs by
shape or outline (see :mod:`render.synapse.scene`): an empty receptor is an outline,
a bound one is filled and holds a dot; a blocked transporter carries a
diamond-shaped drug molecule.

Colours are (r, g, b) tuples of 0-255 ints.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]

# Okabe-Ito palette.
OI_BLACK: RGB = (0, 0, 0)
OI_ORANGE: RGB = (230, 159, 0)
OI_SKY: RGB = (86, 180, 233)
OI_GREEN: RGB = (0, 158, 115)
OI_YELLOW: RGB = (240, 228, 66)
OI_BLUE: RGB = (0, 114, 178)
OI_VERMILLION: RGB = (213, 94, 0)
OI_PURPLE: RGB = (204, 121, 167)
OI_WHITE: RGB = (255, 255, 255)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Blend colour ``a`` toward ``b`` by fraction ``t`` (0 = a, 1 = b)."""
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


@dataclass(frozen=True)
class Theme:
    """One colour profile plus the size factor for text, lines and dots."""

    name: str
    ui_scale: float
    """Multiplies font sizes, line widths and glyph sizes (projector: larger)."""
    line: int
    """Base line width in px."""
    dot_radius_px: int
    """Least radius of a molecule dot, px (1: a 3 px plus; 2: a 5 px outlined diamond)."""

    background: RGB
    panel: RGB
    panel_edge: RGB
    text: RGB
    text_dim: RGB
    warn: RGB
    accent: RGB

    tissue: RGB
    """Neighbouring cells (glia, other neurites) around the synapse."""
    terminal: RGB
    terminal_edge: RGB
    post_cell: RGB
    post_edge: RGB
    psd: RGB
    cleft: RGB
    outside_sheet: RGB
    """Extracellular space beyond the simulated sheet (not simulated)."""
    membrane: RGB

    molecule_near: RGB
    molecule_mid: RGB
    molecule_far: RGB
    molecule_edge: RGB
    cytosol_molecule: RGB

    vesicle_edge: RGB
    vesicle_fill: RGB
    docked_edge: RGB

    receptor: RGB
    autoreceptor: RGB
    sert: RGB
    drug: RGB
    glyph_edge: RGB

    flash: RGB
    label_bg: RGB
    label_text: RGB

    plot_bg: RGB
    plot_grid: RGB
    plot_conc: RGB
    plot_occupancy: RGB
    plot_blockade: RGB
    plot_control: RGB
    """Compare mode: the drug-free control (a neutral grey; the SSRI side is ``drug``).

    One colour per meaning in every chart: 5-HT ``plot_conc`` (the molecules'
    colour), receptors bound ``plot_occupancy`` (the receptors'), the SSRI
    ``drug`` / ``plot_blockade`` (the drug diamond's), no drug ``plot_control``."""
    plot_ode: RGB
    """The mean-field ODE prediction (drawn dashed)."""

    highlight: RGB
    """Tour: outline around the structure a step is about."""
    follow: RGB
    """Ring around the followed molecule."""
    follow_trail: RGB
    """Trail of the followed molecule."""

    widget_track: RGB
    widget_fill: RGB
    widget_knob: RGB
    button: RGB
    button_hover: RGB
    button_on: RGB
    button_text: RGB
    button_on_text: RGB


_DARK_BG: RGB = (16, 20, 30)
_CLEFT_DARK: RGB = (8, 10, 16)

DEFAULT = Theme(
    name="default",
    ui_scale=1.0,
    line=1,
    dot_radius_px=1,
    background=_DARK_BG,
    panel=(26, 31, 44),
    panel_edge=(70, 78, 98),
    text=(235, 238, 245),
    text_dim=(160, 168, 185),
    warn=OI_ORANGE,
    accent=OI_SKY,
    tissue=(30, 34, 44),
    terminal=(42, 50, 74),
    terminal_edge=(120, 136, 180),
    post_cell=(34, 56, 52),
    post_edge=(110, 160, 145),
    psd=(60, 120, 100),
    cleft=_CLEFT_DARK,
    outside_sheet=(22, 24, 30),
    membrane=(185, 192, 210),
    molecule_near=OI_YELLOW,
    molecule_mid=mix(OI_YELLOW, _CLEFT_DARK, 0.25),
    molecule_far=mix(OI_YELLOW, _CLEFT_DARK, 0.5),
    molecule_edge=(0, 0, 0),
    cytosol_molecule=mix(OI_YELLOW, (42, 50, 74), 0.35),
    vesicle_edge=(200, 206, 225),
    vesicle_fill=OI_YELLOW,
    docked_edge=OI_WHITE,
    receptor=OI_GREEN,
    autoreceptor=OI_ORANGE,
    sert=OI_SKY,
    drug=OI_PURPLE,
    glyph_edge=(5, 6, 10),
    flash=OI_WHITE,
    label_bg=(0, 0, 0),
    label_text=OI_WHITE,
    plot_bg=(12, 15, 22),
    plot_grid=(55, 62, 80),
    plot_conc=OI_YELLOW,
    plot_occupancy=OI_GREEN,
    plot_blockade=OI_PURPLE,
    plot_control=(205, 210, 222),
    plot_ode=(235, 238, 245),
    highlight=OI_WHITE,
    follow=OI_WHITE,
    follow_trail=OI_SKY,
    widget_track=(60, 66, 84),
    widget_fill=OI_PURPLE,
    widget_knob=(235, 238, 245),
    button=(48, 56, 76),
    button_hover=(70, 80, 108),
    button_on=OI_BLUE,
    button_text=(240, 242, 248),
    button_on_text=OI_WHITE,
)
"""Dark profile for screens and dim rooms."""

_LIGHT_BG: RGB = (255, 255, 255)

PROJECTOR = Theme(
    name="projector",
    ui_scale=1.3,
    line=2,
    dot_radius_px=2,
    background=_LIGHT_BG,
    panel=(240, 240, 240),
    panel_edge=(0, 0, 0),
    text=(0, 0, 0),
    text_dim=(60, 60, 60),
    warn=OI_VERMILLION,
    accent=OI_BLUE,
    tissue=(225, 225, 225),
    terminal=(205, 222, 240),
    terminal_edge=(0, 0, 0),
    post_cell=(205, 235, 222),
    post_edge=(0, 0, 0),
    psd=(0, 100, 70),
    cleft=_LIGHT_BG,
    outside_sheet=(200, 200, 200),
    membrane=(0, 0, 0),
    molecule_near=OI_VERMILLION,
    molecule_mid=mix(OI_VERMILLION, _LIGHT_BG, 0.2),
    molecule_far=mix(OI_VERMILLION, _LIGHT_BG, 0.4),
    molecule_edge=(0, 0, 0),
    cytosol_molecule=mix(OI_VERMILLION, (205, 222, 240), 0.2),
    vesicle_edge=(0, 0, 0),
    vesicle_fill=OI_VERMILLION,
    docked_edge=(0, 0, 0),
    receptor=OI_GREEN,
    autoreceptor=OI_ORANGE,
    sert=OI_BLUE,
    drug=OI_PURPLE,
    glyph_edge=(0, 0, 0),
    flash=OI_BLACK,
    label_bg=(255, 255, 255),
    label_text=(0, 0, 0),
    plot_bg=(255, 255, 255),
    plot_grid=(170, 170, 170),
    plot_conc=OI_VERMILLION,
    plot_occupancy=OI_GREEN,
    plot_blockade=OI_PURPLE,
    plot_control=(95, 95, 95),
    plot_ode=(0, 0, 0),
    highlight=(0, 0, 0),
    follow=(0, 0, 0),
    follow_trail=OI_BLUE,
    widget_track=(190, 190, 190),
    widget_fill=OI_PURPLE,
    widget_knob=(0, 0, 0),
    button=(225, 225, 225),
    button_hover=(200, 200, 200),
    button_on=OI_BLUE,
    button_text=(0, 0, 0),
    button_on_text=OI_WHITE,
)
"""Light, high-contrast profile with larger text for lecture-hall projectors."""


def theme(projector: bool) -> Theme:
    """The projector profile if ``projector`` else the default one."""
    return PROJECTOR if projector else DEFAULT
