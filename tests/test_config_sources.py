"""Which parameters are secret is what the engine tells the program, from every source of config.

The Pulumi CLI turns the stack's settings file, a `--config-file`, a settings file under `stackConfigDir`
or an ESC environment's `pulumiConfig` into the same two things for the program: the config map
(`PULUMI_CONFIG`) and the list of secret keys (`PULUMI_CONFIG_SECRET_KEYS`), which the Python language host
passes to `pulumi.runtime.set_all_config`. `cli_inputs` below does what the CLI does with a `config:` map
(pulumi/pulumi `sdk/go/common/resource/config/map.go`: `Decrypt`, `SecureKeys`; a key is secure when any
value inside it is), and each test drives the real program with those inputs through the environment.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from components.errors import StackError
from openstack_stacks import program
from openstack_stacks.tools.offline import Plan, run_program

PROJECT = "openstack-stacks"
ROOT = Path(__file__).resolve().parent.parent
STACK = """
parameters:
  token: {type: string}
  cidr: {type: string, default: 10.0.0.0/8}
  count: {type: number, default: 1}
networks:
  net:
    subnets:
      sub: {cidr: 10.0.0.0/24}
security_groups:
  sg:
    rules:
      - {protocol: tcp, port: 22, remote_ip_prefix: "${cidr}"}
servers:
  vm:
    count: ${count}
    image: debian-12
    flavor: m1.small
    ports: [{network: net, security_groups: [sg]}]
    script: |
      #!/bin/sh
      echo "${token}" > /etc/token
outputs:
  token_file: {value: "token ${token}"}
"""
# The fake secrets provider: ciphertext -> plaintext.
CIPHERS = {"v1:AAAtoken": "t0ken-value", "v1:AAAcidr": "192.0.2.0/24"}


def _decrypt(value: Any) -> tuple[Any, bool]:
    if isinstance(value, dict) and set(value) == {"secure"}:
        return CIPHERS[value["secure"]], True
    if isinstance(value, dict):
        pairs = {k: _decrypt(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(s for _, s in pairs.values())
    if isinstance(value, list):
        pairs_list = [_decrypt(v) for v in value]
        return [v for v, _ in pairs_list], any(s for _, s in pairs_list)
    return value, False


def _esc_secret(value: Any) -> Any:
    """ESC's `fn::secret` marks a value secret; the CLI hands it over like a `secure:` value."""
    if isinstance(value, dict) and set(value) == {"fn::secret"}:
        cipher = next(c for c, p in CIPHERS.items() if p == value["fn::secret"])
        return {"secure": cipher}
    if isinstance(value, dict):
        return {k: _esc_secret(v) for k, v in value.items()}
    return value


def cli_inputs(config: dict[str, Any]) -> tuple[str, str]:
    """PULUMI_CONFIG and PULUMI_CONFIG_SECRET_KEYS for a `config:` map, as the CLI builds them."""
    values: dict[str, str] = {}
    secret: list[str] = []
    for key, raw in config.items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        value, is_secret = _decrypt(raw)
        values[full] = json.dumps(value) if isinstance(value, dict | list) else str(value)
        if is_secret:
            secret.append(full)
    return json.dumps(values), json.dumps(sorted(secret))


def run_with_cli_inputs(monkeypatch, config_map: str, secret_keys: str) -> Plan:
    """Run the program as the Python language host does: config and secret keys from the environment."""
    from pulumi.runtime.config import get_config_env, get_config_secret_keys_env

    monkeypatch.setenv("PULUMI_CONFIG", config_map)
    monkeypatch.setenv("PULUMI_CONFIG_SECRET_KEYS", secret_keys)
    return run_program(program.main, source=json.loads(config_map)[f"{PROJECT}:stackFile"],
                       config=get_config_env(), secret_keys=get_config_secret_keys_env())


def settings(stack_file: Path, **parameter_objects: Any) -> dict[str, Any]:
    return {"config": {f"{PROJECT}:stackFile": str(stack_file), **{
        f"{PROJECT}:{k}": v for k, v in parameter_objects.items()}}}


def _stack(tmp_path: Path) -> Path:
    path = tmp_path / "stack.yaml"
    path.write_text(STACK)
    return path


