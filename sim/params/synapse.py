"""Every model parameter, declared once: name, unit, default, valid range, source.

The defaults here are the ``default`` preset: a *didactic* synapse whose slow processes
(SERT turnover, firing, vesicle recycling, metabolism, receptor unbinding) are compressed,
by factors from ~200 (firing) to ~10^4 (SERT kcat), so that one release and its reuptake
fit into about a millisecond of simulated time. SERT binding is didactic too (kon 2e8
against 1.2e7 /(M s): effective Km (koff + kcat)/kon = 110 uM against 0.17 uM). Diffusion,
the geometry and the receptors' kon are physical. Each didactic field says so in its
``source`` with the physiological value beside it; ``assets/presets/physiological.toml``
restores the science.md values.

The checks, conversion and lookup (``names``, ``spec``, ``check``, ``coerce``,
``describe_range``) are :mod:`sim.params.spec`'s, shared with the tissue model's
:mod:`sim.params.tissue`; this module re-exports them for the synapse's set. Bad values
raise :class:`ParameterError`, whose one-line message names the parameter, the value and
the valid range; the checks across fields are :mod:`sim.params.synapse_checks`'.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import shared
from sim.params.spec import (
    SHORTEN_CHARS,
    ParameterError,
    ParameterSet,
    describe_range,
    param,
    shorten,
)
from sim.params.synapse_checks import check_together

__all__ = ["DIDACTIC", "SHORTEN_CHARS", "ParameterError", "Parameters", "check", "coerce",
           "describe_lines", "describe_range", "names", "param", "shorten", "spec"]  # fmt: skip

DIDACTIC = "didactic"


@dataclass(frozen=True)
class Parameters(ParameterSet):
    """All parameters of the synapse model (units in the field names).

    Instances are immutable and validated on construction; use
    :meth:`with_overrides` to derive a changed copy.

    A declared table, so longer than a class on purpose: the fields' order
    is the order of ``main.py params`` and of every JSON summary, and
    splitting the table over base classes in several files would hide that
    order in the inheritance.
    """

    # --- geometry -----------------------------------------------------------
    cleft_width_nm: float = param(
        20.0,
        "nm",
        5.0,
        500.0,
        "Kandel; BioNumbers 100721, 108451 (typical 20-40 nm)",
        "Distance between the presynaptic and postsynaptic membranes.",
    )
    active_zone_radius_nm: float = param(
        110.0,
        "nm",
        10.0,
        2000.0,
        "Schikorski & Stevens 1997, J Neurosci 17:5858 (0.04 um^2 disc)",
        "Radius of the synaptic disc (active zone facing the PSD); 'the cleft'.",
    )
    terminal_radius_nm: float = param(
        400.0,
        "nm",
        10.0,
        5000.0,
        "assumed: bouton ~0.8 um across",
        "Radius of the presynaptic bouton's face; autoreceptors sit inside it.",
    )
    outer_radius_nm: float = param(
        1000.0,
        "nm",
        20.0,
        5000.0,
        "issue design: extrasynaptic sheet to ~1 um (volume transmission)",
        "Radius of the simulated extracellular sheet around the synapse.",
    )
    edge: str = param(
        "reflecting",
        "",
        None,
        None,
        "model choice: the sheet's surroundings hold SERT-bearing membrane too",
        "Outer edge: 'reflecting' keeps molecules, 'absorbing' counts them lost.",
        choices=("reflecting", "absorbing"),
    )
    tile_nm: float = param(
        10.0,
        "nm",
        1.0,
        100.0,
        "numerical: membrane lattice, at most one site per tile (MCell-style tiles)",
        "Side of a square membrane tile; a site captures molecules hitting its tile.",
    )

    # --- diffusion and time step -------------------------------------------
    diffusion_um2_per_ms: float = shared.DIFFUSION.field("In the cleft, unhindered.")
    dt_ns: float = param(
        10.0,
        "ns",
        0.1,
        1000.0,
        "numerical: step length sqrt(2*D*dt) = 3.3 nm per axis << 20 nm cleft",
        "Fixed simulation time step.",
    )

    # --- vesicles and release ----------------------------------------------
    docked_vesicles: int = shared.DOCKED_VESICLES.field(
        "Docking sites at the active zone.",
        default=10,
        lo=0,
        source="Schikorski & Stevens 1997 (~10 docked)",
    )
    reserve_vesicles: int = param(
        30,
        "vesicles",
        0,
        1000,
        f"{DIDACTIC}: physiological ~200 per bouton (Schikorski & Stevens 1997); "
        "fewer keeps the terminal legible and memory small",
        "Vesicles in the terminal that are not docked.",
    )
    molecules_per_vesicle: int = shared.MOLECULES_PER_VESICLE.field(
        "Also the vesicle's capacity.",
        default=1000,
        hi=100000,
        source=f"{DIDACTIC}: physiological ~4,700 (Bruns & Jahn 1995, unconfirmed); "
        "fewer so single dots stay distinguishable and playback fluid",
    )
    vesicle_radius_nm: float = param(
        20.0,
        "nm",
        5.0,
        100.0,
        "secondary source: small vesicle ~40 nm across",
        "Radius of a vesicle (drawing and placement).",
    )
    release_probability: float = shared.RELEASE_PROBABILITY.field(
        "Before autoreceptor inhibition.",
        default=0.3,
        source=f"{DIDACTIC}: 0.3 x 10 docked = ~3 vesicles per action potential, so one "
        "release is seen; physiological ~0.5-0.7 per varicosity per action potential (the "
        "tissue's calibration to the measured ambient 5-HT gives 0.56: science.md 5)",
    )
    firing_rate_hz: float = shared.FIRING_RATE.field(
        "After the first spike (0: no further spikes).",
        default=500.0,
        hi=10000.0,
        source=f"{DIDACTIC}: physiological 0.5-3 Hz tonic; compressed ~500x with the slow clock",
    )
    firing_pattern: str = param(
        "regular",
        "",
        None,
        None,
        "model choice",
        "Spike train after the first spike: 'regular' or 'poisson'.",
        choices=("regular", "poisson"),
    )
    first_spike_ms: float = param(
        0.0,
        "ms",
        -1.0,
        1.0e6,
        "model choice",
        "Time of the first action potential; negative means none scheduled.",
    )
    dock_time_ms: float = param(
        0.3,
        "ms",
        0.001,
        1.0e6,
        f"{DIDACTIC}: physiological ~1-10 s vesicle recycling (assumed)",
        "Time constant for an empty docking site to receive a vesicle.",
    )
    vmat_rate_per_ms: float = param(
        2.0,
        "1/ms",
        0.0,
        1.0e4,
        f"{DIDACTIC}: VMAT2 Km 0.2 uM (Best, Nijhout & Reed); first-order rate "
        "compressed with the slow clock",
        "Rate at which one cytosolic 5-HT molecule is packed into a vesicle.",
    )
    mao_rate_per_ms: float = param(
        0.5,
        "1/ms",
        0.0,
        1.0e4,
        f"{DIDACTIC}: MAO Km 95 uM (Best, Nijhout & Reed); first-order rate "
        "compressed with the slow clock",
        "Rate at which one cytosolic 5-HT molecule is broken down to 5-HIAA.",
    )
    synthesis_per_ms: float = param(
        200.0,
        "molecules/ms",
        0.0,
        1.0e7,
        f"{DIDACTIC}: TPH2 synthesis; sized to balance MAO loss in the default preset",
        "Molecules synthesised per ms at normal tryptophan.",
    )
    tryptophan_level: float = param(
        1.0,
        "relative",
        0.0,
        5.0,
        "relative to normal diet (1); 0 models acute tryptophan depletion",
        "Substrate available for synthesis; scales synthesis_per_ms.",
    )
    initial_vesicle_fill: float = param(
        1.0,
        "",
        0.0,
        1.0,
        "model choice; < 1 models depleted stores (e.g. after tryptophan depletion)",
        "Fraction of its capacity that each vesicle holds at t = 0.",
    )
    initial_cytosol: int = param(
        0,
        "molecules",
        0,
        10000000,
        "model choice",
        "5-HT molecules in the cytosol at t = 0.",
    )

    # --- postsynaptic receptors --------------------------------------------
    receptor_count: int = param(
        60,
        "sites",
        0,
        100000,
        "assumed: tens of receptors in a ~0.04 um^2 PSD",
        "Receptors on the postsynaptic membrane inside the synaptic disc.",
    )
    receptor_kon_per_M_s: float = param(
        5.0e7,
        "1/(M s)",
        1.0e3,
        1.0e11,
        "science.md: 1e7-1e8 (unconfirmed)",
        "Association rate constant of 5-HT with a receptor.",
    )
    receptor_kd_uM: float = param(
        100.0,
        "uM",
        1.0e-6,
        1.0e6,
        f"{DIDACTIC}: physiological 0.0013 uM (5-HT2A, GtoPdb 6); weaker so a "
        "receptor lets go within ~0.2 ms and occupancy follows the cleft 5-HT",
        "Dissociation constant; koff = kon * Kd.",
    )

    # --- presynaptic autoreceptors (5-HT1B/1D) -----------------------------
    autoreceptor_count: int = param(
        40,
        "sites",
        0,
        100000,
        "assumed",
        "Autoreceptors on the presynaptic membrane of the bouton.",
    )
    autoreceptor_kon_per_M_s: float = param(
        5.0e7,
        "1/(M s)",
        1.0e3,
        1.0e11,
        "science.md: 1e7-1e8 (unconfirmed)",
        "Association rate constant of 5-HT with an autoreceptor.",
    )
    autoreceptor_kd_uM: float = param(
        100.0,
        "uM",
        1.0e-6,
        1.0e6,
        f"{DIDACTIC}: physiological 1-3 nM (5-HT1A/1B, unconfirmed); as receptor_kd_uM",
        "Dissociation constant of the autoreceptor.",
    )
    autoreceptor_gain: float = param(
        0.7,
        "",
        0.0,
        1.0,
        "assumed: strongest possible fractional cut in release probability",
        "Release probability is multiplied by 1 - gain*sensitivity*signal.",
    )
    autoreceptor_sensitivity: float = shared.AUTORECEPTOR_SENSITIVITY.field(
        source="1 = naive; science.md: 60-80% desensitised by day 21 (Le Poul 1995)",
    )
    autoreceptor_tau_ms: float = param(
        0.5,
        "ms",
        0.001,
        1.0e6,
        f"{DIDACTIC}: GPCR signalling integrates over ~seconds; compressed",
        "Time constant of the autoreceptor signal following occupancy.",
    )

    # --- SERT ---------------------------------------------------------------
    sert_count: int = param(
        600,
        "sites",
        0,
        1000000,
        f"{DIDACTIC}: physiological density Vmax*N_A/kcat ~ 10 in this sheet; "
        "more sites so one release does not saturate uptake",
        "Serotonin transporters on the presynaptic membrane.",
    )
    sert_ring_inner_nm: float = param(
        110.0,
        "nm",
        0.0,
        5000.0,
        "perisynaptic SERT (science.md section 1.6)",
        "Inner radius of the SERT ring around the synapse.",
    )
    sert_ring_outer_nm: float = param(
        400.0,
        "nm",
        1.0,
        5000.0,
        "assumed",
        "Outer radius of the SERT ring.",
    )
    sert_ring_fraction: float = param(
        0.8,
        "",
        0.0,
        1.0,
        "assumed: 'mostly in a ring'; the rest along the axon in the sheet",
        "Fraction of SERT in the ring; the rest spread over the whole sheet.",
    )
    sert_kon_per_M_s: float = param(
        2.0e8,
        "1/(M s)",
        1.0e3,
        1.0e11,
        f"{DIDACTIC}: physiological ~1.2e7 (= kcat/Km, Km 0.17 uM, Bunin & "
        "Wightman 1998); raised so one release clears in ~1 ms",
        "Association rate constant of 5-HT with an unblocked, empty SERT.",
    )
    sert_koff_per_ms: float = param(
        2.0,
        "1/ms",
        0.0,
        1.0e6,
        f"{DIDACTIC}: assumed, compressed with the slow clock",
        "Rate at which a bound SERT releases 5-HT back outside.",
    )
    sert_kcat_per_ms: float = param(
        20.0,
        "1/ms",
        0.0,
        1.0e6,
        f"{DIDACTIC}: physiological 0.001-0.005 /ms (kcat 1-5 /s, unconfirmed); compressed",
        "Rate at which a bound SERT carries 5-HT into the cytosol.",
    )
    blockade: float = shared.BLOCKADE.field(
        "Blocked SERT capture nothing.",
        source="science.md: ~0.8 at therapeutic SSRI doses (Meyer et al. 2004)",
    )

    # --- recording ----------------------------------------------------------
    sample_interval_us: float = param(
        1.0,
        "us",
        0.0001,
        1.0e6,
        "numerical",
        "Simulated time between recorder samples (rounded to whole steps).",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        check_together(self)


names = Parameters.names
spec = Parameters.spec
check = Parameters.check
coerce = Parameters.coerce
describe_lines = Parameters.describe_lines
