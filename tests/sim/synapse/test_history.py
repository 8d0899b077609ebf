"""sim/synapse/history.py and snapshot.py: any moment of the span rebuilt byte for byte."""

from __future__ import annotations

import numpy as np
import pytest

from sim import Synapse
from sim.params.presets import load_preset
from sim.synapse import history as H
from sim.synapse.history import History
from sim.synapse.snapshot import PARTS, SHARED, STREAMS

SEED = 7


def _params():
    """The default preset, fired early so a release falls inside a short run."""
    return load_preset("default", {"first_spike_ms": 0.05}).params


def _model(params=None) -> Synapse:
    m = Synapse(params or _params(), seed=SEED)
    m.recorder.stream_to(None, 300)  # as the window's: a bounded tail of rows
    return m


def _state(m: Synapse) -> dict:
    """Everything a step changes that a reader sees, as comparable values."""
    return {
        "step": m.step_index,
        "pos": m.pos[: m.n_molecules].copy(),
        "state": m.state[: m.n_molecules].copy(),
        "site": m.site[: m.n_molecules].copy(),
        "counts": m.state_counts.copy(),
        "counters": dict(m.counters),
        "free_ids": m.free.ids[: m.free.n].copy(),
        "free_xyz": m.free.xyz[:, : m.free.n].copy(),
        "occupant": m.site_table.occupant.copy(),
        "rows": m.recorder.table().copy(),
        "rec_n": m.recorder.n,
        "spikes": list(m.spike_log),
        "signal": m.autoreceptor_signal,
        "kernel_rng": m.transport._kernel_rng.copy(),
        "place_rng": m.release._rng.bit_generator.state,
    }


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        if isinstance(a[k], np.ndarray):
            assert a[k].shape == b[k].shape and a[k].tobytes() == b[k].tobytes(), k
        else:
            assert a[k] == b[k], k


def _straight(steps: int, params=None) -> dict:
    m = _model(params)
    m.run_steps(steps)
    return _state(m)


