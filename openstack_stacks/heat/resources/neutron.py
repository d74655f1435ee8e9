"""Fine-grained Neutron types registered as pulumi-openstack resources named after the template resource."""

from __future__ import annotations

import re
from typing import Any

import pulumi
import pulumi_openstack as openstack

from components.errors import StackError
from components.links import associate_floating_ip
from components.lookup import network_id_by_name
from components.security_group import RuleArgs, SecurityGroup, SecurityGroupArgs
from openstack_stacks.heat.resources.base import HeatResource, Prop, register

UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.I)


def network_id(value: Any, opts: pulumi.InvokeOptions | None = None) -> Any:
    """A network given as an ID (or a resource's ID output) or, as Heat allows, by name (looked up with the
    provider `opts` names: the one the template's resources go to)."""
    if isinstance(value, str) and not UUID.match(value):
        return network_id_by_name(value, opts)
    return value


def subnet_id(value: Any, opts: pulumi.InvokeOptions | None = None) -> Any:
    if isinstance(value, str) and not UUID.match(value):
        return openstack.networking.get_subnet_output(name=value, opts=opts).id
    return value


def port_id(value: Any, opts: pulumi.InvokeOptions | None = None) -> Any:
    """A port given as an ID (or a resource's ID output) or, as Heat allows, by name."""
    if isinstance(value, str) and not UUID.match(value):
        return openstack.networking.get_port_output(name=value, opts=opts).id
    return value


def secgroup_id(value: Any, opts: pulumi.InvokeOptions | None = None) -> Any:
    if isinstance(value, str) and not UUID.match(value):
        return openstack.networking.get_sec_group_output(name=value, opts=opts).id
    return value


class _Simple(HeatResource):
    resource: pulumi.CustomResource

    def id(self) -> Any:
        return self.resource.id

    def keep(self, resource: pulumi.CustomResource) -> None:
        self.resource = resource
        self.resources.append(resource)


@register
class Net(_Simple):
    TYPES = ("OS::Neutron::Net",)
    PULUMI_TYPE = openstack.networking.Network.pulumi_type
    PROPERTIES = {"name": Prop(), "admin_state_up": Prop(), "shared": Prop(), "port_security_enabled": Prop(),
                  "value_specs": Prop(), "dhcp_agent_ids": Prop(ignored="admin-only scheduling"), "qos_policy": Prop(),
                  "tenant_id": Prop(), "dns_domain": Prop(), "tags": Prop()}
    ATTRIBUTES = {"name": "os_name", "subnets": "subnets", "mtu": "mtu", "status": "status",
                  "admin_state_up": "admin_state_up", "port_security_enabled": "port_security"}

    def build(self) -> None:
        p = self.props
        self.keep(openstack.networking.Network(
            self.logical, name=p["name"] or self.logical, admin_state_up=p["admin_state_up"], shared=p["shared"],
            port_security_enabled=p["port_security_enabled"], dns_domain=p["dns_domain"], tags=p["tags"],
            tenant_id=p["tenant_id"], value_specs=p["value_specs"], opts=self.child_opts()))

    def os_name(self) -> Any:
        return self.resource.name

    def subnets(self) -> Any:
        """IDs of the template's subnets on this network (Heat lists the API's, those made elsewhere too)."""
        return [r.id() for r in self.scope.resources.values()
                if isinstance(r, Subnet) and getattr(r, "network_ref", None) is self.id()]

    def admin_state_up(self) -> Any:
        return self.resource.admin_state_up

    def port_security(self) -> Any:
        return self.resource.port_security_enabled

    def mtu(self) -> Any:
        return self.resource.mtu


