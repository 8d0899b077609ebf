"""Reference values of a course day as defined before the fast day: record them once.

Run ``python -m tests.sim.course.day_reference [SEEDS]`` (default 6 seeds) to
write ``tests/sim/course/data/day_reference.json``: a 42-day citalopram course
at 80% SERT occupancy (4.8 nM, from day 0, stopped on day 28) plus the
drug-free baseline, each day run by the reference definition of a day
(:data:`REFERENCE`: 20 ns steps, a sample every 1 us, an empty cleft at t = 0,
the 8 ms window) with seeds 0..SEEDS-1. The file keeps every day's slow state
(so the comparison runs the same states whatever the slow state's code
becomes), every seed's mean bound receptors, and the source commit.
``tests/sim/course/test_day_agreement.py`` compares the fast day with it.
The file is rewritten after every finished day, so a stopped recording keeps
its whole seeds.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from sim.course.day import run_day
from sim.course.timeline import Course
from sim.runs.engine import run_jobs

DATA = Path(__file__).resolve().parent / "data" / "day_reference.json"
COURSE = {"days": 42, "drug": "citalopram", "dose_nM": 4.8, "start_day": 0, "stop_day": 28}
"""The recorded course: on drug days 0-27, off it days 28-41 (80% occupancy, Ki 1.2 nM)."""
REFERENCE = {"dt_ns": 20.0, "sample_interval_us": 1.0}
"""The step, and the terminal's and the recorder's interval, of the day's definition before the
fast day (its commit is in the file)."""
WINDOW_MS = 8.0


def record(n_seeds: int, path: Path = DATA) -> None:
    """Run every day of ``COURSE`` at seeds 0..n_seeds-1 by the reference definition; write ``path``."""
    states = [job["state"] for job in Course(**COURSE).jobs()]
    jobs = [
        {"state": st, "preset": "default", "overrides": {"dt_ns": REFERENCE["dt_ns"]},
         "slow_interval_us": REFERENCE["sample_interval_us"], "seed": seed, "window_ms": WINDOW_MS}
        for seed in range(n_seeds)
        for st in states
    ]  # fmt: skip
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    bound: dict[int, dict[int, float]] = {st.day: {} for st in states}
    for i, row in run_jobs(run_day, jobs, workers=2):
        bound[row["day"]][jobs[i]["seed"]] = row["receptors_bound_mean"]
        doc = {
            "about": __doc__.split("\n\n")[0],
            "commit": commit,
            "course": COURSE,
            "reference": REFERENCE,
            "window_ms": WINDOW_MS,
            "preset": "default",
            "days": [
                {
                    **dataclasses.asdict(st),
                    "bound": {str(s): v for s, v in sorted(bound[st.day].items())},
                }
                for st in states
            ],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    record(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
