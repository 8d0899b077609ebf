"""The tissue view's own clicks and keys, as the help overlay lists them.

They are not in :data:`render.common.keys.BINDINGS` because they act only while the
tissue view is shown and need the pointer or the selection
(:meth:`render.tissue.mode.TissueMode.handle_event` reads them);
:func:`render.common.keyhelp.draw_help` lists them in a section of their own.
"""

from __future__ import annotations

TISSUE_GROUP = "Tissue view"
"""The help overlay's heading for these rows."""

TISSUE_HELP: tuple[tuple[str, str], ...] = (
    ("Click", "on a varicosity: zoom onto its synapse"),
    ("Tab / Shift+Tab", "select the next / previous varicosity"),
    ("Enter", "zoom onto the selected varicosity's synapse"),
    ("M", "from the synapse back out to the tissue (its clock continues)"),
)
"""(keys, what they do) in the tissue view."""
