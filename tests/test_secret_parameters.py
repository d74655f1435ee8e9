"""Parameters given as secrets stay secret whatever the file declares (nothing in plain text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks.tools.offline import render

STACK = """
parameters:
  token: {type: string}
  cidr: {type: string, default: 10.0.0.0/8}
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
    image: debian-12
    flavor: m1.small
    ports: [{network: net, security_groups: [sg]}]
    script: |
      #!/bin/sh
      echo "${token}" > /etc/token
outputs:
  token_file: {value: "token ${token}"}
"""


def test_a_parameter_given_as_secret_makes_user_data_and_outputs_secret(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(STACK)
    plain = render(path, {"token": "t0ken-value"})
    assert not plain.user_data["vm"].secret and plain.outputs["token_file"] == "token t0ken-value"
    secret = render(path, secret_parameters={"token": "t0ken-value"})
    assert secret.user_data["vm"].secret
    assert set(secret.outputs["token_file"]) == {"secret"}
    assert "t0ken-value" not in json.dumps(secret.to_dict())


def test_a_secret_where_plain_text_is_needed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(STACK)
    with pytest.raises(StackError) as info:
        render(path, {"token": "x"}, secret_parameters={"cidr": "192.0.2.0/24"})
    assert "a secret parameter cannot be used here" in str(info.value) and "rules[0]" in str(info.value)


def test_heat_parameter_given_as_secret_is_secret_without_hidden(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("heat_template_version: 2018-08-31\nparameters:\n  word: {type: string}\n"
                    "resources: {}\noutputs:\n  echo: {value: {get_param: word}}\n")
    assert render(path, {"word": "hello"}).outputs["echo"] == "hello"
    assert set(render(path, secret_parameters={"word": "hello"}).outputs["echo"]) == {"secret"}


def test_user_data_carrying_a_secret_is_written_owner_only_even_over_old_files(tmp_path: Path) -> None:
    import stat

    path = tmp_path / "stack.yaml"
    path.write_text(STACK)
    out = tmp_path / "out"
    render(path, {"token": "plain"}).write(out)
    assert stat.S_IMODE((out / "userdata" / "vm.mime").stat().st_mode) & 0o044
    written = render(path, secret_parameters={"token": "t0ken-value"}).write(out)
    files = [p for p in written if p.parent.name == "userdata"]
    assert len(files) == 2 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert b"t0ken-value" in (out / "userdata" / "vm.mime").read_bytes()
