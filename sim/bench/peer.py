"""The peer benchmark: Cleft's lecture workload run in Smoldyn 2.76, timed the same way.

Optional: Smoldyn is not a dependency (``pip install smoldyn==2.76``). This
module imports nothing from Cleft and only the standard library at the top,
so it also runs as a script under another interpreter::

    python3.10 sim/bench/peer.py < spec.json > result.json

That matters because Smoldyn 2.76's wheel is tagged ``py3-none`` but holds
one compiled extension, ``_smoldyn.cpython-310-x86_64-linux-gnu.so``: it
installs on any Python and imports only on CPython 3.10. On another
interpreter :func:`run_peer` hands the work to a Python 3.10 that has it
(``python main.py bench --peer smoldyn --peer-python PATH``).

The workload (a JSON-able ``spec`` built by :func:`sim.bench.peer_compare.peer_spec` from
a real Cleft model; lengths in nm, times in us):

- a slab 0 < z < W between two reflecting planes, closed by a reflecting
  cylinder of the sheet's radius (Cleft's reflecting outer edge);
- one molecule species, D per axis as in Cleft, placed at Cleft's own
  initial positions;
- every Cleft membrane site as a ``tile_nm`` square panel on its membrane,
  ``PANEL_OFFSET_NM`` inside the cleft, adsorbing with the site's
  reactivity kappa (Smoldyn converts kappa to a per-crossing probability
  with Andrews' relation, as Cleft does), desorbing at the site's koff and,
  for SERT, removing the bound molecule at kcat (a first-order reaction
  restricted to the SERT surface). Bound molecules do not diffuse.

What differs from Cleft (printed by the bench): a Smoldyn panel holds any
number of molecules, a Cleft site one (so at 10k+ molecules Cleft's SERT
saturate and Smoldyn keeps capturing); Smoldyn has no vesicles, cytosol,
synthesis or recorder to advance; its panels sit 0.001 nm off the membrane
plane so they do not coincide with the reflecting wall.

Timing: the model is built and set up by a first ``runUntil`` of
``warmup_steps`` (excluded), then ``steps`` steps run in one ``runUntil``
call and are timed; ns per molecule-step divides by ``steps`` times the mean
of the free (solution) count at the window's ends.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import subprocess
import sys
import time
from typing import Any

PANEL_OFFSET_NM = 1.0e-3
"""Panels sit this far inside the cleft, so they never coincide with the reflecting wall."""

INSTALL_HINT = "pip install smoldyn==2.76"

VERSION_WANTED = "2.76"


def import_problem() -> str | None:
    """Why ``import smoldyn`` fails in this interpreter, or None when it works."""
    try:
        import smoldyn  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name == "smoldyn":
            return "not installed"
        return (
            f"installed but its extension does not load here ({exc.name} missing; "
            f"Smoldyn {VERSION_WANTED}'s wheel holds only a CPython 3.10 build, this is "
            f"Python {sys.version_info.major}.{sys.version_info.minor})"
        )
    except ImportError as exc:  # a shared library it needs is missing
        return f"installed but does not import ({' '.join(str(exc).split())})"
    return None


def unavailable_line(problem: str) -> str:
    """The one line the bench prints when it cannot run the peer."""
    return (
        f"peer smoldyn: {problem}; to compare, `{INSTALL_HINT}` into a Python 3.10 "
        "environment and run `python main.py bench --peer smoldyn --peer-python "
        "/path/to/that/python` (or use Python 3.10 for Cleft itself); skipping the peer"
    )


class PeerError(RuntimeError):
    """The peer run failed (message is one line)."""


@contextlib.contextmanager
def _quiet_stdout():
    """Silence file descriptor 1 (Smoldyn's C library prints progress there)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _add_walls(smoldyn: Any, sim: Any, free: Any, w: float, r_out: float, margin: float) -> None:
    """The two membranes (planes z = 0 and z = w) and the sheet's edge, all reflecting."""
    side = 2.0 * (r_out + margin / 2)
    corner = -r_out - margin / 2
    walls = sim.addSurface(
        "walls",
        panels=[
            smoldyn.Rectangle(corner=[corner, corner, 0.0], dimensions=[side, side], axis="+z"),
            smoldyn.Rectangle(corner=[corner, corner, w], dimensions=[side, side], axis="-z"),
            smoldyn.Cylinder(
                start=[0.0, 0.0, -0.5], end=[0.0, 0.0, w + 0.5], radius=-r_out, slices=64,
                stacks=2,
            ),
        ],
    )  # fmt: skip
    walls.setAction("both", [free], "reflect")


def _add_sites(smoldyn: Any, sim: Any, free: Any, spec: dict[str, Any]) -> None:
    """Every Cleft site as an adsorbing panel; one surface per site kind with its rates."""
    w, tile = spec["width_nm"], spec["tile_nm"]
    panels: dict[int, list] = {}
    for x, y, plane, kind in spec["sites"]:
        z = PANEL_OFFSET_NM if plane == 0 else w - PANEL_OFFSET_NM
        panels.setdefault(kind, []).append(
            smoldyn.Rectangle(
                corner=[x - tile / 2, y - tile / 2, z],
                dimensions=[tile, tile],
                axis="+z" if plane == 0 else "-z",
            )
        )
    for kind, kind_panels in sorted(panels.items()):
        rates = spec["kinds"][str(kind)]
        surface = sim.addSurface(f"sites{kind}", panels=kind_panels)
        surface.setAction("both", [free], "reflect")
        surface.setRate(free, "fsoln", "front", rates["kappa_nm_per_us"])
        if rates["off_per_us"] > 0:
            surface.setRate(free, "front", "fsoln", rates["off_per_us"])
        if rates["uptake_per_us"] > 0:
            sim.addReaction(
                f"uptake{kind}",
                subs=[(free, "front")],
                prds=[],
                rate=rates["uptake_per_us"],
                surface=surface,
            )


def run_smoldyn(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the workload of ``spec`` in Smoldyn (this interpreter), time it, return figures.

    Returns a dict: ``version``, ``ns_per_molecule_step``, ``us_per_step``,
    ``free_start`` and ``free_end`` (solution molecules at the timed window's
    ends), ``bound_end`` (surface-bound), ``removed`` (taken up by SERT) and
    ``setup_s`` (build and warm-up wall time, excluded from the figures).
    """
    import smoldyn
    from smoldyn._smoldyn import MolecState

    t_build = time.perf_counter()
    w, r_out, tile = spec["width_nm"], spec["radius_nm"], spec["tile_nm"]
    d, dt = spec["d_nm2_per_us"], spec["dt_us"]
    margin = tile
    with _quiet_stdout():
        sim = smoldyn.Simulation(
            low=[-r_out - margin, -r_out - margin, -1.0],
            high=[r_out + margin, r_out + margin, w + 1.0],
            boundary_type="r",
            seed=int(spec["seed"]),
            log_level=5,
        )
        sim.setFlags("q")
        free = sim.addSpecies("S", difc=d)
        _add_walls(smoldyn, sim, free, w, r_out, margin)
        _add_sites(smoldyn, sim, free, spec)
        for x, y, z in spec["positions"]:
            sim.addSolutionMolecules("S", 1, [x, y, z], [x, y, z])
        sim.setSimTimes(0.0, 1.0e12, dt)
        warm, steps = int(spec["warmup_steps"]), int(spec["steps"])
        # runUntil steps while time < stop: half a step below the target gives
        # exactly that many steps despite rounding of the accumulated time.
        sim.runUntil((warm - 0.5) * dt, dt, display=False)
        setup_s = time.perf_counter() - t_build
        n0 = sim.getMoleculeCount("S", MolecState.soln)
        t0 = time.perf_counter()
        sim.runUntil((warm + steps - 0.5) * dt, dt, display=False)
        wall = time.perf_counter() - t0
        n1 = sim.getMoleculeCount("S", MolecState.soln)
        bound = sim.getMoleculeCount("S", MolecState.front)
    total = len(spec["positions"])
    return {
        "version": smoldyn.__version__,
        "ns_per_molecule_step": wall * 1e9 / (steps * 0.5 * (n0 + n1)),
        "us_per_step": wall * 1e6 / steps,
        "free_start": n0,
        "free_end": n1,
        "bound_end": bound,
        "removed": total - n1 - bound,
        "setup_s": setup_s,
    }


def run_peer(spec: dict[str, Any], python: str | None = None) -> dict[str, Any]:
    """Run the Smoldyn workload here, or under ``python`` (a path) in a subprocess.

    Raises PeerError (one-line message) when the subprocess fails.
    """
    if python is None:
        return run_smoldyn(spec)
    try:
        done = subprocess.run(
            _script_command(python),
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise PeerError(f"--peer-python {python}: {exc.strerror or exc}") from None
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise PeerError(f"--peer-python {python}: the Smoldyn run failed: {tail}")
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise PeerError(f"--peer-python {python}: no result from the Smoldyn run") from None


def probe_python(python: str) -> str | None:
    """Why ``python`` cannot run the peer (one line), or None when it imports smoldyn."""
    try:
        done = subprocess.run(
            _script_command(python, "--probe"),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot run {python}: {getattr(exc, 'strerror', None) or exc}"
    answer = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0 or not answer:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return f"{python} failed: {tail}"
    return None if answer == "ok" else f"smoldyn under {python}: {answer}"


def _script_command(python: str, *args: str) -> list[str]:
    """The command that runs this file under ``python`` in isolated mode.

    Neither the working folder nor this file's folder goes on the path, so
    Cleft's module names cannot shadow anything Smoldyn imports.
    """
    runner = (
        "import runpy, sys; sys.argv = sys.argv[1:]; "
        "runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    return [python, "-I", "-c", runner, os.path.abspath(__file__), *args]


def _main() -> int:
    if sys.argv[1:] == ["--probe"]:
        print(import_problem() or "ok")
        return 0
    spec = json.loads(sys.stdin.read())
    result = run_smoldyn(spec)
    print(json.dumps(result))
    return 0 if math.isfinite(result["ns_per_molecule_step"]) else 1


if __name__ == "__main__":
    raise SystemExit(_main())
