#!/usr/bin/env bash
# Kolla blueprint tests (issue 5): kolla-ansible and ansible from PyPI in their own venv, so the tests can
# run ansible-inventory, kolla-genpwd and `kolla-ansible deploy --list-tasks` on the rendered files.
# Idempotent: a marker names the pinned versions; a cached venv is reused in well under a second.
set -euo pipefail
PINS="kolla-ansible==22.2.0 ansible==12.3.0"
VENV="${KOLLA_VENV:-${HOME}/.cache/openstack-stacks/kolla-venv}"
MARKER="$VENV/.openstack-stacks-pins"
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$PINS" ] && [ -x "$VENV/bin/kolla-ansible" ]; then
  echo "kolla.sh: $VENV is ready ($PINS)"
  exit 0
fi
# Scripts in a venv carry its absolute path: build it in place (never move it), mark it when complete.
rm -rf "$VENV"
python3 -m venv "$VENV"
# The host's pip constraint file (/etc/xdg/pip) only caps unrelated packages; ignore it here so that the
# pins alone decide what is installed.
# (The local find-links/extra-index locations of this machine's pip config only add noise when absent.)
# shellcheck disable=SC2086
PIP_CONSTRAINT="" "$VENV/bin/pip" install -q --disable-pip-version-check $PINS 2>&1 \
  | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
"$VENV/bin/kolla-ansible" --version >/dev/null
echo "$PINS" > "$MARKER"
echo "kolla.sh: installed $PINS into $VENV"
