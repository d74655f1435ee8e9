"""Volumes (components.volume.Volume; deletion_policy Retain -> retain_on_delete) and attachments."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_openstack as openstack

from components.links import associate_floating_ip, attach_volume
from components.volume import Volume, VolumeArgs
from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.values import string_map


@register
class CinderVolume(HeatResource):
    TYPES = ("OS::Cinder::Volume",)
    PULUMI_TYPE = openstack.blockstorage.Volume.pulumi_type
    PROPERTIES = {"size": Prop(), "name": Prop(), "description": Prop(), "volume_type": Prop(), "image": Prop(),
                  "snapshot_id": Prop(), "availability_zone": Prop(), "metadata": Prop(default={}),
                  "source_volid": Prop(), "backup_id": Prop(), "read_only": Prop(), "multiattach": Prop(),
                  "scheduler_hints": Prop()}
    ATTRIBUTES = {"size": "size", "status": "status", "display_name": "os_name", "name": "os_name",
                  "availability_zone": "az", "volume_type": "volume_type", "metadata": "metadata",
                  "metadata_values": "metadata", "snapshot_id": "snapshot_id", "attachments_list": "attachments"}

    def volume_args(self) -> VolumeArgs:
        p = self.props
        for unsupported in ("source_volid", "backup_id", "multiattach", "read_only", "scheduler_hints"):
            if p[unsupported] is not None:
                raise self.fail(f"OS::Cinder::Volume: property '{unsupported}' is not supported", field=unsupported)
        if p["size"] is None and p["image"] is None and p["snapshot_id"] is None:
            raise self.fail("OS::Cinder::Volume: size is required", field="size")
        return VolumeArgs(size=int(p["size"]) if p["size"] is not None else 0, volume_type=p["volume_type"],
                          image=p["image"], snapshot_id=p["snapshot_id"], availability_zone=p["availability_zone"],
                          description=p["description"], metadata=string_map(p["metadata"]),
                          os_name=p["name"] or self.logical)

    def build(self) -> None:
        args = self.volume_args()
        policy = str(self.definition.get(self.scope.template.sections.deletion_policy) or "Delete").capitalize()
        if policy == "Snapshot":
            raise self.fail("deletion_policy Snapshot is not supported (no backup on delete in Pulumi)",
                            field="deletion_policy")
        # Heat deletes a volume that leaves the template; Retain keeps it in the cloud.
        args.protect = False
        args.retain_on_delete = policy == "Retain"
        self.volume = Volume(self.logical, args, opts=self.child_opts())
        self.resources.append(self.volume)

    def id(self) -> Any:
        return self.volume.id

    def size(self) -> Any:
        return self.volume.volume.size

    def os_name(self) -> Any:
        return self.volume.volume.name

    def az(self) -> Any:
        return self.volume.volume.availability_zone

    def volume_type(self) -> Any:
        return self.volume.volume.volume_type

    def metadata(self) -> Any:
        return self.volume.volume.metadata

    def snapshot_id(self) -> Any:
        return self.volume.volume.snapshot_id

    def attachments(self) -> Any:
        """The template's attachments of this volume ({server_id, attachment_id}); made elsewhere: unlisted."""
        found = [r for r in self.scope.resources.values() if isinstance(r, VolumeAttachment)
                 and (r.props["volume_id"] or r.props["VolumeId"]) is self.id()]
        return [{"server_id": r.attach.instance_id, "attachment_id": r.attach.id} for r in found]


@register
class Ec2Volume(CinderVolume):
    TYPES = ("AWS::EC2::Volume",)
    PULUMI_TYPE = openstack.blockstorage.Volume.pulumi_type
    PROPERTIES = {"Size": Prop(), "AvailabilityZone": Prop(required=True), "SnapshotId": Prop(), "Tags": Prop()}
    ATTRIBUTES = {}

    def volume_args(self) -> VolumeArgs:
        p = self.props
        return VolumeArgs(size=int(p["Size"]), snapshot_id=p["SnapshotId"], availability_zone=p["AvailabilityZone"],
                          metadata=string_map(p["Tags"], tags=True), os_name=self.logical)


DEVICE_IGNORED = ("Nova picks the device name; KVM guests ignore the hint anyway (terraform-provider-openstack#1863)")


@register
class VolumeAttachment(HeatResource):
    """compute.VolumeAttach; replaced detach-first (pulumi/pulumi-aws#2769), device never set (t-p-o#1863)."""

    TYPES = ("OS::Cinder::VolumeAttachment", "AWS::EC2::VolumeAttachment")
    PULUMI_TYPE = openstack.compute.VolumeAttach.pulumi_type
    PROPERTIES = {"instance_uuid": Prop(), "volume_id": Prop(), "InstanceId": Prop(), "VolumeId": Prop(),
                  "mountpoint": Prop(ignored=DEVICE_IGNORED), "Device": Prop(ignored=DEVICE_IGNORED)}

    def build(self) -> None:
        p = self.props
        instance, volume = p["instance_uuid"] or p["InstanceId"], p["volume_id"] or p["VolumeId"]
        if instance is None or volume is None:
            raise self.fail(f"{self.type_name} needs an instance and a volume")
        self.attach = attach_volume(self.logical, instance_id=instance, volume_id=volume, opts=self.child_opts())
        self.resources.append(self.attach)

    def id(self) -> Any:
        return self.attach.id


