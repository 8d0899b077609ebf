"""Cleft's view: a pygame-ce window that reads the ``sim`` model and never changes its science.

One-way dependency: ``render`` imports ``sim``; ``sim`` never imports ``render``.
The model only ever advances by whole steps (``Synapse.step()`` / ``run_steps``);
everything here reads its arrays and draws them. Layers only point down:
``common`` imports nothing above it; ``synapse`` imports ``common``;
``lecture`` and ``tissue`` import ``common`` and ``synapse``; ``media``
imports ``common`` (its soak benchmark runs the whole window, imported inside
the function that runs it); the modules at the top compose them. Rooms get the collaborators they use (never
the App); where a collaborator sits above a room's layer, the room types it
with a Protocol of its own.

Top level (the window put together):
    app           App: builds and wires the rooms; the one action table (action name -> method)
    window        run_app: checks the options, opens the display, the frame loop
    screen        window size, layout, colour profile, fonts, cameras; the view keys
    controls      the widgets and the event handler (keys through the action table, mouse)
    frame         one frame: scenes, read-outs, labels, side panel, bar, card, overlays
    sidepanel     the side panel: big numbers, live charts, symbol key (and the course strip)
    quit          Esc: close the help, end the tour, or quit (asking once more if work would end)
    startup       the first start: progress while the kernels compile
    display       choosing the display: a clear refusal, a hidden window, a quiet start
    frame_bench   milliseconds per frame at 10k-100k free molecules

cli/ (the command-line modules that need the window; main.py dispatches to them):
    window        the default mode: open the visualiser, or draw --frames
    bench         main.py bench: sim.cli.bench's figures, then the frame cost

common/ (no room of its own; shared by all):
    banner        the caption banner: boxed title, wrapped text, footer
    colors        the two colour profiles (default and projector), Okabe-Ito based
    constants     layout sizes, speed and rate choices, timings
    keyhelp       the keyboard help overlay, from the key table
    keys          the ONE key-bindings table (event handler and help overlay read it)
    legend        the key to the symbols
    messages      the message line: one short message at a time
    plots         scrolling time plots
    splat         many molecule dots drawn by one compiled kernel
    stamp         many dots into an 8-bit palette layer (surfaces that are not 32-bit)
    text          the font cache and number formats
    widgets       hand-written button, slider and stepper; the window's widget rows
    workers       the window's background worker processes

synapse/ (the synapse on screen):
    playback      the model(s), the fixed-step clock, pause, speed, firing
    records       what a window model's recorder keeps (flat memory)
    pipeline      the one step pipeline: a frame's batch of steps, decided, run, shown
    pace          the step budget's estimates and the pace achieved
    shown         what a frame shows happening: fusion flashes, SERT captures, AP glow
    event_pause   pause-on-event (E): the next fusion or first receptor bound
    clock         the integer fixed-step accumulator (Fiedler, "Fix Your Timestep!")
    warp          time-warp: slow motion at each release, fast through clearance
    compare       compare mode: the switch, and the control stepped in lockstep
    scene         the synapse drawing: cells, terminal, membranes, vesicles, sites
    glyphs        the site sprites, one per kind and state
    molecules     every 5-HT molecule's dot, free and in the terminal
    view          the camera: nm <-> pixels with an exaggerated cleft height
    hud           the clock and playback speed, scale bars, messages over the scene
    labels        structure labels and where they go
    info          the details for the curious (X)

lecture/ (what a lecture adds):
    scenario      the preset or treatment day on screen, its caption, every rebuild
    guide         the guided tour in the window (steps as data in ``tour``)
    tour          the guided tour's steps, as data
    course        the treatment timeline's keys (D, W, K) and the tour's courses
    treatment     the treatment timeline: day counter, one SSRI course
    prescription  what K starts: a drug, a daily dose, a taper
    day_runs      the treatment chart's daily signal, in background processes, cached
    treatment_chart  the treatment chart, in its strip below the scene during a course
    follow        follow one molecule: pick it, its trail, its logged history
    overlay       the mean-field ODE beside the cleft trace, computed off the frame (O)
    panels        tour highlights, capture flashes, the followed molecule's trail and story

tissue/ (the tissue scale, M):
    mode          the tissue view's switch, selection, zoom and the slider's target
    clock         its real-time clock and the pace measured when the CPU falls short
    screen        its layout and drawing (scale line, card, messages, slider, help)
    view          the tissue slice, fibres and varicosities
    panel         its text panel: clock, ambient 5-HT, drug, firing, trace
    trace         the ambient 5-HT trace
    cards         the cards that say the scale changed

media/ (what the window saves and measures):
    saves         S and V: screenshots and recordings of the window
    recording     a recording in a worker thread, written whole or not at all
    encoders      the MP4 (ffmpeg) and GIF (Pillow) encoders
    stats         a window run's diagnostics (--stats)
    soak          the soak benchmark: the real window for many minutes
"""