def assert_token_secret_cidr_plain(plan: Plan) -> None:
    assert plan.user_data["vm-0"].secret
    assert set(plan.outputs["token_file"]) == {"secret"}
    assert "t0ken-value" not in json.dumps(plan.to_dict())
    rule = next(r for r in plan.resources if r["type"] == "openstack:networking/secGroupRule:SecGroupRule")
    assert rule["inputs"]["remoteIpPrefix"] == "10.0.0.0/8" and not rule["secretInputs"]
    assert len([r for r in plan.resources if r["type"] == "openstack:compute/instance:Instance"]) == 2


def _mixed(stack_file: Path) -> dict[str, Any]:
    return settings(stack_file, parameters={"count": 2}, secretParameters={"token": {"secure": "v1:AAAtoken"}})


def test_stack_settings_file(tmp_path, monkeypatch) -> None:
    stack_file = _stack(tmp_path)
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump(_mixed(stack_file)))
    document = yaml.safe_load((tmp_path / "Pulumi.dev.yaml").read_text())
    assert_token_secret_cidr_plain(run_with_cli_inputs(monkeypatch, *cli_inputs(document["config"])))


def test_config_file_flag(tmp_path, monkeypatch) -> None:
    """`pulumi up --config-file other.yaml`: the same format from another path, no Pulumi.<stack>.yaml."""
    stack_file = _stack(tmp_path)
    other = tmp_path / "elsewhere" / "ci-config.yaml"
    other.parent.mkdir()
    other.write_text(yaml.safe_dump(_mixed(stack_file)))
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert not list(tmp_path.rglob("Pulumi.*.yaml"))
    document = yaml.safe_load(other.read_text())
    assert_token_secret_cidr_plain(run_with_cli_inputs(monkeypatch, *cli_inputs(document["config"])))


def test_stack_config_dir(tmp_path, monkeypatch) -> None:
    """`stackConfigDir: config` in Pulumi.yaml: the settings file lives under config/."""
    stack_file = _stack(tmp_path)
    (tmp_path / "Pulumi.yaml").write_text("name: openstack-stacks\nruntime: python\nstackConfigDir: config\n")
    directory = tmp_path / yaml.safe_load((tmp_path / "Pulumi.yaml").read_text())["stackConfigDir"]
    directory.mkdir()
    (directory / "Pulumi.dev.yaml").write_text(yaml.safe_dump(_mixed(stack_file)))
    monkeypatch.chdir(tmp_path)  # the program's directory has no Pulumi.dev.yaml
    document = yaml.safe_load((directory / "Pulumi.dev.yaml").read_text())
    assert_token_secret_cidr_plain(run_with_cli_inputs(monkeypatch, *cli_inputs(document["config"])))


def test_esc_environment_pulumi_config(tmp_path, monkeypatch) -> None:
    """An ESC environment (`environment: [ops/dev]` in the stack settings) with `values.pulumiConfig`."""
    stack_file = _stack(tmp_path)
    environment = yaml.safe_load(f"""
values:
  pulumiConfig:
    stackFile: {stack_file}
    parameters: {{count: 2}}
    secretParameters:
      token: {{fn::secret: t0ken-value}}
""")
    config = {k: _esc_secret(v) for k, v in environment["values"]["pulumiConfig"].items()}
    assert_token_secret_cidr_plain(run_with_cli_inputs(monkeypatch, *cli_inputs(config)))


def test_one_secret_does_not_make_the_others_secret(tmp_path, monkeypatch) -> None:
    stack_file = _stack(tmp_path)
    config = settings(stack_file, parameters={"cidr": "172.16.0.0/12", "count": 1},
                      secretParameters={"token": {"secure": "v1:AAAtoken"}})["config"]
    plan = run_with_cli_inputs(monkeypatch, *cli_inputs(config))
    rule = next(r for r in plan.resources if r["type"] == "openstack:networking/secGroupRule:SecGroupRule")
    assert rule["inputs"]["remoteIpPrefix"] == "172.16.0.0/12"
    assert plan.user_data["vm-0"].secret


