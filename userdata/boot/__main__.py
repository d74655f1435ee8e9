"""``python -m userdata.boot``: build (or find) the cached boot root filesystem."""

import sys

from userdata.boot.rootfs import main

sys.exit(main(sys.argv[1:]))
