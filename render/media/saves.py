"""What the window saves: S a PNG of the next frame, V an MP4 and Shift+V a GIF of the frames.

:class:`Saves` is the window's room for them: it keeps the running
:class:`render.media.recording.VideoRecorder`, hands it each drawn frame
(:meth:`Saves.capture`: interactively as many copies as keep video time in
step with screen time, in scripted runs exactly one), and says on screen
what was saved. Files follow the output rule of :mod:`sim.runs.outputs`.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import pygame

from render.common.constants import (
    GIF_COLORS,
    GIF_FPS,
    GIF_WIDTH_PX,
    RECORD_MAX_CATCHUP_FRAMES,
    VIDEO_FPS,
)
from render.media.recording import RecordingError, VideoRecorder, next_free_path
from sim.runs.outputs import atomic_output
from sim.runs.places import save_folder


def default_out_dir() -> tuple[Path, str]:
    """Where S (PNG) and V (MP4, GIF) save when no ``--out-dir`` is given: ``~/Cleft``.

    Without a usable home folder, a private temporary folder
    (:func:`sim.runs.places.save_folder`, never ``/``); the second item then
    says why, for the message of each save.
    """
    try:
        return save_folder()
    except OSError as exc:
        return Path(tempfile.gettempdir()) / "Cleft", f"no usable folder to save in ({exc})"


def record_fps(path: str | Path) -> int:
    """Frames per second of a recording to ``path``: ``GIF_FPS`` for .gif, else ``VIDEO_FPS``."""
    return GIF_FPS if Path(path).suffix.lower() == ".gif" else VIDEO_FPS


def gif_size(size: tuple[int, int]) -> tuple[int, int]:
    """A GIF's frame size for a window ``size``: ``GIF_WIDTH_PX`` wide at most, even, same shape."""
    w, h = size
    k = min(1.0, GIF_WIDTH_PX / max(w, 1))
    return max(2, int(w * k) // 2 * 2), max(2, int(h * k) // 2 * 2)


def gif_frame(surface: pygame.Surface, size: tuple[int, int]) -> pygame.Surface:
    """``surface`` scaled to ``size`` and reduced to ``GIF_COLORS`` colours, for a GIF frame.

    Fewer, stable colours make the GIF's compression work (the encoder then
    keeps exactly these colours); smooth scaling keeps text readable.
    """
    from PIL import Image

    small = pygame.transform.smoothscale(surface, size) if surface.get_size() != size else surface
    img = Image.frombytes("RGB", size, pygame.image.tobytes(small, "RGB"))
    img = img.quantize(GIF_COLORS, method=Image.Quantize.FASTOCTREE).convert("RGB")
    return pygame.image.frombytes(img.tobytes(), size, "RGB")


def out_folder(folder: Path) -> Path:
    """``folder``, created if missing (S and V save there)."""
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_png(surface: pygame.Surface, path: Path, replace: bool = True) -> None:
    """Write ``surface`` as a PNG by the output rule (whole or not at all, mode from the umask)."""
    buffer = io.BytesIO()  # encoded in memory: a failing disk is one OSError, not libpng's
    pygame.image.save(surface, buffer, "frame.png")
    with atomic_output(Path(path), "wb", replace=replace) as fh:
        fh.write(buffer.getbuffer())


class Saves:
    """The screenshot asked for and the recording running.

    Args:
        folder: where S saves PNGs and V saves videos (created on the first save).
        scripted: a scripted run: recordings never drop frames, one frame each, no prints.
        screen_time: the window's screen time, s (video time follows it).
        window_size: the window's size now, px (the size a recording starts with).
        say: shows a short message on screen.
        note: why ``folder`` is not the usual one (:func:`default_out_dir`), said with each save.
    """

    def __init__(
        self,
        folder: Path,
        *,
        scripted: bool,
        screen_time: Callable[[], float],
        window_size: Callable[[], tuple[int, int]],
        say: Callable[[str], None],
        note: str = "",
    ) -> None:
        self.screenshot_dir = folder
        self.out_note = note
        self.record_dir = folder
        self.scripted = scripted
        self.screen_time = screen_time
        self.window_size = window_size
        self.say = say
        self.last_screenshot: Path | None = None
        self.last_recording: Path | None = None
        self.video: VideoRecorder | None = None
        self._screenshot_pending = False
        self._next_capture_s = 0.0

    # ------------------------------------------------------------ actions
    def do_screenshot(self) -> None:
        """Save the next drawn frame as PNG in ``screenshot_dir``."""
        self._screenshot_pending = True

    def do_record(self) -> None:
        """Start recording an MP4, or stop and save."""
        self._toggle_recording(gif=False)

    def do_record_gif(self) -> None:
        """Start recording a GIF, or stop and save."""
        self._toggle_recording(gif=True)

    # ---------------------------------------------------------- recording
    def start_recording(
        self, path: str | Path | None = None, *, gif: bool = False, explicit: bool = False
    ) -> Path:
        """Start recording frames to ``path`` (default: the next free ``cleft-NNNN``)."""
        if self.video is not None:
            raise RecordingError("already recording")
        if path is None:
            path = next_free_path(out_folder(self.record_dir), ".gif" if gif else ".mp4")
        size = self.window_size()
        fps, size = (GIF_FPS, gif_size(size)) if gif else (VIDEO_FPS, size)
        self.video = VideoRecorder(Path(path), size, fps, block=self.scripted, explicit=explicit)
        self._next_capture_s = self.screen_time()
        return self.video.path

    def stop_recording(self) -> Path | None:
        """Finish the recording and give it its name; None (and a message) if it failed."""
        v, self.video = self.video, None
        if v is None:
            return None
        try:
            out = v.finish()
        except RecordingError as exc:
            self.say(str(exc))
            if self.scripted:  # a scripted run fails with it (one line, non-zero exit)
                raise
            return None
        self.last_recording = out
        dropped = f", {v.frames_dropped} dropped" if v.frames_dropped else ""
        note = f"; {self.out_note}" if self.out_note and not self.scripted else ""
        self.say(f"saved {out} ({v.frames_written} frames{dropped}{note})")
        if not self.scripted:
            print(f"saved {out}", flush=True)
        return out

    def _toggle_recording(self, gif: bool) -> None:
        if self.video is not None:
            self.stop_recording()
            return
        try:
            path = self.start_recording(gif=gif)
        except OSError as exc:
            self.say(f"cannot record: {exc}")
            return
        self.say(f"recording {path.name}: press V again to stop and save")

    # ---------------------------------------------------------- per frame
    def frame_drawn(self, surface: pygame.Surface) -> None:
        """A frame was drawn: save it if S asked, and hand it to a running recording."""
        if self._screenshot_pending:
            self._screenshot_pending = False
            self._save_screenshot(surface)
        self.capture(surface)

    def _save_screenshot(self, surface: pygame.Surface) -> None:
        try:
            path = next_free_path(out_folder(self.screenshot_dir), ".png")
            save_png(surface, path, replace=False)
        except (pygame.error, OSError, ValueError) as exc:
            self.say(f"screenshot failed: {exc}")
            return
        self.last_screenshot = path
        self.say(f"saved {path}" + (f" ({self.out_note})" if self.out_note else ""))
        print(f"saved {path}", flush=True)

    def capture(self, surface: pygame.Surface) -> None:
        """Hand ``surface`` to the recording (as often as video time owes it)."""
        v = self.video
        if v is None:
            return
        if v.error is not None:
            self.stop_recording()
            return
        n = 1
        if not self.scripted:  # keep video time in step with screen time
            n = 0
            step = 1.0 / v.fps
            now = self.screen_time()
            while now + 1e-9 >= self._next_capture_s and n < RECORD_MAX_CATCHUP_FRAMES:
                n += 1
                self._next_capture_s += step
            if now >= self._next_capture_s:
                self._next_capture_s = now + step
        if n:
            frame = gif_frame(surface, v.size) if v.kind == "gif" else surface
            data = pygame.image.tobytes(frame, "RGB")
            for _ in range(n):
                v.add_frame(data, frame.get_size())