@register
class Subnet(_Simple):
    TYPES = ("OS::Neutron::Subnet",)
    PULUMI_TYPE = openstack.networking.Subnet.pulumi_type
    PROPERTIES = {"network": Prop(), "network_id": Prop(), "cidr": Prop(), "name": Prop(),
                  "ip_version": Prop(default=4),
                  "gateway_ip": Prop(), "dns_nameservers": Prop(default=[]), "allocation_pools": Prop(default=[]),
                  "enable_dhcp": Prop(default=True), "host_routes": Prop(default=[]), "tenant_id": Prop(),
                  "ipv6_address_mode": Prop(), "ipv6_ra_mode": Prop(), "tags": Prop(), "value_specs": Prop()}
    ATTRIBUTES = {"cidr": "cidr", "gateway_ip": "gateway_ip", "name": "os_name", "network_id": "network_id",
                  "allocation_pools": "allocation_pools"}

    def build(self) -> None:
        io = self.invoke_opts()
        p = self.props
        network = p["network"] or p["network_id"]
        if network is None:
            raise self.fail("OS::Neutron::Subnet: property 'network' is required", field="network")
        self.network_ref = network
        self._check_plain(p)
        self.keep(openstack.networking.Subnet(
            self.logical, name=p["name"] or self.logical, network_id=network_id(network, io), cidr=p["cidr"],
            ip_version=int(p["ip_version"]), gateway_ip=p["gateway_ip"], no_gateway=None,
            dns_nameservers=p["dns_nameservers"] or None, enable_dhcp=p["enable_dhcp"],
            allocation_pools=[openstack.networking.SubnetAllocationPoolArgs(start=a["start"], end=a["end"])
                              for a in p["allocation_pools"]] or None,
            ipv6_address_mode=p["ipv6_address_mode"], ipv6_ra_mode=p["ipv6_ra_mode"], tags=p["tags"],
            tenant_id=p["tenant_id"], value_specs=p["value_specs"], opts=self.child_opts()))

    def _check_plain(self, p: dict[str, Any]) -> None:
        """Neutron's subnet rules (components.network.check_subnet) on the values known at render time."""
        from components.network import check_subnet

        if not isinstance(p["cidr"], str):
            return
        plain = lambda v: isinstance(v, (str, int, type(None)))  # noqa: E731
        pools = p["allocation_pools"] if isinstance(p["allocation_pools"], list) else []
        pairs = [(a.get("start"), a.get("end")) for a in pools if isinstance(a, dict)]
        dns = p["dns_nameservers"] if isinstance(p["dns_nameservers"], list) else []
        try:
            check_subnet(p["cidr"], p["gateway_ip"] if plain(p["gateway_ip"]) else None,
                         [d for d in dns if plain(d)],
                         [(a, b) for a, b in pairs if plain(a) and plain(b)], resource=self.name)
        except StackError as exc:
            raise self.fail(exc.message, field=exc.field) from None

    def cidr(self) -> Any:
        return self.resource.cidr

    def gateway_ip(self) -> Any:
        return self.resource.gateway_ip

    def os_name(self) -> Any:
        return self.resource.name

    def network_id(self) -> Any:
        return self.resource.network_id

    def allocation_pools(self) -> Any:
        return self.resource.allocation_pools


@register
class Router(_Simple):
    TYPES = ("OS::Neutron::Router",)
    PULUMI_TYPE = openstack.networking.Router.pulumi_type
    PROPERTIES = {"name": Prop(), "external_gateway_info": Prop(), "admin_state_up": Prop(), "distributed": Prop(),
                  "ha": Prop(), "value_specs": Prop(), "tags": Prop()}
    ATTRIBUTES = {"name": "os_name", "external_gateway_info": "gateway", "status": "status",
                  "admin_state_up": "admin_state_up"}

    def build(self) -> None:
        io = self.invoke_opts()
        p = self.props
        gateway = p["external_gateway_info"] or {}
        folded = folded_gateway(self)
        if folded is not None:
            if gateway:
                raise self.fail("external_gateway_info and an OS::Neutron::RouterGateway both set the gateway")
            gateway = {"network": folded}
        self.keep(openstack.networking.Router(
            self.logical, name=p["name"] or self.logical,
            external_network_id=network_id(gateway["network"], io) if gateway.get("network") else None,
            enable_snat=gateway.get("enable_snat"), admin_state_up=p["admin_state_up"],
            distributed=p["distributed"], tags=p["tags"], value_specs=p["value_specs"], opts=self.child_opts()))

    def os_name(self) -> Any:
        return self.resource.name

    def gateway(self) -> Any:
        return {"network_id": self.resource.external_network_id}

    def admin_state_up(self) -> Any:
        return self.resource.admin_state_up


def folded_gateway(router: HeatResource) -> Any:
    """The network of an OS::Neutron::RouterGateway naming this router, folded into the router itself."""
    from openstack_stacks.heat.functions import resolve

    scope, sections = router.scope, router.scope.template.sections
    for body in scope.template.section("resources").values():
        if not isinstance(body, dict) or body.get(sections.type) != "OS::Neutron::RouterGateway":
            continue
        props = body.get(sections.properties) or {}
        target = props.get("router_id") or props.get("router")
        if target == {"get_resource": router.name}:
            return resolve(props.get("network_id") or props.get("network"), scope)
    return None