@register
class Eip(HeatResource):
    TYPES = ("AWS::EC2::EIP",)
    PULUMI_TYPE = openstack.networking.FloatingIp.pulumi_type
    PROPERTIES = {"InstanceId": Prop(), "Domain": Prop(ignored="no VPC in OpenStack")}
    ATTRIBUTES = {"AllocationId": "id"}
    REF = "address"

    def build(self) -> None:
        from openstack_stacks.heat.resources.nova import DEFAULT_EXTERNAL

        self.fip = openstack.networking.FloatingIp(self.logical, pool=DEFAULT_EXTERNAL, opts=self.child_opts())
        self.resources.append(self.fip)
        if self.props["InstanceId"] is not None:
            raise self.fail("AWS::EC2::EIP InstanceId is not supported; use AWS::EC2::EIPAssociation")

    def id(self) -> Any:
        return self.fip.id

    def address(self) -> Any:
        return self.fip.address


@register
class EipAssociation(HeatResource):
    """AWS::EC2::EIPAssociation: the floating IP goes to the first port of the instance of this template."""

    TYPES = ("AWS::EC2::EIPAssociation",)
    PULUMI_TYPE = openstack.networking.FloatingIpAssociate.pulumi_type
    PROPERTIES = {"InstanceId": Prop(), "EIP": Prop(), "AllocationId": Prop(), "NetworkInterfaceId": Prop(),
                  "PrivateIpAddress": Prop()}

    def build(self) -> None:
        p = self.props
        port = p["NetworkInterfaceId"]
        if port is None:
            owner = next((r for r in self.scope.resources.values()
                          if hasattr(r, "server") and r.id() is p["InstanceId"]), None)
            if owner is None:
                raise self.fail("InstanceId must name an AWS::EC2::Instance of this template (Ref)")
            port = owner.server.ports[0].id
        address = p["EIP"]
        if address is None:
            eip = next((r for r in self.scope.resources.values()
                        if isinstance(r, Eip) and r.id() is p["AllocationId"]), None)
            if eip is None:
                raise self.fail("EIP or AllocationId must name an AWS::EC2::EIP of this template")
            address = eip.address()
        self.assoc = associate_floating_ip(
            self.logical, floating_ip=address, port_id=port, fixed_ip=p["PrivateIpAddress"], opts=self.child_opts())
        self.resources.append(self.assoc)

    def id(self) -> Any:
        return self.assoc.id


@register
class CinderVolumeType(HeatResource):
    """OS::Cinder::VolumeType (components.volume_type); `metadata` are the extra specs."""

    TYPES = ("OS::Cinder::VolumeType",)
    PROPERTIES = {"name": Prop(required=True), "metadata": Prop(default={}), "is_public": Prop(default=True),
                  "description": Prop(), "projects": Prop(default=[])}
    ATTRIBUTES = {"name": "os_name", "show": "show"}

    def build(self) -> None:
        from components.volume_type import VolumeTypeArgs, volume_type

        p = self.props
        self.volume_type, access = volume_type(self.logical, VolumeTypeArgs(
            os_name=str(p["name"]), extra_specs={str(k): str(v) for k, v in (p["metadata"] or {}).items()},
            is_public=bool(p["is_public"]), description=p["description"],
            projects=[project_id(x, self.invoke_opts()) for x in p["projects"] or []]), self.child_opts())
        self.resources.extend([self.volume_type, *access])

    def id(self) -> Any:
        return self.volume_type.id

    def os_name(self) -> Any:
        return self.volume_type.name


def project_id(value: Any, opts: pulumi.InvokeOptions | None = None) -> Any:
    """A Keystone project given by ID or, as Heat allows, by name."""
    from openstack_stacks.heat.resources.neutron import UUID

    if isinstance(value, str) and not UUID.match(value):
        return openstack.identity.get_project_output(name=value, opts=opts).id
    return value


@register
class EncryptedVolumeType(HeatResource):
    """Refused: pulumi-openstack has no resource for a volume type's encryption (Cinder's
    /types/{id}/encryption API), so the volumes would be created unencrypted."""

    TYPES = ("OS::Cinder::EncryptedVolumeType",)
    PROPERTIES = {"volume_type": Prop(required=True), "provider": Prop(required=True), "cipher": Prop(),
                  "key_size": Prop(), "control_location": Prop()}

    def build(self) -> None:
        raise self.fail("OS::Cinder::EncryptedVolumeType is not supported: pulumi-openstack has no resource for "
                        "a volume type's encryption, and volumes of that type would silently be unencrypted; "
                        "create the encryption with `openstack volume type create --encryption-provider ...` "
                        "and give the volume type by name")
