"""Opening the Cleft window: ``run_app`` checks its options, opens the display and runs the loop.

:func:`run_app` opens the real window (or, with ``frames``, draws that many
frames deterministically without showing one, and can save the last one as
PNG, or record them as a video); :func:`_loop` is the frame loop: events, one
update, one draw, then the display's flip while the frame's steps run
(:meth:`render.synapse.playback.Playback.stepping_during`). The window's rooms
are put together by :class:`render.app.App`.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, TypedDict

import pygame

from render.app import App
from render.common.constants import NOMINAL_FPS
from render.display import display_problem, driver_problem, quiet_stderr, scripted_driver
from render.media.recording import SUFFIXES
from render.media.saves import record_fps, save_png
from render.media.stats import RunStats
from render.startup import prepare
from render.synapse.rewind import check_history_mb
from sim.common.display import DEFAULT_HISTORY_MB, MAX_SIZE, MIN_SIZE, size_fits
from sim.params.presets import Preset, load_preset
from sim.runs.outputs import check_output
from sim.runs.session import Session

WINDOW_TITLE = "Cleft - a serotonin synapse, molecule by molecule"


def _check_args(
    preset_name: Any,
    overrides: Any,
    seed: Any,
    size: Any,
    frames: Any,
    screenshot: Any,
    blockade: Any,
    fullscreen: Any,
    record: Any = None,
) -> None:
    if not isinstance(preset_name, str) or not preset_name:
        raise ValueError(f"preset = {preset_name!r} must be a preset name")
    if overrides is not None and not isinstance(overrides, dict):
        raise ValueError(f"overrides = {overrides!r} must be a dict of parameter values")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a whole number >= 0")
    if (
        not isinstance(size, (tuple, list))
        or len(size) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in size)
        or not size_fits(*size)
    ):
        raise ValueError(
            f"size = {size!r} must be (width, height) in [{MIN_SIZE[0]}, {MAX_SIZE[0]}] x "
            f"[{MIN_SIZE[1]}, {MAX_SIZE[1]}] px"
        )
    if frames is not None and (
        isinstance(frames, bool) or not isinstance(frames, int) or frames < 1
    ):
        raise ValueError(f"frames = {frames!r} must be a whole number >= 1")
    if screenshot is not None:
        if frames is None:
            raise ValueError("screenshot needs frames (draw N frames, then save the last)")
        path = Path(screenshot)
        if path.suffix.lower() != ".png":
            raise ValueError(f"screenshot = {screenshot!r} must be a .png path")
        if not path.parent.resolve().is_dir():
            raise ValueError(f"screenshot folder {str(path.parent)!r} does not exist")
    if blockade is not None and (
        isinstance(blockade, bool)
        or not isinstance(blockade, (int, float))
        or not (math.isfinite(blockade) and 0.0 <= blockade <= 1.0)
    ):
        raise ValueError(f"blockade = {blockade!r} is out of range [0.0, 1.0]")
    if not isinstance(fullscreen, bool):
        raise ValueError(f"fullscreen = {fullscreen!r} must be True or False")
    if record is not None:
        path = Path(record)
        if path.suffix.lower() not in SUFFIXES:
            raise ValueError(f"record = {str(record)!r} must be a .mp4 or .gif path")
        if not path.parent.resolve().is_dir():
            raise ValueError(f"record folder {str(path.parent)!r} does not exist")
        if path.exists():
            raise ValueError(f"record = {str(record)!r} exists; recordings never overwrite a file")


def _set_mode(size: tuple[int, int], fullscreen: bool) -> pygame.Surface:
    if fullscreen:
        try:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        except pygame.error:
            pass
    return pygame.display.set_mode(size, pygame.RESIZABLE)


def _check_session(
    frames: Any,
    out_dir: Any,
    quit_after: Any,
    stats: Any,
    flags: dict[str, Any],
) -> Path | None:
    """Check the start-up options of a lecture run; returns the output folder (or None)."""
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise ValueError(f"{name} = {value!r} must be True or False")
    if quit_after is not None and (
        isinstance(quit_after, bool)
        or not isinstance(quit_after, (int, float))
        or not (math.isfinite(quit_after) and 0.0 < quit_after <= 86400.0)
    ):
        raise ValueError(f"--quit-after {quit_after!r} must be seconds in (0, 86400]")
    if quit_after is not None and frames is not None:
        raise ValueError("--quit-after runs in real time; --frames draws a fixed count: pick one")
    if stats is not None:
        if Path(stats).suffix.lower() != ".json":
            raise ValueError(f"--stats {str(stats)!r} must be a .json path")
        check_output("--stats", stats)
    if out_dir is None:
        return None
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"--out-dir {str(out_dir)!r} is not a folder")
    if not folder.parent.resolve().is_dir():
        raise ValueError(f"--out-dir {str(out_dir)!r}: its parent folder does not exist")
    folder.mkdir(exist_ok=True)
    check_output("--out-dir", folder / "cleft-probe.png")
    return folder


def run_app(
    preset_name: str,
    overrides: dict | None,
    seed: int,
    size: tuple[int, int],
    frames: int | None = None,
    screenshot: str | None = None,
    blockade: float | None = None,
    fullscreen: bool = False,
    record: str | None = None,
    *,
    projector: bool = False,
    compare: bool = False,
    tour: bool = False,
    out_dir: str | Path | None = None,
    quit_after: float | None = None,
    stats: str | Path | None = None,
    session: Session | None = None,
    save_session: str | Path | None = None,
    history_mb: int = DEFAULT_HISTORY_MB,
) -> int:
    """Open the Cleft window; returns the exit code (0).

    Args:
        preset_name: preset name (``assets/presets``) or a .toml path. A tissue
            preset (``model = "tissue"``) opens on the tissue view, its
            parameters and ``blockade`` on the tissue; the synapse behind it
            (key M, or a click on a varicosity) is ``ZOOM_PRESET``.
        overrides: parameter values applied on top of the preset.
        seed: model seed.
        size: window size (width, height), px.
        frames: draw exactly this many frames, then exit, without showing a
            window (SDL's dummy driver). Each frame advances the model by the
            preset's playback speed at a nominal 60 fps (deterministic); with
            ``record``, at the file's frame rate (``VIDEO_FPS``, ``GIF_FPS``) so
            it plays at the set speed.
        screenshot: with ``frames``, save the last frame to this PNG path.
        blockade: initial SSRI blockade, fraction of SERT 0..1.
        fullscreen: start fullscreen (F11 toggles).
        record: record from the first frame to this .mp4 or .gif path (must
            not exist); the file is complete when the window closes (or after
            ``frames``). V stops it early.
        projector: start in projector mode (P).
        compare: start in compare mode (C).
        tour: start the guided tour (T).
        out_dir: folder for S and V (default :func:`render.media.saves.default_out_dir`);
            created if its parent exists. Each saved path is printed.
        quit_after: run in real time for this many wall seconds, then close.
        stats: write the run's diagnostics (:mod:`render.media.stats`) as JSON here.
        session: how the session starts (the options above, as a session file holds
            them); its commands, if any, are replayed (:mod:`render.media.session_log`).
        save_session: write the session here when the window closes (checked beforehand).
        history_mb: memory the recorded past (rewind) may hold, MiB; 0 keeps none.

    Raises:
        ValueError: any invalid argument, or no display to open a window on
            (one-line message); preset errors are ValueErrors too.
        RecordingError: the recording could not be written (an OSError; no
            partial file is left).
    """
    _check_args(
        preset_name, overrides, seed, size, frames, screenshot, blockade, fullscreen, record
    )
    check_history_mb(history_mb)
    flags = {"projector": projector, "compare": compare, "tour": tour}
    folder = _check_session(frames, out_dir, quit_after, stats, flags)
    scripted = frames is not None
    problem = None if scripted else display_problem()
    if problem is not None:
        raise ValueError(problem)
    preset, tissue = _presets(preset_name, overrides, compare, tour)
    with scripted_driver(scripted):
        return _session(preset, tissue, folder, Options(
            seed=seed, size=size, frames=frames, screenshot=screenshot, blockade=blockade,
            fullscreen=fullscreen, record=record, projector=projector, compare=compare,
            tour=tour, quit_after=quit_after, stats=stats, session=session,
            save_session=save_session, history_mb=history_mb,
        ))  # fmt: skip


class Options(TypedDict):
    """:func:`run_app`'s options, checked (see its arguments)."""

    seed: int
    size: tuple[int, int]
    frames: int | None
    screenshot: str | None
    blockade: float | None
    fullscreen: bool
    record: str | None
    projector: bool
    compare: bool
    tour: bool
    quit_after: float | None
    stats: str | Path | None
    session: Session | None
    save_session: str | Path | None
    history_mb: int


def _session(preset: Preset, tissue: Preset | None, folder: Path | None, o: Options) -> int:
    """The window from its display to its last frame; ``o``: :func:`run_app`'s checked options.

    Whatever happens, the workers end and pygame quits; a failed run leaves no
    partial recording.
    """
    scripted = o["frames"] is not None
    app: App | None = None
    run = RunStats()
    try:
        screen = _open_display(o["size"], o["fullscreen"], scripted)
        if not scripted and not prepare(screen, o["projector"]):  # first start: kernels compile
            return 0
        record = o["record"]
        app = App(
            preset,
            o["seed"],
            screen.get_size(),
            scripted=scripted,
            projector=o["projector"],
            screenshot_dir=folder,
            frame_fps=record_fps(record) if scripted and record else NOMINAL_FPS,
            compare=o["compare"],
            tour=o["tour"],
            session=replace(o["session"], commands=[]) if o["session"] else None,
            history_mb=o["history_mb"],
        )
        _start(app, tissue, o["blockade"], record)
        if o["session"] is not None:
            app.session.replay(list(o["session"].commands))
        _loop(app, screen, o["size"], o["frames"], o["quit_after"], run)
        if o["save_session"] is not None:
            app.session.save(o["save_session"])
        if o["screenshot"] is not None and run.frames:
            save_png(pygame.display.get_surface(), Path(o["screenshot"]))
        saves = app.saves
        if saves.video is not None:
            video, saves.video = saves.video, None
            video.finish()  # raises RecordingError (nothing left behind) on failure
        if o["stats"] is not None:
            run.write(o["stats"])
    except BaseException:
        if app is not None and app.saves.video is not None:
            app.saves.video.abort()
        raise
    finally:
        if app is not None:
            app.overlay.close()
            app.scenario.stop_day_runs()
            app.play.close()
        pygame.quit()
    return 0


def _presets(
    preset_name: str, overrides: dict | None, compare: bool, tour: bool
) -> tuple[Preset, Preset | None]:
    """(the synapse's preset, the tissue preset the window opens on or None).

    A tissue preset (``model = "tissue"``) opens on the tissue view; the
    synapse behind it is ``ZOOM_PRESET``.
    """
    preset = load_preset(preset_name, overrides or None)
    if preset.model != "tissue":
        return preset, None
    if compare or tour:
        flag = "--compare" if compare else "--tour"
        raise ValueError(f"{flag} starts at the synapse: use it without a tissue preset")
    from render.tissue.mode import ZOOM_PRESET

    return load_preset(ZOOM_PRESET), preset


def _open_display(size: tuple[int, int], fullscreen: bool, scripted: bool) -> pygame.Surface:
    """Open the display and its window (quietly: SDL's probing lines never reach the terminal).

    Raises:
        ValueError: interactively, a display that shows no window (:func:`driver_problem`).
    """
    with quiet_stderr():
        pygame.display.init()
        hidden = None if scripted else driver_problem(pygame.display.get_driver())
        if hidden is not None:
            raise ValueError(hidden)
        pygame.font.init()
        screen = _set_mode(tuple(size), fullscreen)
    pygame.display.set_caption(WINDOW_TITLE)
    pygame.key.set_repeat(350, 45)
    return screen


def _start(app: App, tissue: Preset | None, blockade: float | None, record: str | None) -> None:
    """The start-up options: the tissue view, the blockade, a recording from the first frame."""
    if tissue is not None:
        app.tissue.start(tissue)
    if blockade is not None:
        app.set_blockade(float(blockade))
    if record is not None:
        app.saves.record_dir = Path(record).parent
        app.saves.start_recording(record, gif=Path(record).suffix.lower() == ".gif", explicit=True)


def _loop(
    app: App,
    screen: pygame.Surface,
    size: tuple[int, int],
    frames: int | None,
    quit_after: float | None,
    run: RunStats,
) -> None:
    """The frame loop: events, one update, one draw, flip; ``run`` gets one record per frame."""
    is_fullscreen = bool(screen.get_flags() & pygame.FULLSCREEN)
    windowed_size = tuple(size)
    timer = pygame.time.Clock()
    start = last = time.perf_counter()
    while app.screen.open:
        app.pump()
        if not app.screen.open:
            break
        if app.screen.fullscreen_requested:
            app.screen.fullscreen_requested = False
            if not is_fullscreen:
                windowed_size = screen.get_size()
            is_fullscreen = not is_fullscreen
            screen = _set_mode(windowed_size, is_fullscreen)
            is_fullscreen = bool(screen.get_flags() & pygame.FULLSCREEN)
        screen = pygame.display.get_surface()
        dt_s = 0.0 if frames is not None else timer.tick(NOMINAL_FPS) / 1000.0
        t_before = app.model.time_us
        model_before = app.model
        app.update(dt_s)
        app.draw(screen)
        with app.play.stepping_during():  # the frame's steps run while the display copies it
            pygame.display.flip()
        advanced = app.model.time_us - (t_before if app.model is model_before else 0.0)
        now = time.perf_counter()
        play = app.play
        run.frame(now - last, not play.paused, play.playback_us_per_s, advanced, play.behind)
        last = now
        if frames is not None and run.frames >= frames:
            break
        if quit_after is not None and now - start >= quit_after:
            break
