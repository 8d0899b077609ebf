"""The compiled engine: one seed is one run, however its steps are grouped."""

from __future__ import annotations

import inspect
import math

import numpy as np

from sim import Synapse
from sim.common.rng import fill_normal, fill_uniform, normal_table, seed_state
from sim.params.presets import load_preset
from sim.synapse import diffusion
from sim.synapse import states as S


def _lecture_model(seed: int = 4) -> Synapse:
    """Default preset: releases every 2 ms, SERT, receptors, autoreceptors, cytosol."""
    return Synapse(load_preset("default").params, seed=seed)


def _snapshot(m: Synapse) -> tuple:
    n = m.free.n
    order = np.argsort(m.free.ids[:n])
    return (
        m.step_index,
        m.states().tobytes(),
        m.free.ids[:n][order].tobytes(),
        m.free.xyz[:, :n][:, order].tobytes(),
        m.site_occupant.tobytes(),
        m.pos.tobytes(),
        tuple(sorted(m.counters.items())),
        m.recorder.table().tobytes(),
    )


def test_grouping_of_steps_does_not_change_the_run():
    """run_steps(n), n x step() and ragged frame-sized chunks give identical states."""
    total = 8000  # 80 us: a release at t = 0, slow intervals with repackaging, degradation
    # and synthesis (which once depended on the grouping, through SERT's placing of the
    # molecules it carries in), and samples
    a = _lecture_model()
    a.run_steps(total)
    b = _lecture_model()
    for _ in range(total):
        b.step()
    c = _lecture_model()
    rng = np.random.default_rng(0)
    done = 0
    while done < total:
        k = min(int(rng.integers(1, 400)), total - done)
        c.run_steps(k)
        done += k
    for key in ("released", "sert_captures", "repackaged", "degraded", "synthesised"):
        assert a.counters[key] > 0, key
    assert _snapshot(a) == _snapshot(b) == _snapshot(c)


def test_two_models_in_one_process_do_not_share_a_stream():
    """Interleaving two models (compare mode) leaves each exactly as it runs alone."""
    alone = _lecture_model(seed=7)
    alone.run_steps(1500)
    x, y = _lecture_model(seed=7), _lecture_model(seed=8)
    for _ in range(15):
        x.run_steps(100)
        y.run_steps(100)
    assert _snapshot(x) == _snapshot(alone)
    assert _snapshot(y) != _snapshot(alone)


def test_conservation_and_counts_hold_through_the_kernel():
    """Every step: the books balance and the state counters equal a recount."""
    m = Synapse(load_preset("default", {"edge": "absorbing", "outer_radius_nm": 300.0}).params, 2)
    for _ in range(200):
        m.run_steps(25)
        assert m.conservation_error() == 0
        assert np.array_equal(m.recount(), m.state_counts)
        assert m.free.n == m.state_counts[S.FREE]
        bound = np.count_nonzero(m.site_occupant >= 0)
        assert bound == m.state_counts[[S.RECEPTOR, S.AUTORECEPTOR, S.SERT]].sum()
    assert m.counters["lost"] > 0 and m.counters["taken_up"] > 0


def test_kernel_stream_statistics():
    """Uniforms: mean 1/2, variance 1/12; table normals: variance sigma^2 (4 SE each)."""
    n = 400_000
    u = np.empty(n)
    fill_uniform(seed_state(np.random.SeedSequence(3)), u)
    assert abs(u.mean() - 0.5) < 4 * math.sqrt(1 / 12 / n)
    assert abs(u.var() - 1 / 12) < 4 * math.sqrt(1 / 180 / n)  # var of (U-1/2)^2 is 1/180
    assert 0.0 <= u.min() and u.max() < 1.0
    z = np.empty(n, dtype=np.float32)
    fill_normal(seed_state(np.random.SeedSequence(3)), normal_table(2.0), z)
    assert abs(z.mean()) < 4 * 2.0 / math.sqrt(n)
    assert abs(z.astype(np.float64).var() - 4.0) < 4 * 4.0 * math.sqrt(2 / n)
    kurtosis = float(np.mean((z / 2.0) ** 4))
    assert abs(kurtosis - 3.0) < 4 * math.sqrt(96 / n)  # var of Z^4 is 105 - 9 = 96


def test_same_seed_same_numbers_different_seed_different():
    a, b, c = _lecture_model(1), _lecture_model(1), _lecture_model(2)
    for m in (a, b, c):
        m.run(0.05)
    assert _snapshot(a) == _snapshot(b)
    assert _snapshot(a) != _snapshot(c)


def test_long_runs_reuse_the_slots_of_degraded_molecules():
    """Synthesis refills slots that MAO emptied, so the molecule arrays stop growing."""
    m = _lecture_model(seed=5)
    m.run(1.0)
    size = m.n_molecules
    m.run(2.0)
    assert m.counters["degraded"] > 300 and m.counters["synthesised"] > 300
    assert m.recycled > 0
    assert m.n_molecules < size + 0.1 * m.counters["synthesised"]
    assert m.conservation_error() == 0
    assert np.array_equal(m.recount(), m.state_counts)


def test_the_gil_free_entry_gives_the_same_run():
    """The window steps through the GIL-free entry (threads); headless runs hold the GIL."""
    a, b = _lecture_model(), _lecture_model()
    b.release_gil = True
    a.run_steps(1500)
    b.run_steps(1500)
    assert _snapshot(a) == _snapshot(b)


def test_the_kernel_takes_the_groups_fields_in_order():
    """advance spreads its named groups over the compiled body by position: the names must agree."""
    params = list(inspect.signature(diffusion._advance.py_func).parameters)
    fields = [name for group in diffusion.GROUPS for name in group._fields]
    assert params[:5] == ["n_steps", "step0", "n_free", "n_occ", "rng"]
    assert params[5:] == fields
