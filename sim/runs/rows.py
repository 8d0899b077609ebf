"""A sweep's table on disk: one CSV row per finished run, streamed, checked before ``--resume``.

:class:`RowFile` writes the header (whole: a partial file moved into place,
so a full disk leaves no empty file behind) and then appends each row the
moment its run finishes (one line, flushed), so a sweep stopped by Ctrl-C,
``kill`` or a crash leaves a readable table of the finished runs.

``--resume`` reads the table back by the input rule (:mod:`sim.runs.inputs`)
and checks every row against the run it claims to be (:func:`scan_rows`)
*before* anything is written: the header, the experiment id, the run index,
every input cell (preset, duration, each varied value, seed: the exact text
this experiment writes for that run) and every metric cell (a number or
empty). A file that fails any check is refused with one line and left byte
for byte. Only an accepted file is changed, and only by cutting a partial
last line (a kill in mid-write) and appending rows.

When every run is in, :meth:`RowFile.finish` rewrites the file sorted by run
index (whole file or nothing), so a finished file does not depend on
completion order or on how many times the sweep was resumed.

Floats are written with ``repr`` (shortest text that reads back as the same
float); NaN (no clearance fit) is an empty cell.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.params.synapse import ParameterError, coerce, shorten, spec
from sim.runs.experiment import Experiment
from sim.runs.inputs import InputMissing, read_text, shown_name
from sim.runs.outputs import OutputError, atomic_output

MAX_RESUME_BYTES = 256 * 2**20
"""Largest CSV ``--resume`` reads, bytes (100,000 runs of ~300 bytes are ~30 MB)."""


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    return str(value)


def csv_line(cells: Sequence[Any]) -> str:
    """One CSV line (with its newline) of the cells, floats by ``repr``, NaN empty."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([_cell(c) for c in cells])
    return buf.getvalue()


@dataclass
class Scan:
    """What ``--resume`` found in an accepted file.

    Attributes:
        lines: run index -> its CSV line (with the newline).
        keep_bytes: length of the whole lines, bytes, when a partial last
            line follows them (None: the file ends with a newline).
    """

    lines: dict[int, str]
    keep_bytes: int | None = None


def _expected_inputs(experiment: Experiment, preset_name: str) -> list[list[str]]:
    """For each run, the cells its row must start with (run .. seed), as this sweep writes them."""
    out = []
    for job in experiment.jobs():
        cells = [job["run"], job["experiment_id"], preset_name, float(job["duration_ms"])]
        cells += [job["inputs"][n] for n in experiment.varied_names] + [int(job["seed"])]
        out.append([_cell(c) for c in cells])
    return out


def _metric_ok(text: str) -> bool:
    if text == "":
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


