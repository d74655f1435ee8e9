#!/usr/bin/env bash
# Boot tests (issue 3): mmdebstrap, then the cached Debian root filesystem with cloud-init and
# heat-cfntools (~1 min the first time, a marker check afterwards). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v mmdebstrap >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "boot.sh: not root and no mmdebstrap: the boot tests will report why they cannot run" >&2
    exit 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q mmdebstrap
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "boot.sh: not root: cannot build the boot root filesystem" >&2
  exit 0
fi
python -m userdata.boot
