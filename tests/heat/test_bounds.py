"""Counts, group sizes and repeat permutations are bounded, with a message naming the resource."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks import limits
from openstack_stacks.tools.offline import render

GROUP = """\
heat_template_version: 2018-08-31
resources:
  group:
    type: OS::Heat::ResourceGroup
    properties:
      count: {count}
      resource_def: {{type: OS::Heat::RandomString}}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "t.yaml"
    path.write_text(textwrap.dedent(text))
    return path


@pytest.mark.parametrize("count, message", [
    ("-1", "must be 0 or more"), ("1.5", "must be a whole number"), ("100000", "over the limit"),
    ("1e12", "over the limit"), (".inf", "must be a whole number"), ("'x'", "must be a whole number"),
])
def test_resource_group_count_is_checked(tmp_path, count, message) -> None:
    with pytest.raises(StackError, match=message) as info:
        render(_write(tmp_path, GROUP.format(count=count)))
    assert info.value.resource == "group" and info.value.field == "count"


def test_resource_group_count_within_bounds_renders(tmp_path) -> None:
    plan = render(_write(tmp_path, GROUP.format(count=3)))
    assert len(plan.by_type("random:index/randomPassword:RandomPassword")) == 3


def test_stack_file_count_over_the_limit(render, write_stack) -> None:
    path = write_stack(f"""
        networks: {{net: {{subnets: {{sub: {{cidr: 10.0.0.0/24}}}}}}}}
        servers:
          web: {{count: {limits.MAX_COUNT + 1}, image: i, flavor: f, ports: [{{network: net}}]}}
    """)
    with pytest.raises(StackError, match="over the limit") as info:
        render(path)
    assert info.value.resource == "web" and info.value.field == "count"


def test_repeat_permutations_are_bounded(tmp_path) -> None:
    path = _write(tmp_path, """\
        heat_template_version: 2018-08-31
        parameters:
          xs: {type: comma_delimited_list, default: "0,1,2,3,4,5,6,7,8,9"}
        resources:
          cfg:
            type: OS::Heat::SoftwareConfig
            properties:
              config:
                repeat:
                  for_each: {a: {get_param: xs}, b: {get_param: xs}, c: {get_param: xs}, d: {get_param: xs},
                             e: {get_param: xs}}
                  template: a-b-c-d-e
    """)
    with pytest.raises(StackError, match="more than 10000 values") as info:
        render(path)
    assert info.value.resource == "cfg"
