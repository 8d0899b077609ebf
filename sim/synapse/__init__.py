"""sim.synapse."""
