"""What a sweep reports: each grid point's mean and SD over seeds, the table, and the figure."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sim.params.synapse import ParameterError, spec
from sim.runs.experiment import Experiment

AXIS_LABELS = {
    "clearance_tau_ms": "clearance time constant (ms)",
    "mean_cleft_uM": "mean cleft 5-HT (\N{MICRO SIGN}M)",
    "peak_cleft_uM": "peak cleft 5-HT (\N{MICRO SIGN}M)",
    "receptor_occupancy_mean": "mean receptor occupancy (fraction)",
    "autoreceptor_occupancy_mean": "mean autoreceptor occupancy (fraction)",
}
"""Axis labels with units; other metrics are molecule counts."""


def _mean_sd(values: Sequence[float]) -> tuple[float, float, int]:
    """Mean, sample SD (ddof 1; NaN for one value) and count of the non-NaN values."""
    v = [float(x) for x in values if not math.isnan(float(x))]
    n = len(v)
    if n == 0:
        return math.nan, math.nan, 0
    mean = sum(v) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in v) / (n - 1)) if n > 1 else math.nan
    return mean, sd, n


def summarise(
    rows: Sequence[dict[str, Any]], varied: Sequence[str], metrics: Sequence[str]
) -> list[dict[str, Any]]:
    """Per grid point: mean and SD over seeds of each metric, and n.

    Returns:
        One dict per grid point, in row order of first appearance: the varied
        values, ``n`` (runs), and for each metric ``<name>_mean``,
        ``<name>_sd`` (sample SD, NaN for a single run) and ``<name>_n`` (runs
        with a value; a clearance fit can be missing).
    """
    groups: dict[tuple, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in varied), []).append(row)
    out = []
    for key, group in groups.items():
        entry: dict[str, Any] = dict(zip(varied, key, strict=True))
        entry["n"] = len(group)
        for m in metrics:
            mean, sd, n = _mean_sd([r[m] for r in group])
            entry[f"{m}_mean"], entry[f"{m}_sd"], entry[f"{m}_n"] = mean, sd, n
        out.append(entry)
    return out


def summary_table(
    stats: Sequence[dict[str, Any]], varied: Sequence[str], metrics: Sequence[str]
) -> str:
    """The :func:`summarise` output as a fixed-width text table (one line per grid point)."""

    def pm(s: dict[str, Any], key: str) -> str:
        mean, sd = s[f"{key}_mean"], s[f"{key}_sd"]
        if math.isnan(mean):
            return "-"
        return format(mean, ".4g") + ("" if math.isnan(sd) else " ± " + format(sd, ".3g"))

    shown = list(metrics[:4])
    widths = [max(8, len(v)) for v in varied] + [4] + [max(17, len(m)) for m in shown]
    head = [*varied, "n", *shown]
    lines = ["  ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True))]
    for s in stats:
        cells = [format(s[v], ".6g") if isinstance(s[v], float) else str(s[v]) for v in varied]
        cells += [str(s["n"])] + [pm(s, m) for m in shown]
        lines.append("  ".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True)))
    return "\n".join(lines)


def _axis_label(name: str) -> str:
    if name == "blockade":
        return "SERT blockade f (fraction)"
    unit = spec(name)["unit"]
    return f"{name} ({unit})" if unit else name


def plot(rows: Sequence[dict[str, Any]], path: str | os.PathLike, experiment: Experiment) -> None:
    """Each plotted metric against the first varied parameter; a PNG written by the output rule.

    One panel per metric (``experiment.plotted``); each combination of the
    other varied parameters is one curve; points are the mean over seeds with
    +-1 SD bars. When the x axis is the blockade, the clearance panel also
    shows tau(0)/(1 - f), the reaction-limited expectation (science.md 4.5),
    dashed, for each curve with a fit at f = 0.

    Raises:
        ParameterError: the experiment varies no parameter (nothing to plot against).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.runs.outputs import write_via

    varied = experiment.varied_names
    if not varied:
        raise ParameterError("--plot needs at least one varied parameter (--vary NAME=SPEC)")
    x_name, others = varied[0], varied[1:]
    metrics = experiment.plotted
    stats = summarise(rows, varied, metrics)
    curves: dict[tuple, list[dict[str, Any]]] = {}
    for s in stats:
        curves.setdefault(tuple(s[o] for o in others), []).append(s)
    x_values = list(dict.fromkeys(s[x_name] for s in stats))
    categorical = any(isinstance(v, str) for v in x_values)
    pos = {v: i for i, v in enumerate(x_values)}

    n = len(metrics)
    cols = min(3, n)
    nrows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        nrows, cols, figsize=(4.5 * cols, 3.8 * nrows + 0.6), constrained_layout=True, squeeze=False
    )
    for k, metric in enumerate(metrics):
        ax = axes[k // cols][k % cols]
        for ci, (key, points) in enumerate(curves.items()):
            colour = f"C{ci % 10}"
            xs = [pos[p[x_name]] if categorical else p[x_name] for p in points]
            mean = [p[f"{metric}_mean"] for p in points]
            sd = [0.0 if math.isnan(p[f"{metric}_sd"]) else p[f"{metric}_sd"] for p in points]
            label = ", ".join(f"{o} = {v:g}" if isinstance(v, float) else f"{o} = {v}"
                              for o, v in zip(others, key, strict=True)) or "mean ± SD"  # fmt: skip
            ax.errorbar(xs, mean, yerr=sd, fmt="o-", capsize=3, color=colour, label=label)
            if x_name == "blockade" and metric == "clearance_tau_ms":
                tau0 = [p[f"{metric}_mean"] for p in points if p[x_name] == 0.0]
                top = max((x for x in xs if x < 1.0), default=0.0)
                if tau0 and not math.isnan(tau0[0]) and top > 0:
                    fs = [top * i / 100 for i in range(101)]
                    ax.plot(fs, [tau0[0] / (1.0 - f) for f in fs], "--", color=colour, lw=1,
                            label="τ(0)/(1−f)" if ci == 0 else None)  # fmt: skip
        if categorical:
            ax.set_xticks(range(len(x_values)), [str(v) for v in x_values])
        ax.set_xlabel(_axis_label(x_name))
        ax.set_ylabel(AXIS_LABELS.get(metric, f"{metric} (molecules)"))
        ax.grid(alpha=0.3)
        if k == 0:
            ax.legend(fontsize=8)
    for k in range(n, nrows * cols):
        axes[k // cols][k % cols].set_visible(False)
    seeds = len(experiment.seeds)
    fig.suptitle(
        f"Cleft experiment '{experiment.name}': preset '{Path(experiment.preset).stem}', "
        f"{experiment.duration_ms:g} ms per run, {seeds} seed(s) per point; mean ± SD over seeds"
    )
    try:
        write_via(Path(path), lambda partial: fig.savefig(partial, format="png", dpi=100))
    finally:
        plt.close(fig)