@pytest.mark.parametrize("pattern", [(1, 3, 7), (250,), (1000, 17, 4000, 1), (6000,)])
def test_seek_rebuilds_the_moment_byte_for_byte(pattern):
    """Seeking to a step gives what a straight run to that step gives, at any grouping."""
    m = _model()
    h = History(m)
    sizes = list(pattern) * (12_000 // sum(pattern) + 1)
    for n in sizes:
        m.run_steps(n)
        h.note()
        if m.step_index >= 12_000:
            break
    assert len(h._snaps) > 2, "the run is long enough for several snapshots"
    assert any(mk.kind == "fusion" for mk in h.marks)
    head = _state(m)
    targets = [h.last_step - 1, h.first_step, 5_001, h._snaps[1].step - 1, h._snaps[1].step]
    for target in targets:
        h.seek(target)
        _same(_state(m), _straight(target))
    h.seek(h.last_step)
    _same(_state(m), head)


def test_back_then_forward_past_the_head_continues_the_same_run():
    m = _model()
    h = History(m)
    for _ in range(40):
        m.run_steps(150)
        h.note()
    h.seek(2_345)
    m.run_steps(8_000 - 2_345)  # playing on from the past, beyond the recorded span
    h.note()
    assert h.last_step == 8_000
    _same(_state(m), _straight(8_000))
    h.seek(3_000)  # the part played again is history as before
    _same(_state(m), _straight(3_000))


def test_a_command_in_the_past_drops_the_old_future():
    """Blockade changed at step k after going back: the new future is simulated from k."""
    m = _model()
    h = History(m)
    for _ in range(30):
        m.run_steps(200)
        h.note()
    h.seek(2_500)
    m.set_blockade(0.8)
    h.forget_future()
    assert h.last_step == 2_500 and all(mk.step < 2_500 for mk in h.marks)
    for _ in range(10):
        m.run_steps(300)
        h.note()
    ref = _model()
    ref.run_steps(2_500)
    ref.set_blockade(0.8)
    ref.run_steps(3_000)
    _same(_state(m), _state(ref))
    h.seek(2_500)  # the command is part of the past now: seeking to its step shows it
    assert m.blockade == 0.8
    h.seek(4_000)
    ref2 = _model()
    ref2.run_steps(2_500)
    ref2.set_blockade(0.8)
    ref2.run_steps(1_500)
    _same(_state(m), _state(ref2))


def test_stepping_onto_a_command_s_step_from_the_past_still_gets_the_command():
    """Back before a blockade change, then step exactly onto its step: a seek on carries it."""
    m = _model()
    h = History(m)
    for _ in range(4):
        m.run_steps(500)
        h.note()
    h.seek(1_500)
    m.set_blockade(0.8)
    h.forget_future()
    m.run_steps(500)
    h.note()
    h.seek(1_000)
    m.run_steps(500)  # onto the command's step by stepping: this path has no command
    assert m.blockade == 0.0
    h.seek(1_800)
    ref = _model()
    ref.run_steps(1_500)
    ref.set_blockade(0.8)
    ref.run_steps(300)
    _same(_state(m), _state(ref))


def test_memory_stays_within_the_budget_oldest_dropped_first(monkeypatch):
    monkeypatch.setattr(H, "MAX_STEPS_PER_SNAPSHOT", 500)
    monkeypatch.setattr(H, "DELTAS_PER_KEY", 3)
    m = _model()
    h = History(m, max_bytes=6 * 2**20)
    firsts = []
    for _ in range(60):
        m.run_steps(500)
        h.note()
        firsts.append(h.first_step)
        assert h.nbytes <= h.max_bytes + 4 * 2**20  # the newest group (a key and 3 deltas) stays
    assert h.first_step > 0, "the oldest snapshots were dropped"
    assert firsts == sorted(firsts)
    assert h.last_step == m.step_index == 30_000
    target = h.first_step + 10
    h.seek(target)
    _same(_state(m), _straight(target))
    with pytest.raises(ValueError, match="outside the recorded span"):
        h.seek(h.first_step - 1)


def test_marks_are_the_fusions_of_the_span():
    m = _model()
    h = History(m)
    for _ in range(25):
        m.run_steps(400)
        h.note()
    fusions = [round(t / m.dt_us) for t, fused, _ in m.spike_log if fused > 0]
    assert [mk.step for mk in h.marks if mk.kind == "fusion"] == fusions
    assert fusions, "the run released"
    bound = [mk for mk in h.marks if mk.kind == "first_bound"]
    assert bound and bound[0].step > fusions[0]
    assert [mk.step for mk in h.marks] == sorted(mk.step for mk in h.marks)


def test_marks_do_not_depend_on_how_the_steps_were_grouped():
    """Ctrl+Left/Right and a replayed session land on the marks: the same at any frame rate."""
    marks = []
    for batches in ((400,), (37, 1, 250, 3), (1_000, 7)):
        m = _model()
        h = History(m)
        sizes = iter(batches * 10_000)
        while m.step_index < 10_000:
            m.run_steps(min(next(sizes), 10_000 - m.step_index))
            h.note()
        marks.append(h.marks)
    assert any(mk.kind == "first_bound" for mk in marks[0])
    assert marks[1] == marks[0] and marks[2] == marks[0]


def test_the_followed_molecule_s_captures_are_marked():
    m = _model()
    h = History(m)
    m.run_steps(5_200)  # just after the first release (first_spike_ms = 0.05)
    h.note()
    ids = m.free.ids[: m.free.n]
    assert len(ids), "molecules are free after the first release"
    m.track(int(ids[0]))
    h.forget_future()
    for _ in range(100):  # up to 2 ms, until the molecule has been captured twice
        m.run_steps(2_000)
        h.note()
        if sum(text in H.CAPTURE_TEXTS for _, text in m.tracked_log) >= 2:
            break
    captures = [round(t / m.dt_us) for t, text in m.tracked_log if text in H.CAPTURE_TEXTS]
    assert captures
    assert [mk.step for mk in h.marks if mk.kind == "capture"] == captures


def test_bad_budget_is_refused():
    with pytest.raises(ValueError, match="max_bytes"):
        History(_model(), max_bytes=0)


def test_every_part_of_the_synapse_is_snapshotted_or_shared():
    """A new part or random stream added to the synapse must be listed in snapshot.py."""
    m = _model()
    listed = {*PARTS, *STREAMS, *SHARED}
    seen: set[int] = set()

    def walk(obj, path):
        for name, value in vars(obj).items():
            if id(value) in seen or isinstance(value, (int, float, str, bool, type(None))):
                continue
            seen.add(id(value))
            sub = f"{path}.{name}" if path else name
            is_part = hasattr(value, "__dict__") and type(value).__module__.startswith("sim.")
            if isinstance(value, np.random.Generator) or is_part:
                assert sub in listed or any(sub.startswith(s + ".") for s in SHARED), sub
                if is_part and sub not in SHARED:
                    walk(value, sub)

    walk(m, "")
