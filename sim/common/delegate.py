"""An attribute one object shows on behalf of one of its parts.

The synapse keeps its public attributes (``state``, ``spike_log``,
``autoreceptor_signal``, ...) where the readers and tests expect them while
each process owns the state itself: ``state = Via("molecules")`` reads and
writes ``self.molecules.state``.
"""

from __future__ import annotations

from typing import Any


class Via:
    """Data descriptor: ``owner.<name>`` is ``owner.<part>.<name>`` (read and write).

    Args:
        part: attribute of the owner that holds the value.
    """

    def __init__(self, part: str) -> None:
        self.part = part
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return getattr(getattr(obj, self.part), self.name)

    def __set__(self, obj: Any, value: Any) -> None:
        setattr(getattr(obj, self.part), self.name, value)
