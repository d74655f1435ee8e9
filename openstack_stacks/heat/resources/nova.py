"""OS::Nova::Server / AWS::EC2::Instance (through components.server.Server), KeyPair, ServerGroup."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_openstack as openstack

from components.keypair import KeyPair, KeyPairArgs, ServerGroup, ServerGroupArgs
from components.server import BootVolumeArgs, PortArgs, Server, ServerArgs, VolumeAttachmentArgs
from openstack_stacks import report
from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.resources.config import ConfigValue, text_part
from openstack_stacks.heat.resources.neutron import network_id, secgroup_id, subnet_id
from openstack_stacks.heat.values import has_output, lift, string_map
from userdata import UserDataSpec

NIC_KEYS = ("uuid", "network", "fixed_ip", "port", "subnet", "port_extra_properties", "floating_ip",
            "allocate_network", "tag")
NIC_REFUSED = {
    "tag": "pulumi-openstack's instance networks carry no device tag",
    "allocate_network": "every NIC here is an explicit port (pitfalls 4/6); give networks or ports instead",
    "floating_ip": "associate it with an OS::Neutron::FloatingIPAssociation on the server's port instead",
    "port_extra_properties": "give an OS::Neutron::Port with those properties and use it as `port`",
}
IMAGE_POLICIES = ("REBUILD", "REPLACE", "REBUILD_PRESERVE_EPHEMERAL")
FLAVOR_POLICIES = ("RESIZE", "REPLACE")
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
    PULUMI_TYPE = openstack.compute.Instance.pulumi_type
    PROPERTIES = {
        "name": Prop(), "image": Prop(), "flavor": Prop(required=True), "key_name": Prop(),
        "networks": Prop(default=[]),
        "security_groups": Prop(default=[]), "user_data": Prop(), "user_data_format": Prop(default="HEAT_CFNTOOLS"),
        "user_data_update_policy": Prop(default="REPLACE"), "metadata": Prop(default={}),
        "availability_zone": Prop(), "config_drive": Prop(), "admin_pass": Prop(), "scheduler_hints": Prop(),
        "block_device_mapping": Prop(), "block_device_mapping_v2": Prop(),
        "software_config_transport": Prop(ignored="no Heat metadata service"),
        "flavor_update_policy": Prop(default="RESIZE"), "image_update_policy": Prop(default="REBUILD"),
        "diskConfig": Prop(ignored="not in pulumi-openstack"), "reservation_id": Prop(), "admin_user": Prop(),
    }
    ATTRIBUTES = {"first_address": "first_address", "networks": "networks", "name": "os_name",
                  "accessIPv4": "first_address", "accessIPv6": "ipv6", "addresses": "addresses",
                  "instance_name": "os_name", "console_urls": "console_urls", "show": "show",
                  "PublicIp": "public_ip", "PrivateIp": "first_address", "PublicDnsName": "public_ip",
                  "PrivateDnsName": "first_address", "AvailabilityZone": "az"}
    instance_user: str | None = None

    def ports(self) -> list[PortArgs]:
        io = self.invoke_opts()
        groups = [secgroup_id(g, io) for g in self.props["security_groups"] or []]
        out = []
        self.network_names: list[str | None] = []
        for index, item in enumerate(self.props["networks"] or []):
            self.check_nic(index, item)
            if item.get("port") is not None:
                out.append(PortArgs(port_id=self.after_waits(item["port"]), name=f"port{index}"))
                self.network_names.append(None)
                continue
            net = item.get("network") or item.get("uuid")
            self.network_names.append(net if isinstance(net, str) else None)
            if net is None:
                raise self.fail("a networks item needs port, network or uuid", field=f"networks[{index}]")
            out.append(PortArgs(network=network_id(net, io), fixed_ip=item.get("fixed_ip"),
                                subnet_id=subnet_id(item["subnet"], io) if item.get("subnet") else None,
                                security_groups=groups))
        if not out:
            report.note(f"server '{self.logical}' names no networks: Nova would pick the project's only "
                        f"network; here it gets one port on the network named '{DEFAULT_NETWORK}'")
            out.append(PortArgs(network=network_id(DEFAULT_NETWORK, io), security_groups=groups))
            self.network_names.append(DEFAULT_NETWORK)
        return out

    def after_waits(self, port: Any) -> Any:
        """The port ID, known only once what this server waits for exists (a trunk on the port among them):
        the instance boots on it, and Pulumi does not pass a component's depends_on to its children."""
        if not self.depends_on:
            return port
        return pulumi.Output.all(port, *(d.urn for d in self.depends_on)).apply(lambda values: values[0])

    def check_nic(self, index: int, item: Any) -> None:
        """A `networks` item with only the keys Heat knows, and none Pulumi cannot express (said why)."""
        field = f"networks[{index}]"
        if not isinstance(item, dict):
            raise self.fail("a networks item must be a mapping", field=field)
        unknown = sorted(set(item) - set(NIC_KEYS))
        if unknown:
            raise self.fail(f"unknown key {', '.join(unknown)} (Heat knows {', '.join(NIC_KEYS)})", field=field)
        for key, why in NIC_REFUSED.items():
            if item.get(key) is not None:
                raise self.fail(f"{key} is not supported: {why}", field=f"{field}.{key}")

    def boot_volume(self) -> tuple[Any, BootVolumeArgs | None]:
        """block_device_mapping_v2 of one volume made from an image at boot (Heat's boot-from-volume form):
        the image and a BootVolumeArgs. Other mappings are refused, with the way out."""
        p = self.props
        if p["block_device_mapping"]:
            raise self.fail("block_device_mapping (v1: boot from an existing volume or snapshot) is not supported; "
                            "use block_device_mapping_v2 with an image, or OS::Cinder::VolumeAttachment for data",
                            field="block_device_mapping")
        mappings = p["block_device_mapping_v2"] or []
        if not mappings:
            return p["image"], None
        entry = mappings[0] if len(mappings) == 1 and isinstance(mappings[0], dict) else {}
        image = entry.get("image") or entry.get("image_id")
        extra = sorted(set(entry) - {"image", "image_id", "volume_size", "boot_index", "delete_on_termination",
                                     "device_name", "disk_bus", "device_type"})
        if image is None or entry.get("volume_size") is None or extra or int(entry.get("boot_index") or 0) != 0:
            raise self.fail("block_device_mapping_v2 is supported as one boot volume made from an image "
                            "(image, volume_size, boot_index 0, delete_on_termination); attach data volumes "
                            "with OS::Cinder::VolumeAttachment", field="block_device_mapping_v2")
        if p["image"] is not None and p["image"] != image:
            raise self.fail("image and the block_device_mapping_v2 image differ", field="image")
        return image, BootVolumeArgs(size=int(entry["volume_size"]),
                                     delete_on_termination=bool(entry.get("delete_on_termination", False)))

    def server_args(self) -> ServerArgs:
        p = self.props
        image, boot = self.boot_volume()
        if has_output(image) or has_output(p["flavor"]):
            raise self.fail("image and flavor must be names given as parameters or text")
        metadata = self.definition.get(self.scope.template.sections.metadata)
        return ServerArgs(
            flavor=str(p["flavor"]), image=image, boot_volume=boot, ports=self.ports(), key_pair=p["key_name"],
            availability_zone=p["availability_zone"], config_drive=p["config_drive"],
            metadata=string_map(p["metadata"]), admin_pass=p["admin_pass"],
            user_data=user_data_spec(p["user_data"], str(p["user_data_format"]), metadata, self.instance_user,
                                     self.logical),
            user_data_update_policy=str(p["user_data_update_policy"]), os_name=p["name"] or self.logical)

    def update_policies(self) -> list[str]:
        """Inputs a change of which must replace the server (Heat's REPLACE update policies); the provider
        itself rebuilds on an image change and resizes on a flavor change (neither is willReplaceOnChanges).
        Each policy that differs from what Pulumi does by default is said in a note."""
        p, replace = self.props, []
        image = str(p.get("image_update_policy") or "REBUILD")
        flavor = str(p.get("flavor_update_policy") or "RESIZE")
        if image not in IMAGE_POLICIES:
            raise self.fail(f"image_update_policy must be one of {', '.join(IMAGE_POLICIES)}", "image_update_policy")
        if flavor not in FLAVOR_POLICIES:
            raise self.fail(f"flavor_update_policy must be one of {', '.join(FLAVOR_POLICIES)}",
                            "flavor_update_policy")
        if image == "REPLACE":
            replace += ["imageName", "imageId"]
            report.note(f"server '{self.logical}': image_update_policy REPLACE: a new image replaces the server "
                        "(replaceOnChanges imageName/imageId), as in Heat; without it Pulumi would rebuild it")
        elif image == "REBUILD_PRESERVE_EPHEMERAL":
            report.note(f"server '{self.logical}': Pulumi cannot honour image_update_policy "
                        "REBUILD_PRESERVE_EPHEMERAL: a new image rebuilds the server in place without "
                        "preserve_ephemeral, so the ephemeral disk is wiped with the root disk")
        if flavor == "REPLACE":
            replace += ["flavorName", "flavorId"]
            report.note(f"server '{self.logical}': flavor_update_policy REPLACE: a new flavor replaces the server "
                        "(replaceOnChanges flavorName/flavorId), as in Heat; without it Pulumi would resize it")
        return replace

    def build(self) -> None:
        from openstack_stacks.heat.resources.deployment import deployment_parts, deployments_of

        args = self.server_args()
        args.replace_on_changes = self.update_policies() or None
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

        pairs = [pulumi.Output.all(p.network_id, p.all_fixed_ips) for p in self.nic_ports()]
        return pulumi.Output.all(*pairs).apply(by_network)

    def addresses(self) -> Any:
        """Nova's `addresses`: per network (its name when the template gives one, else its ID), each fixed IP
        of the server's ports with version, type, MAC and port, as Heat shows them."""
        names = list(getattr(self, "network_names", []))

        def by_network(rows: list[Any]) -> dict[str, list[dict[str, Any]]]:
            out: dict[str, list[dict[str, Any]]] = {}
            for index, (net, ips, mac, port) in enumerate(rows):
                key = names[index] if index < len(names) and names[index] else str(net or f"nic{index}")
                out.setdefault(key, []).extend(
                    {"addr": ip, "version": 6 if ":" in ip else 4, "OS-EXT-IPS:type": "fixed",
                     "OS-EXT-IPS-MAC:mac_addr": mac, "port": port} for ip in ips or [])
            return out

        rows = [pulumi.Output.all(p.network_id, p.all_fixed_ips, p.mac_address, p.id) for p in self.nic_ports()]
        return pulumi.Output.all(*rows).apply(by_network)

    def nic_ports(self) -> list[Any]:
        """The port of each NIC: the template's own OS::Neutron::Port when the NIC names one (its state is
        known here), else the server's port."""
        from openstack_stacks.heat.resources.neutron import Port

        out = []
        given = [n.get("port") if isinstance(n, dict) else None for n in self.props.get("networks") or []]
        for index, port in enumerate(self.server.ports):
            ref = given[index] if index < len(given) else None
            owner = next((r for r in self.scope.resources.values()
                          if ref is not None and isinstance(r, Port) and r.id() is ref), None)
            out.append(owner.resource if owner is not None else port)
        return out

    def console_urls(self) -> str:
        return self.unknowable("console_urls", "Nova hands out console URLs on request, with a short-lived "
                                               "token; run `openstack console url show` after `pulumi up`")

    def ipv6(self) -> Any:
        return self.server.instance.access_ip_v6

    def os_name(self) -> Any:
        return self.server.instance.name

    def az(self) -> Any:
        return self.server.instance.availability_zone


