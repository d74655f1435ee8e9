"""cloud-config parts are validated at render time against cloud-init's own (vendored) schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from userdata import Part, UserDataError, UserDataSpec, build_user_data
from userdata.cloud_config import _errors, cloud_config_problem, validator
from userdata.templates import CLOUD_CONFIG, template

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "userdata" / "schema"

DOCUMENTS = [
    "runcmd: [[echo, hi], 'echo there']\npackages: [nginx, [libc6, '2.36']]\n",
    "users: [default, {name: ops, sudo: 'ALL=(ALL) NOPASSWD:ALL', groups: [adm]}]\n",
    "users: [{name: x, sudo: 3}]\n",
    "write_files: [{path: /etc/x, content: !!binary aGk=, permissions: '0600'}]\n",
    "write_files: [{path: /etc/x, permissions: 420}]\n",
    "package_update: 'yes'\nruncmd: oops\n",
    "apt: {primary: [{arches: [default], uri: 3}]}\n",
    "bootcmd: [[echo, hi]]\nunknown_top_level_key: 1\n",
    "ntp: {enabled: true, servers: [a, 1]}\n",
    "output: {all: '| tee -a /var/log/cloud-init-output.log'}\nuser: ec2-user\n",
]


def test_vendored_schema_is_cloud_inits_and_documented() -> None:
    schema = json.loads((SCHEMA_DIR / "schema-cloud-config-v1.json").read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert {"cc_runcmd", "cc_write_files", "cc_users_groups"} <= set(schema["$defs"])
    readme = (SCHEMA_DIR / "README.md").read_text()
    assert "22.4.2-1+deb12u4" in readme and "Apache" in readme and "GPL" in readme


@pytest.mark.parametrize("user", [None, "ec2-user"])
def test_heat_template_passes_the_schema(user: str | None) -> None:
    rendered = build_user_data(UserDataSpec(instance_user=user), "s")
    assert rendered.parts[0].filename == "cloud-config"
    text = template(CLOUD_CONFIG).replace("@INSTANCE_USER@", user or "heat")
    assert cloud_config_problem(text) is None
    assert list(validator().iter_errors(yaml.safe_load(text))) == []


@pytest.mark.parametrize("text", DOCUMENTS)
def test_fast_check_agrees_with_the_whole_schema(text: str) -> None:
    data = yaml.safe_load(text)
    full = {tuple(e.absolute_path)[:1] for e in validator().iter_errors(data)}
    fast = {tuple(path)[:1] for path, _schema_path, _error in _errors(data)}
    assert fast == full


def test_bytes_from_binary_tag_count_as_strings() -> None:
    assert cloud_config_problem(DOCUMENTS[3]) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("runcmd: [\n", "cloud-config is not valid YAML"),
    ("- a\n- b\n", "must be a mapping at the top level, not list"),
    ("just text\n", "must be a mapping at the top level, not str"),
    (DOCUMENTS[2], "invalid cloud-config at 'users.0.sudo'"),
    (DOCUMENTS[4], "invalid cloud-config at 'write_files.0.permissions': 420 is not of type 'string'"),
    (DOCUMENTS[5], "at 'package_update': 'yes' is not of type 'boolean'"),
])
def test_malformed_cloud_config_fails_render(text: str, expected: str) -> None:
    spec = UserDataSpec(parts=(Part(text, "cloud-config", "bad.yaml"),))
    with pytest.raises(UserDataError) as err:
        build_user_data(spec, "web-1")
    message = str(err.value)
    assert message.startswith("server 'web-1': part 'bad.yaml' #5 (text/cloud-config): ")
    assert expected in message


def test_error_names_the_schema_path() -> None:
    message = cloud_config_problem(DOCUMENTS[5])
    assert "[cloud-init schema: allOf/" in message
    assert "/properties/package_update/type]" in message
    assert message.endswith("(and 1 more)")


def test_empty_cloud_config_is_valid() -> None:
    assert cloud_config_problem("#cloud-config\n") is None
    build_user_data(UserDataSpec(parts=(Part("#cloud-config\n", "cloud-config", "e.yaml"),)), "s")


def test_raw_and_software_config_cloud_config_scripts_are_checked() -> None:
    for fmt in ("RAW", "SOFTWARE_CONFIG"):
        with pytest.raises(UserDataError, match="invalid cloud-config at 'runcmd'"):
            build_user_data(UserDataSpec(format=fmt, script="#cloud-config\nruncmd: 1\n"), "s")
