"""Resources that link two others: router interfaces, floating-IP associations, volume attachments.

Each carries a rule learnt from upstream pain (docs: README "What the components guarantee"); the components
and every front-end make these resources through this module only, so each rule is written once.
"""

from collections.abc import Sequence

import pulumi
import pulumi_openstack as openstack


def router_interface(logical: str, *, router_id: pulumi.Input[str], subnet: pulumi.Resource,
                     subnet_id: pulumi.Input[str] | None = None,
                     opts: pulumi.ResourceOptions | None = None) -> openstack.networking.RouterInterface:
    """A router interface that depends on its subnet explicitly, so a destroy removes the interface first
    (terraform-provider-openstack#1511: 409 SubnetInUse on delete)."""
    return openstack.networking.RouterInterface(
        logical, router_id=router_id, subnet_id=subnet_id if subnet_id is not None else subnet.id,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[subnet])))


def associate_floating_ip(logical: str, *, floating_ip: pulumi.Input[str], port_id: pulumi.Input[str],
                          fixed_ip: pulumi.Input[str] | None = None,
                          after: Sequence[pulumi.Resource] = (),
                          opts: pulumi.ResourceOptions | None = None) -> openstack.networking.FloatingIpAssociate:
    """The one association mechanism per floating IP (terraform-provider-openstack#605): this resource only,
    never `FloatingIp.port_id` as well. `after`: what must exist first, e.g. the router interface that makes
    the port's subnet reachable from the external network (Neutron refuses the association before)."""
    extra = pulumi.ResourceOptions(depends_on=list(after)) if after else None
    return openstack.networking.FloatingIpAssociate(
        logical, floating_ip=floating_ip, port_id=port_id, fixed_ip=fixed_ip,
        opts=pulumi.ResourceOptions.merge(opts, extra) if extra else opts)


def attach_volume(logical: str, *, instance_id: pulumi.Input[str], volume_id: pulumi.Input[str],
                  opts: pulumi.ResourceOptions | None = None) -> openstack.compute.VolumeAttach:
    """A volume attachment, detached before a replacement attaches (pulumi/pulumi-aws#2769: create-before-delete
    would attach the volume to the new server while the old one still holds it). `device` stays unset: Nova
    ignores it on KVM and a differing read-back replaces the attachment (terraform-provider-openstack#1863)."""
    return openstack.compute.VolumeAttach(
        logical, instance_id=instance_id, volume_id=volume_id,
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(delete_before_replace=True)))
