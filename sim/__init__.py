"""Cleft's simulation core: a serotonergic synapse, one agent per 5-HT molecule.

numpy with numba-compiled kernels; never imports pygame or ``render``.
``Synapse`` and ``StepSizeError`` are loaded on first use (PEP 562), so a
process that needs only the parameters, the mean-field ODE or the analysis
(the window's overlay worker, the CLI's argument checks) does not pay for
numba (~65 MB resident and its start-up).
"""

from typing import TYPE_CHECKING, Any

from sim.params.synapse import ParameterError, Parameters

if TYPE_CHECKING:
    from sim.synapse.model import StepSizeError, Synapse

__all__ = ["Parameters", "ParameterError", "StepSizeError", "Synapse"]


def __getattr__(name: str) -> Any:
    if name in ("Synapse", "StepSizeError"):
        from sim.synapse import model

        return getattr(model, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
