"""heat/tests/test_template.py and test_function.py: CFN functions."""

CASES = []
