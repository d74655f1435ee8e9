#!/bin/bash
# First boot of a Kolla node (openstack-stacks, openstack_stacks/kolla): external NIC up without an address,
# cinder-volumes VG on the data volume. Settings come from /etc/kolla-node/node.env. Logs to
# /var/log/kolla-node-prepare.log; bootstrap-servers (run from the deploy node) does the rest.
# The outcome is a marker the deploy node waits for: /var/lib/kolla-node/prepared, or
# /var/lib/kolla-node/failed holding the reason (the deploy stops there and shows it). The deploy node decides
# whether the cloud gets deployed, so a failure here does not fail cloud-init's own run.
set -uo pipefail
STATE=/var/lib/kolla-node
mkdir -p "$STATE"
rm -f "$STATE/prepared" "$STATE/failed"
exec > >(tee -a /var/log/kolla-node-prepare.log) 2>&1
fail() {
  echo "kolla-node-prepare: $*" >&2
  echo "$*" > "$STATE/failed"
  exit 0
}
# shellcheck source=/dev/null
. /etc/kolla-node/node.env || fail "cannot read /etc/kolla-node/node.env"
echo "== $(date -u +%FT%TZ) preparing $(hostname) (role $KOLLA_ROLE)"
# Every cloud image with cloud-init has python3 (cloud-init is written in it); ansible needs it.
command -v python3 >/dev/null || fail "python3 missing: ansible cannot manage this host"

if [ "$KOLLA_EXT_NIC" = "yes" ]; then
  # The external port is attached to the running server (compute.InterfaceAttach), so it can appear a little
  # after first boot begins: wait for it.
  for _ in $(seq 1 "${KOLLA_EXT_NIC_WAIT:-60}"); do
    nics=$(/usr/local/sbin/kolla-nics "$KOLLA_MGMT_IP" 2>&1) || fail "$nics"
    eval "$nics"
    [ -n "$neutron_external_interface" ] && break
    sleep 2
  done
  ext="$neutron_external_interface"
  [ -n "$ext" ] || fail "no second NIC for neutron_external_interface (management NIC: $network_interface)"
  # The port has no address; flush anything a DHCP client or an old config may have put on the NIC.
  # Neutron takes this NIC into br-ex: it must be up with no address (kolla.md §7).
  ip -4 addr flush dev "$ext" || fail "cannot flush the addresses of $ext"
  ip -6 addr flush dev "$ext" scope global || true
  ip link set dev "$ext" up || fail "cannot bring $ext up"
  # Keep it that way after a reboot: cloud-init stops rendering networks, the NIC's own config gets no address.
  mkdir -p /etc/cloud/cloud.cfg.d
  echo 'network: {config: disabled}' > /etc/cloud/cloud.cfg.d/99-kolla-network.cfg
  if command -v nmcli >/dev/null 2>&1; then
    con=$(nmcli -g GENERAL.CONNECTION device show "$ext" 2>/dev/null || true)
    if [ -n "$con" ]; then
      nmcli connection modify "$con" ipv4.method disabled ipv6.method disabled connection.autoconnect yes
    else
      nmcli connection add type ethernet ifname "$ext" con-name "kolla-ext" ipv4.method disabled ipv6.method disabled
    fi
  elif [ -d /etc/netplan ]; then
    for f in /etc/netplan/*.yaml; do
      [ -e "$f" ] || continue
      python3 - "$f" "$ext" <<'PY'
import sys, yaml
path, nic = sys.argv[1], sys.argv[2]
doc = yaml.safe_load(open(path)) or {}
eth = (doc.get("network") or {}).get("ethernets") or {}
for name, conf in eth.items():
    if name == nic or (conf.get("set-name") == nic):
        for key in ("addresses", "routes", "gateway4", "nameservers"):
            conf.pop(key, None)
        conf.update({"dhcp4": False, "dhcp6": False, "accept-ra": False, "link-local": []})
        yaml.safe_dump(doc, open(path, "w"), default_flow_style=False)
PY
    done
    printf 'network:\n  version: 2\n  ethernets:\n    %s:\n      dhcp4: false\n      dhcp6: false\n      link-local: []\n' \
      "$ext" > /etc/netplan/90-kolla-ext.yaml
    chmod 600 /etc/netplan/*.yaml
  elif [ -d /etc/systemd/network ]; then
    printf '[Match]\nName=%s\n\n[Network]\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n' "$ext" \
      > /etc/systemd/network/05-kolla-ext.network
  fi
  if ip -o addr show dev "$ext" scope global | grep -q inet; then
    fail "$ext still has an address: $(ip -o addr show dev "$ext" scope global)"
  fi
  echo "external NIC $ext is up without an address (management NIC: $network_interface)"
fi

if [ -n "$KOLLA_LVM_VOLUME_ID" ]; then
  # Cinder LVM: the VG must exist before the prechecks (kolla.md §8 #10). Find the volume by its ID, never by
  # the attach device name (terraform-provider-openstack#1863; pitfalls 11).
  if ! command -v vgcreate >/dev/null 2>&1; then
    if command -v dnf >/dev/null 2>&1; then dnf install -y lvm2; else apt-get update -q && apt-get install -y -q lvm2; fi \
      || fail "cannot install lvm2"
  fi
  disk="/dev/disk/by-id/virtio-${KOLLA_LVM_VOLUME_ID:0:20}"
  for _ in $(seq 1 60); do [ -e "$disk" ] && break; sleep 5; done
  [ -e "$disk" ] || fail "volume $KOLLA_LVM_VOLUME_ID never appeared as $disk"
  if ! vgs cinder-volumes >/dev/null 2>&1; then
    pvcreate -y "$disk" && vgcreate cinder-volumes "$disk" || fail "cannot create the VG cinder-volumes on $disk"
  fi
  echo "VG cinder-volumes on $disk"
fi
date -u +%FT%TZ > "$STATE/prepared"
echo "== $(date -u +%FT%TZ) node prepared"
