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

Size: the arrays travel out of band (pickle protocol 5) and are compressed
with zlib, each XORed with the same array of a *key* snapshot when it has
the same size, so molecules that did not move cost almost nothing: about
0.1-0.3 MB per snapshot of the ``default`` preset (40,000 molecules, 2.4 MB
in the clear).
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
"""Fastest zlib level: the XORed arrays are mostly zeros, which any level compresses well."""


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
        arrays: each out-of-band array, zlib-compressed (XORed with ``key``'s when ``delta``).
        sizes: each array's size in bytes, uncompressed.
        delta: which arrays are XORed with the key snapshot's array of the same index.
        key: the key snapshot the deltas refer to (None: this is a key snapshot).
        recorder: the recorder's running figures at that moment.
    """

    step: int
    stream: bytes
    arrays: list[bytes]
    sizes: list[int]
    delta: list[bool]
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
        raw = []
        for i, packed in enumerate(self.arrays):
            data = zlib.decompress(packed)
            if self.delta[i]:
                mine = np.frombuffer(data, dtype=np.uint8)
                data = np.bitwise_xor(mine, np.frombuffer(key_raw[i], dtype=np.uint8)).tobytes()
            raw.append(data)
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
    """The model's state now; arrays of ``key``'s sizes are stored as XOR deltas against it.

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
    arrays, sizes, delta = [], [], []
    raw_kept = []
    for i, buf in enumerate(buffers):
        mine = np.frombuffer(buf.raw(), dtype=np.uint8)
        use_delta = i < len(key_raw) and len(key_raw[i]) == mine.size
        if use_delta:
            data = np.bitwise_xor(mine, np.frombuffer(key_raw[i], dtype=np.uint8))
        else:
            data = mine
        if key is None:
            raw_kept.append(mine.tobytes())
        arrays.append(zlib.compress(data, ZLIB_LEVEL))
        sizes.append(mine.size)
        delta.append(use_delta)
    frozen = Frozen(
        step=model.step_index,
        stream=out.getvalue(),
        arrays=arrays,
        sizes=sizes,
        delta=delta,
        key=key,
        recorder=model.recorder.checkpoint(),
    )
    if key is None:
        frozen._raw = raw_kept
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
