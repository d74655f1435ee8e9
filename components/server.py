"""Server component: explicit ports, floating IPs, volumes and Heat-style user data for one Nova server."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import pulumi
import pulumi_openstack as openstack

from components.errors import StackError
from components.keypair import KeyPair, ServerGroup
from components.lookup import image_id_by_name, network_id_by_name
from components.network import Network
from components.security_group import SecurityGroup
from components.volume import Volume
from userdata import RenderedUserData, UserDataError, UserDataSpec, build_user_data

TOKEN = "openstack-stacks:index:Server"
UPDATE_POLICIES = ("REPLACE", "IGNORE")


@dataclass
class PortArgs:
    """One NIC. NIC order on the server is list order (eth0, eth1, ...)."""

    network: Network | pulumi.Input[str] | None = None
    subnet: str | None = None
    subnet_id: pulumi.Input[str] | None = None
    fixed_ip: str | None = None
    security_groups: list[SecurityGroup | pulumi.Input[str]] = field(default_factory=list)
    allowed_address_pairs: list[str] = field(default_factory=list)
    port_security: bool = True
    floating_ip: str | None = None
    name: str | None = None
    port_id: pulumi.Input[str] | None = None
    depends_on: list[pulumi.Resource] = field(default_factory=list)
    # Attached to the running server (compute.InterfaceAttach) instead of given at boot: adding such a
    # NIC later updates nothing on the instance, where a new boot NIC (Instance.networks, ForceNew)
    # replaces it (terraform-provider-openstack#156, #1510). Cloud-init configures only boot NICs.
    hotplug: bool = False
    # A NIC without any address (e.g. Kolla's neutron_external_interface). Only as a hotplug NIC: through
    # Instance.networks a no_fixed_ip port replaces the server on every update (pulumi-openstack#891).
    no_fixed_ip: bool = False


@dataclass
class VolumeAttachmentArgs:
    """Attach a data volume (a Volume component, a Cinder volume or a volume ID). The device name is never set."""

    volume: Volume | openstack.blockstorage.Volume | pulumi.Input[str]
    name: str | None = None


@dataclass
class BootVolumeArgs:
    """Boot from a new volume created from the server's image."""

    size: int
    volume_type: str | None = None
    delete_on_termination: bool = True


@dataclass
class ServerArgs:
    """A Nova server; see DESIGN.md for the meaning of each field."""

    flavor: str
    ports: list[PortArgs]
    image: str | None = None
    image_id: pulumi.Input[str] | None = None
    key_pair: KeyPair | pulumi.Input[str] | None = None
    server_group: ServerGroup | pulumi.Input[str] | None = None
    availability_zone: str | None = None
    boot_volume: BootVolumeArgs | None = None
    volumes: list[VolumeAttachmentArgs] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    config_drive: bool | None = None
    user_data: UserDataSpec | pulumi.Output[UserDataSpec] | None = None
    user_data_update_policy: str = "REPLACE"
    admin_pass: pulumi.Input[str] | None = None
    os_name: str | None = None
    delete_before_replace: bool = False
    aliases: list[pulumi.Input[pulumi.Alias]] = field(default_factory=list)


