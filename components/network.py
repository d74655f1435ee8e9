"""Network component: a Neutron network, its subnets and an optional router to an external network."""

import ipaddress
from dataclasses import dataclass, field

import pulumi
import pulumi_openstack as openstack

from components.args import coerce
from components.errors import StackError
from components.links import router_interface
from components.lookup import network_id_by_name

TOKEN = "openstack-stacks:index:Network"


@dataclass
class AllocationPoolArgs:
    """A range of addresses Neutron hands out (DHCP and ports without a fixed IP)."""

    start: str
    """First address of the pool."""
    end: str
    """Last address of the pool."""


@dataclass
class SubnetArgs:
    """One subnet of a network. `gateway_ip="none"` disables the gateway."""

    name: str
    """Key of the subnet in the network (and its OpenStack name unless `os_name` is set)."""
    cidr: str
    """The subnet's CIDR, without host bits."""
    gateway_ip: str | None = None
    """Gateway address; "none" for no gateway; unset: Neutron's default (the first address)."""
    dns_nameservers: list[str] | None = field(default_factory=list)
    allocation_pools: list[AllocationPoolArgs] | None = field(default_factory=list)
    """Address pools; Python callers may also give (start, end) pairs."""
    enable_dhcp: bool | None = True
    router_interface: bool | None = True
    """Connect the subnet to the network's router (when it has one)."""
    os_name: str | None = None

    def pools(self) -> list[tuple[str, str]]:
        """The allocation pools as (start, end) pairs."""
        return [(p.start, p.end) if isinstance(p, AllocationPoolArgs) else (p[0], p[1])
                for p in self.allocation_pools or ()]

    def network(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        """The subnet's CIDR, validated (raises StackError)."""
        return subnet_cidr(self.cidr, resource=self.name)

    def check(self) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
        """CIDR, gateway, DNS servers and allocation pools as Neutron checks them (raises StackError)."""
        return check_subnet(self.cidr, self.gateway_ip, self.dns_nameservers, self.pools(),
                            resource=self.name)


Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def subnet_cidr(cidr: object, *, resource: str | None = None) -> Net:
    """A subnet CIDR without host bits (Neutron stores 10.0.0.0/24 for 10.0.0.1/24: say so instead)."""
    try:
        return ipaddress.ip_network(str(cidr), strict=True)
    except ValueError as exc:
        raise StackError(f"invalid CIDR {cidr!r}: {exc}", resource=resource, field="cidr") from None


def _address(value: object, net: Net, what: str, resource: str | None, field: str) -> ipaddress._BaseAddress:
    try:
        address = ipaddress.ip_address(str(value))
    except ValueError:
        raise StackError(f"{what} {value!r} is not an IP address", resource=resource, field=field) from None
    if address.version != net.version:
        raise StackError(f"{what} {address} is not IPv{net.version} like the subnet {net}", resource=resource,
                         field=field)
    return address


def check_subnet(cidr: object, gateway_ip: object = None, dns_nameservers: list | tuple = (),
                 allocation_pools: list | tuple = (), *, resource: str | None = None) -> Net:
    """Neutron's own subnet rules, checked before anything is sent: CIDR without host bits, gateway an
    address of the subnet's version, DNS servers addresses, each allocation pool inside the subnet, in
    order, not holding the gateway and not overlapping another pool."""
    net = subnet_cidr(cidr, resource=resource)
    gateway = None
    if gateway_ip not in (None, "", "none"):
        gateway = _address(gateway_ip, net, "gateway_ip", resource, "gateway_ip")
    for i, dns in enumerate(dns_nameservers or ()):
        try:
            ipaddress.ip_address(str(dns))
        except ValueError:
            raise StackError(f"DNS server {dns!r} is not an IP address", resource=resource,
                             field=f"dns_nameservers[{i}]") from None
    ranges = []
    for i, (start, end) in enumerate(allocation_pools or ()):
        where = f"allocation_pools[{i}]"
        lo = _address(start, net, "pool start", resource, f"{where}.start")
        hi = _address(end, net, "pool end", resource, f"{where}.end")
        if lo not in net or hi not in net:
            raise StackError(f"allocation pool {lo}-{hi} is outside the subnet {net}", resource=resource,
                             field=where)
        if lo > hi:
            raise StackError(f"allocation pool {lo}-{hi} ends before it starts", resource=resource, field=where)
        if gateway is not None and lo <= gateway <= hi:
            raise StackError(f"allocation pool {lo}-{hi} holds the gateway {gateway}", resource=resource,
                             field=where)
        for other_lo, other_hi in ranges:
            if lo <= other_hi and other_lo <= hi:
                raise StackError(f"allocation pool {lo}-{hi} overlaps {other_lo}-{other_hi}", resource=resource,
                                 field=where)
        ranges.append((lo, hi))
    return net


@dataclass
class NetworkArgs:
    """A network with subnets; a router with an external gateway when `external_network` is set."""

    subnets: list[SubnetArgs] | None = field(default_factory=list)
    external_network: str | None = None
    """Name of the external network: a router with its gateway there connects the subnets."""
    router: bool | None = None
    """A router even without `external_network` (true), or none at all (false)."""
    mtu: int | None = None
    port_security_enabled: bool | None = None
    shared: bool | None = None
    os_name: str | None = None


MIN_MTU = 68  # the IPv4 minimum (RFC 791); Neutron refuses less


def check_network(name: str, args: NetworkArgs) -> None:
    """Every subnet valid, no two overlapping (Neutron refuses overlapping CIDRs in one network), a
    sensible MTU. Raises StackError naming the network and the field."""
    if args.mtu is not None and (isinstance(args.mtu, bool) or not isinstance(args.mtu, int)
                                 or not MIN_MTU <= args.mtu <= 65535):
        raise StackError(f"mtu must be a whole number from {MIN_MTU} to 65535, got {args.mtu!r}", resource=name,
                         field="mtu")
    seen: list[tuple[str, Net]] = []
    for sub in args.subnets:
        try:
            net = sub.check()
        except StackError as exc:
            raise StackError(exc.message, resource=name, field=f"subnets.{sub.name}.{exc.field}") from None
        for other, other_net in seen:
            if net.version == other_net.version and net.overlaps(other_net):
                raise StackError(f"subnet {sub.name} ({net}) overlaps subnet {other} ({other_net}); Neutron "
                                 "refuses overlapping subnets in one network", resource=name,
                                 field=f"subnets.{sub.name}.cidr")
        seen.append((sub.name, net))


class Network(pulumi.ComponentResource):
    """Neutron network + subnets + router; `ready` lists what ports and floating IPs must wait for."""

    network_id: pulumi.Output[str]
    """ID of the Neutron network."""
    subnet_ids: pulumi.Output[dict[str, str]]
    """Subnet IDs by subnet name."""
    router_id: pulumi.Output[str] | None
    """ID of the router, when the network has one."""
    routed_network_id: pulumi.Output[str]
    """The network ID, known once the router interfaces exist: give it as `network` of a port with a floating IP
    (Neutron refuses the association before the subnet reaches the external network)."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        args = coerce(NetworkArgs, args)
        check_network(name, args)
        super().__init__(TOKEN, name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.subnet_args: dict[str, SubnetArgs] = {}
        self.network: openstack.networking.Network = openstack.networking.Network(
            name,
            name=args.os_name or name,
            admin_state_up=True,
            mtu=args.mtu,
            port_security_enabled=args.port_security_enabled,
            shared=args.shared,
            opts=child,
        )
        self.subnets: dict[str, openstack.networking.Subnet] = {}
        for index, sub in enumerate(args.subnets or ()):
            self._add_subnet(name, coerce(SubnetArgs, sub, where=f"subnets[{index}]"), child)
        self.router: openstack.networking.Router | None = None
        self.router_interfaces: list[openstack.networking.RouterInterface] = []
        # What ports and floating IPs must wait for (pitfalls 10); add_router_interface extends it.
        self.ready: list[pulumi.Resource] = list(self.subnets.values())
        if args.router or (args.router is None and args.external_network):
            ext_id = (network_id_by_name(args.external_network, pulumi.InvokeOptions(parent=self))
                      if args.external_network else None)
            self.router = openstack.networking.Router(
                f"{name}-router",
                name=f"{args.os_name or name}-router",
                admin_state_up=True,
                external_network_id=ext_id,
                opts=child,
            )
            for sub_name in self.subnets:
                if not self.subnet_args[sub_name].router_interface:
                    continue
                self.add_router_interface(sub_name, self.router, f"{name}-{sub_name}-rif", child)
        self.network_id = self.network.id
        self.subnet_ids = pulumi.Output.all(**{k: v.id for k, v in self.subnets.items()}) if self.subnets \
            else pulumi.Output.from_input({})
        self.router_id = self.router.id if self.router else None
        self.routed_network_id = pulumi.Output.all(self.network.id, *(r.id for r in self.router_interfaces)).apply(
            lambda ids: ids[0])
        self.register_outputs({"networkId": self.network_id, "subnetIds": self.subnet_ids,
                               "routerId": self.router_id})

    def add_router_interface(self, subnet_name: str, router: openstack.networking.Router, logical: str,
                             opts: pulumi.ResourceOptions) -> openstack.networking.RouterInterface:
        """Connect one of this network's subnets to `router` (this network's own or another's).

        Ports and floating IPs on the network wait for it (`ready`).
        """
        interface = router_interface(logical, router_id=router.id, subnet=self.subnet(subnet_name), opts=opts)
        self.router_interfaces.append(interface)
        self.ready.append(interface)
        return interface

    def _add_subnet(self, name: str, sub: SubnetArgs, child: pulumi.ResourceOptions) -> None:
        net = sub.network()
        no_gateway = sub.gateway_ip == "none"
        self.subnet_args[sub.name] = sub
        self.subnets[sub.name] = openstack.networking.Subnet(
            f"{name}-{sub.name}",
            name=sub.os_name or sub.name,
            network_id=self.network.id,
            cidr=str(net),
            ip_version=net.version,
            gateway_ip=None if no_gateway else sub.gateway_ip,
            no_gateway=True if no_gateway else None,
            dns_nameservers=list(sub.dns_nameservers) or None,
            allocation_pools=[openstack.networking.SubnetAllocationPoolArgs(start=s, end=e) for s, e in sub.pools()]
            or None,
            enable_dhcp=sub.enable_dhcp,
            opts=child,
        )

    def subnet(self, name: str | None) -> openstack.networking.Subnet:
        """The named subnet, or the only/first one when `name` is None."""
        if name is None:
            if not self.subnets:
                raise StackError("network has no subnet", resource=self._name)
            return next(iter(self.subnets.values()))
        try:
            return self.subnets[name]
        except KeyError:
            raise StackError(
                f"network has no subnet '{name}' (has: {', '.join(self.subnets) or 'none'})",
                resource=self._name,
            ) from None
