"""The day cache: each treatment day's agent-based value, kept between runs.

A day's value (mean bound receptors of :func:`sim.course.day.run_day`) is
kept per model, preset parameters, seed and day state, in memory and in a
JSON file (``$XDG_CACHE_HOME/cleft/treatment-days.json``), keyed to the
model's source and the day's definition, so a lecture prepared the night
before (``main.py prepare``) shows its chart at once. The window's day runs
(``render.lecture.day_runs``) and the ``prepare`` command both read and fill
it; :func:`day_job` is the job both run, so their keys agree.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

from sim.course.day import TIMELINE_DT_NS
from sim.course.slow import DayState
from sim.params.synapse import ParameterError, Parameters
from sim.runs.inputs import read_json
from sim.runs.places import cache_folder

DAY_DEFINITION = "sim.course.day.run_day at DAY_WINDOW_MS, TIMELINE_DT_NS, DAY_SLOW_INTERVAL_US, DAY_SAMPLE_INTERVAL_US, the window's seed"
"""What a day's value is; part of every cache key (change it when the definition changes)."""


def _engine_sources() -> list[Path]:
    """The ``sim`` modules :func:`sim.course.day.run_day` can reach (static import closure).

    Every ``import`` of a ``sim`` module, at module level or inside a
    function, in ``sim/course/day.py`` and, recursively, in what it
    imports; plus every package ``__init__.py`` on the way. Modules outside it
    (the sweep, the benches, the mean-field ODE) cannot change a day's
    numbers, so editing them keeps the cache.
    """
    import ast

    import sim

    top = Path(sim.__file__).parent.parent

    def path_of(dotted: str) -> Path | None:
        base = top.joinpath(*dotted.split("."))
        for cand in (base.with_suffix(".py"), base / "__init__.py"):
            if cand.is_file():
                return cand
        return None

    todo, seen = ["sim.course.day"], {}
    while todo:
        name = todo.pop()
        path = path_of(name)
        if name in seen or path is None:
            continue
        seen[name] = path
        parts = name.split(".")
        todo += [".".join(parts[:i]) for i in range(1, len(parts))]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sim":
                todo += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.split(".")[0] == "sim"]
    return [seen[n] for n in sorted(seen)]


def _engine_version() -> str:
    """A digest of the model a day runs: cached day results are only reused with the same one.

    It covers the source of every ``sim`` module :func:`sim.course.day.run_day`
    can reach (:func:`_engine_sources`), the numba and numpy versions and
    ``DAY_DEFINITION``.
    """
    import numba
    import numpy

    h = hashlib.sha256(f"{DAY_DEFINITION}|{numba.__version__}|{numpy.__version__}".encode())
    for path in _engine_sources():
        h.update("/".join(path.parts[-3:]).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


MAX_CACHE_BYTES = 16 * 2**20
"""Largest day cache read, bytes (~60 bytes a day result: ~250,000 results)."""


def cache_file() -> Path | None:
    """Where day results are kept between runs: ``$XDG_CACHE_HOME/cleft`` or ``~/.cache/cleft``.

    None (memory only) when neither is usable (:func:`sim.runs.places.cache_folder`).
    """
    folder, _ = cache_folder()
    return None if folder is None else folder / "treatment-days.json"


def read_cache(path: Path) -> dict[str, float]:
    """The day results in ``path``: a JSON object of key -> finite number.

    Read by the input rule (:mod:`sim.runs.inputs`: a regular file of at most
    ``MAX_CACHE_BYTES``; a FIFO or a link to a device is refused without
    blocking). Anything else, or an unreadable file, gives no results: the
    cache only saves time, so it is recomputed and replaced.
    """
    try:
        data = read_json(path, f"day cache {path.name}", MAX_CACHE_BYTES)
    except ParameterError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        k: float(v)
        for k, v in data.items()
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    }


class DayCache:
    """Mean bound receptors per (model, preset parameters, seed, day state): memory and disk.

    Args:
        path: the JSON file (None: memory only).
    """

    _memory: dict[str, float] = {}

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.problem: str | None = None
        """Why the file is no longer written (None: it is, or there is none), in one line."""
        self._version = _engine_version()
        if path is not None and not DayCache._memory:
            DayCache._memory.update(read_cache(path))

    def key(self, job: dict) -> str:
        """A stable key for a :func:`run_day` job (model and day definition included)."""
        st: DayState = job["state"]
        blob = json.dumps(
            [
                self._version,
                job["preset"],
                sorted(job["overrides"].items()),
                job["seed"],
                job["window_ms"],
                [st.on_drug, st.occupancy, st.autoreceptor_sensitivity],
                [st.receptor_density, st.firing_factor],
            ],
            default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:24]

    def get(self, job: dict) -> float | None:
        """The cached mean bound receptors of ``job``, or None."""
        return DayCache._memory.get(self.key(job))

    def put(self, job: dict, bound: float) -> None:
        """Keep ``bound`` for ``job`` (and write the file, whole or not at all)."""
        DayCache._memory[self.key(job)] = float(bound)
        if self.path is None:
            return
        try:
            from sim.runs.outputs import atomic_output

            self.path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(self.path, "w") as fh:
                json.dump(DayCache._memory, fh)
        except (OSError, ValueError) as exc:  # an unwritable cache only costs time: say so once
            self.problem = (
                f"the day cache {self.path} cannot be written ({exc.__class__.__name__}); "
                "days are kept until the window closes"
            )
            self.path = None


def day_job(base: Parameters, seed: int, state: DayState, window_ms: float) -> dict[str, Any]:
    """The :func:`sim.course.day.run_day` job of ``state`` on the drug-free, naive ``base``.

    The window's chart and ``main.py prepare`` run this job (the preset's
    parameters as overrides of ``default``, at ``TIMELINE_DT_NS``), so a day
    one of them computed is found by the other.
    """
    return {
        "state": state,
        "preset": "default",
        "overrides": {**base.as_dict(), "dt_ns": TIMELINE_DT_NS},
        "seed": seed,
        "window_ms": window_ms,
    }