@register
class Ec2Instance(NovaServer):
    """AWS::EC2::Instance: UserData wrapped HEAT_CFNTOOLS with instance user ec2-user (Heat's default)."""

    TYPES = ("AWS::EC2::Instance",)
    PULUMI_TYPE = openstack.compute.Instance.pulumi_type
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
        io = self.invoke_opts()
        p = self.props
        groups = [secgroup_id(g, io) for g in (p["SecurityGroups"] or []) + (p["SecurityGroupIds"] or [])]
        ports = [PortArgs(port_id=n["NetworkInterfaceId"], name=f"port{i}") for i, n in
                 enumerate(p["NetworkInterfaces"] or [])]
        if p["SubnetId"] is not None:
            sub = subnet_id(p["SubnetId"], io)
            net = openstack.networking.get_subnet_output(subnet_id=sub, opts=io).network_id
            ports.append(PortArgs(network=net, subnet_id=sub, fixed_ip=p["PrivateIpAddress"],
                                  security_groups=groups))
        if not ports:
            report.note(f"server '{self.logical}' names no networks: Nova would pick the project's only "
                        f"network; here it gets one port on the network named '{DEFAULT_NETWORK}'")
            ports.append(PortArgs(network=network_id(DEFAULT_NETWORK, io), security_groups=groups))
        metadata = self.definition.get("Metadata")
        tags = string_map(p["Tags"], tags=True)
        return ServerArgs(
            flavor=str(p["InstanceType"]), image=p["ImageId"], ports=ports, key_pair=p["KeyName"],
            availability_zone=p["AvailabilityZone"], metadata=tags,
            user_data=user_data_spec(p["UserData"], "HEAT_CFNTOOLS", metadata, self.instance_user, self.logical),
            volumes=self.volumes(), os_name=self.logical)

    def volumes(self) -> list[VolumeAttachmentArgs]:
        """`Volumes` ({Device, VolumeId}) as attachments; the device is Nova's pick (t-p-o#1863)."""
        out = []
        for index, item in enumerate(self.props["Volumes"] or []):
            if not isinstance(item, dict) or item.get("VolumeId") is None:
                raise self.fail("a Volumes item needs VolumeId (and Device)", field=f"Volumes[{index}]")
            if item.get("Device"):
                report.note(f"server '{self.logical}': volume {index} is attached without its Device "
                            f"{item['Device']}: Nova picks the device name (the device hint is not honoured "
                            "by KVM guests; terraform-provider-openstack#1863)")
            out.append(VolumeAttachmentArgs(volume=item["VolumeId"], name=f"volume{index}"))
        return out


@register
class NovaKeyPair(HeatResource):
    TYPES = ("OS::Nova::KeyPair",)
    PULUMI_TYPE = openstack.compute.Keypair.pulumi_type
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
    PULUMI_TYPE = openstack.compute.ServerGroup.pulumi_type
    PROPERTIES = {"name": Prop(), "policies": Prop(default=["anti-affinity"]), "policy": Prop(), "rules": Prop()}

    def build(self) -> None:
        policy = self.props["policy"] or (self.props["policies"] or ["anti-affinity"])[0]
        self.group = ServerGroup(self.logical, ServerGroupArgs(policy=policy, os_name=self.props["name"]),
                                 opts=self.child_opts())
        self.resources.append(self.group)

    def id(self) -> Any:
        return self.group.id
