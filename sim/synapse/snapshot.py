"""A synapse's state frozen into bytes, and put back in place exactly.

A :class:`Frozen` holds everything a step can change: the state of every
part the synapse owns (clock, molecules and their pools, vesicles, sites,
release, transport, terminal), the states of the random streams, and the
recorder's running figures (:meth:`sim.common.recorder.Recorder.checkpoint`;
its rows are the caller's, see :mod:`sim.synapse.history`). Thawing writes
that state back into the *same* part objects, so whoever holds the synapse
or one of its parts sees the moment thawed, and stepping on from it gives
byte-identical numbers to the run that first passed through it.

What a step never changes is shared, not copied: the parameters, the site
geometry, the kernel's geometry and lattice, and the kernel's scratch
buffers (:data:`SHARED`).

Size and speed: the arrays travel out of band (pickle protocol 5). A *key*
snapshot stores them zlib-compressed; the others store, per array, only the
8-byte words that differ from the key's (their indices and their XOR with
the key), so molecules that did not move cost nothing. A delta of the
``default`` preset (40,000 molecules, 3 MB in the clear) takes about 2 ms
and 0.1-0.3 MB; a key about 15 ms.
"""

from __future__ import annotations

import io
import pickle
import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.synapse.model import Synapse

PARTS: tuple[str, ...] = (
    "",
    "clock",
    "site_table",
    "vesicles",
    "molecules",
    "molecules.free",
    "molecules.cytosol",
    "molecules._dead_slots",
    "release",
    "transport",
    "terminal",
)
"""The objects whose attributes a step may change, by attribute path from the synapse
('' is the synapse itself). Their attributes are restored in place."""

STREAMS: tuple[str, ...] = ("release._spike_rng", "release._rng", "transport._carry_rng")
"""The numpy random generators (their bit-generator states are restored in place;
``release._rng`` is also the terminal's). The kernel's own stream is an array of
``transport`` and travels with it."""

SHARED: tuple[str, ...] = (
    "params",
    "sites",
    "recorder",
    "site_table.sites",
    "vesicles.params",
    "release.params",
    "transport.params",
    "terminal.params",
    "transport._cleft",
    "transport._lattice",
    "transport._log_step",
    "transport._log_code",
    "transport._kernel_counts",
    "transport._taken",
    "transport._events",
)
"""Never changed by a step (or scratch the kernel overwrites before reading): referenced, not copied."""

ZLIB_LEVEL = 1
"""Fastest zlib level (key snapshots only)."""

DENSE_FRACTION = 0.5
"""A delta array with more than this fraction of its words changed is stored whole (zlib).

At 0.5 the indices and XORs of a sparse delta (16 bytes a word) are at most the array's
own size, and far quicker to make than zlib; above it zlib is smaller."""


def _words(data: bytes | memoryview) -> np.ndarray:
    """The bytes as 8-byte words (as single bytes when their length is not a multiple of 8)."""
    raw = np.frombuffer(data, dtype=np.uint8)
    return raw.view(np.uint64) if raw.size % 8 == 0 else raw


def _encode(mine: memoryview, key: bytes | None) -> tuple[str, bytes]:
    """One array against its key's: ('same', b''), ('sparse', indices + XORs) or ('zlib', ...)."""
    if key is None or len(key) != mine.nbytes:
        return "zlib", zlib.compress(mine, ZLIB_LEVEL)
    a, b = _words(mine), _words(key)
    changed = np.flatnonzero(a != b)
    if changed.size == 0:
        return "same", b""
    if changed.size > DENSE_FRACTION * a.size:
        return "zlib", zlib.compress(mine, ZLIB_LEVEL)
    xor = np.bitwise_xor(a[changed], b[changed])
    return "sparse", changed.astype(np.int64).tobytes() + xor.tobytes()


def _decode(kind: str, payload: bytes, key: bytes | None) -> bytes:
    """The array in the clear, from :func:`_encode`'s output and the key's array."""
    if kind == "zlib":
        return zlib.decompress(payload)
    assert key is not None
    if kind == "same":
        return key
    out = bytearray(key)
    words = _words(out)
    n = len(payload) // (8 + words.itemsize)
    changed = np.frombuffer(payload, dtype=np.int64, count=n)
    xor = np.frombuffer(payload, dtype=words.dtype, offset=8 * n)
    words[changed] ^= xor
    return bytes(out)


def _get(model: Synapse, path: str) -> Any:
    obj: Any = model
    for name in path.split(".") if path else ():
        obj = getattr(obj, name)
    return obj


