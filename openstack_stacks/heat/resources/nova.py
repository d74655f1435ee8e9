"""OS::Nova::Server / AWS::EC2::Instance (through components.server.Server), KeyPair, ServerGroup."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_openstack as openstack

from components.keypair import KeyPair, KeyPairArgs, ServerGroup, ServerGroupArgs
from components.server import PortArgs, Server, ServerArgs
from openstack_stacks import report
from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.resources.config import ConfigValue, text_part
from openstack_stacks.heat.resources.neutron import network_id, secgroup_id, subnet_id
from openstack_stacks.heat.values import has_output, lift, string_map
from userdata import UserDataSpec

DEFAULT_NETWORK = "private"
DEFAULT_EXTERNAL = "public"


def user_data_spec(user_data: Any, fmt: str, metadata: Any, instance_user: str | None, server: str) -> Any:
    """The UserDataSpec Heat's `build_userdata` would produce (an Output when inputs are Outputs)."""
    def make(value: Any, meta: Any) -> UserDataSpec:
        meta = meta or None
        if fmt == "RAW":
            text = value.text() if isinstance(value, ConfigValue) else (value or "")
            return UserDataSpec(format="RAW", script=str(text) or None)
        if fmt == "SOFTWARE_CONFIG":
            parts = value.parts if isinstance(value, ConfigValue) else (
                (text_part(str(value)),) if value else ())
            return UserDataSpec(format="SOFTWARE_CONFIG", parts=parts, metadata=meta)
        text = value.text() if isinstance(value, ConfigValue) else value
        script = str(text) if text else None
        if script and not script.startswith("#!"):
            # Heat sends it all the same; the instance's loguserdata cannot execute it (exit 126).
            report.note(f"server '{server}': its user data script does not start with '#!': it is sent as "
                        "Heat sends it, and at first boot loguserdata reports it as failed (exit 126, no "
                        "provision-finished)")
        return UserDataSpec(format="HEAT_CFNTOOLS", script=script, metadata=meta, instance_user=instance_user,
                            require_shebang=False)

    if user_data is None and not metadata:
        return None
    return lift(make, user_data, metadata)


