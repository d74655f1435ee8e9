"""The stack as an operator sees it, read from plan.json resources: networks, routers, servers, ports, volumes.

Resources refer to each other by the IDs the offline cloud gave them (`networkId`, `subnetId`, `port`,
`volumeId` ...); this module resolves those references into a small view model that the drawing module
lays out. Nothing here draws.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from openstack_stacks.tools.cloudmodel import stable_id

NETWORK = "openstack:networking/network:Network"
SUBNET = "openstack:networking/subnet:Subnet"
ROUTER = "openstack:networking/router:Router"
RIF = "openstack:networking/routerInterface:RouterInterface"
PORT = "openstack:networking/port:Port"
FIP = "openstack:networking/floatingIp:FloatingIp"
FIPA = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
SECGROUP = "openstack:networking/secGroup:SecGroup"
INSTANCE = "openstack:compute/instance:Instance"
IFACE = "openstack:compute/interfaceAttach:InterfaceAttach"
VOLUME = "openstack:blockstorage/volume:Volume"
ATTACH = "openstack:compute/volumeAttach:VolumeAttach"
SERVER_GROUP = "openstack:compute/serverGroup:ServerGroup"

# Names an external network is commonly given; tried (with floating IP pools) to name networks outside the stack.
COMMON_NETWORK_NAMES = ("public", "private", "external", "ext-net", "provider", "shared")
STRENGTH = ["same", "update", "create", "replace", "delete"]  # how a group of changes is coloured
# BASE-N or, for a nested template's resource in a ResourceGroup member, BASE-N-RESOURCE
MEMBER = re.compile(r"^(?P<base>.+?)-(?P<index>0|[1-9][0-9]*)(?P<rest>-[^0-9].*)?$")


@dataclass
class Subnet:
    name: str
    cidr: str
    urns: set[str] = field(default_factory=set)


@dataclass
class Network:
    key: str
    name: str
    external: bool = False  # an external (provider) network the stack only refers to
    existing: bool = False  # a network outside the stack (looked up by name or ID)
    subnets: list[Subnet] = field(default_factory=list)
    urns: set[str] = field(default_factory=set)


@dataclass
class Router:
    key: str
    name: str
    external: str | None  # key of the external network (gateway)
    interfaces: dict[str, set[str]] = field(default_factory=dict)  # network key -> router interface URNs
    urns: set[str] = field(default_factory=set)


@dataclass
class PortView:
    key: str
    name: str
    network: str  # network key
    ips: list[str]  # fixed IPs as given ("dhcp" when Neutron picks)
    security_groups: list[str]
    floating_ips: list[str]
    description: str = ""
    allowed_ips: list[str] = field(default_factory=list)  # allowed address pairs (a VIP the port may carry)
    urns: set[str] = field(default_factory=set)


@dataclass
class VolumeView:
    key: str
    name: str
    size: str
    urns: set[str] = field(default_factory=set)
    attach: set[str] = field(default_factory=set)  # the VolumeAttach URNs (the edge to its server)


@dataclass
class ServerView:
    key: str
    name: str
    flavor: str
    image: str
    role: str = ""  # Kolla role (controller, compute, storage, deploy)
    server_group: str = ""  # server group key
    boot_volume: str = ""
    ports: list[PortView] = field(default_factory=list)
    volumes: list[VolumeView] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # a counted group: member names in index order
    urns: set[str] = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.members) or 1


@dataclass
class ServerGroupView:
    key: str
    name: str
    policy: str
    urns: set[str] = field(default_factory=set)


@dataclass
class Topology:
    """Everything the picture shows, each element with the URNs of the resources it stands for."""

    networks: dict[str, Network] = field(default_factory=dict)
    routers: list[Router] = field(default_factory=list)
    servers: list[ServerView] = field(default_factory=list)
    loose_ports: list[PortView] = field(default_factory=list)  # ports on no server (a VIP, a bare port)
    loose_volumes: list[VolumeView] = field(default_factory=list)
    server_groups: dict[str, ServerGroupView] = field(default_factory=dict)
    security_groups: dict[str, str] = field(default_factory=dict)  # key -> name


def _size(value: Any) -> str:
    try:
        return f"{float(value):g} GB"
    except (TypeError, ValueError):
        return "? GB"


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _address_order(text: str) -> tuple[int, Any, str]:
    """Addresses in numeric order (10.0.0.9 before 10.0.0.10), anything else after them."""
    if _is_address(text):
        ip = ipaddress.ip_address(text)
        return (ip.version, int(ip), "")
    return (9, 0, text)


def _text(value: Any) -> str:
    if isinstance(value, dict):  # a secret or unknown value as plan.json records it
        return "(secret)" if "secret" in value else "(unknown)"
    return "" if value is None else str(value)


class _Builder:
    def __init__(self, resources: list[dict[str, Any]], marks: dict[str, str] | None) -> None:
        self.marks = marks
        self.resources = [r for r in resources if r.get("custom")]
        self.by_id = {str(r["id"]): r for r in self.resources if r.get("id")}
        self.by_urn = {r["urn"]: r for r in resources}
        self.topo = Topology()
        pools = {str(r["inputs"].get("pool")) for r in self.resources if r["type"] == FIP and r["inputs"].get("pool")}
        names = set(pools) | set(COMMON_NETWORK_NAMES)
        self.known_names = {stable_id("network", n): n for n in sorted(names)}
        self.subnet_network: dict[str, str] = {}

    def of(self, token: str) -> list[dict[str, Any]]:
        return [r for r in self.resources if r["type"] == token]

    def owners(self, record: dict[str, Any]) -> set[str]:
        """The resource's URN and its component parent's (a component stands for what it makes)."""
        urns = {record["urn"]}
        parent = self.by_urn.get(record.get("parent") or "")
        if parent is not None and not parent.get("custom") and parent["name"] == record["name"]:
            urns.add(parent["urn"])
        return urns

    def network(self, ref: Any, external: bool = False, name: str = "") -> str:
        """The key of the network an ID refers to, adding a network outside the stack (`name` when known)."""
        ref = _text(ref)
        if name:
            self.known_names.setdefault(ref, name)
        record = self.by_id.get(ref)
        if record is not None and record["type"] == NETWORK:
            return ref
        key = ref or "unknown"
        if key not in self.topo.networks:
            name = self.known_names.get(key) or (key if len(key) < 20 else f"ID {key[:8]}…")
            self.topo.networks[key] = Network(key=key, name=name, external=external, existing=True)
        elif external:
            self.topo.networks[key].external = True
        return key

    def build(self) -> Topology:
        topo = self.topo
        for r in self.of(SECGROUP):
            topo.security_groups[r["id"]] = _text(r["inputs"].get("name")) or r["name"]
        for r in self.of(SERVER_GROUP):
            policy = r["inputs"].get("policies")
            policy = ", ".join(policy) if isinstance(policy, list) else _text(policy)
            topo.server_groups[r["id"]] = ServerGroupView(r["id"], _text(r["inputs"].get("name")) or r["name"],
                                                          policy, self.owners(r))
        for r in self.of(NETWORK):
            topo.networks[r["id"]] = Network(key=r["id"], name=_text(r["inputs"].get("name")) or r["name"],
                                             external=bool(r["inputs"].get("external")), urns=self.owners(r))
        for r in self.of(SUBNET):
            key = self.network(r["inputs"].get("networkId"))
            self.subnet_network[r["id"]] = key
            net = topo.networks[key]
            net.subnets.append(Subnet(_text(r["inputs"].get("name")) or r["name"], _text(r["inputs"].get("cidr")),
                                      {r["urn"]}))
        routers: dict[str, Router] = {}
        for r in self.of(ROUTER):
            ext = r["inputs"].get("externalNetworkId")
            routers[r["id"]] = Router(r["id"], _text(r["inputs"].get("name")) or r["name"],
                                      self.network(ext, external=True) if ext else None, urns=self.owners(r))
        for r in self.of(RIF):
            router = routers.get(_text(r["inputs"].get("routerId")))
            net = self.subnet_network.get(_text(r["inputs"].get("subnetId")))
            if router is not None and net is not None:
                router.interfaces.setdefault(net, set()).add(r["urn"])
        topo.routers = list(routers.values())
        ports = self._ports()
        volumes = {r["id"]: VolumeView(r["id"], _text(r["inputs"].get("name")) or r["name"],
                                       _size(r["inputs"].get("size")), self.owners(r)) for r in self.of(VOLUME)}
        servers = self._servers(ports, volumes)
        attached = {p.key for s in servers for p in s.ports}
        used_volumes = {v.key for s in servers for v in s.volumes}
        topo.loose_ports = [p for k, p in ports.items() if k not in attached]
        topo.loose_volumes = [v for k, v in volumes.items() if k not in used_volumes]
        topo.servers = group_counted(servers, self.marks)
        return topo

    def _ports(self) -> dict[str, PortView]:
        ports: dict[str, PortView] = {}
        for r in self.of(PORT):
            inputs = r["inputs"]
            ips = [] if inputs.get("noFixedIp") else [
                _text(f.get("ipAddress")) or "dhcp" for f in inputs.get("fixedIps") or [{}]]
            sgs = [self.topo.security_groups.get(_text(s), _text(s)) for s in inputs.get("securityGroupIds") or []]
            pairs = [_text(p.get("ipAddress")) for p in inputs.get("allowedAddressPairs") or []]
            ports[r["id"]] = PortView(r["id"], _text(inputs.get("name")) or r["name"],
                                      self.network(inputs.get("networkId")), ips, sgs, [],
                                      _text(inputs.get("description")), pairs, self.owners(r))
        fips = {r["urn"]: r for r in self.of(FIP)}
        for r in self.of(FIP):  # a floating IP given its port directly (Heat's port_id)
            port = ports.get(_text(r["inputs"].get("portId")))
            if port is not None:
                port.floating_ips.append(self._fip_label(r))
                port.urns.add(r["urn"])
        for r in self.of(FIPA):
            port = ports.get(_text(r["inputs"].get("portId")))
            fip = next((fips[d] for d in r["options"].get("dependsOn", []) if d in fips), None)
            if port is None:
                continue
            address = _text(r["inputs"].get("floatingIp"))
            if not _is_address(address):  # a floating IP's ID (Heat's floatingip_id): say where it comes from
                address = self._fip_label(fip) if fip else "floating IP"
            port.floating_ips.append(address)
            port.urns |= {r["urn"]} | ({fip["urn"]} if fip else set())
        return ports

    def _fip_label(self, fip: dict[str, Any]) -> str:
        address = _text(fip["inputs"].get("address"))
        pool = _text(fip["inputs"].get("pool"))
        return address or (f"from {pool}" if pool else "floating IP")

    def _servers(self, ports: dict[str, PortView], volumes: dict[str, VolumeView]) -> list[ServerView]:
        servers: dict[str, ServerView] = {}
        for r in self.of(INSTANCE):
            inputs = r["inputs"]
            meta = inputs.get("metadata") if isinstance(inputs.get("metadata"), dict) else {}
            hints = inputs.get("schedulerHints") or [{}]
            boot = next((d for d in inputs.get("blockDevices") or [] if d.get("bootIndex") in (0, 0.0)), None)
            server = ServerView(
                key=r["id"], name=_text(inputs.get("name")) or r["name"],
                flavor=_text(inputs.get("flavorName") or inputs.get("flavorId")) or "?",
                image=_text(inputs.get("imageName") or inputs.get("imageId")) or ("" if boot else "?"),
                role=_text(meta.get("kolla_role")), server_group=_text(hints[0].get("group")),
                boot_volume=f"{_size(boot.get('volumeSize'))} from {_text(boot.get('sourceType')) or 'image'}"
                if boot and boot.get("volumeSize") else "",
                urns=self.owners(r))
            for net in inputs.get("networks") or []:
                if net.get("port") and _text(net["port"]) in ports:
                    server.ports.append(ports[_text(net["port"])])
                elif net.get("uuid") or net.get("name"):
                    by_name = _text(net.get("name")) if not net.get("uuid") else ""
                    ref = net.get("uuid") or stable_id("network", by_name)
                    fixed = _text(net.get("fixedIpV4"))
                    server.ports.append(PortView(f"{r['id']}:{len(server.ports)}", "nic",
                                                 self.network(ref, name=by_name),
                                                 [fixed or "dhcp"], list(map(_text, inputs.get("securityGroups")
                                                                                 or [])), []))
            servers[r["id"]] = server
        for r in self.of(IFACE):
            server = servers.get(_text(r["inputs"].get("instanceId")))
            port = ports.get(_text(r["inputs"].get("portId")))
            if server is not None and port is not None:
                server.ports.append(port)
                port.urns.add(r["urn"])
        for r in self.of(ATTACH):
            server = servers.get(_text(r["inputs"].get("instanceId")))
            volume = volumes.get(_text(r["inputs"].get("volumeId")))
            if server is not None and volume is not None:
                server.volumes.append(volume)
                volume.attach.add(r["urn"])
        return list(servers.values())


def _shape(server: ServerView) -> tuple[Any, ...]:
    ports = tuple((p.network, tuple(p.security_groups), bool(p.floating_ips), len(p.ips)) for p in server.ports)
    return (server.flavor, server.image, server.role, server.server_group, server.boot_volume, ports,
            tuple(v.size for v in server.volumes))


def strongest(urns: set[str], marks: dict[str, str] | None) -> str:
    """The strongest change (from a diff's marks, URN -> op) among some resources; "same" without marks."""
    if not marks:
        return "same"
    return max((marks.get(u, "same") for u in urns), key=STRENGTH.index, default="same")


def group_counted(servers: list[ServerView], marks: dict[str, str] | None = None) -> list[ServerView]:
    """Servers named BASE-0 .. BASE-N (a stack file's `count`, a Heat ResourceGroup or AutoScalingGroup; also
    BASE-i-RESOURCE, a nested template's server in each ResourceGroup member) with
    the same flavor, image, networks and volumes (and, in a diff, the same change) become one group, drawn
    once with its count."""
    series: dict[tuple[Any, ...], list[tuple[int, ServerView]]] = {}
    for server in servers:
        match = MEMBER.match(server.name)
        if match:
            change = strongest(server.urns | {u for p in server.ports for u in p.urns}
                               | {u for v in server.volumes for u in v.urns | v.attach}, marks)
            pattern = f"{match['base']}-N{match['rest'] or ''}"
            series.setdefault((pattern, _shape(server), change), []).append((int(match["index"]), server))
    grouped: dict[str, ServerView] = {}  # first member key -> group
    absorbed: set[str] = set()
    for (pattern, _, _), members in series.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: m[0])
        first = members[0][1]
        group = ServerView(key=f"group:{first.key}", name=pattern, flavor=first.flavor, image=first.image,
                           role=first.role, server_group=first.server_group, boot_volume=first.boot_volume,
                           members=[s.name for _, s in members])
        for index, port in enumerate(first.ports):
            ips = sorted({ip for _, s in members for ip in s.ports[index].ips}, key=_address_order)
            fips = sorted({f for _, s in members for f in s.ports[index].floating_ips}, key=_address_order)
            group.ports.append(PortView(f"{group.key}:{index}", port.name, port.network,
                                        ips if len(ips) <= 2 else [f"{ips[0]} … {ips[-1]}"],
                                        port.security_groups, fips if len(fips) <= 2 else [f"{fips[0]} … {fips[-1]}"],
                                        urns={u for _, s in members for u in s.ports[index].urns}))
        for index, volume in enumerate(first.volumes):
            name = f"{pattern}{volume.name[len(first.name):]}" if volume.name.startswith(first.name) else volume.name
            group.volumes.append(VolumeView(f"{group.key}:v{index}", name, volume.size,
                                            {u for _, s in members for u in s.volumes[index].urns},
                                            {u for _, s in members for u in s.volumes[index].attach}))
        for _, s in members:
            group.urns |= s.urns
            absorbed.add(s.key)
        grouped[first.key] = group
    out: list[ServerView] = []
    for server in servers:
        if server.key in grouped:
            out.append(grouped[server.key])
        elif server.key not in absorbed:
            out.append(server)
    return out


def build_topology(resources: list[dict[str, Any]], marks: dict[str, str] | None = None) -> Topology:
    """The topology of a plan's resources (plan.json `resources`); `marks` (URN -> op) keeps servers with
    different changes out of one counted group."""
    return _Builder(resources, marks).build()
