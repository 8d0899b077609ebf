"""Cleft's view: a pygame-ce window that reads the ``sim`` model and never changes its science.

One-way dependency: ``render`` imports ``sim``; ``sim`` never imports ``render``.
The model only ever advances through ``Synapse.step()``; everything here reads
its arrays and draws them.

Modules:
    app       the App (event handling, fixed-step loop, drawing) and ``run_app``
    bench     ``frame_bench``: milliseconds per frame at 10k-100k free molecules
    clock     the integer fixed-step accumulator (Fiedler, "Fix Your Timestep!")
    colors    the two colour profiles (default and projector), Okabe-Ito based
    constants layout sizes, speed and rate choices, timings
    follow    follow one molecule: pick it, its trail, its logged history
    hud       text cache, on-screen clock, scale bars, plots, counters, legend, help
    keys      the ONE key-bindings table (event handler and help overlay read it)
    overlay   the mean-field ODE beside the cleft trace, computed off the frame
    panels    caption banner, tour card and highlights, molecule log, treatment panel
    recording MP4 / GIF recording in a worker thread, written whole or not at all
    scene     the synapse drawing: terminal, vesicles, membranes, sites, molecules
    stamp     numpy stamping of many dots into an 8-bit palette layer
    tour      the guided tour's steps, as data
    treatment the treatment timeline: day counter, one SSRI course, daily signal
    view      the camera: nm <-> pixels with an exaggerated cleft height
    widgets   hand-written slider, stepper and button driven by pygame events
"""
