"""Deterministic node names and fixed IPs, so the inventory is known before anything exists.

Each role has its own block of the management subnet, so adding a compute node never moves a
controller or a storage node (a moved fixed IP would replace its port and server):
deploy `.10`, controllers `.11-.19`, storage `.20-.29`, computes `.30` up to the DHCP pool, which
fills the upper half of the subnet; the VIP defaults to the last host address (`.254` in a /24).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from components.errors import StackError

if TYPE_CHECKING:  # a type only: config imports this module to check the addressing
    from openstack_stacks.kolla.config import KollaConfig

DEPLOY_OFFSET = 10
CONTROL_OFFSET, CONTROL_MAX = 11, 9
STORAGE_OFFSET, STORAGE_MAX = 20, 10
COMPUTE_OFFSET = 30

# kolla-ansible inventory groups each role's hosts are listed in.
ROLE_GROUPS = {
    "aio": ("control", "network", "compute", "storage", "monitoring"),
    "controller": ("control", "network", "monitoring"),
    "compute": ("compute",),
    "storage": ("storage",),
    "deploy": (),
}


@dataclass(frozen=True)
class Node:
    """One server of the cluster: its host name (= inventory name = server name) and planned addresses."""

    name: str
    role: str
    mgmt_ip: str
    ext_nic: bool  # a second NIC for neutron_external_interface (no address)
    data_volume: int | None

    @property
    def groups(self) -> tuple[str, ...]:
        return ROLE_GROUPS[self.role]


@dataclass(frozen=True)
class AddressPlan:
    """Subnets, pools, the VIP and every node's fixed IPs."""

    mgmt_cidr: str
    mgmt_gateway: str
    mgmt_pool: tuple[str, str]
    ext_cidr: str
    ext_gateway: str
    ext_pool: tuple[str, str]
    nested_external_pool: tuple[str, str]
    vip: str
    nodes: tuple[Node, ...]

    def by_role(self, role: str) -> list[Node]:
        return [n for n in self.nodes if n.role == role]

    @property
    def deploy_node(self) -> Node:
        """The node that runs kolla-ansible (the all-in-one node deploys itself)."""
        return next(n for n in self.nodes if n.role in ("deploy", "aio"))

    @property
    def targets(self) -> list[Node]:
        """Nodes kolla-ansible deploys to."""
        return [n for n in self.nodes if n.role != "deploy"]


def _fail(config: KollaConfig, message: str, where: str) -> StackError:
    return StackError(message, file=config.file, field=f"kolla.{where}")


def plan_addresses(config: KollaConfig) -> AddressPlan:
    """Names and fixed IPs for every node, the pools and the VIP; StackError when they cannot fit."""
    mgmt = ipaddress.ip_network(config.mgmt_cidr)
    ext = ipaddress.ip_network(config.ext_cidr)
    pool_start = mgmt.network_address + mgmt.num_addresses // 2
    pool_end = mgmt.broadcast_address - 6
    if mgmt.prefixlen > 25:
        raise _fail(config, f"{mgmt} is too small: use a /25 or larger (role blocks from .10, DHCP pool in the "
                    "upper half)", "network.mgmt_cidr")
    if ext.prefixlen > 28:
        raise _fail(config, f"{ext} is too small: use a /28 or larger", "network.ext_cidr")
    base = config.name
    nodes: list[Node] = []

    def add(name: str, role: str, offset: int, ext_nic: bool, volume: int | None) -> None:
        ip = mgmt.network_address + offset
        if ip >= pool_start:
            raise _fail(config, f"{mgmt} has no room for {name} below the DHCP pool ({pool_start}-): use a larger "
                        "subnet or fewer nodes", "network.mgmt_cidr")
        nodes.append(Node(name, role, str(ip), ext_nic, volume))

    lvm = bool(config.enabled.get("cinder")) and config.cinder_backend == "lvm"
    if config.aio:
        add(f"{base}-aio", "aio", DEPLOY_OFFSET, True, config.controllers.volume_size if lvm else None)
    else:
        if config.controllers.count > CONTROL_MAX:
            raise _fail(config, f"at most {CONTROL_MAX} controllers", "controllers.count")
        if config.storage.count > STORAGE_MAX:
            raise _fail(config, f"at most {STORAGE_MAX} storage nodes", "storage.count")
        add(f"{base}-deploy", "deploy", DEPLOY_OFFSET, False, None)
        for i in range(config.controllers.count):
            add(f"{base}-control{i + 1:02d}", "controller", CONTROL_OFFSET + i, True, None)
        for i in range(config.storage.count):
            add(f"{base}-storage{i + 1:02d}", "storage", STORAGE_OFFSET + i, False, config.storage.volume_size)
        for i in range(config.computes.count):
            add(f"{base}-compute{i + 1:02d}", "compute", COMPUTE_OFFSET + i, False, None)
    if config.aio:
        vip = nodes[0].mgmt_ip
    else:
        vip = config.vip or str(mgmt.broadcast_address - 1)
        _check_vip(config, mgmt, vip, nodes)
    ext_hosts = ext.num_addresses
    return AddressPlan(
        mgmt_cidr=str(mgmt),
        mgmt_gateway=str(mgmt.network_address + 1),
        mgmt_pool=(str(pool_start), str(pool_end)),
        ext_cidr=str(ext),
        ext_gateway=str(ext.network_address + 1),
        ext_pool=(str(ext.network_address + 2), str(ext.network_address + 9)),
        nested_external_pool=(str(ext.network_address + ext_hosts // 2), str(ext.broadcast_address - 1)),
        vip=vip,
        nodes=tuple(nodes),
    )


def _check_vip(config: KollaConfig, mgmt: ipaddress.IPv4Network, vip: str, nodes: list[Node]) -> None:
    try:
        address = ipaddress.ip_address(vip)
    except ValueError:
        raise _fail(config, f"{vip!r} is not an IP address", "network.vip") from None
    if address not in mgmt:
        raise _fail(config, f"VIP {vip} is outside the management subnet {mgmt}: keepalived plumbs it on the "
                    "API interface and the prechecks require it in that subnet", "network.vip")
    if address in (mgmt.network_address, mgmt.broadcast_address):
        raise _fail(config, f"VIP {vip} is the network or broadcast address of {mgmt}", "network.vip")
    if address == mgmt.network_address + 1:
        raise _fail(config, f"VIP {vip} is the router's gateway address", "network.vip")
    for node in nodes:
        if node.mgmt_ip == vip:
            raise _fail(config, f"VIP {vip} is the address of {node.name}: the VIP must be an unused address "
                        "that only keepalived holds", "network.vip")
