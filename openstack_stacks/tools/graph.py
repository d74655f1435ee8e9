"""Deploy-time critical path of a rendered stack: the dependency graph as built against the minimal one.

`pulumi up` creates a resource once everything it depends on exists, so a deploy lasts as long as the
heaviest chain of dependencies. The graph as built is every registration's dependencies (`dependsOn` in
plan.json: explicit `depends_on` plus the resources its inputs came from). The minimal graph keeps only
what correctness needs: the data dependencies (an input needs another resource's ID or address), and
  - a floating IP association (or a floating IP given a port) needs the router interface of the port's
    subnet (Neutron refuses the association while the subnet has no router to the external network);
  - a server without config drive reads its metadata and user data through the router's metadata proxy,
    so its instance needs the router interfaces of its boot ports' subnets;
  - a server's `depends_on` another server waits for that server's instance;
  - router interfaces of one router keep their order (terraform-provider-openstack#1511).
Latencies are typical per-type create times on an OpenStack cloud (assumed, not measured here).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

INSTANCE = "openstack:compute/instance:Instance"
RIF = "openstack:networking/routerInterface:RouterInterface"
PORT = "openstack:networking/port:Port"
FIP = "openstack:networking/floatingIp:FloatingIp"
FIPA = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"

# Seconds, typical for an OpenStack cloud (Nova boot to ACTIVE dominates).
LATENCY = {
    INSTANCE: 45.0, "openstack:compute/volumeAttach:VolumeAttach": 15.0,
    "openstack:compute/interfaceAttach:InterfaceAttach": 10.0, "openstack:blockstorage/volume:Volume": 10.0,
    "openstack:networking/router:Router": 8.0, RIF: 8.0, "openstack:networking/network:Network": 4.0,
    "openstack:networking/subnet:Subnet": 4.0, PORT: 4.0, FIP: 4.0, FIPA: 4.0,
    "openstack:networking/secGroup:SecGroup": 2.0, "openstack:networking/secGroupRule:SecGroupRule": 1.0,
    "openstack:compute/keypair:Keypair": 1.0, "openstack:compute/serverGroup:ServerGroup": 1.0,
}
DEFAULT_LATENCY = 2.0


def latency(res: dict[str, Any]) -> float:
    if not res["custom"]:
        return 0.0
    if res["type"].startswith("random:"):
        return 0.0
    return LATENCY.get(res["type"], DEFAULT_LATENCY)


def built_graph(resources: list[dict[str, Any]]) -> dict[str, set[str]]:
    """URN -> the URNs it waits for, as registered."""
    known = {r["urn"] for r in resources}
    return {r["urn"]: {d for d in r["options"]["dependsOn"] if d in known and d != r["urn"]} for r in resources}


def minimal_graph(resources: list[dict[str, Any]], input_dependencies: dict[str, dict[str, list[str]]],
                  plain_inputs: dict[str, dict[str, Any]] | None = None) -> dict[str, set[str]]:
    """URN -> the URNs it must wait for (see the module docstring)."""
    by_urn = {r["urn"]: r for r in resources}
    by_id = {r["id"]: r for r in resources if r.get("id")}
    inputs = plain_inputs or {r["urn"]: r["inputs"] for r in resources}
    rifs_of_subnet: dict[str, list[str]] = {}
    for r in resources:
        if r["type"] == RIF and isinstance(inputs[r["urn"]].get("subnetId"), str):
            rifs_of_subnet.setdefault(inputs[r["urn"]]["subnetId"], []).append(r["urn"])

    def port_rifs(port_id: Any) -> set[str]:
        port = by_id.get(port_id) if isinstance(port_id, str) else None
        if port is None or port["type"] != PORT:
            return set()
        subnets = [f.get("subnetId") for f in inputs[port["urn"]].get("fixedIps") or [] if isinstance(f, dict)]
        return {u for s in subnets if isinstance(s, str) for u in rifs_of_subnet.get(s, [])}

    graph: dict[str, set[str]] = {}
    for r in resources:
        urn, own = r["urn"], inputs[r["urn"]]
        needs = {u for urns in input_dependencies.get(urn, {}).values() for u in urns if u in by_urn}
        explicit = {d for d in r["options"]["dependsOn"] if d in by_urn}
        if r["type"] == FIPA or (r["type"] == FIP and own.get("portId")):
            needs |= port_rifs(own.get("portId"))
        if r["type"] == INSTANCE:
            needs |= {d for d in explicit if by_urn[d]["type"] == INSTANCE}
            if not own.get("configDrive"):
                for net in own.get("networks") or []:
                    needs |= port_rifs(net.get("port") if isinstance(net, dict) else None)
        if r["type"] == RIF:
            needs |= {d for d in explicit if by_urn[d]["type"] == RIF}
        needs.discard(urn)
        graph[urn] = needs
    return graph


def critical_path(resources: list[dict[str, Any]], graph: dict[str, set[str]]) -> tuple[float, list[str]]:
    """Length in seconds of the heaviest dependency chain, and its resources' names (first to last)."""
    by_urn = {r["urn"]: r for r in resources}
    finish: dict[str, float] = {}
    via: dict[str, str | None] = {}
    for r in resources:  # registration order: every dependency is registered before its dependent
        deps = sorted(d for d in graph.get(r["urn"], ()) if d in finish)  # ties: the same chain every run
        start_from = max(deps, key=lambda d: finish[d], default=None)
        finish[r["urn"]] = (finish[start_from] if start_from else 0.0) + latency(r)
        via[r["urn"]] = start_from
    if not finish:
        return 0.0, []
    last: str | None = max(finish, key=lambda u: finish[u])
    total, chain = finish[last], []
    while last is not None:
        if by_urn[last]["custom"]:
            chain.append(by_urn[last]["name"])
        last = via[last]
    return total, chain[::-1]


def critical_path_numbers(sources: Iterable[str]) -> list[tuple[str, float, float, list[str]]]:
    """Per stack: critical path as built, minimal, and the chain as built."""
    from openstack_stacks.tools.offline import render

    rows = []
    for source in sources:
        plan = render(source)
        built, chain = critical_path(plan.resources, built_graph(plan.resources))
        minimal, _ = critical_path(plan.resources, minimal_graph(plan.resources, plan.input_dependencies))
        rows.append((source, built, minimal, chain))
    return rows
