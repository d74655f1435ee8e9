#!/bin/bash
# kolla-deploy: deploy OpenStack with kolla-ansible from this node at first boot (openstack-stacks,
# openstack_stacks/kolla). Started by kolla-deploy.service; re-run it by hand after fixing a failure: finished
# steps are skipped. Log: /var/log/kolla-deploy.log. Status: /var/lib/kolla-deploy/status
# ("running: STEP", "failed: STEP (exit N)" or "done").
set -Eeuo pipefail
# Paths are fixed on a node; the KOLLA_*_DIR variables exist so the script can run in a test directory.
CONFIG="${KOLLA_CONFIG_DIR:-/etc/kolla}"
STATE="${KOLLA_STATE_DIR:-/var/lib/kolla-deploy}"
NODE_STATE="${KOLLA_NODE_STATE_DIR:-/var/lib/kolla-node}"
LOG="${KOLLA_DEPLOY_LOG:-/var/log/kolla-deploy.log}"
NICS="${KOLLA_NICS_COMMAND:-/usr/local/sbin/kolla-nics}"
INVENTORY="$CONFIG/multinode"
# shellcheck source=/dev/null
. "$CONFIG/deploy.env"
SSH_OPTS=(-i "$KOLLA_SSH_KEY" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
          -o ConnectTimeout=5 -o LogLevel=ERROR)
export ANSIBLE_PRIVATE_KEY_FILE="$KOLLA_SSH_KEY" ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_FORCE_COLOR=0
export PATH="$KOLLA_VENV/bin:$PATH"
mkdir -p "$STATE"
exec >>"$LOG" 2>&1
STEP=start

status() { echo "$1" > "$STATE/status"; echo "== $(date -u +%FT%TZ) $1"; }
# signal STATUS REASON DATA: report the outcome on the serial console for the waiting `pulumi up`
# (openstack-stacks BootWait, userdata/signals.py); a no-op where the helper is not installed.
SIGNAL="${KOLLA_SIGNAL_COMMAND:-/usr/local/sbin/openstack-stacks-signal}"
signal() {
  if [ -n "${KOLLA_SIGNAL_HANDLE:-}" ] && [ -x "$SIGNAL" ]; then
    "$SIGNAL" "$KOLLA_SIGNAL_HANDLE" --data-binary \
      "{\"status\": \"$1\", \"id\": \"kolla-deploy\", \"reason\": \"$2\", \"data\": \"$3\"}" || true
  fi
}
trap 'rc=$?; status "failed: $STEP (exit $rc)"; signal FAILURE "kolla-deploy step $STEP failed (exit $rc); see $LOG" "$STEP"; exit $rc' ERR

# step NAME COMMAND...: run once; a marker records success so a re-run resumes after the last good step.
step() {
  STEP="$1"; shift
  if [ -e "$STATE/$STEP.done" ]; then echo "== skip $STEP (done before)"; return 0; fi
  status "running: $STEP"
  "$@"
  touch "$STATE/$STEP.done"
}

hosts() { awk '!/^#/ && NF {print $1, $2}' "$CONFIG/nodes"; }

install_packages() {
  if command -v dnf >/dev/null 2>&1; then
    dnf install -y git python3-devel gcc libffi-devel openssl-devel
  else
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q git python3-dev python3-venv gcc libffi-dev libssl-dev
  fi
}

install_kolla() {
  python3 -m venv "$KOLLA_VENV"
  "$KOLLA_VENV/bin/pip" install -q -U pip
  "$KOLLA_VENV/bin/pip" install -q "kolla-ansible==$KOLLA_ANSIBLE_VERSION"
  kolla-ansible --version
}