@register
class NovaServer(HeatResource):
    TYPES = ("OS::Nova::Server",)
    PROPERTIES = {
        "name": Prop(), "image": Prop(), "flavor": Prop(required=True), "key_name": Prop(),
        "networks": Prop(default=[]),
        "security_groups": Prop(default=[]), "user_data": Prop(), "user_data_format": Prop(default="HEAT_CFNTOOLS"),
        "user_data_update_policy": Prop(default="REPLACE"), "metadata": Prop(default={}),
        "availability_zone": Prop(), "config_drive": Prop(), "admin_pass": Prop(), "scheduler_hints": Prop(),
        "block_device_mapping": Prop(), "block_device_mapping_v2": Prop(),
        "software_config_transport": Prop(ignored="no Heat metadata service"),
        "flavor_update_policy": Prop(ignored="Pulumi resizes in place"),
        "image_update_policy": Prop(ignored="Pulumi replaces on image change"),
        "diskConfig": Prop(ignored="not in pulumi-openstack"), "reservation_id": Prop(), "admin_user": Prop(),
    }
    ATTRIBUTES = {"first_address": "first_address", "networks": "networks", "name": "os_name",
                  "accessIPv4": "first_address", "addresses": "networks", "instance_name": "os_name",
                  "PublicIp": "public_ip", "PrivateIp": "first_address", "PublicDnsName": "public_ip",
                  "PrivateDnsName": "first_address", "AvailabilityZone": "az"}
    instance_user: str | None = None

    def ports(self) -> list[PortArgs]:
        groups = [secgroup_id(g) for g in self.props["security_groups"] or []]
        out = []
        self.network_names: list[str | None] = []
        for index, item in enumerate(self.props["networks"] or []):
            if item.get("port") is not None:
                out.append(PortArgs(port_id=item["port"], name=f"port{index}"))
                self.network_names.append(None)
                continue
            net = item.get("network") or item.get("uuid")
            self.network_names.append(net if isinstance(net, str) else None)
            if net is None:
                raise self.fail("a networks item needs port, network or uuid", field=f"networks[{index}]")
            out.append(PortArgs(network=network_id(net), fixed_ip=item.get("fixed_ip"),
                                subnet_id=subnet_id(item["subnet"]) if item.get("subnet") else None,
                                security_groups=groups))
        if not out:
            report.note(f"server '{self.logical}' names no networks: Nova would pick the project's only "
                        f"network; here it gets one port on the network named '{DEFAULT_NETWORK}'")
            out.append(PortArgs(network=network_id(DEFAULT_NETWORK), security_groups=groups))
            self.network_names.append(DEFAULT_NETWORK)
        return out

    def server_args(self) -> ServerArgs:
        p = self.props
        if p["block_device_mapping"] or p["block_device_mapping_v2"]:
            raise self.fail("block_device_mapping is not supported; use OS::Cinder::Volume + VolumeAttachment")
        if has_output(p["image"]) or has_output(p["flavor"]):
            raise self.fail("image and flavor must be names given as parameters or text")
        metadata = self.definition.get(self.scope.template.sections.metadata)
        return ServerArgs(
            flavor=str(p["flavor"]), image=p["image"], ports=self.ports(), key_pair=p["key_name"],
            availability_zone=p["availability_zone"], config_drive=p["config_drive"],
            metadata=string_map(p["metadata"]), admin_pass=p["admin_pass"],
            user_data=user_data_spec(p["user_data"], str(p["user_data_format"]), metadata, self.instance_user,
                                     self.logical),
            user_data_update_policy=str(p["user_data_update_policy"]), os_name=p["name"] or self.logical)

    def build(self) -> None:
        from openstack_stacks.heat.resources.deployment import deployment_parts, deployments_of

        args = self.server_args()
        self.deployed = [name for name, _ in deployments_of(self.scope, self.name)]
        if self.deployed:
            if self.props.get("user_data_format") != "SOFTWARE_CONFIG":
                raise self.fail("software deployments need user_data_format SOFTWARE_CONFIG", "user_data_format")
            extra = deployment_parts(self)
            args.user_data = lift(
                lambda spec, parts: UserDataSpec(format="SOFTWARE_CONFIG", parts=tuple(spec.parts) + tuple(parts),
                                                 metadata=spec.metadata) if spec else
                UserDataSpec(format="SOFTWARE_CONFIG", parts=tuple(parts)), args.user_data, extra)
        self.server = Server(self.logical, args, opts=self.child_opts())
        self.resources.append(self.server)

    def id(self) -> Any:
        return self.server.instance.id

    def first_address(self) -> Any:
        return self.server.instance.access_ip_v4

    def public_ip(self) -> Any:
        return self.server.public_ip or self.server.instance.access_ip_v4

    def networks(self) -> Any:
        names = list(getattr(self, "network_names", []))

        def by_network(pairs: list[Any]) -> dict[str, list[str]]:
            # Heat keys the map by network ID and, when known, by name (get_attr [s, networks, private, 0]).
            out: dict[str, list[str]] = {}
            for index, (net, ips) in enumerate(pairs):
                keys = {net, names[index]} if index < len(names) and names[index] else {net}
                for key in sorted(keys):
                    out.setdefault(key, []).extend(ips or [])
            return out

        pairs = [pulumi.Output.all(p.network_id, p.all_fixed_ips) for p in self.server.ports]
        return pulumi.Output.all(*pairs).apply(by_network)

    def os_name(self) -> Any:
        return self.server.instance.name

    def az(self) -> Any:
        return self.server.instance.availability_zone


