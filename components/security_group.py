"""SecurityGroup component: a Neutron security group and its rules, one resource per rule."""

import hashlib
import ipaddress
import re
from dataclasses import dataclass, field

import pulumi
import pulumi_openstack as openstack

from components.args import coerce
from components.errors import StackError

TOKEN = "openstack-stacks:index:SecurityGroup"
PROTOCOLS = {"tcp", "udp", "icmp", "icmpv6", "ipv6-icmp", "sctp", "vrrp", "gre", "esp", "ah"}
# Protocols Neutron takes a port range for, by name and by IP protocol number (tcp 6, udp 17, dccp 33,
# sctp 132, udplite 136); ICMP's "ports" are its type and code (0-255).
PORT_PROTOCOLS = {"tcp", "udp", "sctp", "dccp", "udplite", "6", "17", "33", "132", "136"}
ICMP_PROTOCOLS = {"icmp", "icmpv6", "ipv6-icmp", "1", "58"}


@dataclass
class RuleArgs:
    """One rule. `protocol=None` means any protocol; `remote_group="self"` means this group."""

    direction: str | None = "ingress"
    """ingress or egress."""
    protocol: str | None = None
    """tcp, udp, icmp, ... or an IP protocol number; unset: any protocol."""
    port_min: int | None = None
    port_max: int | None = None
    """Last port of the range; unset: port_min alone."""
    remote_ip_prefix: str | None = None
    """Source (ingress) or destination (egress) CIDR; a bare address means /32."""
    remote_group: pulumi.Input[str] | None = None
    """Another security group's ID, or "self" for this group (Python callers may pass the SecurityGroup)."""
    ethertype: str | None = None
    """IPv4 or IPv6; derived from remote_ip_prefix when unset."""
    description: str | None = None

    def normalised(self) -> "RuleArgs":
        """Validate and normalise: CIDR notation always (1.2.3.4 -> 1.2.3.4/32), ethertype from the CIDR."""
        if self.direction not in ("ingress", "egress"):
            raise StackError(f"direction must be ingress or egress, not {self.direction!r}", field="direction")
        proto = None if self.protocol in (None, "any", "all") else str(self.protocol).lower()
        if proto is not None and proto not in PROTOCOLS and not (proto.isdigit() and 0 <= int(proto) <= 255):
            raise StackError(f"unknown protocol {self.protocol!r}", field="protocol")
        cidr = None
        ethertype = self.ethertype
        if self.remote_ip_prefix is not None:
            try:
                net = ipaddress.ip_network(str(self.remote_ip_prefix), strict=False)
            except ValueError as exc:
                raise StackError(f"invalid CIDR {self.remote_ip_prefix!r}", field="remote_ip_prefix") from exc
            # terraform-provider-openstack#955: a bare address is stored as /32 by Neutron and
            # the rule is replaced forever unless we send the CIDR form ourselves.
            cidr = str(net)
            derived = "IPv4" if net.version == 4 else "IPv6"
            if ethertype and ethertype != derived:
                raise StackError(f"ethertype {ethertype} does not match {cidr}", field="ethertype")
            ethertype = derived
        if self.remote_ip_prefix is not None and self.remote_group is not None:
            raise StackError("give remote_ip_prefix or remote_group, not both", field="remote_group")
        port_min, port_max = self.port_min, self.port_max
        if port_min is not None and port_max is None:
            port_max = port_min
        icmp = proto in ICMP_PROTOCOLS
        low, high = (0, 255) if icmp else (1, 65535)
        for value in (port_min, port_max):
            if value is None:
                continue
            if isinstance(value, bool) or (not isinstance(value, int) and not str(value).strip().isdigit()):
                raise StackError(f"port {value!r} is not a whole number", field="port")
            if not low <= int(value) <= high:
                raise StackError(f"{'ICMP type/code' if icmp else 'port'} {value} out of range {low}-{high}",
                                 field="port")
        if port_min is not None and port_max is not None and int(port_min) > int(port_max) and not icmp:
            raise StackError(f"port range {port_min}-{port_max} is reversed", field="port_range")
        if port_min is not None and proto not in PORT_PROTOCOLS | ICMP_PROTOCOLS:
            raise StackError(f"ports need protocol tcp, udp, sctp or dccp (or 6, 17, 132, 33; got {proto or 'any'})",
                             field="port")
        return RuleArgs(
            direction=self.direction,
            protocol=proto,
            port_min=None if port_min is None else int(port_min),
            port_max=None if port_max is None else int(port_max),
            remote_ip_prefix=cidr,
            remote_group=self.remote_group,
            ethertype=ethertype or "IPv4",
            description=self.description,
        )

    def key(self, group_name: str) -> str:
        """A stable logical name from the rule's content, so reordering rules changes nothing."""
        if self.port_min is None:
            ports = "any"
        elif self.port_min == self.port_max:
            ports = str(self.port_min)
        else:
            ports = f"{self.port_min}-{self.port_max}"
        if isinstance(self.remote_group, SecurityGroup):
            remote = "sg-" + self.remote_group.logical_name
        elif self.remote_group == "self":
            remote = "sg-self"
        elif isinstance(self.remote_group, str):
            remote = "sg-" + self.remote_group
        elif self.remote_group is not None:
            # An ID known only once the other group exists (another language's Output): the name cannot come
            # from it, so it comes from the description, which such a rule must then have.
            if not self.description:
                raise StackError("a rule whose remote_group is an Output needs a description (its stable name)",
                                 field="description")
            remote = "sg-" + self.description
        else:
            remote = self.remote_ip_prefix or ("0.0.0.0/0" if self.ethertype == "IPv4" else "::/0")
        parts = [group_name, self.direction, self.ethertype.lower(),
                 self.protocol or "any", ports, remote]
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", "-".join(parts))
        if len(name) > 100:
            name = name[:80] + "-" + hashlib.sha256(name.encode()).hexdigest()[:12]
        return name


