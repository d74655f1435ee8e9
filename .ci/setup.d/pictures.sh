#!/usr/bin/env bash
# Pictures of a stack (issue 15): Graphviz's `dot` lays out topology.svg and checks graph.dot; rsvg-convert
# (librsvg) rasterises the SVG to PNG in the tests. Debian packages; idempotent (nothing to do when present).
set -euo pipefail
if command -v dot >/dev/null && command -v rsvg-convert >/dev/null; then
  echo "pictures.sh: $(dot -V 2>&1); rsvg-convert $(rsvg-convert --version | awk '{print $NF}')"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends graphviz librsvg2-bin fonts-dejavu-core >/dev/null
echo "pictures.sh: installed $(dot -V 2>&1)"
