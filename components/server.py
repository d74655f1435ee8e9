"""Server component: explicit ports, floating IPs, volumes and Heat-style user data for one Nova server."""

import ipaddress
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_openstack as openstack

from components.args import coerce
from components.errors import StackError
from components.keypair import KeyPair, ServerGroup
from components.links import associate_floating_ip, attach_volume
from components.lookup import image_id_by_name, network_id_by_name
from components.network import Network
from components.security_group import SecurityGroup
from components.volume import Volume
from userdata import Part, RenderedUserData, UserDataError, UserDataSpec, build_user_data

TOKEN = "openstack-stacks:index:Server"
UPDATE_POLICIES = ("REPLACE", "IGNORE")


@dataclass
class PortArgs:
    """One NIC. NIC order on the server is list order (eth0, eth1, ...)."""

    network: pulumi.Input[str] | None = None
    """Network ID (Python callers may pass the Network component: its subnets and router are then known)."""
    subnet: str | None = None
    """Subnet name in the Network component given as `network`."""
    subnet_id: pulumi.Input[str] | None = None
    fixed_ip: str | None = None
    security_groups: list[pulumi.Input[str]] | None = field(default_factory=list)
    """Security group IDs (Python callers may pass SecurityGroup components)."""
    allowed_address_pairs: list[str] | None = field(default_factory=list)
    port_security: bool | None = True
    floating_ip: str | None = None
    """External network (floating-IP pool) to give this port a floating IP from."""
    name: str | None = None
    """Suffix of the port's name (default: port<index>)."""
    port_id: pulumi.Input[str] | None = None
    """Use this existing port instead of creating one."""
    hotplug: bool | None = False
    """Attach to the running server (compute.InterfaceAttach) instead of at boot: adding such a NIC later
    updates nothing on the instance, where a new boot NIC (Instance.networks, ForceNew) replaces it
    (terraform-provider-openstack#156, #1510). Cloud-init configures only boot NICs."""
    no_fixed_ip: bool | None = False
    """A NIC without any address (e.g. Kolla's neutron_external_interface); hotplug only: through
    Instance.networks a no_fixed_ip port replaces the server on every update (pulumi-openstack#891)."""


@dataclass
class VolumeAttachmentArgs:
    """Attach a data volume. The device name is never set."""

    volume: pulumi.Input[str]
    """Volume ID (Python callers may pass the Volume component or a Cinder volume)."""
    name: str | None = None
    """Label in the attachment's name (default: the volume's name)."""


@dataclass
class BootVolumeArgs:
    """Boot from a new volume created from the server's image."""

    size: int
    volume_type: str | None = None
    delete_on_termination: bool | None = True


@dataclass
class UserDataPartArgs:
    """One MIME part of the user data, with its explicit subtype ("cloud-config", "x-shellscript", ...)."""

    content: str
    subtype: str
    filename: str | None = None
    merge_type: str | None = None
    """X-Merge-Type header (cloud-init's merge of cloud-config parts)."""


@dataclass
class UserDataArgs:
    """Heat-style user data (userdata.UserDataSpec in the schema's terms)."""

    format: str | None = "HEAT_CFNTOOLS"
    """HEAT_CFNTOOLS (multipart: cloud-config, boot hook, part handler, cfn parts), RAW or SOFTWARE_CONFIG."""
    script: str | None = None
    """Run and logged at first boot (/var/log/heat-provision.log)."""
    parts: list[UserDataPartArgs] | None = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    """cfn-init metadata (e.g. {"AWS::CloudFormation::Init": {...}})."""
    instance_user: str | None = None
    metadata_server_url: str | None = None
    compress: str | None = "auto"
    """auto (gzip+base64 over Nova's 65535 bytes), always or never."""

    def spec(self) -> UserDataSpec:
        """The userdata package's spec for these args."""
        return UserDataSpec(
            format=self.format or "HEAT_CFNTOOLS", script=self.script,
            parts=tuple(Part(content=p.content, subtype=p.subtype, filename=p.filename, merge_type=p.merge_type)
                        for p in (coerce(UserDataPartArgs, x) for x in self.parts or ())),
            metadata=self.metadata, instance_user=self.instance_user, metadata_server_url=self.metadata_server_url,
            compress=self.compress or "auto")


