"""`python -m components ...`: see openstack_stacks/tools/cli.py (an entry point, not part of the library)."""

import sys

from openstack_stacks.tools.cli import main

sys.exit(main(sys.argv[1:]))
