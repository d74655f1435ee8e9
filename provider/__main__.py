"""Component provider plugin: `pulumi package add <this directory>` gives every Pulumi language the components.

The checkout's root is put on the path, so the plugin runs the same `components` package as the repository.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from components.provider import serve

if __name__ == "__main__":
    serve()
