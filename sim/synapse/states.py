"""Molecule states. A molecule's state is one int8 in ``Synapse.state``."""

from __future__ import annotations

VESICLE = 0
FREE = 1
RECEPTOR = 2
AUTORECEPTOR = 3
SERT = 4
CYTOSOL = 5
DEGRADED = 6
LOST = 7

NAMES = ("vesicle", "free", "receptor", "autoreceptor", "sert", "cytosol", "degraded", "lost")
"""State names indexed by state code (used in recorder columns and JSON)."""

ALIVE = (VESICLE, FREE, RECEPTOR, AUTORECEPTOR, SERT, CYTOSOL)
"""States of molecules that still exist as 5-HT in the model."""

SITE_RECEPTOR = 0
SITE_AUTORECEPTOR = 1
SITE_SERT = 2
SITE_KIND_NAMES = ("receptor", "autoreceptor", "sert")
