"""Heat types that are one pulumi-openstack resource each: inputs as the provider receives them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks.heat.resources import REGISTRY
from openstack_stacks.tools.offline import render

PROJECT = "0123456789abcdef0123456789abcdef"  # a project ID (a name would be looked up)
# Heat type, its properties, the provider token, the inputs expected (a subset; None: absent)
CASES = [
    ("OS::Neutron::QoSPolicy", {"name": "gold", "shared": True}, "openstack:networking/qosPolicy:QosPolicy",
     {"name": "gold", "shared": True}),
    ("OS::Neutron::QoSBandwidthLimitRule", {"policy": "p-id", "max_kbps": 1000, "max_burst_kbps": 100},
     "openstack:networking/qosBandwidthLimitRule:QosBandwidthLimitRule",
     {"qosPolicyId": "p-id", "maxKbps": 1000, "maxBurstKbps": 100, "name": None}),
    ("OS::Neutron::QoSDscpMarkingRule", {"policy": "p-id", "dscp_mark": 26},
     "openstack:networking/qosDscpMarkingRule:QosDscpMarkingRule", {"dscpMark": 26}),
    ("OS::Neutron::QoSMinimumBandwidthRule", {"policy": "p-id", "min_kbps": 500},
     "openstack:networking/qosMinimumBandwidthRule:QosMinimumBandwidthRule", {"minKbps": 500}),
    ("OS::Neutron::AddressScope", {"ip_version": 6}, "openstack:networking/addressScope:AddressScope",
     {"ipVersion": 6, "name": "res"}),
    ("OS::Neutron::SubnetPool", {"prefixes": ["10.0.0.0/8"], "default_prefixlen": 24},
     "openstack:networking/subnetPool:SubnetPool", {"prefixes": ["10.0.0.0/8"], "defaultPrefixlen": 24}),
    ("OS::Neutron::Segment", {"network": "0f7a1c3e-1111-2222-3333-444455556666", "network_type": "vlan",
                              "physical_network": "physnet1", "segmentation_id": 42},
     "openstack:networking/segmentV2:SegmentV2", {"networkType": "vlan", "segmentationId": 42}),
    ("OS::Neutron::RBACPolicy", {"object_type": "network", "target_tenant": "t", "action": "access_as_shared",
                                 "object_id": "n"}, "openstack:networking/rbacPolicyV2:RbacPolicyV2",
     {"action": "access_as_shared"}),
    ("OS::Neutron::ExtraRoute", {"router_id": "r", "destination": "10.9.0.0/16", "nexthop": "10.0.0.5"},
     "openstack:networking/routerRoute:RouterRoute", {"destinationCidr": "10.9.0.0/16", "nextHop": "10.0.0.5"}),
    ("OS::Nova::Flavor", {"ram": 2048, "vcpus": 2, "extra_specs": {"hw:cpu_policy": "dedicated"}},
     "openstack:compute/flavor:Flavor",
     {"ram": 2048, "vcpus": 2, "disk": 0, "isPublic": True, "extraSpecs": {"hw:cpu_policy": "dedicated"}}),
    ("OS::Nova::HostAggregate", {"name": "fast", "availability_zone": "az2", "metadata": {"ssd": True}},
     "openstack:compute/aggregateV2:AggregateV2", {"zone": "az2", "metadata": {"ssd": "True"}}),
    ("OS::Designate::Zone", {"name": "example.org.", "email": "ops@example.org", "ttl": 600},
     "openstack:dns/zone:Zone", {"name": "example.org.", "ttl": 600}),
    ("OS::Designate::RecordSet", {"zone": "z", "type": "A", "records": ["192.0.2.1"], "name": "www.example.org."},
     "openstack:dns/recordSet:RecordSet", {"zoneId": "z", "records": ["192.0.2.1"]}),
    ("OS::Swift::Container", {"X-Container-Read": ".r:*", "PurgeOnDelete": True},
     "openstack:objectstorage/container:Container", {"containerRead": ".r:*", "forceDestroy": True}),
    ("OS::Keystone::Project", {"name": "team", "domain": "default"}, "openstack:identity/project:Project",
     {"name": "team", "domainId": "default", "enabled": True}),
    ("OS::Cinder::QoSSpecs", {"specs": {"total_iops_sec": 500}}, "openstack:blockstorage/qosV3:QosV3",
     {"specs": {"total_iops_sec": "500"}}),
    ("OS::Octavia::LoadBalancer", {"vip_subnet": "2d3c4b5a-1111-2222-3333-444455556666"},
     "openstack:loadbalancer/loadBalancer:LoadBalancer", {"vipSubnetId": "2d3c4b5a-1111-2222-3333-444455556666"}),
    ("OS::Octavia::Listener", {"loadbalancer": "lb", "protocol": "HTTP", "protocol_port": 80},
     "openstack:loadbalancer/listener:Listener", {"loadbalancerId": "lb", "protocolPort": 80}),
    ("OS::Octavia::Pool", {"listener": "l", "lb_algorithm": "ROUND_ROBIN", "protocol": "HTTP",
                           "session_persistence": {"type": "HTTP_COOKIE"}},
     "openstack:loadbalancer/pool:Pool", {"lbMethod": "ROUND_ROBIN", "persistence": {"type": "HTTP_COOKIE"}}),
    ("OS::Octavia::PoolMember", {"pool": "p", "address": "10.0.0.7", "protocol_port": 8080},
     "openstack:loadbalancer/member:Member", {"address": "10.0.0.7", "protocolPort": 8080}),
    ("OS::Octavia::HealthMonitor", {"pool": "p", "type": "HTTP", "delay": 5, "timeout": 3, "max_retries": 2,
                                    "url_path": "/health"},
     "openstack:loadbalancer/monitor:Monitor", {"urlPath": "/health", "maxRetries": 2}),
    ("OS::Neutron::VPNService", {"router": "r", "subnet": "5e6f7a8b-1111-2222-3333-444455556666"},
     "openstack:vpnaas/service:Service", {"routerId": "r", "subnetId": "5e6f7a8b-1111-2222-3333-444455556666"}),
    ("OS::Neutron::IKEPolicy", {"auth_algorithm": "sha256", "lifetime": {"units": "seconds", "value": 3600}},
     "openstack:vpnaas/ikePolicy:IkePolicy",
     {"authAlgorithm": "sha256", "lifetimes": [{"units": "seconds", "value": 3600}]}),
    ("OS::Neutron::IPsecPolicy", {"transform_protocol": "esp", "pfs": "group14"},
     "openstack:vpnaas/ipSecPolicy:IpSecPolicy", {"transformProtocol": "esp", "pfs": "group14"}),
    ("OS::Neutron::IPsecSiteConnection",
     {"peer_address": "198.51.100.7", "peer_id": "198.51.100.7", "peer_cidrs": ["10.8.0.0/16"], "psk": "s3cret",
      "ikepolicy_id": "i", "ipsecpolicy_id": "p", "vpnservice_id": "v",
      "dpd": {"actions": "hold", "interval": 30, "timeout": 120}},
     "openstack:vpnaas/siteConnection:SiteConnection",
     {"peerCidrs": ["10.8.0.0/16"], "dpds": [{"action": "hold", "interval": 30, "timeout": 120}]}),
    ("OS::Glance::WebImage", {"location": "https://example.org/cirros.img", "disk_format": "qcow2",
                              "container_format": "bare", "os_distro": "cirros", "min_ram": 64},
     "openstack:images/image:Image",
     {"imageSourceUrl": "https://example.org/cirros.img", "properties": {"os_distro": "cirros"}, "minRamMb": 64}),
    ("OS::Neutron::ProviderNet", {"network_type": "vlan", "physical_network": "physnet1", "segmentation_id": 100,
                                  "router_external": True},
     "openstack:networking/network:Network",
     {"shared": True, "external": True,
      "segments": [{"networkType": "vlan", "physicalNetwork": "physnet1", "segmentationId": 100}]}),
    ("OS::Nova::Quota", {"project": PROJECT, "cores": 40, "ram": 65536},
     "openstack:compute/quotaSetV2:QuotaSetV2", {"projectId": PROJECT, "cores": 40, "ram": 65536}),
    ("OS::Cinder::Quota", {"project": PROJECT, "gigabytes": 500},
     "openstack:blockstorage/quoteSetV3:QuoteSetV3", {"projectId": PROJECT, "gigabytes": 500}),
    ("OS::Neutron::Quota", {"project": PROJECT, "port": 100, "floatingip": 5},
     "openstack:networking/quotaV2:QuotaV2", {"projectId": PROJECT, "port": 100, "floatingip": 5}),
    ("OS::Keystone::Role", {"name": "reader"}, "openstack:identity/role:Role", {"name": "reader"}),
    ("OS::Keystone::Group", {"name": "ops"}, "openstack:identity/groupV3:GroupV3",
     {"name": "ops", "domainId": "default"}),
    ("OS::Keystone::Domain", {"name": "partners"}, "openstack:identity/project:Project",
     {"name": "partners", "isDomain": True, "enabled": True}),
    ("OS::Keystone::Service", {"name": "metrics", "type": "metric"}, "openstack:identity/serviceV3:ServiceV3",
     {"type": "metric", "enabled": True}),
    ("OS::Keystone::Endpoint", {"region": "RegionOne", "service": "svc", "interface": "public",
                                "url": "https://metrics.example.org"},
     "openstack:identity/endpointV3:EndpointV3", {"endpointRegion": "RegionOne", "serviceId": "svc"}),
    ("OS::Manila::ShareNetwork", {"neutron_network": "6a7b8c9d-1111-2222-3333-444455556666",
                                  "neutron_subnet": "7b8c9d0e-1111-2222-3333-444455556666"},
     "openstack:sharedfilesystem/shareNetwork:ShareNetwork",
     {"neutronNetId": "6a7b8c9d-1111-2222-3333-444455556666"}),
    ("OS::Manila::Share", {"share_protocol": "NFS", "size": 10}, "openstack:sharedfilesystem/share:Share",
     {"shareProto": "NFS", "size": 10}),
]


def write(tmp_path: Path, resources: dict, outputs: dict | None = None) -> Path:
    path = tmp_path / "t.yaml"
    doc = {"heat_template_version": "2018-08-31", "resources": resources, "outputs": outputs or {}}
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize("heat_type,props,token,expected", CASES, ids=[c[0] for c in CASES])
def test_mapped_type_renders_the_provider_resource(tmp_path, heat_type, props, token, expected):
    plan = render(write(tmp_path, {"res": {"type": heat_type, "properties": props}}))
    (record,) = plan.by_type(token)  # inputs also checked against the provider schema by the render
    for key, value in expected.items():
        assert record["inputs"].get(key) == value, (key, record["inputs"])


def test_every_mapped_type_has_a_case():
    from openstack_stacks.heat.resources.mapped import Mapped

    mapped = {t for t, cls in REGISTRY.items() if issubclass(cls, Mapped)}
    assert mapped - {c[0] for c in CASES} <= {"OS::Neutron::FloatingIPPortForward", "OS::Barbican::Secret"}


def test_site_connection_psk_is_a_secret(tmp_path):
    (case,) = [c for c in CASES if c[0] == "OS::Neutron::IPsecSiteConnection"]
    plan = render(write(tmp_path, {"res": {"type": case[0], "properties": case[1]}}))
    assert plan.get("res")["secretInputs"] == ["psk"] and "s3cret" not in json.dumps(plan.to_dict())


def test_octavia_stack_wires_its_parts_and_reads_the_vip(tmp_path):
    plan = render(write(tmp_path, {
        "lb": {"type": "OS::Octavia::LoadBalancer", "properties": {"vip_subnet": "private-v4"}},
        "listener": {"type": "OS::Octavia::Listener",
                     "properties": {"loadbalancer": {"get_resource": "lb"}, "protocol": "HTTP",
                                    "protocol_port": 80}},
        "pool": {"type": "OS::Octavia::Pool", "properties": {"listener": {"get_resource": "listener"},
                                                             "lb_algorithm": "ROUND_ROBIN", "protocol": "HTTP"}},
        "member": {"type": "OS::Octavia::PoolMember",
                   "properties": {"pool": {"get_resource": "pool"}, "address": "10.0.0.7", "protocol_port": 80}},
    }, {"vip": {"value": {"get_attr": ["lb", "vip_address"]}}, "show": {"value": {"get_attr": ["member", "show"]}}}))
    ids = {r["name"]: r["id"] for r in plan.resources if r["custom"]}
    assert plan.get("listener")["inputs"]["loadbalancerId"] == ids["lb"]
    assert plan.get("member")["inputs"]["poolId"] == ids["pool"]
    assert plan.get("lb")["inputs"]["vipSubnetId"]  # the subnet looked up by name
    assert plan.outputs["show"] == {"id": ids["member"], "address": "10.0.0.7", "pool_id": ids["pool"]}


def test_private_flavor_grants_its_tenants_and_a_public_one_refuses(tmp_path):
    flavor = {"type": "OS::Nova::Flavor", "properties": {"ram": 512, "vcpus": 1, "is_public": False,
                                                         "tenants": ["t1", "t2"]}}
    plan = render(write(tmp_path, {"f": flavor}))
    access = plan.by_type("openstack:compute/flavorAccess:FlavorAccess")
    assert [a["inputs"]["tenantId"] for a in access] == ["t1", "t2"]
    assert {a["inputs"]["flavorId"] for a in access} == {plan.get("f")["id"]}
    flavor["properties"]["is_public"] = True
    with pytest.raises(StackError, match="tenants can be given only for a private flavor"):
        render(write(tmp_path, {"f": flavor}))


def test_barbican_payload_is_a_secret_and_qos_association_per_volume_type(tmp_path):
    plan = render(write(tmp_path, {
        "s": {"type": "OS::Barbican::Secret", "properties": {"payload": "hunter2", "secret_type": "passphrase"}},
        "q": {"type": "OS::Cinder::QoSSpecs", "properties": {"specs": {"read_iops_sec": 100}}},
        "a": {"type": "OS::Cinder::QoSAssociation",
              "properties": {"qos_specs": {"get_resource": "q"}, "volume_types": ["t1", "t2"]}},
    }))
    secret = plan.get("s", "openstack:keymanager/secretV1:SecretV1")
    assert secret["secretInputs"] == ["payload"] and "hunter2" not in json.dumps(plan.to_dict())
    assocs = plan.by_type("openstack:blockstorage/qosAssociationV3:QosAssociationV3")
    assert [a["inputs"]["volumeTypeId"] for a in assocs] == ["t1", "t2"]
    assert {a["inputs"]["qosId"] for a in assocs} == {plan.get("q")["id"]}


def test_unknown_property_of_a_mapped_type_is_refused(tmp_path):
    with pytest.raises(StackError, match="unsupported property colour"):
        render(write(tmp_path, {"z": {"type": "OS::Designate::Zone",
                                      "properties": {"name": "a.org.", "colour": "red"}}}))


def test_manila_share_access_rules_are_share_accesses(tmp_path):
    plan = render(write(tmp_path, {"share": {"type": "OS::Manila::Share", "properties": {
        "share_protocol": "NFS", "size": 1, "access_rules": [{"access_to": "10.0.0.0/24", "access_type": "ip"}]}}}))
    (access,) = plan.by_type("openstack:sharedfilesystem/shareAccess:ShareAccess")
    assert access["inputs"] == {"shareId": plan.get("share")["id"], "accessTo": "10.0.0.0/24", "accessType": "ip",
                                "accessLevel": "rw"}
