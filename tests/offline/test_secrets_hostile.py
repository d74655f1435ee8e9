"""Secrets stay secret: in plan.json (values and guessable digests), outputs and every error message."""

from __future__ import annotations

import hashlib
import json
import textwrap
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks.tools import plankey
from openstack_stacks.tools.offline import render, secret_digest

HT = Path(__file__).resolve().parents[1] / "corpus" / "heat-templates"
SECRET = "Tr0ub4dorSEKRIT"


def _write(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_secret_key_name_stays_secret_in_the_plan() -> None:
    plan = render(HT / "openshift-origin/F19/hot-template/openshift/openshift.yaml",
                  {"public_net_id": "public", "public_ssh_key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB ops"},
                  secret_parameters={"ssh_key_name": SECRET})
    assert SECRET not in plan.to_json()
    servers = plan.by_type("openstack:compute/instance:Instance")
    assert servers and all("keyPair" in s["secretInputs"] for s in servers)


def test_secret_network_name_never_becomes_an_output_key() -> None:
    plan = render(HT / "hot/asg_of_servers.yaml", {"key_name": "ops", "image": "cirros", "flavor": "m1.tiny"},
                  secret_parameters={"network": SECRET})
    assert SECRET not in plan.to_json()


def test_digest_is_keyed_not_a_plain_sha256(monkeypatch) -> None:
    monkeypatch.setenv(plankey.ENV, "key-one")
    one = secret_digest(SECRET)
    assert one.startswith("hmac-sha256:") and one == secret_digest(SECRET)
    assert hashlib.sha256(json.dumps(SECRET).encode()).hexdigest() not in one
    assert secret_digest("other") != one
    monkeypatch.setenv(plankey.ENV, "key-two")
    assert secret_digest(SECRET) != one


def test_per_user_key_file_is_private_and_stays_out_of_the_plan(monkeypatch, tmp_path, render, write_stack) -> None:
    monkeypatch.delenv(plankey.ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    path = write_stack("""
        parameters: {pw: {type: string, secret: true}}
        networks: {net: {subnets: {sub: {cidr: 10.0.0.0/24}}}}
        servers:
          vm: {image: i, flavor: f, ports: [{network: net}], admin_pass: "${pw}"}
    """)
    first = render(path, {"pw": SECRET}).to_json()
    key_file = plankey.key_path()
    assert key_file.stat().st_mode & 0o777 == 0o600
    key = key_file.read_text().strip()
    assert key not in first and SECRET not in first
    assert render(path, {"pw": SECRET}).to_json() == first  # diff still tells unchanged from changed
    assert render(path, {"pw": SECRET + "x"}).to_json() != first


VALID = {
    "stack-file metadata": ("s.yaml", """
        parameters: {pw: {type: string, secret: true}}
        networks: {net: {subnets: {sub: {cidr: 10.0.0.0/24}}}}
        servers:
          vm: {image: i, flavor: f, ports: [{network: net}], metadata: {pw: "${pw}"}}
    """, "pw"),
    "HOT hidden in server metadata": ("t.yaml", """
        heat_template_version: 2018-08-31
        parameters: {pw: {type: string, hidden: true}}
        resources:
          vm:
            type: OS::Nova::Server
            properties: {image: i, flavor: f, metadata: {pw: {get_param: pw}}}
    """, "pw"),
    "CFN NoEcho in volume Tags": ("t.template", """
        AWSTemplateFormatVersion: '2010-09-09'
        Parameters: {Pw: {Type: String, NoEcho: 'true'}}
        Resources:
          Vol:
            Type: AWS::EC2::Volume
            Properties: {Size: 1, AvailabilityZone: nova, Tags: [{Key: pw, Value: {Ref: Pw}}]}
    """, "Pw"),
    "HOT hidden in conditions": ("t.yaml", """
        heat_template_version: 2018-08-31
        parameters: {pw: {type: string, hidden: true}}
        conditions:
          has_pw: {not: {equals: [{get_param: pw}, ""]}}
        resources:
          rnd: {type: OS::Heat::RandomString, condition: has_pw}
    """, "pw"),
}


@pytest.mark.parametrize("case", list(VALID))
def test_valid_stacks_with_secrets_render_with_the_values_secret(tmp_path, case) -> None:
    name, text, param = VALID[case]
    plan = render(_write(tmp_path, text, name), {param: SECRET})
    assert SECRET not in plan.to_json()
    if case != "HOT hidden in conditions":  # there the value only decides what exists
        assert any(r["secretInputs"] for r in plan.resources if r["custom"])


def test_hidden_condition_decides_what_exists(tmp_path) -> None:
    name, text, param = VALID["HOT hidden in conditions"]
    path = _write(tmp_path, text, name)
    assert render(path, {param: SECRET}).by_type("random:index/randomPassword:RandomPassword")
    assert not render(path, {param: ""}).by_type("random:index/randomPassword:RandomPassword")


@pytest.mark.parametrize("text, params", [
    ("""
        heat_template_version: 2018-08-31
        parameters: {c: {type: string, hidden: true}}
        resources:
          net: {type: OS::Neutron::Net}
          sub: {type: OS::Neutron::Subnet, properties: {network: {get_resource: net}, cidr: {get_param: c}}}
    """, {"c": "10.99.99.99/33"}),
    ("""
        parameters: {pw: {type: string, secret: true}}
        networks: {net: {subnets: {sub: {cidr: 10.0.0.0/24}}}}
        servers:
          vm:
            image: i
            flavor: f
            ports: [{network: net}]
            user_data_parts: [{type: cloud-config, content: {runcmd: "${pw}"}}]
    """, {"pw": SECRET}),
    ("""
        heat_template_version: 2018-08-31
        parameters: {pw: {type: string, hidden: true}}
        resources:
          cc:
            type: OS::Heat::CloudConfig
            properties: {cloud_config: {chpasswd: {expire: {get_param: pw}}}}
          vm:
            type: OS::Nova::Server
            properties: {image: i, flavor: f, user_data_format: SOFTWARE_CONFIG, user_data: {get_resource: cc}}
    """, {"pw": SECRET}),
])
def test_secret_never_in_cidr_or_cloud_config_errors(tmp_path, text, params) -> None:
    with pytest.raises(StackError) as info:
        render(_write(tmp_path, text), params)
    message = str(info.value)
    assert next(iter(params.values())) not in message and "[secret]" in message
    assert info.value.resource


def test_secret_public_key_renders_secret() -> None:
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB secret-ops"
    plan = render(HT / "openshift-origin/F19/hot-template/openshift/openshift.yaml", {"public_net_id": "public"},
                  secret_parameters={"public_ssh_key": key})
    assert key not in plan.to_json()
    assert "publicKey" in plan.get("ssh_key", "openstack:compute/keypair:Keypair")["secretInputs"]


def test_secret_where_the_cloud_needs_plain_text_is_refused(render) -> None:
    root = Path(__file__).resolve().parents[2]
    with pytest.raises(StackError, match="secret parameter cannot be used here") as info:
        render(root / "stacks/web.yaml", secret_parameters={"flavor": "m1.small"})
    assert info.value.resource == "web" and info.value.field == "flavor"


def test_generated_password_never_in_an_error(tmp_path) -> None:
    path = _write(tmp_path, """
        heat_template_version: 2018-08-31
        resources:
          rnd: {type: OS::Heat::RandomString, properties: {length: 24}}
          cc:
            type: OS::Heat::CloudConfig
            properties: {cloud_config: {chpasswd: {expire: {get_attr: [rnd, value]}}}}
          vm:
            type: OS::Nova::Server
            properties: {image: i, flavor: f, user_data_format: SOFTWARE_CONFIG, user_data: {get_resource: cc}}
    """)
    with pytest.raises(StackError) as info:
        render(path)
    assert "chpasswd.expire" in str(info.value) and "'[secret]' is not of type 'boolean'" in str(info.value)
