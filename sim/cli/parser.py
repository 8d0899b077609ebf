"""The parser's rules: one-line errors with exit code 2, and no option silently dropped.

Every user error of the command line ends as one line on stderr and exit
code 2 (:func:`fail`). :class:`CleftArgumentParser` never abbreviates
options and reads ``-4`` or ``-inf`` as values; :func:`track_given` records
every option the user typed, so :func:`refuse_unread` can refuse the
top-level options the chosen mode does not read.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import Any, NoReturn

EXIT_USAGE = 2
"""Exit code of every user error."""

MESSAGE_TOKEN_CHARS = 200
"""Longest unbroken run of characters an error message quotes whole (longer ones are cut)."""

_NUMBER = re.compile(r"^-(?:[0-9.]|inf|nan)", re.IGNORECASE)
"""What argparse must read as a value, not an option: anything starting with a minus sign
and then a digit, a point, inf or nan (-4, -1e5, -.5, -inf, -0.5:1:0.1); no option looks so."""

Given = dict[tuple[str, str], str]
"""Options the user typed: ``(parser prog, dest) -> option string as typed``."""


def one_line(message: str) -> str:
    """``message`` on one line with every long unbroken run of characters shortened."""
    text = " ".join(str(message).split())
    half = (MESSAGE_TOKEN_CHARS - 5) // 2

    def cut(m: re.Match) -> str:
        tok = m.group(0)
        return f"{tok[:half]}…{tok[-half:]} ({len(tok)} characters)"

    return re.sub(rf"\S{{{MESSAGE_TOKEN_CHARS + 1},}}", cut, text)


def fail(message: str) -> NoReturn:
    """Print ``message`` as one line on stderr and exit with code 2."""
    sys.stderr.write(f"cleft: error: {one_line(message)}\n")
    raise SystemExit(EXIT_USAGE)


class CleftArgumentParser(argparse.ArgumentParser):
    """argparse that reports errors in one line and exits with code 2.

    Construction rules (for every parser and subparser): no abbreviations
    (``allow_abbrev=False``: ``sweep --seed 3`` is not ``--seeds 3``); values
    that look like negative numbers (``-4``, ``-1e5``, ``-inf``) are values,
    not options; every option the user gives is recorded in :attr:`given`
    (shared by a parser and its subparsers), so modes can refuse options
    they do not read instead of dropping them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        self.given: Given = {}
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = _NUMBER

    def parse_known_args(self, args=None, namespace=None):  # noqa: D102 (argparse's)
        self._argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        """Print ``message`` in one line and exit 2 (no usage block).

        "invalid choice" for the command often means an unknown option swallowed
        nothing and its value was taken for a command (``--dur 1``): the unknown
        option is named instead.
        """
        if "invalid choice" in message:
            unknown = [
                t.split("=", 1)[0]
                for t in getattr(self, "_argv", [])
                if t.startswith("--") and t.split("=", 1)[0] not in self._all_options()
            ]
            if unknown:
                message = f"unrecognized option {unknown[0]} (options are never abbreviated)"
        sys.stderr.write(f"{self.prog}: error: {one_line(message)}\n")
        raise SystemExit(EXIT_USAGE)

    def _all_options(self) -> set[str]:
        found: set[str] = set()
        for action in self._actions:
            found.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    found.update(sub._all_options())
        return found


_TRACKED: dict[type, type] = {}


def track_given(parser: CleftArgumentParser, given: Given) -> None:
    """Make every option of ``parser`` (and its subparsers) record itself in ``given`` when used.

    ``given[(parser prog, dest)] = option string as typed``.
    """
    parser.given = given
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                track_given(sub, given)
            continue
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        base = type(action)
        if base not in _TRACKED:

            def call(self, p, namespace, values, option_string=None, _base=base):
                self._cleft_given.setdefault((p.prog, self.dest), option_string or self.dest)
                _base.__call__(self, p, namespace, values, option_string)

            _TRACKED[base] = type(f"Tracked{base.__name__}", (base,), {"__call__": call})
        action.__class__ = _TRACKED[base]
        action._cleft_given = given


def refuse_unread(
    given: Given, prog: str, command: str | None, headless: bool, reads: frozenset[str]
) -> None:
    """Refuse top-level options the chosen mode does not read, and options given twice (exit 2).

    Args:
        given: the options the user typed (:func:`track_given`).
        prog: the top-level parser's name.
        command: the command word, None for the window or a ``--headless`` run.
        headless: a ``--headless`` run (without a command).
        reads: the top-level options (by dest) the chosen mode reads.
    """
    top = {dest: opt for (where, dest), opt in given.items() if where == prog}
    for dest, opt in top.items():
        if dest in reads:
            continue
        if command is not None:
            fail(f"{opt} does not apply to '{command}'; give the command's own options after it")
        if headless:
            fail(f"{opt} does not apply to --headless runs (it is a window option)")
        fail(f"{opt} applies only to --headless runs (add --headless)")
    for dest in ("preset", "set"):
        if dest in top and (f"{prog} {command}", dest) in given:
            fail(f"{top[dest]} given both before and after '{command}'; give it once")
