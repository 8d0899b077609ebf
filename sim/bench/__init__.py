"""sim.bench."""
