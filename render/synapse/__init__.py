"""render.synapse."""
