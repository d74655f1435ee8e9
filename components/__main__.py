"""`python -m components ...`: see components/cli.py."""

import sys

from components.cli import main

sys.exit(main(sys.argv[1:]))
