"""The recorder base: declared columns, the same CSV kept in full or streamed, flat memory with a tail."""

from __future__ import annotations

import io

import numpy as np
import pytest

from sim.common.recorder import Column, Recorder


class Counter:
    """A stand-in model: time and a value that rises and falls."""

    def __init__(self) -> None:
        self.t = 0.0

    def value(self) -> float:
        return np.sin(self.t) * 1e3 + 1.0 / 3.0


COLUMNS = (
    Column("time_ms", "ms", "time", lambda m: m.t),
    Column("value", "molecules", "a value", lambda m: m.value()),
)


def _run(recorder: Recorder, model: Counter, n: int) -> None:
    for _ in range(n):
        model.t += 0.25
        recorder.sample()


@pytest.mark.parametrize("tail", [None, 7])
def test_a_streamed_csv_is_the_full_record(tail):
    full_model, streamed_model = Counter(), Counter()
    full, streamed = Recorder(full_model, COLUMNS), Recorder(streamed_model, COLUMNS)
    full.sample()
    streamed.sample()
    _run(full, full_model, 3)
    _run(streamed, streamed_model, 3)
    sink = io.StringIO()
    streamed.stream_to(sink, tail_rows=tail)
    _run(full, full_model, 40)
    _run(streamed, streamed_model, 40)
    assert sink.getvalue() == full.csv_text()
    assert streamed.n == full.n == 44
    assert streamed.mean("value") == pytest.approx(full.column("value").mean(), rel=1e-12)
    assert streamed.maximum("value") == full.column("value").max()
    held = len(streamed.column("value"))
    if tail is None:
        assert held == 44
    else:
        assert tail <= held <= 2 * tail  # only the last rows stay in memory
        assert np.array_equal(streamed.column("value"), full.column("value")[-held:])
    assert streamed.last() == full.last()


def test_columns_are_read_in_declared_order():
    model = Counter()
    rec = Recorder(model, COLUMNS)
    _run(rec, model, 2)
    assert rec.names == ("time_ms", "value")
    assert rec.table().shape == (2, 2)
    assert np.array_equal(rec.column("time_ms"), [0.25, 0.5])
    with pytest.raises(RuntimeError):
        rec.stream_to(None)
        rec.stream_to(None)
