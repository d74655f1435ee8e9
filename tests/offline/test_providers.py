"""A program given an explicit openstack provider sends every resource AND every lookup to it (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_openstack as openstack
import pytest

from openstack_stacks import program
from openstack_stacks.tools.offline import run_program

ROOT = Path(__file__).parents[2]
HT = ROOT / "tests" / "corpus" / "heat-templates"
EXISTING_NET = {"key_name": "ops", "image": "debian-12", "flavor": "m1.small", "public_net_id": "public",
                "private_net_id": "private", "private_subnet_id": "private-v4"}
CASES = [
    ("stacks/web.yaml", {}),
    ("stacks/app-db.yaml", {}),
    ("stacks/kolla-aio.yaml", {}),
    (str(HT / "hot/servers_in_existing_neutron_net.yaml"), EXISTING_NET),
    (str(HT / "cfn/F17/WordPress_Single_Instance_With_EBS.template"), {"KeyName": "ops"}),
    (str(HT / "cfn/F17/Neutron_floating.template"), {"external_network": "public", "internal_network": "private",
                                                     "internal_subnet": "private-v4"}),
]


def render_with(path: str, parameters: dict, provider_args: dict):
    """Render `path` as a program that gives its build `opts=ResourceOptions(provider=region2)`."""
    def body() -> None:
        region2 = openstack.Provider("region2", **provider_args)
        program.build(path, parameters, opts=pulumi.ResourceOptions(provider=region2))

    return run_program(body, source=path)


def reference(plan, name: str) -> str:
    provider = plan.get(name, "pulumi:providers:openstack")
    return f"{provider['urn']}::{provider['id']}"


@pytest.mark.parametrize("path,parameters", CASES, ids=[Path(c[0]).name for c in CASES])
def test_every_resource_and_lookup_goes_to_the_given_provider(path, parameters):
    plan = render_with(path, parameters, {"region": "RegionTwo"})
    region2 = reference(plan, "region2")
    resources = [r for r in plan.resources if r["custom"] and r["type"].startswith("openstack:")]
    assert resources and plan.invokes
    assert [r["name"] for r in resources if r.get("provider") != region2] == []
    assert [i["token"] for i in plan.invokes if i["provider"] != region2] == []


def test_without_a_provider_everything_uses_the_default_one():
    from openstack_stacks.tools.offline import render

    plan = render(ROOT / "stacks/web.yaml")
    assert plan.invokes and all(i["provider"] == "" for i in plan.invokes)
    assert not any(r.get("provider") for r in plan.resources)


def test_lookups_inside_a_heat_stack_of_another_region_use_that_regions_provider(tmp_path):
    from openstack_stacks.tools.offline import render

    (tmp_path / "t.yaml").write_text("""\
heat_template_version: 2018-08-31
resources:
  remote:
    type: OS::Heat::Stack
    properties:
      context: {region_name: RegionThree}
      template: |
        heat_template_version: 2018-08-31
        resources:
          port: {type: OS::Neutron::Port, properties: {network: private, fixed_ips: [{subnet: private-v4}]}}
          server:
            type: OS::Nova::Server
            properties: {image: cirros, flavor: m1.tiny, networks: [{network: public}, {port: {get_resource: port}}]}
          volume: {type: OS::Cinder::Volume, properties: {size: 1, image: cirros}}
""")
    plan = render(tmp_path / "t.yaml")
    region3 = reference(plan, "remote-provider")
    assert plan.get("remote-provider")["inputs"]["region"] == "RegionThree"
    tokens = sorted({i["token"].split(":")[-1] for i in plan.invokes})
    assert tokens == ["getImage", "getNetwork", "getSubnet"]
    assert [i["token"] for i in plan.invokes if i["provider"] != region3] == []
    resources = [r for r in plan.resources if r["custom"] and r["type"].startswith("openstack:")]
    assert [r["name"] for r in resources if r.get("provider") != region3] == []
