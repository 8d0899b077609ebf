"""Video recording of the window: MP4 (imageio + imageio-ffmpeg) or GIF (Pillow), off the frame.

The window hands each frame over as RGB bytes; a worker thread encodes it, so
encoding never stalls the animation. Policy when the encoder falls behind:

* interactive (``block=False``): the frame is dropped and counted
  (``frames_dropped``, shown on screen); the queue holds ``QUEUE_FRAMES``;
* scripted (``block=True``, ``--record PATH --frames N``): the window waits
  for room, so the file has exactly N frames.

Files are written whole or not at all: the encoder writes to a hidden
``.NAME.partial.EXT`` in the same folder; a successful finish links it to the
final name (``os.link`` refuses to replace an existing file) and removes the
partial file; any failure deletes it. Names never overwrite an earlier file:
:func:`next_free_path` numbers them (``cleft-0001.mp4``, ``cleft-0002.mp4``, ...),
and a name taken while recording moves on to the next number.

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
from pathlib import Path

import numpy as np

QUEUE_FRAMES = 32
"""Frames waiting for the encoder at most (~2.6 MB each at 1280x720)."""

MP4_QUALITY = 7
"""imageio-ffmpeg quality 0-10 (libx264 CRF); 7 keeps text sharp at modest size."""

SUFFIXES = (".mp4", ".gif")
"""File types the recorder writes."""

_STOP = object()


class RecordingError(OSError):
    """A recording could not be started or finished (the partial file is removed)."""


def partial_path(path: Path) -> Path:
    """The hidden file a recording is written to before it gets its final name."""
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def next_free_path(folder: Path, suffix: str = ".mp4", stem: str = "cleft") -> Path:
    """``folder/stem-NNNN.suffix`` numbered one above the highest existing number (from 0001)."""
    pattern = re.compile(rf"^{re.escape(stem)}-(\d{{4,}}){re.escape(suffix)}$")
    taken = [int(m.group(1)) for p in folder.iterdir() if (m := pattern.match(p.name))]
    return folder / f"{stem}-{max(taken, default=0) + 1:04d}{suffix}"


def _publish(tmp: Path, path: Path, explicit: bool) -> Path:
    """Give ``tmp`` its final name without ever replacing a file; return the name used."""
    target = path
    while True:
        try:
            os.link(tmp, target)
        except FileExistsError:
            if explicit:
                raise RecordingError(
                    f"{target} appeared while recording; not overwritten"
                ) from None
            target = next_free_path(target.parent, target.suffix)
            continue
        except OSError:  # file system without hard links: check, then rename
            if target.exists():
                if explicit:
                    raise RecordingError(f"{target} exists; not overwritten") from None
                target = next_free_path(target.parent, target.suffix)
                continue
            os.replace(tmp, target)
            return target
        tmp.unlink()
        return target


class _Mp4Writer:
    def __init__(self, tmp: Path, fps: float) -> None:
        import imageio.v2 as iio

        self._w = iio.get_writer(
            str(tmp),
            format="FFMPEG",
            mode="I",
            fps=fps,
            codec="libx264",
            quality=MP4_QUALITY,
            macro_block_size=1,
            pixelformat="yuv420p",
            ffmpeg_log_level="error",
            output_params=["-preset", "veryfast"],
        )

    def write(self, frame: np.ndarray) -> None:
        self._w.append_data(frame)

    def close(self) -> None:
        self._w.close()


class _GifWriter:
    def __init__(self, tmp: Path, fps: float) -> None:
        self._fh = tmp.open("wb")
        self._ms = int(round(1000.0 / fps))
        self._first = True

    def write(self, frame: np.ndarray) -> None:
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
        if not self._first:
            self._fh.write(b";")
        self._fh.close()


class VideoRecorder:
    """One recording: frames in (RGB bytes), a finished file out.

    Args:
        path: final file (.mp4 or .gif). Its folder must exist.
        size: (width, height) of the frames, px; odd sizes lose their last
            column/row (H.264 needs even sizes). Frames of another size
            (window resized) are cropped or padded with black to it.
        fps: frames per second of the file.
        block: wait for room in the queue instead of dropping frames.
        explicit: ``path`` was asked for by name: refuse rather than renumber
            if it is taken when the recording finishes.

    Raises:
        RecordingError: bad suffix or missing folder.
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
        self.size = (int(size[0]) // 2 * 2, int(size[1]) // 2 * 2)
        self.fps = float(fps)
        self.block = block
        self.explicit = explicit
        self.tmp = partial_path(self.path)
        self.frames_queued = 0
        self.frames_written = 0
        self.frames_dropped = 0
        self.error: str | None = None
        self.final_path: Path | None = None
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUE_FRAMES)
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
        recorder has failed.
        """
        if self._closed or self.error:
            return False
        item = (rgb, (int(size[0]), int(size[1])))
        if self.block:
            while not self.error:
                try:
                    self._queue.put(item, timeout=0.5)
                    break
                except queue.Full:
                    continue
            else:
                return False
        else:
            try:
                self._queue.put_nowait(item)
            except queue.Full:
                self.frames_dropped += 1
                return False
        self.frames_queued += 1
        return True

    def finish(self) -> Path:
        """Write the remaining frames, close the file and give it its name; returns the path.

        Raises:
            RecordingError: encoding failed or no frame was recorded (nothing is left behind).
        """
        if self._closed:
            if self.final_path is None:
                raise RecordingError(self.error or "recording was aborted")
            return self.final_path
        self._closed = True
        self._put_stop()
        self._thread.join()
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
        """Stop without keeping anything (the partial file is deleted)."""
        if self._closed:
            return
        self._closed = True
        self._abort = True
        while True:  # make room for the stop marker
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._put_stop()
        self._thread.join()
        _remove(self.tmp)

    def _put_stop(self) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(_STOP, timeout=0.2)
                return
            except queue.Full:
                continue

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
            self.tmp.unlink(missing_ok=True)
            writer = (_Mp4Writer if self.kind == "mp4" else _GifWriter)(self.tmp, self.fps)
            while True:
                item = self._queue.get()
                if item is _STOP or self._abort:
                    break
                writer.write(self._frame(*item))
                self.frames_written += 1
        except Exception as exc:  # any encoder failure ends the recording
            self.error = f"{type(exc).__name__}: {exc}".splitlines()[0]
            while True:  # unblock a waiting producer
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    break
        finally:
            if writer is not None:
                try:
                    writer.close()
                except Exception as exc:
                    if self.error is None:
                        self.error = f"{type(exc).__name__}: {exc}".splitlines()[0]


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
