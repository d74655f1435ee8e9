"""Dependencies Heat adds without the template saying so (each resource plugin's `add_dependencies` in Heat).

Values are compared as the template writes them (`{get_resource: x}`, `{get_param: p}`), before resolution, as
Heat compares the unresolved properties when it builds its graph:
- a port waits for every subnet of its network (Heat: Port.add_dependencies, the port's subnet is not known);
- a floating IP waits for the router (or RouterGateway) whose gateway is its floating network, and a floating
  IP with a port, or a FloatingIPAssociation, waits for the router interface of that port's subnet (without it
  the association fails with "External network ... is not reachable from subnet"; Heat: FloatingIP /
  FloatingIPAssociation.add_dependencies);
- a server booting on a trunk's parent port waits for the trunk (Open vSwitch accepts a trunk only before an
  instance is bound to the parent port; Heat's Trunk documentation).
"""

from __future__ import annotations

from typing import Any

PORT, SUBNET = "OS::Neutron::Port", "OS::Neutron::Subnet"
FIP, FIP_ASSOC = "OS::Neutron::FloatingIP", "OS::Neutron::FloatingIPAssociation"
ROUTER, GATEWAY, INTERFACE = "OS::Neutron::Router", "OS::Neutron::RouterGateway", "OS::Neutron::RouterInterface"
TRUNK, SERVER = "OS::Neutron::Trunk", "OS::Nova::Server"


def _first(props: dict[str, Any], *keys: str) -> Any:
    return next((props[k] for k in keys if props.get(k) is not None), None)


def _target(value: Any, resources: dict[str, Any]) -> str | None:
    """The resource a `{get_resource: x}` names, when it is one of this template."""
    if isinstance(value, dict) and len(value) == 1:
        name = value.get("get_resource", value.get("Ref"))
        if isinstance(name, str) and name in resources:
            return name
    return None


def add_implicit(resources: dict[str, Any], type_key: str, props_key: str, deps: dict[str, set[str]]) -> None:
    """Add Heat's implicit dependencies to `deps` (resource -> names it waits for), in place."""
    types = {n: b.get(type_key) for n, b in resources.items()}
    props = {n: (b.get(props_key) if isinstance(b.get(props_key), dict) else {}) for n, b in resources.items()}
    of = {kind: [n for n, t in types.items() if t == kind] for kind in set(types.values()) if isinstance(kind, str)}

    def network_of(name: str) -> Any:
        return _first(props[name], "network", "network_id")

    def port_on_subnet(port: str, subnet: Any) -> bool:
        fixed = props[port].get("fixed_ips")
        if fixed:
            return any(isinstance(f, dict) and _first(f, "subnet", "subnet_id") == subnet for f in fixed)
        owner = _target(subnet, resources)
        return owner is not None and types[owner] == SUBNET and network_of(owner) is not None \
            and network_of(owner) == network_of(port)

    for port in of.get(PORT, []):
        net = network_of(port)
        deps[port] |= {s for s in of.get(SUBNET, []) if net is not None and network_of(s) == net}

    for fip in of.get(FIP, []) + of.get(FIP_ASSOC, []):
        p = props[fip]
        if types[fip] == FIP:
            pool = _first(p, "floating_network", "floating_network_id")
            for router in of.get(ROUTER, []):
                gateway = props[router].get("external_gateway_info")
                if pool is not None and isinstance(gateway, dict) and gateway.get("network") == pool:
                    deps[fip].add(router)
            deps[fip] |= {g for g in of.get(GATEWAY, [])
                          if pool is not None and _first(props[g], "network", "network_id") == pool}
            if p.get("port_id") is None:
                continue
        ports = [d for d in deps[fip] if types.get(d) == PORT]
        for interface in of.get(INTERFACE, []):
            subnet = _first(props[interface], "subnet", "subnet_id")
            if subnet is not None and any(port_on_subnet(port, subnet) for port in ports):
                deps[fip].add(interface)

    for trunk in of.get(TRUNK, []):
        parent = props[trunk].get("port")
        for server in of.get(SERVER, []):
            nics = props[server].get("networks") or []
            if parent is not None and any(isinstance(n, dict) and n.get("port") == parent for n in nics):
                deps[server].add(trunk)
