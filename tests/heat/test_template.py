"""Heat front-end behaviour on small templates: functions, parameters, conditions, environments, errors."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks.tools.offline import render

INSTANCE = "openstack:compute/instance:Instance"
VOLUME = "openstack:blockstorage/volume:Volume"


def write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


FUNCTIONS = """\
heat_template_version: 2021-04-16
parameters:
  names: {type: comma_delimited_list, default: "a,b"}
  n: {type: number, default: 3}
  flag: {type: boolean, default: true}
  cfg: {type: json, default: {x: 1}}
conditions:
  big: {equals: [{get_param: n}, 3]}
  small: {not: big}
  both: {and: [big, {get_param: flag}]}
  any: {or: [small, both]}
resources: {}
outputs:
  replaced: {value: {str_replace: {template: "host=$h port=$hp", params: {$h: web, $hp: 80}}}}
  joined: {value: {list_join: ["-", {get_param: names}, [c]]}}
  split: {value: {str_split: [",", "x,y,z", 1]}}
  digest: {value: {digest: [sha256, abc]}}
  repeated: {value: {repeat: {for_each: {"<%p%>": [80, 443]}, template: {port: "<%p%>"}}}}
  merged: {value: {map_merge: [{get_param: cfg}, {y: 2}]}}
  mapped: {value: {map_replace: [{k1: v1, k2: v2}, {keys: {k1: K1}, values: {v2: V2}}]}}
  concat: {value: {list_concat_unique: [[1, 2], [2, 3]]}}
  has: {value: {contains: [b, {get_param: names}]}}
  chosen: {value: {if: [small, "yes", "no"]}}
  any_cond: {value: {if: [any, "on", "off"]}}
  gone: {value: {if: [small, dropped]}}
  url: {value: {make_url: {scheme: https, host: example.com, port: 8443, path: /v1}}}
  stack: {value: {get_param: "OS::stack_name"}}
  only_big: {value: kept, condition: big}
  only_small: {value: hidden, condition: small}
"""


def test_hot_functions_and_conditions(tmp_path):
    out = render(write(tmp_path, FUNCTIONS)).outputs
    assert out["replaced"] == "host=web port=80"  # the longer key wins over its prefix
    assert out["joined"] == "a-b-c"
    assert out["split"] == "y"
    assert out["digest"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert out["repeated"] == [{"port": "80"}, {"port": "443"}]
    assert out["merged"] == {"x": 1, "y": 2}
    assert out["mapped"] == {"K1": "v1", "k2": "V2"}
    assert out["concat"] == [1, 2, 3]
    assert out["has"] is True
    assert out["chosen"] == "no" and out["any_cond"] == "on"
    assert out.get("gone") is None
    assert out["url"] == "https://example.com:8443/v1"
    assert out["stack"] == "t"
    assert out["only_big"] == "kept" and "only_small" not in out


def test_function_of_a_later_version_is_data_with_a_note(tmp_path):
    path = write(tmp_path, """\
        heat_template_version: 2015-04-30
        resources: {}
        outputs:
          x: {value: {str_split: [",", "a,b"]}}
        """)
    result = render(path)
    assert result.outputs["x"] == {"str_split": [",", "a,b"]}  # Heat reads it as data
    assert any("'str_split' is not a function in heat_template_version 2015-04-30 (it needs 2015-10-15"
               in n for n in result.notes)


def test_str_replace_strict_forms(tmp_path):
    path = write(tmp_path, """\
        heat_template_version: 2017-09-01
        resources: {}
        outputs:
          x: {value: {str_replace_strict: {template: abc, params: {zzz: 1}}}}
        """)
    with pytest.raises(StackError, match="The following params were not found in the template: zzz"):
        render(path)
    path.write_text(path.read_text().replace("str_replace_strict", "str_replace_vstrict").replace("zzz: 1", "a: ''"))
    with pytest.raises(StackError, match="str_replace_vstrict has an undefined or empty value for param a"):
        render(path)


@pytest.mark.parametrize("value,message", [
    (r"ab", r"length 2 is out of range \(min: 3, max: 8\)"),
    ("abcdefghij", r"length 10 is out of range \(min: 3, max: 8\)"),
    ("abc!", "does not match pattern"),
])
def test_string_constraints(tmp_path, value, message):
    path = write(tmp_path, """\
        heat_template_version: 2017-02-24
        parameters:
          name:
            type: string
            constraints:
              - length: {min: 3, max: 8}
              - allowed_pattern: "[a-z]+"
        resources: {}
        """)
    with pytest.raises(StackError, match=message) as info:
        render(path, {"name": value})
    assert "parameters.name" in str(info.value)


def test_number_constraints_and_modulo(tmp_path):
    path = write(tmp_path, """\
        heat_template_version: 2017-02-24
        parameters:
          size: {type: number, constraints: [{range: {min: 2, max: 10}}, {modulo: {step: 2, offset: 0}}]}
          flavor: {type: string, default: m1.small, constraints: [{allowed_values: [m1.small, m1.large]}]}
        resources: {}
        outputs:
          size: {value: {get_param: size}}
        """)
    assert render(path, {"size": "4"}).outputs["size"] == 4
    with pytest.raises(StackError, match="is not a multiple of 2 with an offset of 0"):
        render(path, {"size": "5"})
    with pytest.raises(StackError, match=r"12 is out of range \(min: 2, max: 10\)"):
        render(path, {"size": "12"})
    with pytest.raises(StackError, match=r"is not an allowed value \[\"m1\.small\", \"m1\.large\"\]"):
        render(path, {"size": "4", "flavor": "m1.huge"})
    with pytest.raises(StackError, match="unknown parameter"):
        render(path, {"size": "4", "colour": "red"})


SERVER = """\
heat_template_version: 2016-10-14
parameters:
  password: {type: string, hidden: true}
