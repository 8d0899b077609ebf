"""The guided tour: its steps as data (T starts it, N goes on, B goes back).

Each step is a dict:

``title``
    heading of the tour card.
``text``
    two or three plain sentences.
``preset``
    preset to load (same seed); ``overrides`` optional parameter changes.
``blockade``
    SSRI blockade (fraction of SERT) to set after loading, or None.
``compare``
    show the drug-free control beside it (split screen).
``view``
    ``{"mode": "fit"}`` (whole synapse), ``{"mode": "cleft"}`` (the cleft at
    true scale) or ``{"mode": "focus", "x_nm": .., "z_nm": .., "zoom": ..}``
    (centre on a point, ``zoom`` times the overview scale).
``highlight``
    structure to outline and name: ``vesicles``, ``docked``, ``cleft``,
    ``receptors``, ``sert``, ``blocked``, ``autoreceptors`` or None.
``speed``
    base playback speed, simulated us per second on screen (time-warp scales to it).
``warp``
    time-warp on (default) or the fixed ``speed``.
``events``
    ``[(screen seconds after the step starts, action), ...]``: what the step
    makes happen while its card is up; actions are ``fire`` (an action
    potential now). R replays the step from its start.
``tissue``
    show the tissue scale (:mod:`render.tissue.mode`, key M) instead of the
    synapse; ``blockade`` then acts on the tissue. Default False.
``course``
    a treatment step: ``{"occupancy", "start", "stop", "day", "days"}`` opens
    the timeline on ``preset`` with one course (SSRI at ``occupancy`` of
    SERT from day ``start``, stopped on ``stop`` or never if None), shows
    ``day`` and asks for the measurement of each of ``days`` (the chart's
    week-by-week series, with drug-free day 0 as its reference).

The science of each sentence is in ``/work/shared/science.md`` section 1;
numbers on screen come from the model, not from here.
"""

from __future__ import annotations

from typing import Any

HIGHLIGHTS = ("vesicles", "docked", "cleft", "receptors", "sert", "blocked", "autoreceptors")
"""Structures a tour step can outline."""

