"""Compare mode steps the drug-free control on a worker thread.

The diffusion kernel releases the GIL, so the window steps the control on a
persistent worker thread while the main thread steps the SSRI model. The two
synapses share nothing, so a threaded compare run must give exactly the
numbers of stepping the two models one after the other (in the same calls:
today the model places molecules taken up at the end of each kernel call, so
how steps are grouped into calls changes the run), and the thread must end
when compare mode is left or the window closes.
"""

from __future__ import annotations

import json
import threading

import pytest

import render.synapse.playback as playback
from render.app import App
from render.synapse.compare import Lockstep
from render.window import run_app
from sim import Synapse
from sim.params.presets import load_preset
from tests.sim.synapse.test_step_grouping import _snapshot as engine_snapshot
from tests.window import SIZE

SETTINGS = {"molecules_per_vesicle": 200, "blockade": 0.6}


def _snapshot(m: Synapse) -> tuple:
    """Everything a run decides (``tests.sim.synapse.test_step_grouping``'s snapshot) and its action potentials."""
    return (*engine_snapshot(m), len(m.spike_log))


def _cleft_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("cleft-")]


def _control_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("cleft-control")]


@pytest.mark.parametrize("warp", [False, True])
def test_threaded_compare_run_equals_the_two_models_stepped_one_after_the_other(monkeypatch, warp):
    """A scripted compare run (both paces: fixed, and the warp's chunked frames) is the
    sequential run, step for step; and the control really was stepped off the main thread."""
    seen: dict[int, set[int]] = {}  # id(model) -> the threads that stepped it
    chunks: dict[int, list[int]] = {}  # id(model) -> the step counts of its calls, in order
    real = playback.run_steps

    def spy(model, n):
        seen.setdefault(id(model), set()).add(threading.get_ident())
        chunks.setdefault(id(model), []).append(n)
        real(model, n)

    monkeypatch.setattr(playback, "run_steps", spy)
    params = load_preset("default", SETTINGS).params
    app = App(load_preset("default", SETTINGS), 0, SIZE, scripted=True, compare=True)
    app.play.set_warp(warp)
    try:
        frames = 130 if warp else 24  # fixed: 24 x 3.3 us = 80 us, through a release
        for _ in range(frames):
            app.update(1 / 60)
        model, control = app.model, app.control
        if warp:  # the warp sped up after the release: frames of 8 chunks each
            assert len(chunks[id(model)]) > frames
        total = model.step_index
        assert total > 0 and control.step_index == total
        assert model.counters["released"] > 0  # the run went through a release
        assert model.blockade == pytest.approx(0.6) and control.blockade == 0.0
        main = threading.main_thread().ident
        assert seen[id(model)] == {main}
        assert seen[id(control)] and main not in seen[id(control)]
    finally:
        app.close()
    assert chunks[id(model)] == chunks[id(control)]  # lockstep: the same calls
    alone = Synapse(params, seed=0)
    alone_control = Synapse(params.with_overrides(blockade=0.0), seed=0)
    for n in chunks[id(model)]:  # the same calls, one model after the other on this thread
        alone.run_steps(n)
        alone_control.run_steps(n)
    assert _snapshot(model) == _snapshot(alone)
    assert _snapshot(control) == _snapshot(alone_control)
    assert _snapshot(model) != _snapshot(control)  # the drug made a difference: not one run twice


def test_the_worker_thread_ends_when_compare_mode_is_left_and_when_the_window_closes():
    before = len(_control_threads())
    app = App(load_preset("default", SETTINGS), 0, SIZE, scripted=True, compare=True)
    try:
        app.update(1 / 60)
        assert app.play.lockstep.running and len(_control_threads()) == before + 1
        app.compare.set(False)
        assert not app.play.lockstep.running and len(_control_threads()) == before
        app.update(1 / 60)  # single mode: no worker
        assert len(_control_threads()) == before
        app.compare.set(True)
        app.update(1 / 60)
        assert len(_control_threads()) == before + 1
    finally:
        app.close()
    assert len(_control_threads()) == before
    app.close()  # idempotent


