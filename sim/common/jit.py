"""``njit`` for Cleft's kernels: numba's, with its on-disk cache only where it can be kept.

``@njit(cache=True)`` makes numba keep compiled kernels on disk, beside the
source (``__pycache__``) or in the user's cache folder. With neither
writable (a read-only checkout run with no usable home or cache folder)
numba refuses to compile at all (``RuntimeError: cannot cache function ...:
no locator available``). Here such a kernel is compiled without the cache
instead, and one line on stderr says so, once per run: the numbers are the
same, each start just compiles again (~1 min).

The notice is given once per run, not once per process: worker processes
inherit ``CLEFT_JIT_CACHE_NOTED`` and stay quiet.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

import numba

NOTED = "CLEFT_JIT_CACHE_NOTED"
"""Environment variable set once the notice has been given (children inherit it)."""


def _notice() -> None:
    if os.environ.get(NOTED):
        return
    os.environ[NOTED] = "1"
    sys.stderr.write(
        "cleft: note: no writable folder to cache compiled kernels in (the source folder is "
        "read-only and HOME/XDG_CACHE_HOME give none); running without the cache, so each "
        "start compiles them again\n"
    )
    sys.stderr.flush()


def njit(*args: Any, **options: Any) -> Any:
    """``numba.njit`` with the same arguments; ``cache=True`` falls back to no cache if needed."""
    if args and callable(args[0]):  # bare @njit
        return njit(**options)(args[0])
    if not options.get("cache"):
        return numba.njit(*args, **options)

    def decorate(func: Callable) -> Any:
        try:
            return numba.njit(*args, **options)(func)
        except RuntimeError as exc:
            if "no locator available" not in str(exc):
                raise
        _notice()
        return numba.njit(*args, **{**options, "cache": False})(func)

    return decorate
