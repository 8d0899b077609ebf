"""render.media."""
