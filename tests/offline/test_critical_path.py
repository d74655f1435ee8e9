"""The deploy-time critical path: the graph as built against the minimal graph correctness needs."""

from __future__ import annotations

from openstack_stacks.tools.graph import FIPA, INSTANCE, PORT, RIF, built_graph, critical_path, minimal_graph

SUBNET = "openstack:networking/subnet:Subnet"


def res(name: str, typ: str, inputs: dict, depends: list[str] = (), rid: str | None = None) -> dict:
    return {"urn": f"u::{name}", "name": name, "type": typ, "custom": True, "id": rid or f"id-{name}",
            "inputs": inputs, "options": {"dependsOn": [f"u::{d}" for d in depends]}}


def stack(config_drive: bool) -> tuple[list[dict], dict]:
    resources = [
        res("sub", SUBNET, {}),
        res("rif", RIF, {"subnetId": "id-sub"}, ["sub"]),
        res("port", PORT, {"fixedIps": [{"subnetId": "id-sub"}]}, ["sub", "rif"]),
        res("vm", INSTANCE, {"networks": [{"port": "id-port"}], "configDrive": config_drive}, ["port", "rif"]),
        res("assoc", FIPA, {"portId": "id-port"}, ["port", "rif"]),
        res("other", INSTANCE, {"networks": [{"port": "id-port"}], "configDrive": True}, ["vm", "port"]),
    ]
    data = {"u::port": {"fixedIps": ["u::sub"]}, "u::rif": {"subnetId": ["u::sub"]},
            "u::vm": {"networks": ["u::port"]}, "u::assoc": {"portId": ["u::port"]},
            "u::other": {"networks": ["u::port"]}}
    return resources, data


def test_minimal_graph_keeps_what_neutron_and_nova_need() -> None:
    resources, data = stack(config_drive=False)
    graph = minimal_graph(resources, data)
    assert graph["u::port"] == {"u::sub"}  # a port does not wait for the router interface
    assert graph["u::assoc"] == {"u::port", "u::rif"}  # an association does
    assert graph["u::vm"] == {"u::port", "u::rif"}  # metadata through the router
    assert graph["u::other"] == {"u::port", "u::vm"}  # depends_on another server: its instance
    with_drive = minimal_graph(*stack(config_drive=True))
    assert with_drive["u::vm"] == {"u::port"}


def test_critical_path_follows_the_heaviest_chain() -> None:
    resources, data = stack(config_drive=True)
    built, chain = critical_path(resources, built_graph(resources))
    minimal, _ = critical_path(resources, minimal_graph(resources, data))
    assert chain == ["sub", "rif", "port", "vm", "other"]
    assert built == 4 + 8 + 4 + 45 + 45 and minimal == 4 + 4 + 45 + 45
