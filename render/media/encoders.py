"""The encoders behind a recording: H.264 in MP4 through ffmpeg, and GIF through Pillow.

Each writer takes whole RGB frames (``write``), closes the file (``close``)
and can be killed from another thread (``kill``). MP4 is encoded by the
ffmpeg binary of imageio-ffmpeg run directly (its own session, no descriptor
of the window, stderr captured): its error lines never reach the terminal; a
failure is raised as one line. GIF frames are streamed to disk one by one
with Pillow's GIF helpers (``getheader`` / ``getdata``: each frame its own
256-colour palette), so a long GIF does not pile up in memory.
"""

from __future__ import annotations

import subprocess
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np

MP4_CRF = 15
"""libx264 constant rate factor (0 best .. 51 worst); imageio-ffmpeg's quality 7. Keeps text sharp."""

KILL_WAIT_S = 3.0
"""Wait for an encoder thread after its ffmpeg was killed, s."""


class RecordingError(OSError):
    """A recording could not be started or finished (the partial file is removed)."""


def first_line(text: str) -> str:
    """The first non-blank line of ``text``, stripped, at most 200 characters ('' if none)."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return ""


class Mp4Writer:
    """H.264 in MP4 by the ffmpeg binary of imageio-ffmpeg, fed raw RGB frames on stdin."""

    def __init__(self, tmp: Path, fps: float, size: tuple[int, int]) -> None:
        import imageio_ffmpeg

        w, h = size
        rate = str(Fraction(fps).limit_denominator(1001))
        cmd = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "rawvideo",
            "-vcodec",
            "rawvideo",
            "-s",
            f"{w}x{h}",
            "-pix_fmt",
            "rgb24",
            "-r",
            rate,
            "-i",
            "-",
            "-an",
            "-vcodec",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-crf",
            str(MP4_CRF),
            "-preset",
            "veryfast",
            "-f",
            "mp4",
            str(tmp),
        ]
        self._log = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            close_fds=True,
            start_new_session=True,  # Ctrl+C in the terminal is the window's to handle
        )

    def _error(self) -> str:
        try:
            self._log.seek(0)
            line = first_line(self._log.read().decode("utf-8", "replace"))
        except OSError:
            line = ""
        return f"ffmpeg: {line}" if line else f"ffmpeg exited with code {self._proc.returncode}"

    def write(self, frame: np.ndarray) -> None:
        """Send one (h, w, 3) RGB frame to ffmpeg; a broken pipe raises ffmpeg's own error."""
        try:
            self._proc.stdin.write(np.ascontiguousarray(frame).tobytes())
        except (BrokenPipeError, OSError, ValueError):
            self._proc.wait(KILL_WAIT_S)
            raise RecordingError(self._error()) from None

    def close(self) -> None:
        """Close ffmpeg's input and wait for it; a non-zero exit raises its first error line."""
        try:
            try:
                self._proc.stdin.close()
            except (BrokenPipeError, OSError):
                pass
            code = self._proc.wait()
            if code != 0:
                raise RecordingError(self._error())
        finally:
            self._log.close()

    def kill(self) -> None:
        """End ffmpeg at once (from any thread)."""
        try:
            self._proc.kill()
        except OSError:
            pass


class GifWriter:
    """Animated GIF, streamed frame by frame with Pillow's GIF helpers (any frame size)."""

    def __init__(self, tmp: Path, fps: float) -> None:
        self._fh = tmp.open("wb")
        self._ms = int(round(1000.0 / fps))
        self._first = True

    def write(self, frame: np.ndarray) -> None:
        """Append one (h, w, 3) RGB frame with its own 256-colour palette."""
        from PIL import GifImagePlugin, Image

        im = Image.fromarray(frame).quantize(256, method=Image.Quantize.FASTOCTREE)
        if self._first:
            header, _ = GifImagePlugin.getheader(im, None, {"loop": 0})
            for chunk in header:
                self._fh.write(chunk)
            self._first = False
        for chunk in GifImagePlugin.getdata(
            im, (0, 0), duration=self._ms, include_color_table=True
        ):
            self._fh.write(chunk)

    def close(self) -> None:
        """Write the GIF trailer (if a frame was written) and close the file."""
        if not self._first:
            self._fh.write(b";")
        self._fh.close()

    def kill(self) -> None:
        """Nothing to end: the GIF is written on the recorder's own thread."""
        pass