@dataclass
class Frozen:
    """One moment of a synapse, compressed.

    Attributes:
        step: the model's step index at that moment.
        stream: the pickle of the parts' attributes (arrays out of band).
        arrays: each out-of-band array, encoded (:func:`_encode`).
        kinds: how each is encoded: 'zlib' (whole), 'same' (as the key's), 'sparse'
            (the words that differ from the key's array of the same index).
        key: the key snapshot the deltas refer to (None: this is a key snapshot).
        recorder: the recorder's running figures at that moment.
    """

    step: int
    stream: bytes
    arrays: list[bytes]
    kinds: list[str]
    key: Frozen | None
    recorder: dict[str, Any]
    _raw: list[bytes] | None = field(default=None, repr=False)

    @property
    def nbytes(self) -> int:
        """Memory held by this snapshot, bytes (not counting its key)."""
        return len(self.stream) + sum(len(a) for a in self.arrays)

    @property
    def raw_nbytes(self) -> int:
        """Memory of the arrays kept in the clear, bytes (0 unless a key was asked for them)."""
        return sum(len(r) for r in self._raw) if self._raw is not None else 0

    def raw_arrays(self) -> list[bytes]:
        """The out-of-band arrays in the clear (a key snapshot keeps them once asked)."""
        if self._raw is not None:
            return self._raw
        key_raw = self.key.raw_arrays() if self.key is not None else []
        raw = [
            _decode(kind, packed, key_raw[i] if i < len(key_raw) else None)
            for i, (kind, packed) in enumerate(zip(self.kinds, self.arrays, strict=True))
        ]
        if self.key is None:
            self._raw = raw
        return raw

    def forget_raw(self) -> None:
        """Drop the arrays kept in the clear (memory; they are rebuilt when asked)."""
        self._raw = None


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, refs: dict[int, str], buffers: list) -> None:
        super().__init__(file, protocol=5, buffer_callback=buffers.append)
        self._refs = refs

    def persistent_id(self, obj: Any) -> str | None:
        return self._refs.get(id(obj))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, objects: dict[str, Any], buffers: list) -> None:
        super().__init__(file, buffers=buffers)
        self._objects = objects

    def persistent_load(self, pid: str) -> Any:
        return self._objects[pid]


def _references(model: Synapse) -> dict[str, Any]:
    """Every object the snapshot refers to rather than copies, by its path."""
    return {path: _get(model, path) for path in (*PARTS, *STREAMS, *SHARED)}


def freeze(model: Synapse, key: Frozen | None = None) -> Frozen:
    """The model's state now; with ``key``, arrays are stored as their differences from it.

    Call with the model at rest (no step running on another thread).
    """
    objects = _references(model)
    refs = {id(obj): path for path, obj in objects.items()}
    state = {
        "parts": {p: dict(vars(objects[p])) for p in PARTS},
        "streams": {s: objects[s].bit_generator.state for s in STREAMS},
    }
    buffers: list[pickle.PickleBuffer] = []
    out = io.BytesIO()
    _Pickler(out, refs, buffers).dump(state)
    key_raw = key.raw_arrays() if key is not None else []
    arrays, kinds = [], []
    for i, buf in enumerate(buffers):
        kind, packed = _encode(buf.raw(), key_raw[i] if i < len(key_raw) else None)
        kinds.append(kind)
        arrays.append(packed)
    frozen = Frozen(
        step=model.step_index,
        stream=out.getvalue(),
        arrays=arrays,
        kinds=kinds,
        key=key,
        recorder=model.recorder.checkpoint(),
    )
    if key is None:  # kept in the clear: the deltas to come are taken against it
        frozen._raw = [bytes(buf.raw()) for buf in buffers]
    return frozen


def thaw(model: Synapse, frozen: Frozen, rows: np.ndarray) -> None:
    """Put ``frozen`` back into ``model``'s own parts; ``rows`` are the recorder's rows then.

    ``rows`` holds (at least) the last rows the recorder held at that moment,
    oldest first (:meth:`sim.common.recorder.Recorder.rewind`).
    """
    objects = _references(model)
    buffers = [bytearray(b) for b in frozen.raw_arrays()]  # writable: the kernel writes them
    state = _Unpickler(io.BytesIO(frozen.stream), objects, buffers).load()
    for path, attrs in state["parts"].items():  # shared objects come back as references
        target = vars(objects[path])
        target.clear()
        target.update(attrs)
    for path, st in state["streams"].items():
        objects[path].bit_generator.state = st
    model.recorder.rewind(frozen.recorder, rows)
