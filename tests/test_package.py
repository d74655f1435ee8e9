"""The package as a user installs it: a wheel built from the checkout, installed into a fresh venv outside it,
used from another directory: the components build a Server under mocks, and the installed CLI renders
stacks/web.yaml exactly as the checkout does."""

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from openstack_stacks.tools.offline import render

ROOT = Path(__file__).resolve().parents[1]

SERVER_UNDER_MOCKS = """
from components import Network, NetworkArgs, PortArgs, Server, ServerArgs, SubnetArgs
from openstack_stacks.tools.offline import run_program
from userdata import UserDataSpec
import components, json, sys

def body():
    net = Network("app", NetworkArgs(subnets=[SubnetArgs(name="v4", cidr="10.10.0.0/24")]))
    Server("web-0", ServerArgs(flavor="m1.small", image="debian-12", ports=[PortArgs(network=net)],
                               user_data=UserDataSpec(script="#!/bin/sh\\necho hello\\n")))

plan = run_program(body, source="installed")
print(json.dumps({"file": components.__file__, "types": [r["type"] for r in plan.resources],
                  "parts": [p["filename"] for p in plan.user_data["web-0"].parts]}))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("package")
    run = dict(check=True, capture_output=True, text=True, timeout=900)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "dist"), str(ROOT)],
                   **run)
    wheels = sorted((work / "dist").glob("openstack_stacks-*.whl"))
    assert len(wheels) == 1
    venv.create(work / "venv", with_pip=True)
    subprocess.run([str(work / "venv" / "bin" / "pip"), "install", "-q", str(wheels[0])], **run)
    return work


def test_wheel_installs_and_builds_a_server_from_elsewhere(installed: Path) -> None:
    out = subprocess.run([str(installed / "venv" / "bin" / "python"), "-c", SERVER_UNDER_MOCKS], cwd=installed,
                         check=True, capture_output=True, text=True)
    found = json.loads(out.stdout)
    assert "site-packages" in found["file"] and str(ROOT) not in found["file"]
    assert "openstack:compute/instance:Instance" in found["types"]
    assert "part-handler.py" in found["parts"] or len(found["parts"]) > 3  # the part files came with the wheel


def test_installed_cli_renders_what_the_checkout_renders(installed: Path) -> None:
    stack = str(ROOT / "stacks" / "web.yaml")
    out = installed / "out"
    subprocess.run([str(installed / "venv" / "bin" / "openstack-stacks"), "render", stack, "--out", str(out)],
                   cwd=installed, check=True, capture_output=True, text=True)
    assert json.loads((out / "plan.json").read_text()) == json.loads(render(stack).to_json())
