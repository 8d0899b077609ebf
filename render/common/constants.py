"""Constants of the view: frame rate, step budget, choices offered by the steppers, sizes.

Units are in the names (``_S`` seconds, ``_PX`` pixels, ``_NM`` nanometres,
``_US_PER_S`` simulated microseconds per second on screen).
"""

from __future__ import annotations

NOMINAL_FPS = 60
"""Frames per second assumed by scripted runs (``--frames``) and aimed at interactively."""

MAX_FRAME_S = 0.25
"""Longest wall-clock frame fed to the accumulator (longer pauses are not caught up)."""

STEP_BUDGET_S = 0.010
"""Wall-clock seconds per frame the model may use interactively; beyond it the
playback slows down and the on-screen 'achieved' speed says so."""

MIN_FPS = 30
"""Frames per second the window keeps at least when it gives stepping more than
``STEP_BUDGET_S`` (drawing and the display take the rest of the frame)."""

MAX_STEP_BUDGET_S = 0.025
"""Most wall-clock seconds per frame the model may use."""

ACHIEVED_WINDOW_S = 1.0
"""Wall-clock window over which the achieved playback speed is measured."""

SPEED_CHOICES_US_PER_S: tuple[float, ...] = tuple(
    m * 10.0**e for e in range(-1, 6) for m in (1.0, 2.0, 5.0)
)
"""Playback speeds offered (simulated us per second on screen), 0.1 ... 500,000."""

RATE_CHOICES_HZ: tuple[float, ...] = (
    0.0,
    1.0,
    2.0,
    5.0,
    10.0,
    20.0,
    50.0,
    100.0,
    200.0,
    500.0,
    1000.0,
    2000.0,
    5000.0,
)
"""Firing rates offered by the stepper, Hz (the preset's own value is added)."""

BLOCKADE_STEP = 0.05
"""Blockade change per key press (fraction of SERT)."""

ZOOM_STEP = 1.25
"""Zoom factor per wheel notch or key press."""

MAX_ZOOM_PX_PER_NM = 80.0
"""Closest zoom: pixels per nanometre horizontally."""

CLEFT_MIN_FRACTION = 0.38
"""The cleft is drawn at least this fraction of the scene height tall; when the
true scale would be smaller its height is exaggerated (and the screen says by how much)."""

CLEFT_ZOOM_FRACTION = 0.72
"""'Zoom into the cleft' (Z) draws the cleft this fraction of the scene height tall, true scale."""

PAN_STEP_FRACTION = 0.1
"""Keyboard pan per press, as a fraction of the scene size."""

FLASH_S = 0.9
"""Screen seconds a vesicle-fusion flash lasts."""

AP_FLASH_S = 0.5
"""Screen seconds the terminal glows after an action potential."""

TOAST_S = 2.5
"""Screen seconds a short message (e.g. 'screenshot saved') stays up."""

PLOT_SCREEN_S = 10.0
"""The live plots show about this many seconds of screen time (rounded to 1-2-5)."""

CHART_SHARE = {False: 0.25, True: 0.18}
"""Least height of each side chart's data area, share of the window height (single, compare):
a quarter of a projected screen reads from the back of a hall; the key to the symbols goes to
the help overlay (H) before a chart gets less."""

TREATMENT_SHARE = 0.38
"""The treatment chart's strip takes at most this share of the scene column's height."""

REFERENCE_SIZE_PX = (1280, 720)
"""Window size at which the interface scale is 1."""

QUIT_CONFIRM_S = 4.0
"""Esc asks 'Esc again quits' during a course, a recording or just after the tour; a second
Esc within this many seconds of screen time quits."""

CAPTION_S = 10.0
"""Screen seconds a scenario's caption stays up after it is loaded (I shows it again)."""

VIDEO_FPS = 30
"""Frames per second of recorded MP4 videos. A scripted recording (``--record --frames``)
advances 1/VIDEO_FPS s of playback per frame, so the file plays at the set speed."""

GIF_FPS = 20
"""Frames per second of recorded GIFs: 50 ms per frame, a whole number of the GIF's
centiseconds, so the frame times add up to the real length (30 fps cannot: 3 cs plays 10% fast)."""

GIF_WIDTH_PX = 640
"""GIFs are scaled to at most this width (text stays readable, the file stays small)."""

GIF_COLORS = 64
"""Colours per GIF frame. With 640 px and 20 fps a lecture clip is about 0.4 MB per second."""

RECORD_MAX_CATCHUP_FRAMES = 4
"""Interactive recording: a slow frame is repeated at most this many times to keep
video time in step with screen time."""

TIMELINE_BASE: dict[str, str] = {
    "acute-ssri": "healthy",
    "chronic-ssri": "healthy",
    "discontinuation": "healthy",
}
"""Presets that are themselves a treatment state (their TOML says which day of
sim/timeline.py they show); a treatment timeline started from one of them
starts from the drug-free preset given here instead."""

WARP_SLOW_FRACTION = 0.025
"""Time-warp: pace at a release as a fraction of the base playback speed (P/40)."""

WARP_FAST_FACTOR = 5.0
"""Time-warp: pace between releases as a multiple of the base playback speed."""

WARP_EASE_US = 10.0
"""Time-warp: simulated time over which the pace grows (or falls) e-fold, us."""

WARP_CPU_SHARE = 0.8
"""Time-warp in the window: the fast pace is capped to this share of what the CPU can step."""

CAPTURE_FLASH_S = 0.6
"""Screen seconds a SERT capture flash (a ring around the transporter) lasts."""

MAX_CAPTURE_FLASHES = 60
"""At most this many capture flashes are shown at once (the newest)."""

OVERLAY_SPAN_US = 4000.0
"""Longest stretch of simulated time one mean-field prediction integrates, us (~1.3 s of CPU);
the window's recorders keep at least 1.5x this (render.synapse.records)."""
