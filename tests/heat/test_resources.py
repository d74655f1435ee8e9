"""Heat resource types, properties, attributes and implicit dependencies that map onto pulumi-openstack."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks.tools.offline import render

CORPUS = Path(__file__).parents[1] / "corpus" / "heat-templates"
INSTANCE = "openstack:compute/instance:Instance"
TRUNK = "openstack:networking/trunk:Trunk"
ATTACH = "openstack:compute/volumeAttach:VolumeAttach"
PROVIDER = "pulumi:providers:openstack"


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def deps(plan, name: str, token: str | None = None) -> set[str]:
    """Logical names of what the named resource's registration waits for."""
    return {urn.split("::")[-1] for urn in plan.get(name, token)["options"]["dependsOn"]}


TRUNK_TEMPLATE = """\
heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net}
  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.1.0.0/24}}
  vlan_net: {type: OS::Neutron::Net}
  vlan_subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: vlan_net}, cidr: 10.2.0.0/24}}
  parent: {type: OS::Neutron::Port, properties: {network: {get_resource: net}}}
  child: {type: OS::Neutron::Port, properties: {network: {get_resource: vlan_net}}}
  server:
    type: OS::Nova::Server
    properties: {image: cirros, flavor: m1.tiny, networks: [{port: {get_resource: parent}}]}
  trunk:
    type: OS::Neutron::Trunk
    properties:
      name: tr
      port: {get_resource: parent}
      sub_ports: [{port: {get_resource: child}, segmentation_type: vlan, segmentation_id: 101}]
outputs:
  trunk_port: {value: {get_attr: [trunk, port_id]}}
  trunk_status: {value: {get_attr: [trunk, status]}}
"""


def test_trunk_is_a_networking_trunk_and_the_server_on_its_parent_port_waits_for_it(tmp_path):
    plan = render(write(tmp_path, TRUNK_TEMPLATE))
    ids = {r["name"]: r["id"] for r in plan.resources if r["custom"]}
    trunk = plan.get("trunk", TRUNK)
    assert trunk["inputs"]["portId"] == ids["parent"] and trunk["inputs"]["name"] == "tr"
    assert trunk["inputs"]["subPorts"] == [{"portId": ids["child"], "segmentationId": 101,
                                            "segmentationType": "vlan"}]
    # The template never makes the server refer to the trunk; Heat's ordering does.
    assert "trunk" in deps(plan, "server", "openstack-stacks:index:Server")
    assert plan.outputs["trunk_port"] == ids["parent"]
    assert plan.outputs["trunk_status"].startswith("unknown under Pulumi")
    assert any("attribute 'status' is not known under Pulumi" in n for n in plan.notes)


def test_trunk_subport_segmentation_is_checked(tmp_path):
    text = TRUNK_TEMPLATE.replace("segmentation_id: 101", "segmentation_id: 5000")
    with pytest.raises(StackError, match="segmentation_id must be between 1 and 4094"):
        render(write(tmp_path, text))


VOLUME_TYPE = """\
heat_template_version: 2015-04-30
parameters:
  public: {type: boolean, default: true}
resources:
  fast:
    type: OS::Cinder::VolumeType
    properties:
      name: fast-ssd
      description: NVMe backend
      is_public: {get_param: public}
      metadata: {volume_backend_name: nvme, "capabilities:iops": 5000}
  data:
    type: OS::Cinder::Volume
    properties: {size: 10, volume_type: {get_resource: fast}}
outputs:
  type_name: {value: {get_attr: [fast, name]}}
"""


def test_volume_type_is_a_volume_type_v3_with_extra_specs_used_by_volumes(tmp_path):
    plan = render(write(tmp_path, VOLUME_TYPE))
    vtype = plan.get("fast", "openstack:blockstorage/volumeTypeV3:VolumeTypeV3")
    assert vtype["inputs"] == {"name": "fast-ssd", "description": "NVMe backend", "isPublic": True,
                               "extraSpecs": {"volume_backend_name": "nvme", "capabilities:iops": "5000"}}
    volume = plan.get("data", "openstack:blockstorage/volume:Volume")
    assert volume["inputs"]["volumeType"] == vtype["id"]
    assert plan.outputs["type_name"] == "fast-ssd"


