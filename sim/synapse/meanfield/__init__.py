"""A deterministic mean-field (ODE) prediction of the synapse, to draw beside the agents.

Same parameters and blockade as :class:`sim.Synapse`, but every population is
a well-mixed number of molecules instead of a set of agents. Two compartments
of the extracellular sheet (units: nm, us, molecules):

- the cleft disc, r < a (a = ``active_zone_radius_nm``), volume
  V_c = pi a^2 W (W = ``cleft_width_nm``);
- the extrasynaptic sheet outside it, a < r < R (R = ``outer_radius_nm``),
  volume V_o = pi (R^2 - a^2) W.

Exchange. A molecule leaves the disc at rate k_out = 8 D / a^2: a^2/(8 D) is
the mean exit time from a 2-D disc of radius a for a uniform start (the mean
of (a^2 - r^2)/(4 D) over the disc); the cleft is thin, so only lateral
motion matters. The back-flux k_in = k_out V_c / V_o makes the equilibrium
concentrations equal. The outside is treated as well mixed at once, and the
outer edge as reflecting (``edge = "absorbing"`` losses are not modelled).

Sites. Receptors (``receptor_count``, all on the postsynaptic disc) bind from
the cleft compartment with kon and let go with koff = kon Kd. Autoreceptors
are placed like the agents' ones, uniformly on the bouton face r <= T
(T = ``terminal_radius_nm``): the fraction a^2/T^2 binds from the cleft, the
rest from the outside (with the defaults 7.6% / 92.4%). Unblocked SERT,
N_S - round(f N_S) like the model's nested blockade, are split between the
compartments by area: the ring part by the ring's area inside r < a (none with
the default ring 110-400 nm), the rest by a^2/R^2. An empty SERT captures from
its compartment at kon [free] (kon in nm^3/us via
:func:`sim.params.units.kon_to_nm3_per_us`, [free] in molecules/nm^3); a bound SERT
lets go (koff) or carries inward (kcat). With explicit sites, Michaelis-Menten
saturation, Km = (koff + kcat)/kon and Vmax = kcat N_S, comes out by itself.

Release. Each release adds its molecules to the free cleft compartment at its
time. Integration: classical fourth-order Runge-Kutta with a fixed step (the
right-hand side is bilinear in free molecules and empty sites). The sum
free + bound + taken up equals the molecules released, to round-off, because
every term moves molecules between populations.

Where it holds: total free 5-HT is independent of the exchange when SERT
covers the sheet uniformly and uptake is reaction-limited (capture slow
compared with crossing the 20 nm cleft) and not locally saturated; there the
agents agree within ~1% (tests/sim/synapse/test_meanfield.py). The cleft concentration is
the weak point of two compartments: they spread a release over the whole
sheet within a few 1/k_out (~3 us), while in the agents it spreads as a 2-D
Gaussian and returns to the disc, so for t < R^2/(4 D) (~0.5 ms by default)
the true cleft concentration stays higher. With the single-release preset
(0.6 ms, 4 seeds) the agents' mean cleft 5-HT is 212 uM, two compartments
give 72 uM and ``shells=30`` gives 201 uM (receptor occupancy 0.47 / 0.36 /
0.48). ``shells`` > 1 (see :func:`compartments`) is a finite-volume radial
diffusion outside the disc; ``OVERLAY_SHELLS`` is the count we recommend for
drawing beside the agents' cleft trace.

The package: :mod:`.compartments` (the ODE's constants: compartments,
exchange, sites and rates), :mod:`.ode` (the Runge-Kutta integration,
:func:`simulate`) and :mod:`.prediction` (the prediction for a model's run,
:func:`from_model`).
"""

from sim.synapse.meanfield.compartments import (
    autoreceptor_fraction_in_cleft,
    compartments,
    sert_fraction_in_cleft,
)
from sim.synapse.meanfield.ode import MAX_RATE_DT, OUTPUT_KEYS, simulate
from sim.synapse.meanfield.prediction import OVERLAY_SHELLS, from_model, releases_of

__all__ = [
    "MAX_RATE_DT",
    "OUTPUT_KEYS",
    "OVERLAY_SHELLS",
    "autoreceptor_fraction_in_cleft",
    "compartments",
    "from_model",
    "releases_of",
    "sert_fraction_in_cleft",
    "simulate",
]