def test_an_error_on_either_thread_is_raised_after_both_have_stopped():
    done: list[str] = []

    def step(which, n):
        if which == "bad":
            raise RuntimeError("boom")
        threading.Event().wait(0.05)  # still stepping when the other side fails
        done.append(which)

    lock = Lockstep()
    try:
        with pytest.raises(RuntimeError, match="boom"):
            lock.run(step, "good", "bad", 1)  # the control (worker) fails
        assert done == ["good"]
        with pytest.raises(RuntimeError, match="boom"):
            lock.run(step, "bad", "good", 1)  # the model (this thread) fails
        assert done == ["good", "good"]  # the worker finished before the error came out
        lock.run(step, "good", "good", 1)  # still usable
        assert done == ["good"] * 4
    finally:
        lock.close()
    assert not lock.running


def test_steps_run_behind_the_display_and_give_the_numbers_of_stepping_in_the_frame(monkeypatch):
    """Interactive loop: a frame's steps run on a worker while the display copies the frame
    (``stepping_during``); between frames nothing steps, and the run is the sequential one."""
    chunks: list[int] = []
    earlier = set(_cleft_threads())  # other tests' windows, not yet collected
    stepping = threading.Event()  # set while a model is being stepped
    real = playback.run_steps

    def spy(model, n):
        if model is app.model:
            chunks.append(n)
        stepping.set()
        real(model, n)

    monkeypatch.setattr(playback, "run_steps", spy)
    settings = {**SETTINGS, "first_spike_ms": 0.01}  # the first release behind a display
    app = App(load_preset("default", settings), 0, SIZE, scripted=False, compare=True)
    app.play.set_warp(False)
    said: list[str] = []
    monkeypatch.setattr(app.messages, "say", said.append)
    try:
        app.update(1 / 60)  # before the loop's first display: steps in the frame
        assert app.model.step_index > 0
        with app.play.stepping_during():  # the first display: nothing owed, deferral from now on
            pass
        threads = set()
        for _ in range(12):
            before = app.model.step_index
            stepping.clear()
            app.update(1 / 60)
            assert app.model.step_index == before and not stepping.is_set()  # owed, not run
            with app.play.stepping_during():
                threads |= {t.name for t in threading.enumerate()}
            assert app.model.step_index > before  # run behind the display, joined
            assert app.control.step_index == app.model.step_index
        assert any(name.startswith("cleft-steps") for name in threads)
        assert any(text.startswith("action potential") for text in said)  # shown a frame late
    finally:
        app.close()
    assert set(_cleft_threads()) <= earlier  # no worker thread outlives this window
    params = load_preset("default", settings).params
    alone = Synapse(params, seed=0)
    alone_control = Synapse(params.with_overrides(blockade=0.0), seed=0)
    for n in chunks:
        alone.run_steps(n)
        alone_control.run_steps(n)
    assert _snapshot(app.model) == _snapshot(alone)
    assert _snapshot(app.control) == _snapshot(alone_control)


def test_a_real_time_compare_window_counts_the_steps_run_behind_the_display(tmp_path):
    """--quit-after --stats in compare mode: the steps run during the display are in sim_us,
    never more than the set pace owed, and no worker thread outlives the window."""
    path = tmp_path / "stats.json"
    earlier = set(_cleft_threads())  # other tests' windows, not yet collected
    # Compile or load every kernel the window uses first (a cold numba cache in a fresh
    # checkout takes seconds), so the real-time run below times frames, not compilation.
    warm = tmp_path / "warm.png"
    assert run_app("default", SETTINGS, 0, SIZE, compare=True, frames=3, screenshot=warm) == 0
    assert run_app("default", SETTINGS, 0, SIZE, compare=True, quit_after=1.0, stats=path) == 0
    st = json.loads(path.read_text())
    assert st["frames"] >= 3 and st["sim_us"] > 0
    assert st["sim_us"] <= st["mean_set_us_per_s"] * st["wall_s"] * 1.01 + 1.0
    assert set(_cleft_threads()) <= earlier