class Server(pulumi.ComponentResource):
    """compute.Instance with explicit networking.Ports (security groups on the ports), FIPs and attachments."""

    instance: openstack.compute.Instance
    ports: list[openstack.networking.Port]
    floating_ips: list[openstack.networking.FloatingIp]
    attachments: list[openstack.compute.VolumeAttach]
    interface_attachments: list[openstack.compute.InterfaceAttach]
    private_ip: pulumi.Output[str]
    public_ip: pulumi.Output[str] | None
    user_data: pulumi.Output[str] | None
    rendered: pulumi.Output[RenderedUserData] | None

    def __init__(self, name: str, args: ServerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TOKEN, name, {}, opts)
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
        ready: list[pulumi.Resource] = []
        self.ports = []
        self.floating_ips = []
        self._port_ips: list[pulumi.Output[str]] = []
        for index, port in enumerate(args.ports):
            self._add_port(name, index, port, ready)
        self.rendered, user_data = self._user_data(name, args)
        self.user_data = user_data
        self.instance = openstack.compute.Instance(
            name,
            name=args.os_name or name,
            flavor_name=args.flavor,
            **self._image_inputs(args),
            key_pair=args.key_pair.name if isinstance(args.key_pair, KeyPair) else args.key_pair,
            availability_zone=args.availability_zone,
            config_drive=args.config_drive,
            metadata=args.metadata if isinstance(args.metadata, pulumi.Output) else dict(args.metadata) or None,
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
                aliases=list(args.aliases) or None,
            ),
        )
        self.interface_attachments = [
            openstack.compute.InterfaceAttach(
                f"{name}-{a.name or f'port{i}'}-attach",
                instance_id=self.instance.id,
                port_id=p.id,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for i, (p, a) in enumerate(zip(self.ports, args.ports)) if a.hotplug
        ]
        self.attachments = [self._attach(name, a) for a in args.volumes]
        self.private_ip = self._port_ips[0]
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
            self._port_ips.append(existing.all_fixed_ips.apply(lambda ips: ips[0] if ips else None))
            return
        deps = list(port.depends_on)
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
            security_group_ids=[g.id if isinstance(g, SecurityGroup) else g for g in port.security_groups] or None,
            allowed_address_pairs=[
                openstack.networking.PortAllowedAddressPairArgs(ip_address=ip) for ip in port.allowed_address_pairs
            ]
            or None,
            no_fixed_ip=True if port.no_fixed_ip else None,
            port_security_enabled=False if not port.port_security else None,
            no_security_groups=True if not port.port_security else None,
            admin_state_up=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=deps),
        )
        self.ports.append(created)
        self._port_ips.append(created.all_fixed_ips.apply(lambda ips: ips[0] if ips else None))
        if port.floating_ip:
            self._add_floating_ip(name, suffix, port.floating_ip, created, deps)

    def _add_floating_ip(
        self, name: str, suffix: str, pool: str, port: openstack.networking.Port, deps: list[pulumi.Resource]
    ) -> None:
        fip = openstack.networking.FloatingIp(
            f"{name}-{suffix}-fip",
            pool=pool,
            description=f"{name} {suffix}",
            opts=pulumi.ResourceOptions(parent=self, depends_on=deps),
        )
        # One association mechanism per floating IP (terraform-provider-openstack#605): the
        # association resource only, never FloatingIp.port_id as well.
        openstack.networking.FloatingIpAssociate(
            f"{name}-{suffix}-fip-assoc",
            floating_ip=fip.address,
            port_id=port.id,
            opts=pulumi.ResourceOptions(parent=self, depends_on=deps),
        )
        self.floating_ips.append(fip)

    @staticmethod
    def _image_inputs(args: ServerArgs) -> dict:
        if args.boot_volume is not None:
            # pitfalls 5 (terraform-provider-openstack#62, #397): with boot-from-volume the image goes
            # only into block_devices, never image_id/image_name, or every plan rebuilds the server.
            image_id = args.image_id if args.image_id is not None else image_id_by_name(args.image)
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
        # pulumi/pulumi-aws#2769: create-before-delete would attach the volume to the new server while
        # the old one still holds it; detach first. `device` stays unset (terraform-provider-openstack#1863).
        return openstack.compute.VolumeAttach(
            f"{name}-{label}-attach",
            instance_id=self.instance.id,
            volume_id=volume_id,
            opts=pulumi.ResourceOptions(parent=self, delete_before_replace=True),
        )


def external_network_id(name: str) -> pulumi.Output[str]:
    """ID of an external network by name (re-exported for front-ends)."""
    return network_id_by_name(name)