def test_private_volume_type_grants_its_projects_and_a_public_one_refuses_them(tmp_path):
    text = VOLUME_TYPE.replace("      metadata:", "      projects: [0123456789abcdef0123456789abcdef]\n      metadata:")
    plan = render(write(tmp_path, text), {"public": "false"})
    (access,) = plan.by_type("openstack:blockstorage/volumeTypeAccessV3:VolumeTypeAccessV3")
    assert access["inputs"]["projectId"] == "0123456789abcdef0123456789abcdef"
    assert access["inputs"]["volumeTypeId"] == plan.get("fast")["id"]
    with pytest.raises(StackError, match="projects can be given only for a private volume type"):
        render(write(tmp_path, text))


def test_encrypted_volume_type_stays_refused_with_the_reason(tmp_path):
    text = VOLUME_TYPE.replace("  data:", "  enc:\n    type: OS::Cinder::EncryptedVolumeType\n"
                                   "    properties: {volume_type: {get_resource: fast}, provider: luks}\n  data:")
    with pytest.raises(StackError) as info:
        render(write(tmp_path, text))
    assert "no resource for a volume type's encryption" in str(info.value)
    assert "unencrypted" in str(info.value)


EC2_VOLUMES = """\
AWSTemplateFormatVersion: 2010-09-09
Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties: {Size: 5, AvailabilityZone: nova}
  Logs:
    Type: AWS::EC2::Volume
    Properties: {Size: 2, AvailabilityZone: nova}
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: fedora
      InstanceType: m1.small
      Volumes:
        - {Device: /dev/vdb, VolumeId: {Ref: Data}}
        - {Device: /dev/vdc, VolumeId: {Ref: Logs}}
"""


def test_ec2_instance_volumes_are_attachments_detached_first(tmp_path):
    plan = render(write(tmp_path, EC2_VOLUMES))
    ids = {r["name"]: r["id"] for r in plan.resources if r["custom"]}
    attachments = plan.by_type(ATTACH)
    assert [a["inputs"]["volumeId"] for a in attachments] == [ids["Data"], ids["Logs"]]
    assert {a["inputs"]["instanceId"] for a in attachments} == {plan.get("Web", INSTANCE)["id"]}
    assert all(a["options"]["deleteBeforeReplace"] and "device" not in a["inputs"] for a in attachments)
    assert any("attached without its Device /dev/vdb" in n for n in plan.notes)


NESTED = """\
heat_template_version: 2018-08-31
parameters:
  image: {type: string}
resources:
  net: {type: OS::Neutron::Net}
  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.9.0.0/24}}
  server:
    type: OS::Nova::Server
    properties: {image: {get_param: image}, flavor: m1.tiny, networks: [{network: {get_resource: net}}]}
outputs:
  ip: {value: {get_attr: [server, first_address]}}
"""

STACK = """\
heat_template_version: 2018-08-31
parameters:
  region: {type: string, default: RegionTwo}
resources:
  remote:
    type: OS::Heat::Stack
    properties:
      context: {region_name: {get_param: region}}
      parameters: {image: cirros}
      template: {get_file: nested.yaml}
outputs:
  ip: {value: {get_attr: [remote, outputs, ip]}}
  all: {value: {get_attr: [remote, outputs]}}
  name: {value: {get_attr: [remote, stack_name]}}
"""


def test_heat_stack_from_get_file_goes_to_a_provider_of_its_region(tmp_path):
    write(tmp_path, NESTED, "nested.yaml")
    plan = render(write(tmp_path, STACK))
    (provider,) = plan.by_type(PROVIDER)
    assert provider["inputs"]["region"] == "RegionTwo"
    reference = f"{provider['urn']}::{provider['id']}"
    nested = [r for r in plan.resources if r["custom"] and r["type"].startswith("openstack:")]
    assert {r["name"] for r in nested} >= {"remote-net", "remote-subnet", "remote-server"}
    assert all(r.get("provider") == reference for r in nested), [(r["name"], r.get("provider")) for r in nested]
    assert plan.outputs["ip"].startswith("10.9.0.")
    assert plan.outputs["all"] == {"ip": plan.outputs["ip"]}
    assert plan.outputs["name"] == "remote"


def test_heat_stack_from_inline_text_without_context_uses_the_stacks_provider(tmp_path):
    inline = STACK.replace("      context: {region_name: {get_param: region}}\n", "").replace(
        "template: {get_file: nested.yaml}", "template: |\n" + textwrap.indent(NESTED, " " * 8))
    plan = render(write(tmp_path, inline))
    assert not plan.by_type(PROVIDER)
    assert not any(r.get("provider") for r in plan.resources)
    assert plan.get("remote-server", INSTANCE)