@register
class RouterGateway(HeatResource):
    """Deprecated in Heat. pulumi-openstack has no gateway resource: the gateway is set on the router it names
    (see Router.build) and this resource only waits for the router."""

    TYPES = ("OS::Neutron::RouterGateway",)
    PROPERTIES = {"router_id": Prop(), "router": Prop(), "network_id": Prop(), "network": Prop()}

    def build(self) -> None:
        from openstack_stacks import report
        router = self.props["router_id"] or self.props["router"]
        owner = next((r for r in self.scope.resources.values() if isinstance(r, Router) and r.id() is router), None)
        if owner is None:
            raise self.fail("OS::Neutron::RouterGateway must name an OS::Neutron::Router of this template "
                            "with get_resource")
        report.note(f"router gateway '{self.logical}' is set on router '{owner.logical}' "
                    "(external_network_id): pulumi-openstack has no separate gateway resource")

    def id(self) -> Any:
        return self.props["router_id"] or self.props["router"]


@register
class RouterInterface(_Simple):
    TYPES = ("OS::Neutron::RouterInterface",)
    PULUMI_TYPE = openstack.networking.RouterInterface.pulumi_type
    PROPERTIES = {"router": Prop(), "router_id": Prop(), "subnet": Prop(), "subnet_id": Prop(), "port": Prop(),
                  "port_id": Prop()}

    def build(self) -> None:
        io = self.invoke_opts()
        p = self.props
        router = p["router"] or p["router_id"]
        subnet, port = p["subnet"] or p["subnet_id"], p["port"] or p["port_id"]
        if router is None or (subnet is None and port is None):
            raise self.fail("OS::Neutron::RouterInterface needs a router and a subnet or port")
        self.keep(openstack.networking.RouterInterface(
            self.logical, router_id=router, subnet_id=subnet_id(subnet, io) if subnet is not None else None,
            port_id=port, opts=self.child_opts()))


@register
class Port(_Simple):
    TYPES = ("OS::Neutron::Port",)
    PULUMI_TYPE = openstack.networking.Port.pulumi_type
    PROPERTIES = {"network": Prop(), "network_id": Prop(), "name": Prop(), "fixed_ips": Prop(default=[]),
                  "security_groups": Prop(), "allowed_address_pairs": Prop(default=[]),
                  "port_security_enabled": Prop(), "mac_address": Prop(), "admin_state_up": Prop(),
                  "binding:vnic_type": Prop(), "device_owner": Prop(), "device_id": Prop(),
                  "value_specs": Prop(), "tags": Prop(),
                  "replacement_policy": Prop(ignored="Pulumi replaces by schema")}
    ATTRIBUTES = {"fixed_ips": "fixed_ips", "mac_address": "mac", "name": "os_name", "network_id": "network",
                  "status": "status", "subnets": "subnets", "device_id": "device_id"}

    def build(self) -> None:
        io = self.invoke_opts()
        p = self.props
        network = p["network"] or p["network_id"]
        if network is None:
            raise self.fail("OS::Neutron::Port: property 'network' is required", field="network")
        fixed = [openstack.networking.PortFixedIpArgs(
            subnet_id=subnet_id(f.get("subnet") or f.get("subnet_id"), io) if (f.get("subnet") or f.get("subnet_id"))
            else None, ip_address=f.get("ip_address")) for f in p["fixed_ips"]]
        groups = p["security_groups"]
        self.keep(openstack.networking.Port(
            self.logical, name=p["name"] or self.logical, network_id=network_id(network, io), fixed_ips=fixed or None,
            security_group_ids=[secgroup_id(g, io) for g in groups] if groups else None,
            allowed_address_pairs=[openstack.networking.PortAllowedAddressPairArgs(
                ip_address=a["ip_address"], mac_address=a.get("mac_address")) for a in p["allowed_address_pairs"]]
            or None,
            port_security_enabled=p["port_security_enabled"], mac_address=p["mac_address"],
            admin_state_up=p["admin_state_up"] if p["admin_state_up"] is not None else True,
            device_owner=p["device_owner"], device_id=p["device_id"], value_specs=p["value_specs"], tags=p["tags"],
            binding=openstack.networking.PortBindingArgs(vnic_type=p["binding:vnic_type"])
            if p["binding:vnic_type"] else None, opts=self.child_opts()))

    def fixed_ips(self) -> Any:
        return self.resource.fixed_ips.apply(
            lambda ips: [{"ip_address": i.ip_address, "subnet_id": i.subnet_id} for i in ips or []])

    def mac(self) -> Any:
        return self.resource.mac_address

    def os_name(self) -> Any:
        return self.resource.name

    def network(self) -> Any:
        return self.resource.network_id

    def subnets(self) -> Any:
        return self.resource.fixed_ips.apply(lambda ips: [i.subnet_id for i in ips or []])

    def device_id(self) -> Any:
        return self.resource.device_id