# The inventory below [baremetal:children] is kolla-ansible 22.2.0's; another pinned version brings its own
# service groups, so take them from the installed copy.
match_inventory() {
  local shipped="$KOLLA_VENV/share/kolla-ansible/ansible/inventory/multinode"
  if cmp -s <(sed -n '/^\[baremetal:children\]/,$p' "$shipped") <(sed -n '/^\[baremetal:children\]/,$p' "$INVENTORY"); then
    echo "inventory groups match kolla-ansible $KOLLA_ANSIBLE_VERSION"
    return 0
  fi
  sed -n '1,/^\[baremetal:children\]/p' "$INVENTORY" | sed '$d' > "$INVENTORY.new"
  sed -n '/^\[baremetal:children\]/,$p' "$shipped" >> "$INVENTORY.new"
  mv "$INVENTORY" "$INVENTORY.rendered"
  mv "$INVENTORY.new" "$INVENTORY"
  echo "inventory groups replaced with those of kolla-ansible $KOLLA_ANSIBLE_VERSION (rendered copy kept)"
}

passwords() {
  if [ ! -s "$CONFIG/passwords.yml" ]; then
    cp "$KOLLA_VENV/share/kolla-ansible/etc_examples/kolla/passwords.yml" "$CONFIG/passwords.yml"
  fi
  kolla-genpwd -p "$CONFIG/passwords.yml"
  chmod 600 "$CONFIG/passwords.yml"
}

on_host() {
  local host="$1" address="$2"; shift 2
  if [ "$KOLLA_LOCAL" = "yes" ]; then "$@"; else ssh "${SSH_OPTS[@]}" "$KOLLA_SSH_USER@$address" sudo "$@"; fi
}

wait_for_hosts() {
  local deadline=$((SECONDS + KOLLA_WAIT_SECONDS)) host address
  while read -r host address; do
    until on_host "$host" "$address" test -e "$NODE_STATE/prepared"; do
      if on_host "$host" "$address" test -e "$NODE_STATE/failed"; then
        echo "$host could not be prepared: $(on_host "$host" "$address" cat "$NODE_STATE/failed")" >&2
        echo "(see /var/log/kolla-node-prepare.log on $host)" >&2
        return 1
      fi
      if [ "$SECONDS" -ge "$deadline" ]; then
        echo "$host ($address) is not reachable over SSH or not prepared after ${KOLLA_WAIT_SECONDS}s" >&2
        return 1
      fi
      sleep 10
    done
    echo "$host ($address) is up and prepared"
  done < <(hosts)
}

detect_nics() {
  mkdir -p "$CONFIG/host_vars"
  local host address found
  while read -r host address; do
    found=$(on_host "$host" "$address" "$NICS" "$address")
    eval "$found"
    {
      echo "# NIC names found on $host by kolla-nics (the NIC holding $address, and the other one)"
      echo "network_interface: \"$network_interface\""
      if [ -n "$neutron_external_interface" ]; then
        echo "neutron_external_interface: \"$neutron_external_interface\""
      fi
    } > "$CONFIG/host_vars/$host.yml"
    echo "$host: $found" | tr '\n' ' '; echo
  done < <(hosts)
}

kolla() { kolla-ansible "$1" -i "$INVENTORY" --configdir "$CONFIG"; }

status "starting (kolla-ansible $KOLLA_ANSIBLE_VERSION, cluster $KOLLA_CLUSTER)"
step packages install_packages
step install-kolla install_kolla
step match-inventory match_inventory
step install-deps kolla-ansible install-deps
step passwords passwords
step wait-for-hosts wait_for_hosts
step detect-nics detect_nics
step checks ansible-playbook -i "$INVENTORY" -e @"$CONFIG/globals.yml" -e kolla_mgmt_cidr="$KOLLA_MGMT_CIDR" \
  "$CONFIG/kolla-checks.yml"
step bootstrap-servers kolla bootstrap-servers
step prechecks kolla prechecks
step pull kolla pull
step deploy kolla deploy
step post-deploy kolla post-deploy
status "done"
echo "OpenStack is deployed: . $CONFIG/admin-openrc.sh; Horizon at $KOLLA_HORIZON_URL"
signal SUCCESS "OpenStack is deployed (kolla-ansible $KOLLA_ANSIBLE_VERSION)" "$KOLLA_HORIZON_URL"