@register
class Ec2Instance(NovaServer):
    """AWS::EC2::Instance: UserData wrapped HEAT_CFNTOOLS with instance user ec2-user (Heat's default)."""

    TYPES = ("AWS::EC2::Instance",)
    PROPERTIES = {
        "ImageId": Prop(required=True), "InstanceType": Prop(required=True), "KeyName": Prop(),
        "AvailabilityZone": Prop(), "SecurityGroups": Prop(default=[]), "SecurityGroupIds": Prop(default=[]),
        "SubnetId": Prop(), "NetworkInterfaces": Prop(default=[]), "UserData": Prop(), "Tags": Prop(default=[]),
        "NovaSchedulerHints": Prop(), "Volumes": Prop(default=[]),
        "DisableApiTermination": Prop(ignored="no API lock in Nova"), "Monitoring": Prop(ignored="no CloudWatch"),
        "Tenancy": Prop(ignored="no EC2 tenancy"), "SourceDestCheck": Prop(ignored="no EC2 checks"),
        "KernelId": Prop(ignored="no EC2 kernels"), "RamDiskId": Prop(ignored="no EC2 ramdisks"),
        "PlacementGroupName": Prop(ignored="no placement groups"), "PrivateIpAddress": Prop(),
    }
    instance_user = "ec2-user"

    def server_args(self) -> ServerArgs:
        p = self.props
        if p["Volumes"]:
            raise self.fail("Volumes is not supported; use AWS::EC2::VolumeAttachment", field="Volumes")
        groups = [secgroup_id(g) for g in (p["SecurityGroups"] or []) + (p["SecurityGroupIds"] or [])]
        ports = [PortArgs(port_id=n["NetworkInterfaceId"], name=f"port{i}") for i, n in
                 enumerate(p["NetworkInterfaces"] or [])]
        if p["SubnetId"] is not None:
            sub = subnet_id(p["SubnetId"])
            net = openstack.networking.get_subnet_output(subnet_id=sub).network_id
            ports.append(PortArgs(network=net, subnet_id=sub, fixed_ip=p["PrivateIpAddress"],
                                  security_groups=groups))
        if not ports:
            report.note(f"server '{self.logical}' names no networks: Nova would pick the project's only "
                        f"network; here it gets one port on the network named '{DEFAULT_NETWORK}'")
            ports.append(PortArgs(network=network_id(DEFAULT_NETWORK), security_groups=groups))
        metadata = self.definition.get("Metadata")
        tags = string_map(p["Tags"], tags=True)
        return ServerArgs(
            flavor=str(p["InstanceType"]), image=p["ImageId"], ports=ports, key_pair=p["KeyName"],
            availability_zone=p["AvailabilityZone"], metadata=tags,
            user_data=user_data_spec(p["UserData"], "HEAT_CFNTOOLS", metadata, self.instance_user, self.logical),
            os_name=self.logical)


@register
class NovaKeyPair(HeatResource):
    TYPES = ("OS::Nova::KeyPair",)
    PROPERTIES = {"name": Prop(required=True), "public_key": Prop(), "save_private_key": Prop(default=False),
                  "type": Prop(), "user": Prop()}
    ATTRIBUTES = {"public_key": "public_key", "private_key": "private_key"}
    REF = "key_name"

    def build(self) -> None:
        self.keypair = KeyPair(self.logical, KeyPairArgs(public_key=self.props["public_key"],
                                                        os_name=self.props["name"]), opts=self.child_opts())
        self.resources.append(self.keypair)

    def key_name(self) -> Any:
        return self.keypair.name

    def public_key(self) -> Any:
        return self.keypair.keypair.public_key

    def private_key(self) -> Any:
        return self.keypair.keypair.private_key


@register
class NovaServerGroup(HeatResource):
    TYPES = ("OS::Nova::ServerGroup",)
    PROPERTIES = {"name": Prop(), "policies": Prop(default=["anti-affinity"]), "policy": Prop(), "rules": Prop()}

    def build(self) -> None:
        policy = self.props["policy"] or (self.props["policies"] or ["anti-affinity"])[0]
        self.group = ServerGroup(self.logical, ServerGroupArgs(policy=policy, os_name=self.props["name"]),
                                 opts=self.child_opts())
        self.resources.append(self.group)

    def id(self) -> Any:
        return self.group.id
