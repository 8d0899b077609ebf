"""render.lecture."""
