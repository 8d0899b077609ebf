"""Golden outputs: what Cleft printed and drew before a redesign, kept byte for byte."""