@dataclass
class SecurityGroupArgs:
    """A security group. Rules are never world-open unless a rule says 0.0.0.0/0 explicitly."""

    description: str | None = ""
    rules: list[RuleArgs] | None = field(default_factory=list)
    delete_default_rules: bool | None = None
    """Drop Neutron's default egress rules; unset: only when a rule is an egress rule."""
    os_name: str | None = None


class SecurityGroup(pulumi.ComponentResource):
    """Neutron security group with one SecGroupRule per rule, named from the rule's content."""

    security_group_id: pulumi.Output[str]
    """ID of the Neutron security group."""
    rule_names: pulumi.Output[list[str]]
    """Logical names of the rules (derived from their content)."""

    def __init__(self, name: str, args: SecurityGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TOKEN, name, {}, opts)
        args = coerce(SecurityGroupArgs, args)
        self.logical_name = name
        normalised = [coerce(RuleArgs, rule, where=f"rules[{i}]").normalised()
                      for i, rule in enumerate(args.rules or ())]
        manages_egress = any(r.direction == "egress" for r in normalised)
        delete_defaults = args.delete_default_rules
        if delete_defaults is None:
            # terraform-provider-openstack#1035: explicit egress rules collide with Neutron's
            # default egress rules (409 "rule already exists"); drop the defaults then.
            delete_defaults = manages_egress
        self.group: openstack.networking.SecGroup = openstack.networking.SecGroup(
            name,
            name=args.os_name or name,
            description=args.description or None,
            delete_default_rules=True if delete_defaults else None,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.id = self.security_group_id = self.group.id
        self.rules: dict[str, openstack.networking.SecGroupRule] = {}
        for rule in normalised:
            self.add_rule(rule)
        self.rule_names = pulumi.Output.from_input(sorted(self.rules))
        self.register_outputs({"id": self.group.id, "rules": sorted(self.rules)})

    def add_rule(self, rule: RuleArgs) -> openstack.networking.SecGroupRule:
        """Add one rule (normalised first); duplicate rules are an error."""
        rule = rule.normalised()
        key = rule.key(self.logical_name)
        if key in self.rules:
            raise StackError(f"duplicate security group rule {key}", resource=self.logical_name, field="rules")
        if isinstance(rule.remote_group, SecurityGroup):
            remote_group_id: pulumi.Input[str] | None = rule.remote_group.group.id
        elif rule.remote_group == "self":
            remote_group_id = self.group.id
        else:
            remote_group_id = rule.remote_group
        self.rules[key] = openstack.networking.SecGroupRule(
            key,
            security_group_id=self.group.id,
            direction=rule.direction,
            ethertype=rule.ethertype,
            protocol=rule.protocol,
            port_range_min=rule.port_min,
            port_range_max=rule.port_max,
            remote_ip_prefix=rule.remote_ip_prefix,
            remote_group_id=remote_group_id,
            description=rule.description,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return self.rules[key]