def test_heat_stack_context_credentials_are_refused_plainly(tmp_path):
    write(tmp_path, NESTED, "nested.yaml")
    text = STACK.replace("{region_name: {get_param: region}}", "{credential_secret_id: abc}")
    with pytest.raises(StackError, match="context credential_secret_id is not supported"):
        render(write(tmp_path, text))


ATTRIBUTES = """\
heat_template_version: 2018-08-31
resources:
  net: {type: OS::Neutron::Net, properties: {name: app}}
  subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.3.0.0/24}}
  other: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.4.0.0/24}}
  volume: {type: OS::Cinder::Volume, properties: {size: 1}}
  server:
    type: OS::Nova::Server
    properties:
      name: web
      image: cirros
      flavor: m1.tiny
      networks: [{network: {get_resource: net}, subnet: {get_resource: subnet}}, {network: private}]
outputs:
  net_subnets: {value: {get_attr: [net, subnets]}}
  net_status: {value: {get_attr: [net, status]}}
  net_show: {value: {get_attr: [net, show]}}
  subnet_cidr_from_show: {value: {get_attr: [subnet, show, cidr]}}
  volume_status: {value: {get_attr: [volume, status]}}
  name: {value: {get_attr: [server, name]}}
  networks: {value: {get_attr: [server, networks]}}
  addresses: {value: {get_attr: [server, addresses]}}
  console: {value: {get_attr: [server, console_urls]}}
"""


def test_attributes_templates_read_in_outputs(tmp_path):
    plan = render(write(tmp_path, ATTRIBUTES))
    out = plan.outputs
    ids = {r["name"]: r["id"] for r in plan.resources if r["custom"]}
    assert out["net_subnets"] == [ids["subnet"], ids["other"]]
    assert out["net_show"]["id"] == ids["net"] and out["net_show"]["name"] == "app"
    assert out["subnet_cidr_from_show"] == "10.3.0.0/24"
    assert out["name"] == "web"
    (first,) = out["addresses"][ids["net"]]
    assert first["addr"].startswith("10.3.0.") and first["version"] == 4
    assert first["OS-EXT-IPS:type"] == "fixed" and first["port"] == ids["server-port0"]
    assert first["OS-EXT-IPS-MAC:mac_addr"].startswith("fa:16:3e:")
    assert [a["addr"] for a in out["addresses"]["private"]] == out["networks"]["private"]
    assert out["networks"][ids["net"]] == [first["addr"]]
    for key, attribute in (("net_status", "status"), ("volume_status", "status"), ("console", "console_urls")):
        assert out[key].startswith("unknown under Pulumi:") and f"attribute '{attribute}'" in out[key]
    unknown = [n for n in plan.notes if "is not known under Pulumi" in n]
    assert len(unknown) == 3  # one note per resource attribute, not per read


NEW_NET = {"key_name": "ops", "image": "debian-12", "flavor": "m1.small", "public_net": "public",
           "private_net_name": "private", "private_net_cidr": "10.50.0.0/24", "private_net_gateway": "10.50.0.1",
           "private_net_pool_start": "10.50.0.10", "private_net_pool_end": "10.50.0.200"}


def test_floating_ip_association_waits_for_the_router_interface_of_its_ports_subnet():
    plan = render(CORPUS / "hot/servers_in_new_neutron_net.yaml", NEW_NET)
    for server in ("server1", "server2"):
        fip = f"{server}_floating_ip"
        assert {"router_interface", "router", f"{server}_port"} <= deps(plan, f"{fip}-assoc")
        assert "router_interface" in deps(plan, fip)
    # Ports wait for their network's subnets (Heat: the port's subnet is not known), not for the router.
    assert deps(plan, "server1_port") == {"private_net", "private_subnet"}


def test_floating_ip_association_resource_waits_for_the_router_interface(tmp_path):
    text = """\
    heat_template_version: 2018-08-31
    resources:
      net: {type: OS::Neutron::Net}
      subnet: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: 10.5.0.0/24}}
      router: {type: OS::Neutron::Router, properties: {external_gateway_info: {network: public}}}
      rif: {type: OS::Neutron::RouterInterface, properties: {router: {get_resource: router},
                                                              subnet: {get_resource: subnet}}}
      port: {type: OS::Neutron::Port, properties: {network: {get_resource: net},
                                                   fixed_ips: [{subnet: {get_resource: subnet}}]}}
      fip: {type: OS::Neutron::FloatingIP, properties: {floating_network: public}}
      assoc: {type: OS::Neutron::FloatingIPAssociation, properties: {floatingip_id: {get_resource: fip},
                                                                     port_id: {get_resource: port}}}
    """
    plan = render(write(tmp_path, text))
    assert "rif" in deps(plan, "assoc")
    assert "router" in deps(plan, "fip")  # its floating network is the router's gateway
    assert "rif" not in deps(plan, "fip")  # no port: nothing to reach


