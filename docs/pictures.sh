#!/usr/bin/env bash
# Regenerates the README picture from the current code: docs/web-topology.dot (the topology graph of
# stacks/web.yaml as handed to Graphviz, checked by tests/offline/test_pictures.py) and docs/web-topology.png
# (laid out by `dot`, rasterised by rsvg-convert). Run in the project's virtualenv; needs graphviz and
# librsvg2-bin (.ci/setup.d/pictures.sh installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python -m components render stacks/web.yaml --out "$out" >/dev/null
python - "$out/plan.json" > docs/web-topology.dot <<'PY'
import json
import sys

from openstack_stacks.tools.pictures import topology_of

print(topology_of(json.load(open(sys.argv[1]))).source, end="")
PY
rsvg-convert --format=png -o docs/web-topology.png "$out/topology.svg"
echo "wrote docs/web-topology.dot and docs/web-topology.png"
