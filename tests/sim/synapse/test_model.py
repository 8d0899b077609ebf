"""Conservation, determinism, parameters, presets, the step check and sim/'s independence."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim import ParameterError, Parameters, StepSizeError, Synapse
from sim.params.drugs import SSRI_KI_NM, sert_occupancy
from sim.params.presets import PresetError, available, load_preset, parse_override
from sim.synapse import states as S

ROOT = Path(__file__).resolve().parents[3]


def _check_books(m: Synapse) -> None:
    assert m.conservation_error() == 0
    assert np.array_equal(m.recount(), m.state_counts)
    assert m.free.n == m.state_counts[S.FREE]
    assert m.cytosol.n == m.state_counts[S.CYTOSOL]
    bound = m.state_counts[S.RECEPTOR] + m.state_counts[S.AUTORECEPTOR] + m.state_counts[S.SERT]
    assert np.count_nonzero(m.site_occupant >= 0) == bound
    assert np.array_equal(np.sort(m.free.ids[: m.free.n]), np.flatnonzero(m.states() == S.FREE))
    in_vesicles = np.bincount(
        m.site[: m.n_molecules][m.states() == S.VESICLE], minlength=len(m.vesicle_content)
    )
    assert np.array_equal(in_vesicles, m.vesicle_content)


def test_conservation_at_every_step_with_all_processes():
    """alive + degraded + lost = initial + synthesised (+ injected) after every step."""
    m = Synapse(
        Parameters(
            outer_radius_nm=300.0,
            edge="absorbing",
            firing_rate_hz=4000.0,
            sert_ring_outer_nm=300.0,
            vmat_rate_per_ms=50.0,
            mao_rate_per_ms=50.0,
            synthesis_per_ms=5000.0,
        ),
        seed=2,
    )
    for _ in range(3000):
        m.step()
        _check_books(m)
    c = m.counters
    for key in ("released", "taken_up", "repackaged", "degraded", "lost", "synthesised"):
        assert c[key] > 0, key  # every path was exercised
    assert c["receptor_bindings"] > 0 and c["autoreceptor_bindings"] > 0


def test_same_seed_same_numbers_different_seed_different_numbers():
    def run(seed: int) -> np.ndarray:
        m = Synapse(load_preset("default").params, seed=seed)
        m.run(0.05)
        return m.recorder.table().copy()

    a, b, c = run(4), run(4), run(5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_fire_command_releases_and_blockade_is_nested_and_seeded():
    m = Synapse(load_preset("default", {"first_spike_ms": -1.0}).params, seed=1)
    m.run(0.01)
    assert m.counters["action_potentials"] == 0
    m.fire()
    m.step()
    assert m.counters["action_potentials"] == 1
    m.set_blockade(0.3)
    low = m.sert_blocked.copy()
    m.set_blockade(0.8)
    high = m.sert_blocked.copy()
    n_sert = int((m.sites.kind == S.SITE_SERT).sum())
    assert low.sum() == round(0.3 * n_sert) and high.sum() == round(0.8 * n_sert)
    assert np.all(high[low])  # raising f only adds blocked sites
    other = Synapse(load_preset("default", {"first_spike_ms": -1.0}).params, seed=1)
    other.set_blockade(0.8)
    assert np.array_equal(other.sert_blocked, high)
    with pytest.raises(ParameterError, match="blockade"):
        m.set_blockade(1.5)


def test_blocked_sert_captures_nothing():
    m = Synapse(load_preset("single-release", {"blockade": 1.0}).params, seed=3)
    m.run(0.2)
    assert m.counters["released"] > 0
    assert m.counters["sert_captures"] == 0


def test_autoreceptor_occupancy_lowers_release_probability():
    m = Synapse(Parameters(), seed=0)
    p0 = m.release_probability_now()
    m.autoreceptor_signal = 1.0
    assert m.release_probability_now() == pytest.approx(p0 * (1 - m.params.autoreceptor_gain))
    m.set_autoreceptor_sensitivity(0.0)
    assert m.release_probability_now() == pytest.approx(p0)


@pytest.mark.parametrize(
    "changes, fragment",
    [
        ({"cleft_width_nm": 5000.0}, "cleft_width_nm = 5000.0 is out of range [5.0, 500.0] nm"),
        ({"dt_ns": float("nan")}, "dt_ns = nan is not finite"),
        ({"blockade": float("inf")}, "blockade = inf is not finite"),
        ({"receptor_count": 2.5}, "receptor_count = 2.5 must be a whole number"),
        ({"edge": "sticky"}, "edge = 'sticky' is not valid"),
        ({"firing_rate_hz": True}, "firing_rate_hz = True must be a number"),
        ({"receptor_count": True}, "receptor_count = True must be a whole number"),
    ],
)
def test_bad_parameter_values_name_parameter_value_and_range(changes, fragment):
    with pytest.raises(ParameterError) as err:
        Parameters(**changes)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_step_too_large_is_refused_and_marginal_step_warns():
    with pytest.raises(StepSizeError, match="dt_ns"):
        Synapse(Parameters(dt_ns=900.0))
    with pytest.warns(UserWarning, match="step length"):
        Synapse(Parameters(dt_ns=60.0, sert_kon_per_M_s=1e7))


def test_sites_that_do_not_fit_are_refused():
    with pytest.raises(ParameterError, match="receptor_count"):
        Synapse(Parameters(receptor_count=5000))


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("[parameters]\nnot_a_parameter = 1\n", "unknown parameter 'not_a_parameter'"),
        ("[parameters]\ncleft_width_nm = 'wide'\n", "cleft_width_nm = 'wide' must be a number"),
        ("[parameters]\ncleft_width_nm = nan\n", "cleft_width_nm = nan is not finite"),
        ("[parameters]\nrelease_probability = 1.5\n", "release_probability = 1.5 is out of range"),
        ("[colours]\nx = 1\n", "unknown table"),
        ("[preset]\ntitel = 'x'\n", "unknown key"),
        ("[display]\nplayback_us_per_s = -1\n", "playback_us_per_s = -1"),
        ("[parameters\n", "invalid TOML"),
    ],
)
def test_bad_presets_are_rejected_with_one_line(tmp_path, body, fragment):
    with pytest.raises(PresetError) as err:
        load_preset(_write(tmp_path, body))
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)


def test_every_shipped_preset_loads_builds_and_runs():
    assert {"default", "physiological", "single-release"} <= set(available())
    for name in available():
        preset = load_preset(name)
        assert preset.caption and preset.sources
        m = Synapse(preset.params, seed=0)
        for _ in range(20):
            m.step()
        assert m.conservation_error() == 0


def test_single_release_fires_once_and_overrides_parse():
    p = load_preset("single-release").params
    assert p.first_spike_ms == 0.0 and p.firing_rate_hz == 0.0
    assert parse_override("sert_count=300") == ("sert_count", 300)
    with pytest.raises(PresetError):
        parse_override("sert_count")
    with pytest.raises(ParameterError, match="not a number"):
        parse_override("dt_ns=fast")


def test_ssri_occupancy_from_ki():
    # Tatsumi et al. 1997: occupancy is one half at the Ki.
    for drug, ki in SSRI_KI_NM.items():
        assert sert_occupancy(drug, ki) == pytest.approx(0.5)
    # Meyer et al. 2004: ~80% occupancy at therapeutic doses is 4 Ki.
    assert sert_occupancy("citalopram", 4 * 1.2) == pytest.approx(0.8)
    with pytest.raises(ParameterError, match="drug"):
        sert_occupancy("aspirin", 1.0)
    with pytest.raises(ParameterError, match="dose"):
        sert_occupancy("fluoxetine", -1.0)


def _view_imports(tree: ast.AST) -> list[tuple[int, str, bool]]:
    """(line, module, inside a function) of every import of pygame or render in ``tree``."""
    found = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                mods = [a.name for a in child.names]
            elif isinstance(child, ast.ImportFrom):
                mods = [child.module or ""]
            else:
                walk(child, nested)
                continue
            for mod in mods:
                if mod.split(".")[0] in {"pygame", "render", "pygame_gui"}:
                    found.append((child.lineno, mod, in_function))

    walk(tree, False)
    return found


def test_sim_never_imports_pygame_or_render():
    """No module of sim imports pygame or render, even inside a function (render/cli opens the
    window); and main.py's command table loads neither pygame nor the window until a run."""
    files = sorted((ROOT / "sim").rglob("*.py"))
    assert len(files) > 30
    for path in files:
        for line, mod, _ in _view_imports(ast.parse(path.read_text())):
            raise AssertionError(f"{path}:{line} imports {mod}")
    code = (
        "import sys, sim, sim.runs.headless, sim.bench.engine, sim.runs.analysis;"
        "assert 'pygame' not in sys.modules and 'render' not in sys.modules;"
        "import main;"
        "assert 'pygame' not in sys.modules and 'render.window' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_scenario_presets_change_what_their_captions_say():
    """Same seed, same first release: fast SERT lowers receptor binding, an SSRI raises 5-HT.

    The first action potential is at t = 0 in all three, and the fusion draws
    come first in the random stream, so all three release the same vesicles;
    the differences below are many times the run-to-run noise of one release.
    """

    def run(name: str) -> Synapse:
        m = Synapse(load_preset(name).params, seed=9)
        m.run(0.4)
        return m

    healthy, fast, acute = run("healthy"), run("fast-sert"), run("acute-ssri")
    assert healthy.counters["released"] == fast.counters["released"] == acute.counters["released"]
    # Fast SERT: mean cleft 5-HT over the first 0.4 ms was 0.84-0.88 of healthy
    # over seeds 0-5 (SD ~0.02); receptor occupancy, from 60 receptors, is too
    # noisy for a per-seed check (0.81-0.98).
    cleft = {
        k: m.recorder.column("cleft_uM").mean() for k, m in (("healthy", healthy), ("fast", fast))
    }
    assert cleft["fast"] < 0.92 * cleft["healthy"]
    # 80% of SERT blocked: uptake starts ~5x slower (science.md 4.5); 0.5 leaves ample margin.
    assert acute.counters["taken_up"] < 0.5 * healthy.counters["taken_up"]
    assert acute.recorder.column("n_free")[-1] > healthy.recorder.column("n_free")[-1]
    trp = Synapse(load_preset("tryptophan-depletion").params, seed=9)
    assert trp.vesicle_content.max() < 0.5 * healthy.params.molecules_per_vesicle
    trp.run(0.05)
    assert trp.counters["synthesised"] == 0


def test_molecule_position_agrees_with_positions_and_tracking_logs_events():
    m = Synapse(load_preset("single-release").params, seed=4)
    m.run(0.02)
    free_id = int(m.free.ids[0])
    m.track(free_id)
    m.run(0.3)
    assert len(m.tracked_log) >= 1
    everything = m.positions()
    st = m.states()
    for code in (S.VESICLE, S.FREE, S.RECEPTOR, S.SERT, S.CYTOSOL):
        ids = np.flatnonzero(st == code)[:20]
        assert len(ids), S.NAMES[code]
        for i in ids:
            assert np.allclose(m.molecule_position(int(i)), everything[i], atol=1e-3)
    m.untrack()
    n_events = len(m.tracked_log)
    m.run(0.05)
    assert len(m.tracked_log) == n_events


def test_an_override_is_range_checked_by_the_model_that_takes_it():
    # One name, two ranges: molecules_per_vesicle is [1, 100000] at the synapse, [1, 1e6] in tissue.
    key, value = parse_override("molecules_per_vesicle=200000")
    assert load_preset("tissue", {key: value}).params.molecules_per_vesicle == 200000
    with pytest.raises(PresetError, match=r"molecules_per_vesicle = 200000 is out of range"):
        load_preset("default", {key: value})
    assert parse_override("autoreceptor_feedback=off") == ("autoreceptor_feedback", False)
    with pytest.raises(
        ParameterError, match="autoreceptor_feedback = 'maybe' must be true or false"
    ):
        parse_override("autoreceptor_feedback=maybe")