STEPS: list[dict[str, Any]] = [
    {
        "title": "Storage",
        "text": (
            "Serotonin (5-HT) is made inside the presynaptic terminal from the amino acid "
            "tryptophan and packed into vesicles by the transporter VMAT2. Each circle is a "
            "vesicle; its coloured fill shows how much 5-HT it holds. Vesicles with a bold rim "
            "are docked at the membrane, ready to release."
        ),
        "preset": "single-release",
        "overrides": {"first_spike_ms": -1.0},
        "blockade": None,
        "compare": False,
        "view": {"mode": "focus", "x_nm": 0.0, "z_nm": -190.0, "zoom": 1.7},
        "highlight": "vesicles",
        "speed": 200.0,
    },
    {
        "title": "Release",
        "text": (
            "An action potential arrives. Each docked vesicle fuses with the membrane with a "
            "probability of about 0.3 and empties its 5-HT into the cleft (the expanding rings). "
            "The clock slows down so the release can be watched; R shows it again."
        ),
        "preset": "default",
        "overrides": {"first_spike_ms": -1.0, "firing_rate_hz": 0.0},
        "blockade": None,
        "compare": False,
        "view": {"mode": "focus", "x_nm": 0.0, "z_nm": -40.0, "zoom": 2.4},
        "highlight": "docked",
        "speed": 200.0,
        "events": [(1.5, "fire")],
    },
    {
        "title": "Crossing the cleft",
        "text": (
            "The cleft is only 20 nm wide; here it is drawn at true scale. Each molecule jiggles "
            "at random (Brownian motion) and reaches the far side in about a microsecond: "
            "nothing pulls it across."
        ),
        "preset": "default",
        "overrides": {"first_spike_ms": -1.0, "firing_rate_hz": 0.0},
        "blockade": None,
        "compare": False,
        "view": {"mode": "cleft"},
        "highlight": "cleft",
        "speed": 40.0,
        "events": [(1.0, "fire")],
    },
    {
        "title": "Receptor binding",
        "text": (
            "On the far side 5-HT binds receptors for a moment and lets go again. A filled green "
            "cup is a bound receptor. The lower chart on the right counts them: that is the "
            "signal the next cell receives."
        ),
        "preset": "default",
        "overrides": {"first_spike_ms": -1.0, "firing_rate_hz": 0.0},
        "blockade": None,
        "compare": False,
        "view": {"mode": "focus", "x_nm": 0.0, "z_nm": 14.0, "zoom": 5.0},
        "highlight": "receptors",
        "speed": 200.0,
        "events": [(1.0, "fire")],
    },
    {
        "title": "Reuptake",
        "text": (
            "Transporters (SERT, blue bars), mostly in a ring around the synapse, catch 5-HT and "
            "carry it back into the terminal, where it is packed again or broken down by MAO. "
            "Here a release is cleared within about a millisecond (the slow steps run about "
            "1000 times faster than in the brain)."
        ),
        "preset": "healthy",
        "overrides": {"first_spike_ms": -1.0, "firing_rate_hz": 0.0},
        "blockade": None,
        "compare": False,
        "view": {"mode": "fit"},
        "highlight": "sert",
        "speed": 200.0,
        "events": [(1.0, "fire")],
    },
    {
        "title": "The SSRI block",
        "text": (
            "An SSRI (for example citalopram or sertraline) sits in the transporter and blocks "
            "it. At usual doses about 80% of SERT is occupied: the pink diamonds. A blocked "
            "transporter catches nothing."
        ),
        "preset": "healthy",
        "overrides": {"first_spike_ms": -1.0, "firing_rate_hz": 0.0},
        "blockade": 0.8,
        "compare": False,
        "view": {"mode": "focus", "x_nm": 250.0, "z_nm": 0.0, "zoom": 3.5},
        "highlight": "blocked",
        "speed": 200.0,
        "events": [(1.0, "fire")],
    },
    {
        "title": "Lingering 5-HT",
        "text": (
            "Left: no drug. Right: 80% of SERT blocked. Both start from the same seed and get the "
            "same action potentials. With fewer working transporters 5-HT stays longer and "
            "more receptors are bound: watch the two traces part in the charts."
        ),
        "preset": "healthy",
        "overrides": {},
        "blockade": 0.8,
        "compare": True,
        "view": {"mode": "fit"},
        "highlight": "cleft",
        "speed": 200.0,
    },
    {
        "title": "Autoreceptors",
        "text": (
            "Autoreceptors on the terminal (orange cups, ringed here) sense the extra 5-HT and hold "
            "back release; in the brainstem, similar receptors slow firing. So on the first day "
            "of an SSRI the gain in signalling is blunted."
        ),
        "preset": "acute-ssri",
        "overrides": {},
        "blockade": None,
        "compare": False,
        "view": {"mode": "focus", "x_nm": -150.0, "z_nm": 0.0, "zoom": 4.0},
        "highlight": "autoreceptors",
        "speed": 200.0,
    },
    {
        "title": "Beyond the synapse",
        "text": (
            "Most serotonin varicosities release into the space between cells, with no "
            "synapse facing them: this is a cube of brain tissue 20 micrometres wide, in real "
            "time. SERT takes each release back within about a second, keeping an ambient "
            "level of a few tens of nanomolar. Drag the SSRI slider: the level rises, but less "
            "than blocking uptake alone would give, as 5-HT1B autoreceptors turn release down. "
            "Click a varicosity (or press Enter) to zoom onto a synapse; M comes back out."
        ),
        "preset": "healthy",
        "overrides": {},
        "blockade": None,
        "compare": False,
        "view": {"mode": "fit"},
        "highlight": None,
        "speed": 200.0,
        "tissue": True,
    },
    {
        "title": "The weeks-long delay",
        "text": (
            "Over 2-3 weeks on the drug the autoreceptors desensitise (60-80% in animal "
            "studies): release is no longer held back and signalling rises above day one. "
            "The chart shows it week by week against the same synapse before the drug. "
            "This is the textbook account of why SSRIs take weeks (the slower rates are model "
            "assumptions)."
        ),
        "preset": "healthy",
        "overrides": {},
        "blockade": None,
        "compare": False,
        "view": {"mode": "fit"},
        "highlight": "autoreceptors",
        "speed": 200.0,
        "course": {"occupancy": 0.8, "start": 0, "stop": None, "day": 21, "days": [1, 7, 14, 21]},
    },
    {
        "title": "Discontinuation",
        "text": (
            "Stopping suddenly removes the block overnight and SERT clears 5-HT fast again: "
            "signalling falls from its level on the drug. The autoreceptors recover within "
            "days, but receptors turned down over the weeks recover more slowly, so for weeks "
            "signalling stays below the level before the drug. That receptor change is one "
            "hypothesis for discontinuation symptoms (assumed here)."
        ),
        "preset": "healthy",
        "overrides": {},
        "blockade": None,
        "compare": False,
        "view": {"mode": "focus", "x_nm": 0.0, "z_nm": 10.0, "zoom": 2.0},
        "highlight": "receptors",
        "speed": 200.0,
        "course": {
            "occupancy": 0.8,
            "start": 0,
            "stop": 28,
            "day": 35,
            "days": [1, 7, 14, 21, 27, 29, 35, 42],
        },
    },
    {
        "title": "A mechanism, not a cause",
        "text": (
            "Whether low serotonin causes depression is contested: a 2022 umbrella review found "
            "no consistent evidence of low serotonin in people with depression. This program "
            "shows how an SSRI changes a synapse: a mechanism, not the cause of depression. "
            "Press T to end the tour."
        ),
        "preset": "healthy",
        "overrides": {},
        "blockade": None,
        "compare": False,
        "view": {"mode": "fit"},
        "highlight": None,
        "speed": 200.0,
    },
]
"""The tour, in order."""
