"""Neutron trunks: one parent port (the server's vNIC) carrying VLAN-tagged subports of other networks."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_openstack as openstack

from components.errors import StackError

SEGMENTATION_TYPES = ("vlan",)  # the only type Neutron's trunk drivers support (since Pike)


@dataclass
class SubPortArgs:
    """A port presented inside the instance on VLAN `segmentation_id` of the parent port."""

    port_id: pulumi.Input[str]
    segmentation_id: int
    segmentation_type: str = "vlan"


@dataclass
class TrunkArgs:
    """A trunk on `port_id` (the parent port, which the server boots on)."""

    port_id: pulumi.Input[str]
    sub_ports: list[SubPortArgs] = field(default_factory=list)
    os_name: str | None = None
    description: str | None = None
    admin_state_up: bool | None = None
    tags: list[str] | None = None


def trunk(name: str, args: TrunkArgs, opts: pulumi.ResourceOptions | None = None) -> openstack.networking.Trunk:
    """The networking.Trunk. A server booting on the parent port must depend on it: some Neutron backends
    (Open vSwitch) accept a trunk only before an instance is bound to its parent port."""
    subs = []
    for index, sub in enumerate(args.sub_ports):
        if sub.segmentation_type not in SEGMENTATION_TYPES:
            raise StackError(f"segmentation_type must be one of {', '.join(SEGMENTATION_TYPES)}", resource=name,
                             field=f"sub_ports[{index}].segmentation_type")
        if not 1 <= int(sub.segmentation_id) <= 4094:
            raise StackError("segmentation_id must be between 1 and 4094", resource=name,
                             field=f"sub_ports[{index}].segmentation_id")
        subs.append(openstack.networking.TrunkSubPortArgs(
            port_id=sub.port_id, segmentation_id=int(sub.segmentation_id), segmentation_type=sub.segmentation_type))
    return openstack.networking.Trunk(
        name, name=args.os_name or name, port_id=args.port_id, sub_ports=subs or None,
        description=args.description, admin_state_up=args.admin_state_up, tags=args.tags, opts=opts)
