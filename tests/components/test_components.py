"""The components built directly (no stack file, no front-end) under Pulumi's mocks: the rules they promise."""

from typing import Any

import pulumi

from components import (
    KeyPair,
    KeyPairArgs,
    Network,
    NetworkArgs,
    PortArgs,
    RuleArgs,
    SecurityGroup,
    SecurityGroupArgs,
    Server,
    ServerArgs,
    SubnetArgs,
    Volume,
    VolumeArgs,
    VolumeAttachmentArgs,
)
from openstack_stacks.tools.offline import run_program
from userdata import UserDataSpec

FIP_ASSOC = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
RIF = "openstack:networking/routerInterface:RouterInterface"
ATTACH = "openstack:compute/volumeAttach:VolumeAttach"


def _by_name(plan: Any) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in plan.resources}


def _stack() -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def body() -> None:
        net = Network("app", NetworkArgs(subnets=[SubnetArgs(name="v4", cidr="10.10.0.0/24")],
                                         external_network="public"))
        web = SecurityGroup("web", SecurityGroupArgs(rules=[RuleArgs(protocol="tcp", port_min=80,
                                                                     remote_ip_prefix="0.0.0.0/0")]))
        data = Volume("data", VolumeArgs(size=10))
        server = Server("web-0", ServerArgs(
            flavor="m1.small", image="debian-12", key_pair=KeyPair("deploy", KeyPairArgs(public_key="ssh-ed25519 A")),
            ports=[PortArgs(network=net, security_groups=[web], floating_ip="public")],
            volumes=[VolumeAttachmentArgs(volume=data)],
            user_data=UserDataSpec(script="#!/bin/sh\necho hello\n")))
        seen["server"] = server
        # Every Output the README's example names can be applied.
        for out in (server.user_data, server.private_ip, server.public_ip, server.server_id, net.network_id,
                    net.subnet_ids, web.security_group_id, data.volume_id):
            out.apply(lambda v: v)
        server.user_data.apply(lambda text: seen.setdefault("user_data", text))

    seen["plan"] = run_program(body, source="components")
    return seen


def test_floating_ip_association_waits_for_the_router_interface() -> None:
    plan = _stack()["plan"]
    resources = _by_name(plan)
    rif = resources["app-v4-rif"]
    assert rif["type"] == RIF
    assert resources["app-v4"]["urn"] in rif["options"]["dependsOn"]  # tpo#1511: interface removed first
    assoc = resources["web-0-port0-fip-assoc"]
    assert assoc["type"] == FIP_ASSOC and rif["urn"] in assoc["options"]["dependsOn"]
    assert "portId" not in resources["web-0-port0-fip"]["inputs"]  # one association mechanism (tpo#605)


def test_attachment_is_delete_before_replace_and_volume_protected() -> None:
    resources = _by_name(_stack()["plan"])
    attach = resources["web-0-data-attach"]
    assert attach["type"] == ATTACH and attach["options"]["deleteBeforeReplace"] is True
    assert "device" not in attach["inputs"]
    assert resources["data"]["options"]["protect"] is True


def test_user_data_is_an_output_with_the_bytes_sent() -> None:
    seen = _stack()
    instance = seen["plan"].get("web-0", "openstack:compute/instance:Instance")
    assert isinstance(seen["server"].user_data, pulumi.Output)
    assert seen["user_data"] == instance["inputs"]["userData"]


def test_args_as_dicts_build_the_same_resources() -> None:
    def typed() -> None:
        rule = RuleArgs(protocol="tcp", port_min=22, remote_ip_prefix="10.0.0.1")
        SecurityGroup("g", SecurityGroupArgs(rules=[rule]))
        Network("n", NetworkArgs(subnets=[SubnetArgs(name="s", cidr="10.2.0.0/24",
                                                     allocation_pools=[("10.2.0.10", "10.2.0.20")])]))

    def as_dicts() -> None:
        SecurityGroup("g", {"rules": [{"protocol": "tcp", "port_min": 22, "remote_ip_prefix": "10.0.0.1"}]})
        Network("n", {"subnets": [{"name": "s", "cidr": "10.2.0.0/24",
                                   "allocation_pools": [{"start": "10.2.0.10", "end": "10.2.0.20"}]}]})

    a, b = run_program(typed, source="typed"), run_program(as_dicts, source="dicts")
    assert [(r["name"], r["inputs"]) for r in a.resources] == [(r["name"], r["inputs"]) for r in b.resources]
    rule = next(r for r in a.resources if r["type"].endswith("SecGroupRule"))
    assert rule["inputs"]["remoteIpPrefix"] == "10.0.0.1/32"


def test_a_misspelt_dict_key_is_one_clear_error() -> None:
    def body() -> None:
        Volume("v", {"size": 1, "sise": 2})

    try:
        run_program(body, source="typo")
    except Exception as exc:  # StackError
        assert "VolumeArgs has no field 'sise'" in str(exc)
    else:
        raise AssertionError("a misspelt field was accepted")


def test_routed_network_id_makes_a_port_wait_for_the_router_interface() -> None:
    """Other languages pass IDs: `routed_network_id` carries the router interfaces as dependencies."""
    def body() -> None:
        net = Network("app", NetworkArgs(subnets=[SubnetArgs(name="v4", cidr="10.10.0.0/24")],
                                         external_network="public"))
        Server("a", ServerArgs(flavor="m1", image="i", ports=[PortArgs(network=net.routed_network_id)]))
        Server("b", ServerArgs(flavor="m1", image="i", ports=[PortArgs(network=net.network_id)]))

    resources = _by_name(run_program(body, source="routed"))
    rif = resources["app-v4-rif"]["urn"]
    assert rif in resources["a-port0"]["options"]["dependsOn"]
    assert rif not in resources["b-port0"]["options"]["dependsOn"]
