#!/bin/bash
# kolla-nics MGMT_IP: print the NIC names kolla-ansible needs on this host (openstack-stacks, openstack_stacks/kolla).
#   network_interface=<NIC holding MGMT_IP>
#   neutron_external_interface=<the other physical NIC, empty when there is none>
# Cloud images name virtio NICs eth0/ens3/enp1s0 depending on distribution and machine type, so the blueprint
# finds them by address instead of guessing (kolla.md §8, "interface X not found").
# KOLLA_NICS_SYSFS and KOLLA_NICS_ADDRS (a file with `ip -o -4 addr show` output) exist for tests.
set -euo pipefail
mgmt_ip="${1:?usage: kolla-nics MGMT_IP}"
sysfs="${KOLLA_NICS_SYSFS:-/sys/class/net}"
if [ -n "${KOLLA_NICS_ADDRS:-}" ]; then addrs=$(cat "$KOLLA_NICS_ADDRS"); else addrs=$(ip -o -4 addr show); fi
mgmt=$(printf '%s\n' "$addrs" | awk -v ip="$mgmt_ip" '{split($4, a, "/"); if (a[1] == ip) {print $2; exit}}')
if [ -z "$mgmt" ]; then
  echo "kolla-nics: no interface holds $mgmt_ip" >&2
  exit 1
fi
ext=""
for dir in $(ls -d "$sysfs"/* | sort); do
  name="${dir##*/}"
  [ -e "$dir/device" ] || continue          # physical NICs only: no lo, bridges, veths, docker0
  [ "$name" = "$mgmt" ] && continue
  ext="$name"
  break
done
echo "network_interface=$mgmt"
echo "neutron_external_interface=$ext"
