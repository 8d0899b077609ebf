"""The command line: one module per command, each with ``add_parser`` and ``run``.

``main.py`` builds the parser from these modules and dispatches to the
chosen one's ``run``. The two modes without a command word add their
options to the top level: :mod:`render.cli.window` (the default, in
``render`` because it opens the window) and :mod:`sim.cli.headless`
(``--headless``). The commands are
:mod:`sim.cli.bench`, :mod:`sim.cli.params`, :mod:`sim.cli.timeline`,
:mod:`sim.cli.sweep` and :mod:`sim.cli.presets`. Options that several of them
take (``--preset``, ``--seed``, ``--set``, ``--csv``, ``--json``,
``--duration-ms``) are declared once, in :mod:`sim.cli.options`; the parser's
rules (one-line errors, exit code 2, options a mode does not read refused)
are in :mod:`sim.cli.parser`.

Nothing here imports pygame or ``render``: the window command and the
frame-cost part of ``bench`` are :mod:`render.cli`'s.
"""
