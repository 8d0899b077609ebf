"""render.common."""
