"""OpenStack resources that map one to one onto pulumi-openstack and need no rule of their own.

Each kind is one provider class; `resource(kind, name, inputs, opts)` registers it with the inputs given
(None dropped). A kind that gains a rule (ordering, protection, naming) moves to its own module.
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_openstack as openstack

KINDS: dict[str, type[pulumi.CustomResource]] = {
    "qos_policy": openstack.networking.QosPolicy,
    "qos_bandwidth_limit_rule": openstack.networking.QosBandwidthLimitRule,
    "qos_dscp_marking_rule": openstack.networking.QosDscpMarkingRule,
    "qos_minimum_bandwidth_rule": openstack.networking.QosMinimumBandwidthRule,
    "address_scope": openstack.networking.AddressScope,
    "subnet_pool": openstack.networking.SubnetPool,
    "segment": openstack.networking.SegmentV2,
    "rbac_policy": openstack.networking.RbacPolicyV2,
    "router_route": openstack.networking.RouterRoute,
    "port_forwarding": openstack.networking.PortForwardingV2,
    "flavor": openstack.compute.Flavor,
    "flavor_access": openstack.compute.FlavorAccess,
    "aggregate": openstack.compute.AggregateV2,
    "dns_zone": openstack.dns.Zone,
    "dns_record_set": openstack.dns.RecordSet,
    "container": openstack.objectstorage.Container,
    "volume_qos": openstack.blockstorage.QosV3,
    "volume_qos_association": openstack.blockstorage.QosAssociationV3,
    "project": openstack.identity.Project,
    "load_balancer": openstack.loadbalancer.LoadBalancer,
    "listener": openstack.loadbalancer.Listener,
    "pool": openstack.loadbalancer.Pool,
    "member": openstack.loadbalancer.Member,
    "monitor": openstack.loadbalancer.Monitor,
    "secret": openstack.keymanager.SecretV1,
    "vpn_service": openstack.vpnaas.Service,
    "ike_policy": openstack.vpnaas.IkePolicy,
    "ipsec_policy": openstack.vpnaas.IpSecPolicy,
    "site_connection": openstack.vpnaas.SiteConnection,
    "image": openstack.images.Image,
    "provider_network": openstack.networking.Network,
    "compute_quota": openstack.compute.QuotaSetV2,
    "volume_quota": openstack.blockstorage.QuoteSetV3,
    "network_quota": openstack.networking.QuotaV2,
    "role": openstack.identity.Role,
    "group": openstack.identity.GroupV3,
    "service": openstack.identity.ServiceV3,
    "endpoint": openstack.identity.EndpointV3,
    "share_network": openstack.sharedfilesystem.ShareNetwork,
    "share": openstack.sharedfilesystem.Share,
    "share_access": openstack.sharedfilesystem.ShareAccess,
}


def resource(kind: str, logical_name: str, inputs: dict[str, Any], opts: pulumi.ResourceOptions | None = None
             ) -> pulumi.CustomResource:
    """One resource of `kind` (a KINDS key); `inputs` are the provider class's Python arguments."""
    return KINDS[kind](logical_name, **{k: v for k, v in inputs.items() if v is not None}, opts=opts)
