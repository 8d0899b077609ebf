"""sim.tissue."""
