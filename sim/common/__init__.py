"""sim.common."""