@register
class FloatingIP(_Simple):
    TYPES = ("OS::Neutron::FloatingIP",)
    PULUMI_TYPE = openstack.networking.FloatingIp.pulumi_type
    PROPERTIES = {"floating_network": Prop(), "floating_network_id": Prop(), "port_id": Prop(),
                  "fixed_ip_address": Prop(), "floating_ip_address": Prop(), "value_specs": Prop(),
                  "dns_name": Prop(), "dns_domain": Prop(), "floating_subnet": Prop(), "tags": Prop()}
    ATTRIBUTES = {"floating_ip_address": "address", "fixed_ip_address": "fixed", "port_id": "port"}

    def build(self) -> None:
        io = self.invoke_opts()
        p = self.props
        pool = p["floating_network"] or p["floating_network_id"]
        if pool is None:
            raise self.fail("OS::Neutron::FloatingIP: property 'floating_network' is required")
        # The pool is the external network's name; an ID parameter is looked up as a name too (offline).
        self.keep(openstack.networking.FloatingIp(
            self.logical, pool=pool if isinstance(pool, str) else None,
            address=p["floating_ip_address"], tags=p["tags"], value_specs=p["value_specs"],
            subnet_id=subnet_id(p["floating_subnet"], io) if p["floating_subnet"] else None,
            opts=self.child_opts()))
        if not isinstance(pool, str):
            raise self.fail("floating_network must be a network name or ID given as a parameter")
        if p["port_id"] is not None:
            assoc = associate_floating_ip(
                f"{self.logical}-assoc", floating_ip=self.resource.address, port_id=p["port_id"],
                fixed_ip=p["fixed_ip_address"], opts=self.child_opts())
            self.resources.append(assoc)

    def address(self) -> Any:
        return self.resource.address

    def fixed(self) -> Any:
        return self.resource.fixed_ip

    def port(self) -> Any:
        return self.resource.port_id


@register
class FloatingIPAssociation(_Simple):
    TYPES = ("OS::Neutron::FloatingIPAssociation",)
    PULUMI_TYPE = openstack.networking.FloatingIpAssociate.pulumi_type
    PROPERTIES = {"floatingip_id": Prop(required=True), "port_id": Prop(required=True), "fixed_ip_address": Prop()}

    def build(self) -> None:
        p = self.props
        self.keep(associate_floating_ip(
            self.logical, floating_ip=p["floatingip_id"], port_id=p["port_id"], fixed_ip=p["fixed_ip_address"],
            opts=self.child_opts()))


def _port_range(rule: dict[str, Any], lo: str, hi: str) -> tuple[int | None, int | None]:
    a, b = rule.get(lo), rule.get(hi)
    return (int(a) if a not in (None, "") else None, int(b) if b not in (None, "") else None)


@register
class NeutronSecurityGroup(HeatResource):
    TYPES = ("OS::Neutron::SecurityGroup",)
    PULUMI_TYPE = openstack.networking.SecGroup.pulumi_type
    PROPERTIES = {"name": Prop(), "description": Prop(default=""), "rules": Prop(default=[])}
    ATTRIBUTES = {"name": "os_name"}

    def group_of(self, value: Any) -> Any:
        """A remote group: the SecurityGroup component when the value is a group of this template."""
        if value is None or isinstance(value, str):
            return value
        owner = next((r for r in self.scope.resources.values()
                      if isinstance(r, NeutronSecurityGroup) and r.id() is value), None)
        return owner.group if owner is not None else value

    def rule_args(self) -> list[RuleArgs]:
        out = []
        for rule in self.props["rules"]:
            lo, hi = _port_range(rule, "port_range_min", "port_range_max")
            remote_group = self.group_of(rule.get("remote_group_id") or rule.get("remote_group"))
            if rule.get("remote_mode") == "remote_group_id" and remote_group is None:
                remote_group = "self"
            out.append(RuleArgs(direction=rule.get("direction", "ingress"), ethertype=rule.get("ethertype"),
                                protocol=str(rule["protocol"]) if rule.get("protocol") is not None else None,
                                port_min=lo, port_max=hi, remote_ip_prefix=rule.get("remote_ip_prefix"),
                                remote_group=remote_group))
        return out

    def build(self) -> None:
        self.group = SecurityGroup(self.logical, SecurityGroupArgs(
            description=self.props["description"] or "", rules=self.rule_args()), opts=self.child_opts())
        self.resources.append(self.group)

    def id(self) -> Any:
        return self.group.id

    def os_name(self) -> Any:
        return self.group.group.name