resources:
  server:
    type: OS::Nova::Server
    properties:
      image: cirros
      flavor: m1.small
      networks: [{network: private}]
      user_data_format: RAW
      user_data_update_policy: IGNORE
      user_data:
        str_replace:
          template: "#!/bin/sh\\necho $PW > /root/pw\\n"
          params: {$PW: {get_param: password}}
outputs:
  ip: {value: {get_attr: [server, first_address]}}
"""


def test_hidden_parameter_is_secret_and_ignore_policy(tmp_path):
    plan = render(write(tmp_path, SERVER), {"password": "hunter22"})
    instance = next(r for r in plan.resources if r["type"] == INSTANCE)
    assert "userData" in instance["secretInputs"]
    assert "hunter22" not in plan.to_json()
    assert instance["options"]["ignoreChanges"] == ["userData"]
    assert instance["name"] == "server"


def test_unsupported_property_type_and_attribute_name_the_resource(tmp_path):
    base = SERVER.replace("      user_data_format: RAW\n", "      user_data_format: RAW\n      colour: red\n")
    with pytest.raises(StackError, match="resource 'server': OS::Nova::Server: unsupported property colour"):
        render(write(tmp_path, base), {"password": "x"})
    with pytest.raises(StackError, match="resource type 'OS::Trove::Instance' is not supported"):
        render(write(tmp_path, SERVER.replace("OS::Nova::Server", "OS::Trove::Instance")), {"password": "x"})
    with pytest.raises(StackError, match="has no attribute 'colour'"):
        render(write(tmp_path, SERVER.replace("first_address", "colour")), {"password": "x"})


def test_environment_file_parameters_and_registry_nested_template(tmp_path):
    write(tmp_path, """\
        heat_template_version: 2013-05-23
        parameters:
          size: {type: number}
        resources:
          data:
            type: OS::Cinder::Volume
            properties: {size: {get_param: size}}
        outputs:
          id: {value: {get_resource: data}}
        """, "disk.yaml")
    top = write(tmp_path, """\
        heat_template_version: 2013-05-23
        parameters:
          size: {type: number}
        resources:
          disk:
            type: My::Disk
            properties: {size: {get_param: size}}
          kept:
            type: OS::Cinder::Volume
            deletion_policy: Retain
            properties: {size: 1}
        outputs:
          disk_id: {value: {get_attr: [disk, id]}}
        """)
    env = write(tmp_path, "parameter_defaults: {size: 7}\nresource_registry: {My::Disk: disk.yaml}\n", "env.yaml")
    plan = render(top, env_files=[str(env)])
    volumes = {r["name"]: r for r in plan.resources if r["type"] == VOLUME}
    assert volumes["disk-data"]["inputs"]["size"] == 7
    assert volumes["kept"]["options"]["retainOnDelete"] is True
    assert volumes["disk-data"]["options"]["retainOnDelete"] is False
    assert plan.outputs["disk_id"]
    nested = next(r for r in plan.resources if r["name"] == "disk")
    assert nested["type"] == "openstack-stacks:heat:Template"
    component = next(r for r in plan.resources if r["type"] == "openstack-stacks:index:Volume"
                     and r["name"] == "disk-data")
    assert component["parent"] == nested["urn"]


def test_cfn_functions_mappings_and_pseudo_parameters(tmp_path):
    path = write(tmp_path, """\
        {"AWSTemplateFormatVersion": "2010-09-09",
         "Parameters": {"Arch": {"Type": "String", "Default": "64", "AllowedValues": ["32", "64"]},
                        "Pw": {"Type": "String", "NoEcho": "true", "MinLength": "4", "Default": "abcd"}},
         "Mappings": {"Arch2Image": {"32": {"Image": "F17-i386"}, "64": {"Image": "F17-x86_64"}}},
         "Conditions": {"Is64": {"Fn::Equals": [{"Ref": "Arch"}, "64"]}},
         "Resources": {},
         "Outputs": {
           "Image": {"Value": {"Fn::FindInMap": ["Arch2Image", {"Ref": "Arch"}, "Image"]}},
           "Joined": {"Value": {"Fn::Join": ["/", [{"Ref": "AWS::StackName"}, {"Ref": "AWS::Region"}]]}},
           "Sel": {"Value": {"Fn::Select": ["1", {"Fn::Split": [",", "a,b,c"]}]}},
           "AZ": {"Value": {"Fn::Select": ["0", {"Fn::GetAZs": ""}]}},
           "B64": {"Value": {"Fn::Base64": "plain"}},
           "If": {"Value": {"Fn::If": ["Is64", "wide", "narrow"]}}}}
        """, "c.template")
    out = render(path).outputs
    assert out == {"Image": "F17-x86_64", "Joined": "c/ap-southeast-1", "Sel": "b", "AZ": "nova",
                   "B64": "plain", "If": "wide"}
    with pytest.raises(StackError, match="is not an allowed value"):
        render(path, {"Arch": "16"})


def test_resource_group_members_have_stable_names(tmp_path):
    path = write(tmp_path, """\
        heat_template_version: 2013-05-23
        parameters:
          count: {type: number, default: 2}
        resources:
          vols:
            type: OS::Heat::ResourceGroup
            properties:
              count: {get_param: count}
              resource_def:
                type: OS::Cinder::Volume
                properties: {size: 1, name: "vol-%index%"}
        outputs:
          names: {value: {get_attr: [vols, name]}}
        """)
    plan = render(path, {"count": 3})
    names = Counter(r["name"] for r in plan.resources if r["type"] == VOLUME)
    assert set(names) == {"vols-0", "vols-1", "vols-2"}
    assert plan.outputs["names"] == ["vol-0", "vol-1", "vol-2"]


def test_hot_2013_keeps_cfn_join_until_2014_10_16(tmp_path):
    text = """\
        heat_template_version: {version}
        resources: {{}}
        outputs:
          x: {{value: {{"Fn::Join": ["-", [a, b]]}}}}
        """
    assert render(write(tmp_path, text.format(version="2013-05-23"))).outputs["x"] == "a-b"
    with pytest.raises(StackError, match=r"The function Fn::Join is not supported in this version of HOT "
                                         r"\(heat_template_version 2014-10-16\)"):
        render(write(tmp_path, text.format(version="2014-10-16")))


def test_random_string_rules_and_salt_and_clear_error(tmp_path):
    ok = write(tmp_path, """\
        heat_template_version: 2016-10-14
        resources:
          token:
            type: OS::Heat::RandomString
            properties:
              length: 12
              salt: "1"
              character_classes: [{class: digits, min: 2}, {class: lowercase, min: 2}]
        outputs:
          token: {value: {get_attr: [token, value]}}
          same: {value: {get_resource: token}}
        """)
    plan = render(ok)
    inputs = plan.get("token", "random:index/randomPassword:RandomPassword")["inputs"]
    assert inputs["length"] == 12 and inputs["keepers"] == {"salt": "1"}
    assert inputs["minNumeric"] == 2 and inputs["minLower"] == 2 and inputs["upper"] is False
    assert plan.outputs["token"] == plan.outputs["same"] and set(plan.outputs["token"]) == {"secret"}
    bad = write(tmp_path, ok.read_text().replace("class: digits", "class: emoji"), "bad.yaml")
    with pytest.raises(StackError) as info:
        render(bad)
    assert "bad.yaml" in str(info.value) and "token" in str(info.value)
    assert "unknown character class 'emoji'" in str(info.value)


@pytest.mark.parametrize("policy,expected", [("deletion_policy: Retain\n", "Retain"), ("", "Delete")])
def test_resource_facade_reads_the_parent_resource(tmp_path, policy, expected):
    """Heat's test_resource_facade / test_resource_facade_missing_deletion_policy, through a nested template."""
    write(tmp_path, """\
        heat_template_version: 2013-05-23
        resources: {}
        outputs:
          md: {value: {resource_facade: metadata}}
          dp: {value: {resource_facade: deletion_policy}}
          up: {value: {resource_facade: update_policy}}
        """, "child.yaml")
    path = write(tmp_path, f"""\
        heat_template_version: 2013-05-23
        resources:
          parent:
            type: child.yaml
            metadata: {{foo: bar}}
            update_policy: {{blarg: wibble}}
            {policy}
        outputs:
          md: {{value: {{get_attr: [parent, md]}}}}
          dp: {{value: {{get_attr: [parent, dp]}}}}
          up: {{value: {{get_attr: [parent, up]}}}}
        """)
    assert render(path).outputs == {"md": {"foo": "bar"}, "dp": expected, "up": {"blarg": "wibble"}}