@dataclass
class ServerArgs:
    """A Nova server; see DESIGN.md for the meaning of each field."""

    flavor: str
    """Flavor name."""
    ports: list[PortArgs]
    """NICs in order; the first is the boot NIC."""
    image: str | None = None
    """Image name (or give image_id)."""
    image_id: pulumi.Input[str] | None = None
    key_pair: pulumi.Input[str] | None = None
    """Nova key pair name (Python callers may pass the KeyPair component)."""
    server_group: pulumi.Input[str] | None = None
    """Server group ID (Python callers may pass the ServerGroup component)."""
    availability_zone: str | None = None
    boot_volume: BootVolumeArgs | None = None
    volumes: list[VolumeAttachmentArgs] | None = field(default_factory=list)
    metadata: dict[str, pulumi.Input[str]] | None = field(default_factory=dict)
    config_drive: bool | None = None
    user_data: UserDataArgs | None = None
    """User data (Python callers may pass a userdata.UserDataSpec, or an Output of one)."""
    user_data_update_policy: str | None = "REPLACE"
    """REPLACE (a change rebuilds the server) or IGNORE (template edits reach only new servers)."""
    admin_pass: pulumi.Input[str] | None = None
    os_name: str | None = None
    delete_before_replace: bool | None = False
    replace_on_changes: list[str] | None = None
    """Instance inputs a change of which replaces the server instead of updating it in place (e.g. imageName:
    the provider would rebuild; Heat's image_update_policy REPLACE)."""