@register
class AwsSecurityGroup(NeutronSecurityGroup):
    TYPES = ("AWS::EC2::SecurityGroup",)
    PULUMI_TYPE = openstack.networking.SecGroup.pulumi_type
    PROPERTIES = {"GroupDescription": Prop(required=True), "SecurityGroupIngress": Prop(default=[]),
                  "SecurityGroupEgress": Prop(default=[]), "VpcId": Prop(ignored="no VPC in OpenStack"),
                  "Tags": Prop()}

    def rule_args(self) -> list[RuleArgs]:
        out = []
        for direction, key in (("ingress", "SecurityGroupIngress"), ("egress", "SecurityGroupEgress")):
            for rule in self.props[key]:
                lo, hi = _port_range(rule, "FromPort", "ToPort")
                proto = str(rule.get("IpProtocol", "")) or None
                if proto in ("-1",):
                    proto = None
                if proto == "icmp":
                    lo = hi = None if lo == -1 else lo
                out.append(RuleArgs(direction=direction, protocol=proto, port_min=lo, port_max=hi,
                                    remote_ip_prefix=rule.get("CidrIp"),
                                    remote_group=self.group_of(rule.get("SourceSecurityGroupId")
                                                               or rule.get("SourceSecurityGroupName"))))
        return out

    def build(self) -> None:
        self.props["description"] = self.props["GroupDescription"]
        super().build()


@register
class NeutronSecurityGroupRule(_Simple):
    """A stand-alone rule of a group (a SecGroupRule; CIDR normalised as the core does)."""

    TYPES = ("OS::Neutron::SecurityGroupRule",)
    PULUMI_TYPE = openstack.networking.SecGroupRule.pulumi_type
    PROPERTIES = {"security_group": Prop(required=True), "direction": Prop(default="ingress"), "ethertype": Prop(),
                  "protocol": Prop(), "port_range_min": Prop(), "port_range_max": Prop(),
                  "remote_ip_prefix": Prop(), "remote_group": Prop(), "description": Prop()}

    def build(self) -> None:
        io = self.invoke_opts()
        p = self.props
        rule = RuleArgs(direction=p["direction"], ethertype=p["ethertype"],
                        protocol=str(p["protocol"]) if p["protocol"] is not None else None,
                        port_min=int(p["port_range_min"]) if p["port_range_min"] is not None else None,
                        port_max=int(p["port_range_max"]) if p["port_range_max"] is not None else None,
                        remote_ip_prefix=p["remote_ip_prefix"], description=p["description"]).normalised()
        self.keep(openstack.networking.SecGroupRule(
            self.logical, security_group_id=secgroup_id(p["security_group"], io), direction=rule.direction,
            ethertype=rule.ethertype, protocol=rule.protocol, port_range_min=rule.port_min,
            port_range_max=rule.port_max, remote_ip_prefix=rule.remote_ip_prefix,
            remote_group_id=secgroup_id(p["remote_group"], io) if p["remote_group"] is not None else None,
            description=rule.description, opts=self.child_opts()))


@register
class Trunk(_Simple):
    """OS::Neutron::Trunk (components.trunk). A server booting on the parent port waits for the trunk
    (openstack_stacks.heat.implicit), as Heat recommends: Open vSwitch takes a trunk only before the boot."""

    TYPES = ("OS::Neutron::Trunk",)
    PROPERTIES = {"port": Prop(required=True), "sub_ports": Prop(default=[]), "name": Prop(), "description": Prop(),
                  "admin_state_up": Prop()}
    ATTRIBUTES = {"port_id": "port_id", "name": "os_name", "status": "status", "show": "show"}

    def build(self) -> None:
        io = self.invoke_opts()
        from components.trunk import SubPortArgs, TrunkArgs, trunk

        p = self.props
        subs = []
        for index, sub in enumerate(p["sub_ports"] or []):
            missing = [k for k in ("port", "segmentation_type", "segmentation_id") if sub.get(k) is None]
            if missing:
                raise self.fail(f"a subport needs {', '.join(missing)}", field=f"sub_ports[{index}]")
            subs.append(SubPortArgs(port_id=port_id(sub["port"], io), segmentation_id=int(sub["segmentation_id"]),
                                    segmentation_type=str(sub["segmentation_type"])))
        self.keep(trunk(self.logical, TrunkArgs(
            port_id=port_id(p["port"], io), sub_ports=subs, os_name=p["name"] or self.logical,
            description=p["description"], admin_state_up=p["admin_state_up"]), self.child_opts()))

    def port_id(self) -> Any:
        return self.resource.port_id

    def os_name(self) -> Any:
        return self.resource.name
