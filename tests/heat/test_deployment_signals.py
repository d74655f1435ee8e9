"""Software deployments signal their results over the console: the rendered deployment part really runs
(sh, python3), and the decoder reads deploy_stdout/stderr/status_code and the declared outputs from it.
An input naming the deployment's own server is computed on the instance at boot."""

from __future__ import annotations

import email
import json
import socket
import subprocess
from pathlib import Path

import pytest
import yaml

from components.errors import StackError
from openstack_stacks.tools.offline import render
from userdata import signals

BOOT_WAIT = "pulumi-python:dynamic/openstack-stacks:BootWait"
CONFIG = """#!/bin/sh
echo "hello $who from $my_name"
echo "a warning" >&2
printf 'v1 "quoted"\\nline2' > "$heat_outputs_path.result"
exit $code
"""


def _template(code: int, tmp: Path, **extra_inputs) -> Path:
    template = {
        "heat_template_version": "2016-10-14",
        "resources": {
            "config": {"type": "OS::Heat::SoftwareConfig", "properties": {
                "group": "script", "config": CONFIG,
                "inputs": [{"name": "who"}, {"name": "code"}, {"name": "my_name"}, {"name": "my_ip"}],
                "outputs": [{"name": "result"}]}},
            "server": {"type": "OS::Nova::Server", "properties": {
                "image": "debian-12", "flavor": "m1.small", "user_data_format": "SOFTWARE_CONFIG",
                "networks": [{"network": "private"}]}},
            "deployment": {"type": "OS::Heat::SoftwareDeployment", "properties": {
                "config": {"get_resource": "config"}, "server": {"get_resource": "server"},
                "input_values": {"who": "world", "code": code,
                                 "my_name": {"get_attr": ["server", "name"]},
                                 "my_ip": {"get_attr": ["server", "networks", "private", 0]}, **extra_inputs}}},
        },
        "outputs": {"result": {"value": {"get_attr": ["deployment", "result"]}},
                    "stdout": {"value": {"get_attr": ["deployment", "deploy_stdout"]}}},
    }
    path = tmp / "t.yaml"
    path.write_text(yaml.safe_dump(template))
    return path


def _run_part(plan, tmp: Path) -> str:
    """Run the deployment part as cloud-init would (state dir and console moved under tmp); the console."""
    message = email.message_from_bytes(plan.user_data["server"].mime)
    (script,) = [p.get_payload(decode=True).decode() for p in message.walk()
                 if p.get_filename() == "deploy-deployment"]
    script = script.replace("/var/lib/heat-deployments", str(tmp / "state")).replace(
        "/dev/console /dev/ttyS0", str(tmp / "console")).replace(
        "/var/log/openstack-stacks-signals.log", str(tmp / "signals.log"))
    (tmp / "console").touch()
    result = subprocess.run(["sh", "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return (tmp / "console").read_text()


def test_deployment_result_and_outputs_come_back_through_the_console(tmp_path: Path) -> None:
    plan = render(_template(0, tmp_path), {})
    (wait,) = plan.by_type(BOOT_WAIT)
    assert wait["name"] == "deployment" and wait["inputs"]["handle"] == "deploy-deployment"
    server = next(r for r in plan.resources if r["name"] == "server" and r["custom"])
    assert server["urn"] in wait["options"]["dependsOn"]
    console = _run_part(plan, tmp_path)
    state = signals.evaluate([console], "deploy-deployment")
    assert state.status == "SUCCESS"
    data = state.data()["deployment"]
    assert data["deploy_stdout"] == f"hello world from {socket.gethostname()}\n"
    assert data["deploy_stderr"] == "a warning\n" and data["deploy_status_code"] == 0
    assert data["result"] == 'v1 "quoted"\nline2'


def test_failed_deployment_signals_failure_with_its_status_code(tmp_path: Path) -> None:
    plan = render(_template(3, tmp_path), {})
    state = signals.evaluate([_run_part(plan, tmp_path)], "deploy-deployment")
    assert state.status == "FAILURE"
    assert state.reason == "deployment deployment exited with non-zero status code 3"
    assert state.data()["deployment"]["deploy_status_code"] == 3


def test_own_server_attributes_are_computed_at_boot(tmp_path: Path) -> None:
    plan = render(_template(0, tmp_path), {})
    mime = plan.user_data["server"].mime.decode()
    assert 'export my_name="$(hostname)"' in mime
    assert "export my_ip=\"$(ip -o -4 addr show scope global" in mime and "sed -n '1p')\"" in mime


def test_unknown_own_attribute_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StackError, match=r"only its addresses .* and name are known at its boot"):
        render(_template(0, tmp_path, az={"get_attr": ["server", "AvailabilityZone"]}), {})


def test_large_output_is_trimmed_to_fit_the_signal(tmp_path: Path) -> None:
    big = tmp_path / "state"
    big.mkdir()
    (big / "deploy_stdout").write_text("x" * 20000 + "THE END")
    (big / "deploy_stderr").write_text("")
    program = Path(__file__).parents[2] / "userdata" / "parts" / "deploy_signal.py"
    out = subprocess.run(["python3", str(program), str(big), "0", "d"], capture_output=True, text=True, check=True)
    body = json.loads(out.stdout)
    assert len(out.stdout.encode()) <= signals.MAX_BODY
    assert body["status"] == "SUCCESS" and body["data"]["deploy_stdout"].endswith("THE END")
