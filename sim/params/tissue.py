"""Every parameter of the tissue model, declared once: name, unit, default, valid range, source.

The tissue model (:mod:`sim.tissue.model`) is a cube of homogenised neuropil in
physiological units (um, ms, nM); nothing here is didactic. Each field says
where its value comes from: a publication (science.md sections 2 and 5), an
*assumed* value to revisit, a *numerical* choice, or *calibrated: <target>*.

Declared and checked by the same machinery as the synapse's parameters
(:mod:`sim.params.spec`), which also knows on/off switches such as
``autoreceptor_feedback``. Bad values raise :class:`sim.params.synapse.ParameterError`
with a one-line message.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import shared
from sim.params.spec import ParameterSet, param

AMBIENT_RANGE_NM = (50.0, 65.0)
"""Measured ambient extracellular 5-HT, nM (Abdalla et al. 2017, Anal Chem 89:9703)."""


@dataclass(frozen=True)
class TissueParameters(ParameterSet):
    """All parameters of the tissue model (units in the field names).

    Immutable and validated on construction; :meth:`with_overrides` derives a
    changed copy.
    """

    _KIND = "tissue parameter"

    # --- the volume ----------------------------------------------------------
    cube_um: float = param(
        20.0,
        "um",
        4.0,
        100.0,
        "model choice: a representative volume of bulk neuropil with periodic faces "
        "(~46 varicosities, ~58,000 free 5-HT at the ambient level)",
        "Side of the simulated cube of tissue; its faces are periodic.",
    )
    grid_um: float = param(
        2.0,
        "um",
        0.25,
        25.0,
        "numerical: a release plume outgrows a 2 um voxel in ~3 ms (L^2/6D*), when "
        "<1% of it has been taken up; coarse enough for ~58 molecules per voxel",
        "Voxel side of the concentration grid (local uptake, autoreceptors, the map); "
        "rounded so that a whole number of voxels fills the cube.",
    )
    volume_fraction: float = param(
        0.2,
        "",
        0.05,
        1.0,
        "Nicholson & Sykova 1998, TINS 21:207 (alpha)",
        "Extracellular volume fraction alpha: C = n / (alpha * V * 602.2) uM.",
    )
    tortuosity: float = param(
        1.6,
        "",
        1.0,
        3.0,
        "Nicholson & Sykova 1998, TINS 21:207 (lambda)",
        "Extracellular tortuosity lambda: effective diffusion D* = D / lambda^2.",
    )
    diffusion_um2_per_ms: float = shared.DIFFUSION.field(
        "In tissue D* = D / tortuosity^2 (0.21 um^2/ms)."
    )
    dt_ms: float = param(
        2.0,
        "ms",
        0.01,
        10.0,
        "numerical: a free Gaussian step is exact at any length (no walls); uptake per "
        "step is an exact exponential (p < 0.6% at 2 ms); a 2 ms step spreads a fresh "
        "plume 0.9 um per axis, inside its 2 um voxel, so local saturation is resolved",
        "Fixed time step.",
    )

    # --- varicosities, fibres and release -------------------------------------
    varicosity_density_per_um3: float = param(
        5.8e-3,
        "1/um^3",
        0.0,
        0.1,
        "Audet, Doucet, Oleskevich & Descarries 1989, J Chem Neuroanat 2:29 "
        "(5.8 million per mm^3 in rat cortex; 4.4-7.1 by region)",
        "5-HT varicosities per um^3 of tissue (the count is rounded to a whole number).",
    )
    varicosities_per_fibre: int = param(
        4,
        "varicosities",
        1,
        1000,
        "assumed: 5-HT axons are beaded every few um (a fibre crossing the cube carries a "
        "few); one action potential invades every varicosity of its fibre",
        "Varicosities on each fibre (axon) drawn through the cube.",
    )
    firing_rate_hz: float = shared.FIRING_RATE.field(
        "Tonic, of every fibre.",
        default=1.0,
        hi=50.0,
        source="science.md section 1.2: 0.5-3 Hz tonic; regular (pacemaker-like), "
        "random phase per fibre",
    )
    molecules_per_vesicle: int = shared.MOLECULES_PER_VESICLE.field(
        default=4700,
        hi=1_000_000,
        source="Bruns & Jahn 1995, Nature 377:62 (~4,700; unconfirmed)",
    )
    docked_vesicles: int = shared.DOCKED_VESICLES.field(
        "Per varicosity; each fuses with the release probability per action potential "
        "(refilled at once: 0.6 fusions/s against ~200 vesicles).",
        default=10,
        lo=1,
        source="assumed as at the synapse: Schikorski & Stevens 1997 (~10 docked)",
    )
    release_probability: float = shared.RELEASE_PROBABILITY.field(
        "With the autoreceptors free; the autoreceptors lower it (0.056 at the ambient level).",
        default=0.1769,
        source="calibrated: ambient 57.5 nM (middle of the measured 50-65 nM, Abdalla et al. "
        "2017) at 1 Hz with feedback on; mean-field 0.1769 "
        "(sim.tissue.theory.calibrated_release_probability)",
    )

    # --- uptake -------------------------------------------------------------
    sert_km_uM: float = param(
        0.17,
        "uM",
        0.001,
        100.0,
        "Bunin & Wightman 1998, J Neurosci 18:4854",
        "SERT Michaelis constant Km (extracellular concentration).",
    )
    sert_vmax_uM_per_s: float = param(
        0.5,
        "uM/s",
        0.0,
        100.0,
        "Bunin & Wightman 1998 (~0.5 uM/s; region dependent, unconfirmed); 0 turns uptake off",
        "SERT maximal uptake rate Vmax, in extracellular concentration per second.",
    )
    blockade: float = shared.BLOCKADE.field(
        "Counted with no 5-HT about: the drug competes with 5-HT, so the apparent Km "
        "becomes Km / (1 - f) (at C << Km the capacity Vmax/Km drops by f).",
        source="input: SSRI occupancy; ~0.8 at therapeutic doses (Meyer et al. 2004); "
        "competitive at the substrate site (Andersen et al. 2010, J Biol Chem 285:2051)",
    )

    # --- terminal 5-HT1B autoreceptors ----------------------------------------
    autoreceptor_feedback: bool = param(
        True,
        "",
        None,
        None,
        "model switch",
        "true: autoreceptor occupancy lowers release; false: release stays at its value "
        "for the calibration ambient level (the receptors still bind, the signal is cut).",
    )
    autoreceptor_kd_nM: float = param(
        10.0,
        "nM",
        0.01,
        10_000.0,
        "assumed: nanomolar; 5-HT pKi ~8 at 5-HT1B (GtoPdb, unconfirmed; a human 5-HT1B "
        "reporter assay gives EC50 4 nM)",
        "Dissociation constant of 5-HT at the terminal 5-HT1B autoreceptor.",
    )
    autoreceptor_kon_per_uM_per_s: float = param(
        10.0,
        "1/(uM s)",
        0.001,
        10_000.0,
        "science.md section 2: receptor kon 1e7-1e8 /(M s) (unconfirmed); the low end, "
        "1e7 /(M s) = 10 /(uM s); koff = kon * Kd",
        "Association rate constant of the autoreceptor (occupancy relaxes over ~1.5 s).",
    )
    autoreceptor_max_inhibition: float = param(
        0.8,
        "fraction",
        0.0,
        1.0,
        "assumed: 5-HT1B agonists cut evoked 5-HT release by most of it (order of "
        "magnitude; unconfirmed)",
        "Fraction of release suppressed at full autoreceptor occupancy: "
        "p = p_release * (1 - inhibition * sensitivity * occupancy).",
    )
    autoreceptor_sensitivity: float = shared.AUTORECEPTOR_SENSITIVITY.field(
        "Scales the autoreceptor inhibition (the treatment timeline sets it per day).",
        source="input: 1 naive; lower after weeks of SSRI (desensitisation, science.md "
        "section 1.8)",
    )

    # --- start and recording ---------------------------------------------------
    ambient_target_nM: float = param(
        57.5,
        "nM",
        0.1,
        10_000.0,
        "calibration target: the middle of 50-65 nM (Abdalla et al. 2017)",
        "Ambient level the release is calibrated to; with feedback off the autoreceptor "
        "signal is held at its value for this level.",
    )
    initial_nM: float = param(
        57.5,
        "nM",
        0.0,
        10_000.0,
        "model choice: start at the calibration target (0 shows the level build up over ~2 s)",
        "Free 5-HT spread uniformly through the cube at t = 0.",
    )
    sample_interval_ms: float = param(
        10.0,
        "ms",
        0.01,
        10_000.0,
        "numerical",
        "Simulated time between recorder samples (rounded to whole steps).",
    )


names = TissueParameters.names
spec = TissueParameters.spec
check = TissueParameters.check
coerce = TissueParameters.coerce
preset_value = TissueParameters.preset_value
describe_lines = TissueParameters.describe_lines
