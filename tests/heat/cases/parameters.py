"""Parameters."""

CASES = []
