"""`wait:` on a stack-file server: a BootWait on its boot signal, what depends on the server waits for it,
outputs can name what it reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.errors import StackError
from openstack_stacks.tools.offline import render
from userdata import signals

BOOT_WAIT = "pulumi-python:dynamic/openstack-stacks:BootWait"
STACK = """
parameters:
  db_password: {type: string, secret: true, default: Sup3rS3cretPw}
networks:
  app:
    subnets:
      app-v4: {cidr: 10.10.0.0/24}
servers:
  db:
    image: debian-12
    flavor: m1.small
    ports: [{network: app}]
    wait: {timeout: 1200}
    script: |
      #!/bin/sh
      echo "${db_password}" > /etc/db-password
      echo ready > /var/lib/heat-cfntools/boot-data
  web:
    count: 2
    image: debian-12
    flavor: m1.small
    ports: [{network: app}]
    depends_on: [db]
outputs:
  db_status: {value: "${servers.db.boot_status}"}
  db_reason: {value: "${servers.db.boot_reason}"}
  db_data: {value: "${servers.db.boot_data}"}
"""


def _render(tmp: Path, text: str):
    path = tmp / "stack.yaml"
    path.write_text(text)
    return render(path, {})


def test_waited_server_and_its_dependents(tmp_path: Path) -> None:
    plan = _render(tmp_path, STACK)
    by_name = {r["name"]: r for r in plan.resources if r["custom"]}
    wait = by_name["db-boot"]
    assert wait["type"] == BOOT_WAIT and wait["inputs"]["timeout"] == 1200 and wait["inputs"]["handle"] == "db"
    assert wait["inputs"]["serverIds"] == [by_name["db"]["id"]]
    assert by_name["db"]["urn"] in wait["options"]["dependsOn"]
    for member in ("web-0", "web-1"):
        assert wait["urn"] in by_name[member]["options"]["dependsOn"]
    assert "Sup3rS3cretPw" not in plan.to_json() and "secrets" in wait["secretInputs"]
    parts = [p["filename"] for p in plan.user_data["db"].parts]
    assert signals.BOOT_SIGNAL_FILENAME in parts and "signal-hook.sh" in parts
    assert signals.BOOT_SIGNAL_FILENAME not in [p["filename"] for p in plan.user_data["web-0"].parts]
    assert plan.outputs["db_status"] == "WAITING"  # offline: no boot


def test_wait_needs_heat_cfntools_and_a_script(tmp_path: Path) -> None:
    with pytest.raises(StackError, match="wait needs user_data_format HEAT_CFNTOOLS"):
        _render(tmp_path, STACK.replace("    wait: {timeout: 1200}", "    wait: {timeout: 1200}\n"
                                        "    user_data_format: RAW"))
    with pytest.raises(StackError, match="wait timeout must be 1-43200 seconds"):
        _render(tmp_path, STACK.replace("timeout: 1200", "timeout: 0"))


def test_boot_output_of_a_server_not_waited_for(tmp_path: Path) -> None:
    with pytest.raises(StackError, match="server 'web-0' is not waited for"):
        _render(tmp_path, STACK + "  web_status: {value: \"${servers.web.boot_status}\"}\n")