class Server(pulumi.ComponentResource):
    """compute.Instance with explicit networking.Ports (security groups on the ports), FIPs and attachments."""

    server_id: pulumi.Output[str]
    """ID of the Nova server."""
    private_ip: pulumi.Output[str]
    """First fixed IP of the first port."""
    public_ip: pulumi.Output[str] | None
    """Floating IP of the first port that has one."""
    user_data: pulumi.Output[str] | None
    """The exact user data sent to Nova (secret when it carries a secret)."""

    def __init__(self, name: str, args: ServerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TOKEN, name, {}, opts)
        args = coerce(ServerArgs, args)
        args.ports = [coerce(PortArgs, p, where=f"ports[{i}]") for i, p in enumerate(args.ports or ())]
        if args.user_data_update_policy not in UPDATE_POLICIES:
            raise StackError(
                f"user_data_update_policy must be one of {', '.join(UPDATE_POLICIES)}",
                resource=name,
                field="user_data_update_policy",
            )
        if not args.ports:
            raise StackError("a server needs at least one port", resource=name, field="ports")
        if args.ports[0].hotplug:
            raise StackError("the first port is the boot NIC and cannot be hotplug", resource=name,
                             field="ports[0].hotplug")
        if not (args.image or args.image_id):
            raise StackError("a server needs an image", resource=name, field="image")
        self.logical_name = name
        # The component's own depends_on (e.g. a boot wait, components.boot_wait) holds the instance back too:
        # Pulumi does not pass a parent's dependencies on to its children.
        own = opts.depends_on if opts is not None and isinstance(opts.depends_on, list) else []
        ready: list[pulumi.Resource] = [d for d in own if isinstance(d, pulumi.Resource)]
        self.ports: list[openstack.networking.Port] = []
        self.floating_ips: list[openstack.networking.FloatingIp] = []
        for index, port in enumerate(args.ports):
            self._add_port(name, index, port, ready)
        if args.config_drive:
            # Metadata and user data come from the config drive: the instance needs no router interface to
            # reach the metadata proxy, so it does not wait for one (issue 14: no tighter than needed).
            ready = [d for d in ready if d in own or not isinstance(d, openstack.networking.RouterInterface)]
        self.rendered: pulumi.Output[RenderedUserData] | None
        self.rendered, user_data = self._user_data(name, args)
        self.user_data = None if user_data is None else pulumi.Output.from_input(user_data)
        self.instance: openstack.compute.Instance = openstack.compute.Instance(
            name,
            name=args.os_name or name,
            flavor_name=args.flavor,
            **self._image_inputs(args, pulumi.InvokeOptions(parent=self)),
            key_pair=args.key_pair.name if isinstance(args.key_pair, KeyPair) else args.key_pair,
            availability_zone=args.availability_zone,
            config_drive=args.config_drive,
            metadata=args.metadata if isinstance(args.metadata, pulumi.Output) else dict(args.metadata or {}) or None,
            # pitfalls 4/6: networks only by explicit port, never security_groups on the instance
            # (terraform-provider-openstack#6, #1173, #156).
            networks=[openstack.compute.InstanceNetworkArgs(port=p.id)
                      for p, a in zip(self.ports, args.ports) if not a.hotplug],
            scheduler_hints=self._scheduler_hints(args),
            user_data=user_data,
            admin_pass=pulumi.Output.secret(args.admin_pass) if args.admin_pass is not None else None,
            opts=pulumi.ResourceOptions(
                parent=self,
                depends_on=ready,
                # Heat user_data_update_policy IGNORE: template edits reach only new servers.
                ignore_changes=["userData"] if args.user_data_update_policy == "IGNORE" else None,
                delete_before_replace=args.delete_before_replace or None,
                replace_on_changes=list(args.replace_on_changes or []) or None,
            ),
        )
        self.interface_attachments: list[openstack.compute.InterfaceAttach] = [
            openstack.compute.InterfaceAttach(
                f"{name}-{a.name or f'port{i}'}-attach",
                instance_id=self.instance.id,
                port_id=p.id,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for i, (p, a) in enumerate(zip(self.ports, args.ports)) if a.hotplug
        ]
        self.attachments: list[openstack.compute.VolumeAttach] = [
            self._attach(name, coerce(VolumeAttachmentArgs, a, where=f"volumes[{i}]"))
            for i, a in enumerate(args.volumes or ())]
        self.server_id = self.instance.id
        # One Output for the boot NIC's first address (not one per port: issue 14, fewer Outputs per server).
        self.private_ip = self.ports[0].all_fixed_ips.apply(lambda ips: ips[0] if ips else None)
        self.public_ip = self.floating_ips[0].address if self.floating_ips else None
        self.register_outputs(
            {
                "id": self.instance.id,
                "privateIp": self.private_ip,
                "publicIp": self.public_ip,
            }
        )

    def _add_port(self, name: str, index: int, port: PortArgs, ready: list[pulumi.Resource]) -> None:
        suffix = port.name or f"port{index}"
        if port.port_id is not None:
            existing = openstack.networking.Port.get(
                f"{name}-{suffix}", port.port_id, opts=pulumi.ResourceOptions(parent=self)
            )
            self.ports.append(existing)
            return
        deps: list[pulumi.Resource] = []
        if isinstance(port.network, Network):
            network_id: pulumi.Input[str] = port.network.network.id
            if port.subnet_id is not None:
                subnet_id = port.subnet_id
            elif port.subnet or port.network.subnets:
                subnet_id = port.network.subnet(port.subnet).id
            else:
                subnet_id = None
            deps.extend(port.network.ready)
        elif port.network is not None:
            network_id = port.network
            subnet_id = port.subnet_id
        else:
            raise StackError("a port needs a network", resource=name, field=f"ports[{index}].network")
        ready.extend(d for d in deps if d not in ready)
        if not port.port_security and (port.security_groups or port.allowed_address_pairs):
            raise StackError(
                "security groups and allowed address pairs need port security",
                resource=name,
                field=f"ports[{index}]",
            )
        if port.no_fixed_ip and not port.hotplug:
            raise StackError("a port without an address must be a hotplug NIC: through Instance.networks it "
                             "would replace the server on every update (pulumi/pulumi-openstack#891)",
                             resource=name, field=f"ports[{index}].no_fixed_ip")
        if port.no_fixed_ip and port.fixed_ip is not None:
            raise StackError("no_fixed_ip and fixed_ip exclude each other", resource=name,
                             field=f"ports[{index}].no_fixed_ip")
        if isinstance(port.fixed_ip, str):
            try:
                ipaddress.ip_address(port.fixed_ip)
            except ValueError:
                raise StackError(f"fixed_ip {port.fixed_ip!r} is not an IP address", resource=name,
                                 field=f"ports[{index}].fixed_ip") from None
        fixed_ips = None
        if not port.no_fixed_ip and (subnet_id is not None or port.fixed_ip is not None):
            fixed_ips = [openstack.networking.PortFixedIpArgs(subnet_id=subnet_id, ip_address=port.fixed_ip)]
        created = openstack.networking.Port(
            f"{name}-{suffix}",
            name=f"{name}-{suffix}",
            network_id=network_id,
            fixed_ips=fixed_ips,
            security_group_ids=[g.id if isinstance(g, SecurityGroup) else g
                                for g in port.security_groups or ()] or None,
            allowed_address_pairs=[
                openstack.networking.PortAllowedAddressPairArgs(ip_address=ip)
                for ip in port.allowed_address_pairs or ()
            ]
            or None,
            no_fixed_ip=True if port.no_fixed_ip else None,
            port_security_enabled=False if not port.port_security else None,
            no_security_groups=True if not port.port_security else None,
            admin_state_up=True,
            # A port needs its subnet, not the router interface (only floating-IP associations and
            # metadata through the router need that one).
            opts=pulumi.ResourceOptions(parent=self, depends_on=_without_router_interfaces(deps)),
        )
        self.ports.append(created)
        if port.floating_ip:
            self._add_floating_ip(name, suffix, port.floating_ip, created, deps)

    def _add_floating_ip(
        self, name: str, suffix: str, pool: str, port: openstack.networking.Port, deps: list[pulumi.Resource]
    ) -> None:
        fip = openstack.networking.FloatingIp(
            f"{name}-{suffix}-fip",
            pool=pool,
            description=f"{name} {suffix}",
            # Allocating from the external network needs nothing of this stack; the association waits.
            opts=pulumi.ResourceOptions(parent=self),
        )
        associate_floating_ip(f"{name}-{suffix}-fip-assoc", floating_ip=fip.address, port_id=port.id, after=deps,
                              opts=pulumi.ResourceOptions(parent=self))
        self.floating_ips.append(fip)

    @staticmethod
    def _image_inputs(args: ServerArgs, lookup: pulumi.InvokeOptions) -> dict:
        if args.boot_volume is not None:
            # pitfalls 5 (terraform-provider-openstack#62, #397): with boot-from-volume the image goes
            # only into block_devices, never image_id/image_name, or every plan rebuilds the server.
            image_id = args.image_id if args.image_id is not None else image_id_by_name(args.image, lookup)
            bv = args.boot_volume
            return {
                "block_devices": [
                    openstack.compute.InstanceBlockDeviceArgs(
                        uuid=image_id,
                        source_type="image",
                        destination_type="volume",
                        volume_size=bv.size,
                        volume_type=bv.volume_type,
                        boot_index=0,
                        delete_on_termination=bv.delete_on_termination,
                    )
                ]
            }
        if args.image_id is not None:
            return {"image_id": args.image_id}
        return {"image_name": args.image}

    @staticmethod
    def _scheduler_hints(args: ServerArgs) -> list | None:
        group = args.server_group
        if group is None:
            return None
        group_id = group.id if isinstance(group, ServerGroup) else group
        return [openstack.compute.InstanceSchedulerHintArgs(group=group_id)]

    def _user_data(self, name: str, args: ServerArgs):
        spec = args.user_data
        if spec is None:
            return None, None
        if isinstance(spec, dict):
            spec = coerce(UserDataArgs, spec, where="user_data")
        if isinstance(spec, UserDataArgs):
            spec = spec.spec()
        if isinstance(spec, UserDataSpec):
            try:
                rendered = build_user_data(spec, name)
            except UserDataError as exc:
                raise StackError(str(exc), resource=name, field="user_data") from exc
            return pulumi.Output.from_input(rendered), rendered.user_data

        def build(value: UserDataSpec) -> RenderedUserData:
            try:
                return build_user_data(value, name)
            except UserDataError as exc:
                raise StackError(str(exc), resource=name, field="user_data") from exc

        rendered_out = pulumi.Output.from_input(spec).apply(build)
        return rendered_out, rendered_out.apply(lambda r: r.user_data)

    def _attach(self, name: str, attachment: VolumeAttachmentArgs) -> openstack.compute.VolumeAttach:
        volume = attachment.volume
        if isinstance(volume, (Volume, openstack.blockstorage.Volume)):
            label = attachment.name or volume._name
            volume_id: pulumi.Input[str] = volume.id
        else:
            label = attachment.name or "volume"
            volume_id = volume
        return attach_volume(f"{name}-{label}-attach", instance_id=self.instance.id, volume_id=volume_id,
                             opts=pulumi.ResourceOptions(parent=self))


def external_network_id(name: str, opts: pulumi.InvokeOptions | None = None) -> pulumi.Output[str]:
    """ID of an external network by name (re-exported for front-ends)."""
    return network_id_by_name(name, opts)


def _without_router_interfaces(resources: list[pulumi.Resource]) -> list[pulumi.Resource]:
    return [r for r in resources if not isinstance(r, openstack.networking.RouterInterface)]
