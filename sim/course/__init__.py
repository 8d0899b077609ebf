"""sim.course."""
