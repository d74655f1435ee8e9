#!/bin/bash
# First boot of a Kolla node (openstack-stacks, components/kolla): external NIC up without an address,
# cinder-volumes VG on the data volume. Settings come from /etc/kolla-node/node.env. Logs to
# /var/log/kolla-node-prepare.log; bootstrap-servers (run from the deploy node) does the rest.
set -euo pipefail
exec > >(tee -a /var/log/kolla-node-prepare.log) 2>&1
# shellcheck source=/dev/null
. /etc/kolla-node/node.env
echo "== $(date -u +%FT%TZ) preparing $(hostname) (role $KOLLA_ROLE)"
command -v python3 >/dev/null || { echo "python3 missing: ansible cannot manage this host" >&2; exit 1; }

if [ "$KOLLA_EXT_NIC" = "yes" ]; then
  eval "$(/usr/local/sbin/kolla-nics "$KOLLA_MGMT_IP")"
  ext="$neutron_external_interface"
  if [ -z "$ext" ]; then
    echo "no second NIC found for neutron_external_interface" >&2
    exit 1
  fi
  # Nova describes the DHCP-less external subnet as static in network_data.json, so cloud-init may have put
  # an address on it. Neutron takes this NIC into br-ex: it must be up with no address (kolla.md §7).
  ip -4 addr flush dev "$ext"
  ip -6 addr flush dev "$ext" scope global || true
  ip link set dev "$ext" up
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
  echo "external NIC $ext is up without an address"
fi

if [ -n "$KOLLA_LVM_VOLUME_ID" ]; then
  # Cinder LVM: the VG must exist before the prechecks (kolla.md §8 #10). Find the volume by its ID, never by
  # the attach device name (terraform-provider-openstack#1863; pitfalls 11).
  disk="/dev/disk/by-id/virtio-${KOLLA_LVM_VOLUME_ID:0:20}"
  for _ in $(seq 1 120); do [ -e "$disk" ] && break; sleep 5; done
  if [ ! -e "$disk" ]; then
    echo "volume $KOLLA_LVM_VOLUME_ID never appeared as $disk" >&2
    exit 1
  fi
  if ! vgs cinder-volumes >/dev/null 2>&1; then
    pvcreate -y "$disk"
    vgcreate cinder-volumes "$disk"
  fi
  echo "VG cinder-volumes on $disk"
fi
mkdir -p /var/lib/kolla-node && date -u +%FT%TZ > /var/lib/kolla-node/prepared
echo "== $(date -u +%FT%TZ) node prepared"
