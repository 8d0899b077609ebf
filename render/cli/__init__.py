"""The command-line modules that open or time the window (they import pygame).

:mod:`render.cli.window` is the default mode (no command word: open the
visualiser, or draw ``--frames``); :mod:`render.cli.bench` is ``main.py
bench``, the simulation's figures of :mod:`sim.cli.bench` and then the frame
cost. Both follow :mod:`sim.cli`'s shape (``add_parser``, ``READS``, ``run``)
and its rules (:mod:`sim.cli.parser`), so ``main.py`` dispatches to them alike;
they live here because ``sim`` never imports ``render``.
"""
