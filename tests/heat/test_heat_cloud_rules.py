"""HOT resources follow the same cloud rules as stack files, and errors name the template resource."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks.tools.offline import render

NET = """\
heat_template_version: 2018-08-31
resources:
  net:
    type: OS::Neutron::Net
  sub:
    type: OS::Neutron::Subnet
    properties:
      network: {{get_resource: net}}
      cidr: {cidr}
      {extra}
"""


def _render(tmp_path: Path, text: str):
    path = tmp_path / "t.yaml"
    path.write_text(textwrap.dedent(text))
    return path, lambda: render(path)


@pytest.mark.parametrize("cidr, extra, field, message", [
    ("10.0.0.1/24", "", "cidr", "has host bits set"),
    ("10.0.0.0/24", "gateway_ip: not-an-ip", "gateway_ip", "not an IP address"),
    ("10.0.0.0/24", "dns_nameservers: [1.1.1]", "dns_nameservers[0]", "not an IP address"),
    ("10.0.0.0/24", "allocation_pools: [{start: 10.0.1.2, end: 10.0.1.9}]", "allocation_pools[0]", "outside"),
])
def test_hot_subnet_rules(tmp_path, cidr, extra, field, message) -> None:
    _path, run = _render(tmp_path, NET.format(cidr=cidr, extra=extra))
    with pytest.raises(StackError) as info:
        run()
    assert (info.value.resource, info.value.field) == ("sub", field) and message in info.value.message


def test_hot_security_group_rule_error_names_the_resource(tmp_path) -> None:
    path, run = _render(tmp_path, """\
        heat_template_version: 2018-08-31
        resources:
          web_sg:
            type: OS::Neutron::SecurityGroup
            properties:
              rules: [{protocol: tcp, port_range_min: 0, port_range_max: 80}]
    """)
    with pytest.raises(StackError) as info:
        run()
    assert info.value.resource == "web_sg" and str(path) in str(info.value)


def test_hot_volume_size_zero(tmp_path) -> None:
    _path, run = _render(tmp_path, """\
        heat_template_version: 2018-08-31
        resources:
          vol: {type: OS::Cinder::Volume, properties: {size: 0}}
    """)
    with pytest.raises(StackError, match="at least 1") as info:
        run()
    assert info.value.resource == "vol"


def test_unknown_function_is_a_clear_error(tmp_path) -> None:
    _path, run = _render(tmp_path, """\
        heat_template_version: 2018-08-31
        parameters:
          flavor: {type: string, default: m1.small}
        resources:
          vm:
            type: OS::Nova::Server
            properties: {image: debian-12, flavor: {get_parm: flavor}}
    """)
    with pytest.raises(StackError, match=r"unknown function 'get_parm' \(did you mean 'get_param'\?\)") as info:
        run()
    assert info.value.resource == "vm"
