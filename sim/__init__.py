"""Cleft's simulation core: a serotonergic synapse, one agent per 5-HT molecule.

Pure numpy; never imports pygame or ``render``.
"""

from .model import StepSizeError, Synapse
from .params import ParameterError, Parameters

__all__ = ["Parameters", "ParameterError", "StepSizeError", "Synapse"]