def test_plain_parameters_without_any_settings_file_stay_plain(tmp_path, monkeypatch) -> None:
    """No Pulumi.<stack>.yaml anywhere and nothing secret: every parameter is plain (web.yaml's public_key)."""
    monkeypatch.chdir(tmp_path)
    config = settings(ROOT / "stacks" / "web.yaml", parameters={"web_count": 1})["config"]
    plan = run_with_cli_inputs(monkeypatch, *cli_inputs(config))
    assert not any(r["secretInputs"] for r in plan.resources)


def test_a_secret_inside_parameters_is_refused_with_the_way_out(tmp_path, monkeypatch) -> None:
    """`pulumi config set --path parameters.token --secret`: the engine marks all of `parameters` secret."""
    stack_file = _stack(tmp_path)
    config = settings(stack_file, parameters={"token": {"secure": "v1:AAAtoken"}, "count": 1})["config"]
    config_map, secret_keys = cli_inputs(config)
    assert json.loads(secret_keys) == [f"{PROJECT}:parameters"]
    with pytest.raises(StackError) as info:
        run_with_cli_inputs(monkeypatch, config_map, secret_keys)
    message = str(info.value)
    assert "secretParameters.NAME' --secret" in message and "t0ken-value" not in message


def test_secret_parameters_stored_in_plain_text_are_still_secret_and_noted(tmp_path, monkeypatch) -> None:
    stack_file = _stack(tmp_path)
    config = settings(stack_file, parameters={"count": 2}, secretParameters={"token": "t0ken-value"})["config"]
    plan = run_with_cli_inputs(monkeypatch, *cli_inputs(config))
    assert_token_secret_cidr_plain(plan)
    assert any("stored in plain text" in n for n in plan.notes)


def test_a_secret_where_plain_text_is_needed_names_the_field(tmp_path, monkeypatch) -> None:
    stack_file = _stack(tmp_path)
    config = settings(stack_file, parameters={"token": "x"},
                      secretParameters={"cidr": {"secure": "v1:AAAcidr"}})["config"]
    with pytest.raises(StackError) as info:
        run_with_cli_inputs(monkeypatch, *cli_inputs(config))
    assert "a secret parameter cannot be used here" in str(info.value) and "192.0.2" not in str(info.value)


def test_pulumi_yaml_declares_the_keys_the_program_reads() -> None:
    """Typed as Pulumi's project schema allows (string, integer, boolean, array with items), described; the
    two objects the schema cannot type are described in the file's comment."""
    text = (ROOT / "Pulumi.yaml").read_text()
    declared = yaml.safe_load(text)["config"]
    source = (ROOT / "openstack_stacks" / "program.py").read_text()
    for key, spec in declared.items():
        assert spec["type"] in {"string", "integer", "boolean", "array"}, key
        assert spec["type"] != "array" or spec["items"]["type"] in {"string", "integer", "boolean"}, key
        assert isinstance(spec["description"], str) and spec["description"], key
        assert f'"{key}"' in source, key
    read = set(re.findall(r'config\.get\w*\("(\w+)"', source))
    assert read - {program.PARAMETERS_KEY, program.SECRET_PARAMETERS_KEY} <= set(declared), read
    for key in (program.PARAMETERS_KEY, program.SECRET_PARAMETERS_KEY):
        assert f"#   {key} " in text, key


def test_readme_esc_example_makes_only_the_password_secret(monkeypatch) -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("# ESC environment ops/dev", 1)[1].split("\n", 1)[1].split("```", 1)[0]
    pulumi_config = yaml.safe_load(block)["values"]["pulumiConfig"]
    monkeypatch.setitem(CIPHERS, "v1:AAAreadme", pulumi_config["secretParameters"]["db_password"]["fn::secret"])
    config = {k: _esc_secret(v) for k, v in pulumi_config.items()}
    monkeypatch.chdir(ROOT)
    plan = run_with_cli_inputs(monkeypatch, *cli_inputs(config))
    volume = next(r for r in plan.resources if r["type"] == "openstack:blockstorage/volume:Volume")
    assert volume["inputs"]["size"] == 100 and not volume["secretInputs"]
    assert CIPHERS["v1:AAAreadme"] not in json.dumps(plan.to_dict())
    assert any(rec.secret for rec in plan.user_data.values())