def scan_rows(path: Path, experiment: Experiment, resume: bool, preset_name: str) -> Scan:
    """The finished rows already in ``path``, every one checked; the file is only read.

    An absent or empty file has none. Without ``resume`` an existing file is
    refused, so finished rows are never overwritten by mistake.

    Args:
        path: the ``--out`` CSV.
        experiment: whose rows they must be.
        resume: ``--resume`` was given.
        preset_name: the ``preset`` cell this experiment writes (the preset's name).

    Raises:
        ParameterError: the file exists without ``resume``; it breaks the input
            rule; or its header, a row's id, run index, input cells or metric
            cells are not this experiment's (one line; the file is untouched).
    """
    path = Path(path)
    name = shown_name(path)
    if not os.path.lexists(path) or (path.is_file() and path.stat().st_size == 0):
        return Scan({})
    if not resume:
        raise ParameterError(
            f"--out {name} exists; add --resume to complete it, or choose another --out"
        )
    try:
        text = read_text(path, f"--resume: {name}", MAX_RESUME_BYTES)
    except InputMissing:
        return Scan({})
    keep = None
    if not text.endswith("\n"):  # a kill in mid-write: the last line is partial
        whole = text[: text.rfind("\n") + 1]
        keep, text = len(whole.encode("utf-8")), whole
    lines = text.splitlines(keepends=True)
    header = experiment.header
    if not lines or lines[0] != csv_line(header):
        raise ParameterError(
            f"--resume: {name} has other columns than this experiment; use a new --out"
        )
    expected = _expected_inputs(experiment, preset_name)
    n_inputs = len(expected[0]) if expected else 0
    found: dict[int, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        where = f"--resume: {name} line {number}"
        cells = next(csv.reader([line]))
        if len(cells) != len(header):
            raise ParameterError(f"{where} is malformed; use a new --out")
        if cells[1] != experiment.experiment_id:
            raise ParameterError(
                f"--resume: {name} holds rows of experiment {shorten(cells[1])}, not of this "
                f"one ({experiment.experiment_id}); use a new --out"
            )
        run = int(cells[0]) if cells[0].isdigit() else -1
        if not 0 <= run < experiment.n_runs:
            raise ParameterError(f"{where} has no valid run index; use a new --out")
        bad = [header[i] for i in range(n_inputs) if cells[i] != expected[run][i]]
        if bad:
            raise ParameterError(
                f"{where}: {bad[0]} = {shorten(cells[header.index(bad[0])])} is not run {run}'s "
                f"({expected[run][header.index(bad[0])]}); use a new --out"
            )
        wrong = [
            k for k, c in zip(header[n_inputs:], cells[n_inputs:], strict=True) if not _metric_ok(c)
        ]
        if wrong:
            shown = shorten(cells[header.index(wrong[0])])
            raise ParameterError(f"{where}: {wrong[0]} = {shown} is not a number; use a new --out")
        if run in found and found[run] != line:
            raise ParameterError(f"{where}: run {run} is in the file twice, differently")
        found[run] = line
    return Scan(found, keep)


class RowFile:
    """The output CSV of an experiment, written row by row as runs finish.

    Args:
        path: the CSV (checked by :func:`sim.runs.outputs.check_outputs` beforehand).
        experiment: whose rows these are.
        scan: what :func:`scan_rows` accepted (empty: a new file is started).

    Raises:
        OutputError: the header could not be written (nothing is left behind).
    """

    def __init__(self, path: Path, experiment: Experiment, scan: Scan) -> None:
        self.path = Path(path)
        self.header = experiment.header
        self._header_line = csv_line(self.header)
        self.lines = dict(scan.lines)
        self.added = 0
        """Rows appended by this run."""
        self.created = not scan.lines
        """This run wrote the file (it held no rows before)."""
        try:
            if self.created:
                with atomic_output(self.path, "w", newline="") as fh:
                    fh.write(self._header_line)
            elif scan.keep_bytes is not None:
                os.truncate(self.path, scan.keep_bytes)
            self._fh = self.path.open("a", encoding="utf-8", newline="")
        except OSError as exc:
            raise OutputError(f"--out {self._name}: cannot write it ({_reason(exc)})") from None

    @property
    def _name(self) -> str:
        return shown_name(self.path)

    @property
    def done(self) -> set[int]:
        """Run indices already in the file."""
        return set(self.lines)

    def append(self, row: dict[str, Any]) -> None:
        """Write one finished row and flush it to the operating system.

        Raises:
            OutputError: the write failed (full disk, vanished folder); the
                rows written before stay, ``--resume`` completes the file.
        """
        line = csv_line([row[k] for k in self.header])
        try:
            self._fh.write(line)
            self._fh.flush()
        except OSError as exc:
            raise OutputError(
                f"--out {self._name}: cannot write a row ({_reason(exc)}); "
                f"{len(self.lines)} finished run(s) are kept: add --resume to complete it"
            ) from None
        self.lines.setdefault(int(row["run"]), line)
        self.added += 1

    def close(self) -> None:
        """Close the file (the rows stay as written); a file of this run with no row is removed."""
        if not self._fh.closed:
            try:
                self._fh.close()
            except OSError:
                pass
        if self.created and not self.lines:
            try:
                os.unlink(self.path)
            except OSError:
                pass

    def finish(self) -> None:
        """Close and rewrite the file sorted by run index (whole file or nothing).

        Raises:
            OutputError: the rewrite failed; the file keeps every row, unsorted.
        """
        self.close()
        try:
            with atomic_output(self.path, "w", newline="") as fh:
                fh.write(self._header_line)
                for run in sorted(self.lines):
                    fh.write(self.lines[run])
        except OSError as exc:
            raise OutputError(
                f"--out {self._name}: every run is in, but sorting the rows failed "
                f"({_reason(exc)}); the file holds them in completion order"
            ) from None


def _reason(exc: OSError) -> str:
    return exc.strerror or " ".join(str(exc).split()) or type(exc).__name__


def read_rows(path: str | os.PathLike, experiment: Experiment) -> list[dict[str, Any]]:
    """The rows of ``experiment`` in a CSV it wrote, typed (ints, floats, NaN for empty)."""
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            row: dict[str, Any] = {}
            for key in experiment.header:
                text = rec[key]
                if key in ("run", "seed"):
                    row[key] = int(text)
                elif key in ("experiment_id", "preset"):
                    row[key] = text
                elif key == "duration_ms":
                    row[key] = float(text)
                elif key in experiment.varied_names:
                    is_text = spec(key)["type"] in (str, "str")
                    row[key] = text if is_text else coerce(key, float(text))
                else:
                    row[key] = math.nan if text == "" else float(text)
            rows.append(row)
    return rows
