"""Errors from Heat functions, found now or only once an attribute is known, name the template resource."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks.tools.offline import render

PYTHON = ("TypeError", "IndexError", "AttributeError", "KeyError", "ValueError", "Traceback")


@pytest.mark.parametrize("props", [
    'name: {str_split: [",", "a,b", 5]}',
    "metadata: {map_replace: [{a: b}, {keys: 1}]}",
])
def test_function_error_names_the_resource(tmp_path: Path, props: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(textwrap.dedent(f"""\
        heat_template_version: 2018-08-31
        resources:
          vm:
            type: OS::Nova::Server
            properties: {{image: i, flavor: f, {props}}}
    """))
    with pytest.raises(StackError) as info:
        render(path)
    assert info.value.resource == "vm" and str(path) in str(info.value)
    assert not any(word in str(info.value) for word in PYTHON)


def test_function_error_on_a_later_attribute_names_the_resource(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(textwrap.dedent("""\
        heat_template_version: 2018-08-31
        resources:
          net: {type: OS::Neutron::Net}
          vm:
            type: OS::Nova::Server
            properties: {image: i, flavor: f, name: {str_split: [",", {get_attr: [net, name]}, 5]}}
    """))
    with pytest.raises(StackError) as info:
        render(path)
    assert info.value.resource == "vm"
    assert not any(word in str(info.value) for word in PYTHON)


def test_resource_group_without_a_member_type(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("heat_template_version: 2018-08-31\nresources:\n  g:\n    type: OS::Heat::ResourceGroup\n"
                    "    properties: {count: 2, resource_def: {properties: {}}}\n")
    with pytest.raises(StackError, match="resource type must be a name") as info:
        render(path)
    assert info.value.resource == "g"
