"""render.tissue."""