def test_resource_facade_outside_a_nested_template_is_an_error(tmp_path):
    path = write(tmp_path, """\
        heat_template_version: 2013-05-23
        resources: {}
        outputs:
          md: {value: {resource_facade: metadata}}
        """)
    with pytest.raises(StackError, match="only a nested template"):
        render(path)


@pytest.mark.parametrize("name,text", [
    ("h.yaml", """\
        heat_template_version: 2016-10-14
        parameters:
          pw: {type: string, hidden: true, default: s3cret}
        conditions:
          has_pw: {not: {equals: [{get_param: pw}, ""]}}
        resources: {}
        outputs:
          x: {value: {if: [has_pw, "yes", "no"]}}
          y: {value: {get_param: pw}}
        """),
    ("c.template", """\
        AWSTemplateFormatVersion: 2010-09-09
        Parameters:
          pw: {Type: String, NoEcho: true, Default: s3cret}
        Conditions:
          HasPw: {"Fn::Not": [{"Fn::Equals": [{Ref: pw}, ""]}]}
        Resources: {}
        Outputs:
          x: {Value: {"Fn::If": [HasPw, "yes", "no"]}}
          y: {Value: {Ref: pw}}
        """),
])
def test_hidden_parameter_in_conditions_decides_and_stays_secret_elsewhere(tmp_path, name, text):
    plan = render(write(tmp_path, text, name))
    assert plan.outputs["x"] == "yes"
    assert "s3cret" not in json.dumps(plan.to_dict())