def test_volume_attributes_include_the_templates_attachments(tmp_path):
    text = """\
    heat_template_version: 2018-08-31
    resources:
      volume: {type: OS::Cinder::Volume, properties: {size: 1, volume_type: ssd, metadata: {tier: gold}}}
      server: {type: OS::Nova::Server, properties: {image: cirros, flavor: m1.tiny, networks: [{network: private}]}}
      attach: {type: OS::Cinder::VolumeAttachment, properties: {volume_id: {get_resource: volume},
                                                                instance_uuid: {get_resource: server}}}
    outputs:
      attachments: {value: {get_attr: [volume, attachments_list]}}
      volume_type: {value: {get_attr: [volume, volume_type]}}
      tier: {value: {get_attr: [volume, metadata, tier]}}
    """
    plan = render(write(tmp_path, text))
    ids = {r["name"]: r["id"] for r in plan.resources if r["custom"]}
    assert plan.outputs["attachments"] == [{"server_id": ids["server"], "attachment_id": ids["attach"]}]
    assert plan.outputs["volume_type"] == "ssd" and plan.outputs["tier"] == "gold"


@pytest.mark.parametrize("item,message", [
    ({"network": "private", "colour": "red"}, "unknown key colour"),
    ({"network": "private", "tag": "nic1"}, "tag is not supported: pulumi-openstack's instance networks carry no"),
    ({"allocate_network": "auto"}, "allocate_network is not supported"),
])
def test_server_networks_items_are_checked_as_heat_does(tmp_path, item, message):
    import json

    doc = {"heat_template_version": "2018-08-31", "resources": {"s": {"type": "OS::Nova::Server", "properties": {
        "image": "cirros", "flavor": "m1.tiny", "networks": [item]}}}}
    with pytest.raises(StackError, match=message):
        render(write(tmp_path, json.dumps(doc)))


def test_the_port_a_server_boots_on_is_known_only_after_the_trunk(tmp_path, monkeypatch):
    """The Server component's children do not inherit its depends_on: the instance waits for the trunk
    because the port ID it boots on is an Output of the trunk's creation too."""
    import pulumi

    from openstack_stacks import program
    from openstack_stacks.heat.resources import nova
    from openstack_stacks.tools.offline import run_program

    given: list = []
    real = nova.Server

    def spy(name, args, opts=None):
        given.append(args.ports[0].port_id)
        return real(name, args, opts)

    monkeypatch.setattr(nova, "Server", spy)
    path = write(tmp_path, TRUNK_TEMPLATE)

    def body() -> None:
        program.build(str(path), {})
        (port_id,) = given
        assert isinstance(port_id, pulumi.Output)

        async def waits() -> list[str]:  # the resources the boot port's ID comes from
            return sorted(r._name for r in await port_id.resources())

        pulumi.export("waits", pulumi.Output.from_input(waits()))

    plan = run_program(body, source=str(path))
    assert {"trunk", "parent"} <= set(plan.outputs["waits"])


def test_server_boots_from_a_volume_made_from_its_image(tmp_path):
    import json

    doc = {"heat_template_version": "2018-08-31", "resources": {"s": {"type": "OS::Nova::Server", "properties": {
        "flavor": "m1.small", "networks": [{"network": "private"}],
        "block_device_mapping_v2": [{"image": "debian-12", "volume_size": 20, "boot_index": 0,
                                     "delete_on_termination": True}]}}}}
    plan = render(write(tmp_path, json.dumps(doc)))
    instance = plan.get("s", INSTANCE)["inputs"]
    assert "imageName" not in instance and "imageId" not in instance  # pitfalls 5: only in block_devices
    (device,) = instance["blockDevices"]
    assert device["sourceType"] == "image" and device["destinationType"] == "volume"
    assert device["volumeSize"] == 20 and device["deleteOnTermination"] is True and device["uuid"]
    doc["resources"]["s"]["properties"]["block_device_mapping_v2"][0] = {"volume_id": "v", "boot_index": 0}
    with pytest.raises(StackError, match="supported as one boot volume made from an image"):
        render(write(tmp_path, json.dumps(doc)))
