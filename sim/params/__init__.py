"""sim.params."""
