"""The lines of ``main.py bench``: options checked, then each figure yielded as it is measured."""

from __future__ import annotations

from collections.abc import Iterator

from sim.bench.engine import HEADLESS_MS, SINGLE_STEPS, SIZES, STEPS, StepFigure, sim_bench
from sim.bench.peer_compare import peer_bench, peer_runner
from sim.params.synapse import ParameterError

QUICK_STEPS = 100
"""Steps per timed call in a ``--quick`` smoke run."""
QUICK_HEADLESS_MS = 0.05
QUICK_CAPTURE_MOLECULES = 5_000
QUICK_CAPTURE_RADIUS_NM = 1000.0
MAX_SIZE = 1_000_000


def parse_sizes(text: str | None) -> tuple[int, ...]:
    """``"1000,10000"`` -> (1000, 10000); None -> :data:`SIZES`. Raises ParameterError."""
    if text is None:
        return SIZES
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or not all(1 <= n <= MAX_SIZE for n in sizes):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ParameterError(
            f"--sizes {shown!r}: expected whole numbers separated by commas, "
            f"each in [1, {MAX_SIZE}]"
        )
    return sizes


def bench_lines(
    sizes: str | None = None,
    peer: str | None = None,
    peer_python: str | None = None,
    capture: bool = False,
    quick: bool = False,
) -> Iterator[str]:
    """Every line of ``main.py bench`` except the frame figures, yielded as measured.

    Args:
        sizes: free-molecule counts, comma-separated (default :data:`SIZES`).
        peer: ``"smoldyn"`` to time the same workload in Smoldyn too.
        peer_python: interpreter that imports smoldyn (default: this one).
        capture: print the capture-accuracy figures instead of the speed figures.
        quick: a short smoke run (fewer steps and molecules; figures noisy).

    Raises ParameterError (before anything is measured) for options that do
    not go together or a ``peer_python`` that cannot run Smoldyn.
    """
    counts = parse_sizes(sizes)
    if peer_python is not None and peer is None:
        raise ParameterError("--peer-python applies only with --peer smoldyn")
    if peer is not None and peer != "smoldyn":
        raise ParameterError(f"--peer {peer!r}: the only peer is 'smoldyn'")
    if capture:
        if peer is not None or sizes is not None:
            raise ParameterError("--capture prints the accuracy figures alone (no --peer/--sizes)")
        from sim.bench.capture import MOLECULES, RADIUS_NM, capture_bench

        yield from capture_bench(
            n=QUICK_CAPTURE_MOLECULES if quick else MOLECULES,
            radius_nm=QUICK_CAPTURE_RADIUS_NM if quick else RADIUS_NM,
        )
        return
    runner = peer_runner(peer_python) if peer else None
    steps = QUICK_STEPS if quick else STEPS
    figures: dict[int, StepFigure] = {}
    yield from sim_bench(
        counts,
        steps,
        QUICK_HEADLESS_MS if quick else HEADLESS_MS,
        figures,
        single_steps=SINGLE_STEPS // 10 if quick else SINGLE_STEPS,
    )
    if runner is not None:
        available, python, line = runner
        if not available:
            yield line
        else:
            yield from peer_bench(figures, python, steps)
