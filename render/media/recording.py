"""Video recording of the window: MP4 (imageio + imageio-ffmpeg) or GIF (Pillow), off the frame.

The window hands each frame over as RGB bytes; a worker thread encodes it, so
encoding never stalls the animation. Policy when the encoder falls behind:

* interactive (``block=False``): the frame is dropped and counted
  (``frames_dropped``, shown on screen); the queue holds ``QUEUE_FRAMES``;
* scripted (``block=True``, ``--record PATH --frames N``): the window waits
  for room, so the file has exactly N frames.

Files follow the output rule of :mod:`sim.runs.outputs`: the encoder writes to a
uniquely named hidden partial file in the same folder (created at once, so
an unwritable folder fails at the start, and two recordings to one name
never share it); a successful finish links it to the final name (``os.link``
refuses to replace an existing file: a recording never replaces a file it did
not write) and removes the partial name; any failure deletes it. Names never
overwrite an earlier file: :func:`next_free_path` numbers them
(``cleft-0001.mp4``, ``cleft-0002.mp4``, ...), and a name taken while
recording moves on to the next number.

Stopping always ends within seconds: :meth:`VideoRecorder.finish` waits at
most ``FINISH_TIMEOUT_S`` for the encoder, then kills it and fails; a
scripted producer waiting for room gives up after ``STALL_TIMEOUT_S`` without
progress. The encoders are in :mod:`render.media.encoders`: MP4 by the
ffmpeg binary of imageio-ffmpeg run directly (its own session, no descriptor
of the window, stderr captured): its error lines never reach the terminal; a
failure is reported as one line.

GIF frames are streamed to disk one by one with Pillow's GIF helpers
(``getheader`` / ``getdata``: each frame its own 256-colour palette), so a
long GIF does not pile up in memory. GIF delays are whole centiseconds (30 fps
plays at 33 fps).
"""

from __future__ import annotations

import os
import queue
import re
import threading
import time
from pathlib import Path

import numpy as np

from render.media.encoders import KILL_WAIT_S, GifWriter, Mp4Writer, RecordingError, first_line
from sim.runs.outputs import partial_path, publish_new, remove_stale_partials

QUEUE_FRAMES = 32
"""Frames waiting for the encoder at most (~2.6 MB each at 1280x720)."""

SUFFIXES = (".mp4", ".gif")
"""File types the recorder writes."""

FINISH_TIMEOUT_S = 15.0
"""Longest wait for the encoder to write the queued frames and close the file, s."""

STALL_TIMEOUT_S = 20.0
"""A waiting (scripted) producer gives up after this long without an encoded frame, s."""

_STOP = object()


def next_free_path(folder: Path, suffix: str = ".mp4", stem: str = "cleft") -> Path:
    """``folder/stem-NNNN.suffix`` numbered one above the highest existing number (from 0001)."""
    pattern = re.compile(rf"^{re.escape(stem)}-(\d{{4,}}){re.escape(suffix)}$")
    taken = [int(m.group(1)) for p in folder.iterdir() if (m := pattern.match(p.name))]
    return folder / f"{stem}-{max(taken, default=0) + 1:04d}{suffix}"


def _publish(tmp: Path, path: Path, explicit: bool) -> Path:
    """Give ``tmp`` its final name without ever replacing a file; return the name used."""
    target = path
    while not publish_new(tmp, target):
        if explicit:
            raise RecordingError(f"{target} appeared while recording; not overwritten")
        target = next_free_path(target.parent, target.suffix)
    return target


