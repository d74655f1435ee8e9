"""Structure."""

CASES = []
