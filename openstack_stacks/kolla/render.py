"""`/etc/kolla/globals.yml` and the multinode inventory, rendered deterministically from plain values.

The inventory head (the top groups) is rendered from host names and the ports' addresses; everything from
`[baremetal:children]` on is kolla-ansible 22.2.0's shipped `ansible/inventory/multinode`, copied verbatim
(`data/multinode-tail-22.2.0`; a test compares it with the installed file). The deploy script swaps in the
installed tail when another kolla-ansible version is pinned, so the service groups always match it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import yaml

from openstack_stacks.kolla.addressing import AddressPlan, Node
from openstack_stacks.kolla.config import KollaConfig

TAIL_FILE = Path(__file__).resolve().parent / "data" / "multinode-tail-22.2.0"
TOP_GROUPS = ("control", "network", "compute", "monitoring", "storage")


def _q(value: object) -> str:
    """A YAML scalar: strings double-quoted (JSON is valid YAML), booleans lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(str(value))


def globals_yml(config: KollaConfig, plan: AddressPlan, external_fqdn: str | None = None) -> str:
    """The globals.yml the deploy node receives. `external_fqdn`: the public address (floating IP)."""
    lines = [
        "---",
        f"# Rendered by openstack-stacks (openstack_stacks/kolla) for cluster '{config.name}', layout {config.layout}.",
        f"# kolla-ansible {config.kolla_ansible_version}.",
        "",
        "# Images and release",
        f"kolla_base_distro: {_q(config.distro)}",
        f"openstack_release: {_q(config.openstack_release)}",
        f"kolla_container_engine: {_q(config.container_engine)}",
        "",
        "# Networking. network_interface / neutron_external_interface are per host in the inventory and in",
        "# host_vars/ (extra vars from this file would beat the names the deploy node detects on each host).",
        f"neutron_plugin_agent: {_q(config.neutron_plugin_agent)}",
        f"kolla_internal_vip_address: {_q(plan.vip)}",
        f"kolla_external_vip_address: {_q(plan.vip)}",
    ]
    if external_fqdn:
        lines.append(f"kolla_external_fqdn: {_q(external_fqdn)}")
    lines += [
        "",
        "# Load balancer: haproxy + keepalived hold the VIP on the controllers (off on an all-in-one node)",
        f"enable_haproxy: {_q(config.haproxy)}",
        f"enable_keepalived: {_q(bool(config.enabled.get('keepalived')))}",
    ]
    if config.haproxy:
        lines += [
            f"keepalived_virtual_router_id: {_q(config.keepalived_virtual_router_id)}",
            "# Cloud networks often drop multicast; unicast VRRP goes to the other controllers' API addresses.",
            'keepalived_traffic_mode: "unicast"',
        ]
    lines += [
        "",
        "# Sizing for VMs: fewer workers (RAM), QEMU unless the cloud offers nested KVM",
        f"openstack_service_workers: {_q(config.workers)}",
        f"openstack_service_rpc_workers: {_q(config.workers)}",
        f"nova_compute_virt_type: {_q(config.virt_type)}",
        "",
        "# Services",
    ]
    for name in sorted(set(config.enabled) - {"haproxy", "keepalived"}):
        lines.append(f"enable_{name}: {_q(config.enabled[name])}")
    if config.enabled.get("cinder"):
        lines.append("")
        if config.cinder_backend == "lvm":
            lines += ["enable_cinder_backend_lvm: true", 'cinder_volume_group: "cinder-volumes"']
        else:
            lines += ["# External Ceph: ceph.conf and keyrings go under /etc/kolla/config/ before the deploy",
                      "cinder_backend_ceph: true", "glance_backend_ceph: true", "nova_backend_ceph: true"]
    if config.globals_overrides:
        lines += ["", "# Overrides from the stack file (kolla.globals)"]
        lines += yaml.safe_dump(dict(sorted(config.globals_overrides.items())), default_flow_style=False,
                                sort_keys=True).rstrip("\n").splitlines()
    return "\n".join(lines) + "\n"


def shipped_tail() -> str:
    """kolla-ansible's multinode inventory from `[baremetal:children]` on (service groups)."""
    return TAIL_FILE.read_text()


def inventory(config: KollaConfig, plan: AddressPlan, addresses: Mapping[str, str]) -> str:
    """The multinode inventory: rendered top groups with `addresses` (host name -> management IP)."""
    targets = plan.targets
    missing = [n.name for n in targets if n.name not in addresses]
    if missing:
        raise ValueError(f"no address for {', '.join(missing)}")
    lines = [
        f"# Rendered by openstack-stacks (openstack_stacks/kolla) for cluster '{config.name}', layout {config.layout},",
        "# from the management port addresses. Host names are the servers' host names (RabbitMQ needs them",
        "# stable and resolvable; bootstrap-servers writes /etc/hosts). Below [baremetal:children]: as shipped",
        f"# with kolla-ansible {config.kolla_ansible_version} (ansible/inventory/multinode).",
    ]
    for group in TOP_GROUPS:
        lines += ["", f"[{group}]"]
        for node in targets:
            if group in node.groups:
                lines.append(_host_line(config, node, addresses[node.name]))
    lines += ["", "[deployment]", "localhost       ansible_connection=local", "", ""]
    return "\n".join(lines) + shipped_tail()


def _host_line(config: KollaConfig, node: Node, address: str) -> str:
    """One host with its address and NIC names (inline host vars beat kolla's group_vars defaults; the
    deploy node's host_vars/<host>.yml, written from the NICs it finds, beats these)."""
    if node.role == "aio":  # the all-in-one node runs kolla-ansible against itself
        login = "ansible_connection=local"
    else:
        login = f"ansible_user={config.image_user}"
    line = f"{node.name} ansible_host={address} {login} ansible_become=true"
    line += f" network_interface={config.network_interface}"
    if node.ext_nic:
        line += f" neutron_external_interface={config.neutron_external_interface}"
    return line


def nodes_list(plan: AddressPlan, addresses: Mapping[str, str]) -> str:
    """`/etc/kolla/nodes` for the deploy script: one `host address` line per node it deploys to."""
    lines = ["# host address (management port)"]
    for node in plan.targets:
        lines.append(f"{node.name} {addresses[node.name]}")
    return "\n".join(lines) + "\n"
