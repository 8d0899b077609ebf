"""Cleft's view: a pygame-ce window that reads the ``sim`` model and never changes its science.

One-way dependency: ``render`` imports ``sim``; ``sim`` never imports ``render``.
The model only ever advances by whole steps (``Synapse.step()`` / ``run_steps``); everything here reads
its arrays and draws them.

Modules:
    app        the App (puts the rooms together; recordings and workers) and ``run_app``
    playback   the model(s), the fixed-step clock, pause and speed
    screen     window size, layout, colour profile, fonts, cameras; the view keys
    controls   the widgets and the event handler (keys through the table, mouse)
    guide      the guided tour in the window (steps as data in ``tour``)
    course     the treatment course in the window (D, W, K; model in ``treatment``)
    compare    compare mode: a drug-free control beside the drug
    follow     follow one molecule: pick it, its trail, its logged history
    frame      one frame: scenes, read-outs, side panel, bar
    sidepanel  the side panel: live charts, counters, symbol key, treatment panel
    bench      ``frame_bench``: milliseconds per frame at 10k-100k free molecules
    clock      the integer fixed-step accumulator (Fiedler, "Fix Your Timestep!")
    colors     the two colour profiles (default and projector), Okabe-Ito based
    constants  layout sizes, speed and rate choices, timings
    hud        on-screen clock and playback speed, scale bars, messages
    keyhelp    the keyboard help overlay
    keys       the ONE key-bindings table (event handler and help overlay read it)
    labels     structure labels and where they go
    legend     counters and the key to the symbols
    overlay    the mean-field ODE beside the cleft trace, computed off the frame
    panels     caption banner, tour card and highlights, molecule log, treatment panel
    plots      scrolling time plots
    recording  MP4 / GIF recording in a worker thread, written whole or not at all
    scene      the synapse drawing: terminal, vesicles, membranes, sites, molecules
    stamp      drawing many dots into an 8-bit palette layer
    text       the font cache and number formats
    tour       the guided tour's steps, as data
    treatment  the treatment timeline: day counter, one SSRI course, daily signal
    view       the camera: nm <-> pixels with an exaggerated cleft height
    widgets    hand-written slider, stepper and button driven by pygame events
    workers    the window's background worker processes
"""