class VideoRecorder:
    """One recording: frames in (RGB bytes), a finished file out.

    Args:
        path: final file (.mp4 or .gif). Its folder must exist and be writable.
        size: (width, height) of the frames, px; odd sizes lose their last
            column/row (H.264 needs even sizes). Frames of another size
            (window resized) are cropped or padded with black to it.
        fps: frames per second of the file.
        block: wait for room in the queue instead of dropping frames.
        explicit: ``path`` was asked for by name: refuse rather than renumber
            if it is taken when the recording finishes.

    Raises:
        RecordingError: bad suffix, missing or unwritable folder.
    """

    def __init__(
        self,
        path: Path,
        size: tuple[int, int],
        fps: float,
        *,
        block: bool = False,
        explicit: bool = False,
    ) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        if suffix not in SUFFIXES:
            raise RecordingError(f"recording {str(path)!r} must end in .mp4 or .gif")
        if not self.path.parent.resolve().is_dir():
            raise RecordingError(f"recording folder {str(self.path.parent)!r} does not exist")
        self.kind = suffix[1:]
        self.size = (max(2, int(size[0]) // 2 * 2), max(2, int(size[1]) // 2 * 2))
        self.fps = float(fps)
        self.block = block
        self.explicit = explicit
        remove_stale_partials(self.path.parent)
        self.tmp = partial_path(self.path)
        try:  # reserve the unique partial name now: an unwritable folder fails here
            os.close(os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except OSError as exc:
            raise RecordingError(
                f"cannot record in {str(self.path.parent)!r}: {exc.strerror or exc}"
            ) from None
        self.frames_queued = 0
        self.frames_written = 0
        self.frames_dropped = 0
        self.error: str | None = None
        self.final_path: Path | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
        self._writer = None
        self._writer_ready = threading.Event()
        self._thread = threading.Thread(target=self._work, name="cleft-recorder", daemon=True)
        self._closed = False
        self._abort = False
        self._thread.start()

    # ------------------------------------------------------------ main thread
    @property
    def seconds(self) -> float:
        """Length of the recording so far, s of video."""
        return self.frames_queued / self.fps

    @property
    def active(self) -> bool:
        """True until :meth:`finish` or :meth:`abort`."""
        return not self._closed

    def add_frame(self, rgb: bytes, size: tuple[int, int]) -> bool:
        """Queue one frame (``size`` = (w, h), ``rgb`` = w*h*3 bytes, rows top to bottom).

        Returns False if the frame was dropped (queue full, interactive) or the
        recorder has failed (a blocked producer fails after ``STALL_TIMEOUT_S``
        without progress).
        """
        if self._closed or self.error:
            return False
        item = (rgb, (int(size[0]), int(size[1])))
        if self.block:
            last, since = self.frames_written, time.monotonic()
            while True:
                if self.error or not self._thread.is_alive():
                    return False
                try:
                    self._queue.put(item, timeout=0.5)
                    break
                except queue.Full:
                    if self.frames_written != last:
                        last, since = self.frames_written, time.monotonic()
                    elif time.monotonic() - since > STALL_TIMEOUT_S:
                        self.error = f"the encoder made no progress for {STALL_TIMEOUT_S:g} s"
                        self._kill_encoder()
                        return False
        else:
            try:
                self._queue.put_nowait(item)
            except queue.Full:
                self.frames_dropped += 1
                return False
        self.frames_queued += 1
        return True

    def finish(self, timeout_s: float = FINISH_TIMEOUT_S) -> Path:
        """Write the remaining frames, close the file and give it its name; returns the path.

        Waits at most ``timeout_s`` for the encoder; then kills it and fails.

        Raises:
            RecordingError: encoding failed, timed out, or no frame was recorded
                (nothing is left behind).
        """
        if self._closed:
            if self.final_path is None:
                raise RecordingError(self.error or "recording was aborted")
            return self.final_path
        self._closed = True
        self._put_stop(time.monotonic() + timeout_s)
        self._thread.join(max(0.0, timeout_s))
        if self._thread.is_alive():
            self.error = self.error or f"the encoder did not finish within {timeout_s:g} s"
            self._abort = True
            self._kill_encoder()
            self._thread.join(KILL_WAIT_S)
        if self.error is None and self.frames_written == 0:
            self.error = "no frames were recorded"
        if self.error is not None:
            _remove(self.tmp)
            raise RecordingError(f"recording {self.path.name} failed: {self.error}")
        try:
            self.final_path = _publish(self.tmp, self.path, self.explicit)
        except OSError as exc:
            _remove(self.tmp)
            self.error = str(exc)
            raise RecordingError(f"recording {self.path.name} failed: {exc}") from None
        return self.final_path

    def abort(self) -> None:
        """Stop without keeping anything (the partial file is deleted); returns within seconds."""
        if self._closed:
            return
        self._closed = True
        self._abort = True
        self._drain()
        self._put_stop(time.monotonic() + 1.0)
        self._thread.join(1.0)
        if self._thread.is_alive():
            self._kill_encoder()
            self._thread.join(KILL_WAIT_S)
        _remove(self.tmp)

    def _put_stop(self, deadline: float) -> None:
        while self._thread.is_alive() and time.monotonic() < deadline:
            try:
                self._queue.put(_STOP, timeout=0.2)
                return
            except queue.Full:
                continue

    def _drain(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break

    def _kill_encoder(self) -> None:
        w = self._writer
        if w is not None:
            w.kill()
        self._drain()

    # ---------------------------------------------------------- worker thread
    def _frame(self, rgb: bytes, size: tuple[int, int]) -> np.ndarray:
        w, h = size
        arr = np.frombuffer(rgb, dtype=np.uint8).reshape(h, w, 3)
        tw, th = self.size
        if (w, h) == (tw, th):
            return arr
        out = np.zeros((th, tw, 3), dtype=np.uint8)
        out[: min(h, th), : min(w, tw)] = arr[:th, :tw]
        return out

    def _work(self) -> None:
        writer = None
        try:
            if self.kind == "mp4":
                writer = Mp4Writer(self.tmp, self.fps, self.size)
            else:
                writer = GifWriter(self.tmp, self.fps)
            self._writer = writer
            while True:
                item = self._queue.get()
                if item is _STOP or self._abort:
                    break
                writer.write(self._frame(*item))
                self.frames_written += 1
        except Exception as exc:  # any encoder failure ends the recording
            self.error = self.error or _message(exc)
            self._drain()  # unblock a waiting producer
        finally:
            if writer is not None:
                try:
                    writer.close()
                except Exception as exc:
                    if self.error is None:
                        self.error = _message(exc)


def _message(exc: BaseException) -> str:
    if isinstance(exc, RecordingError):
        return first_line(str(exc)) or "encoder failed"
    return f"{type(exc).__name__}: {first_line(str(exc))}"


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
