"""The component package as other Pulumi languages see it: the schema Pulumi's analyzer infers, checked against
Pulumi's package metaschema, served over gRPC as the engine asks for it, and construction through the provider
making the same children as the Python path."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import jsonschema
import pulumi
import pytest
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from components import Network, NetworkArgs, PortArgs, Server, ServerArgs, SubnetArgs
from components.provider import COMPONENTS, PACKAGE, provider
from openstack_stacks.tools.offline import run_program

ROOT = Path(__file__).resolve().parents[2]
METASCHEMA = ROOT.parent / "shared" / "schema" / "pulumi-package-metaschema.json"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(provider().schema)


def _metaschema() -> dict[str, Any]:
    path = METASCHEMA if METASCHEMA.exists() else ROOT / "tests" / "data" / "pulumi-package-metaschema.json"
    # Go's named groups (?<name>...) are (?P<name>...) in Python's re.
    return json.loads(re.sub(r"\(\?<([A-Za-z]+)>", r"(?P<\1>", path.read_text(encoding="utf-8")))


def test_schema_validates_against_pulumis_metaschema(schema: dict[str, Any]) -> None:
    meta = _metaschema()
    validator = jsonschema.validators.validator_for(meta)(meta)
    errors = sorted(validator.iter_errors(schema), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]]


def test_schema_covers_every_component(schema: dict[str, Any]) -> None:
    assert schema["name"] == PACKAGE
    tokens = {f"{PACKAGE}:index:{c.__name__}" for c in COMPONENTS}
    assert tokens == set(schema["resources"])
    for token in tokens:
        assert schema["resources"][token]["isComponent"] is True


def test_inputs_outputs_and_types_are_typed(schema: dict[str, Any]) -> None:
    server = schema["resources"][f"{PACKAGE}:index:Server"]
    assert sorted(server["requiredInputs"]) == ["flavor", "ports"]
    inputs = server["inputProperties"]
    assert inputs["ports"]["items"]["$ref"] == f"#/types/{PACKAGE}:index:PortArgs"
    assert inputs["userData"]["$ref"] == f"#/types/{PACKAGE}:index:UserDataArgs"
    assert inputs["metadata"]["additionalProperties"]["type"] == "string"
    assert {k: v["type"] for k, v in server["properties"].items()} == {
        "serverId": "string", "privateIp": "string", "publicIp": "string", "userData": "string"}
    assert set(server["required"]) == {"serverId", "privateIp"}
    port = schema["types"][f"{PACKAGE}:index:PortArgs"]["properties"]
    assert port["securityGroups"]["type"] == "array"
    assert port["securityGroups"]["items"]["type"] == "string"
    subnet = schema["types"][f"{PACKAGE}:index:SubnetArgs"]
    assert sorted(subnet["required"]) == ["cidr", "name"]
    assert subnet["properties"]["allocationPools"]["items"]["$ref"] == f"#/types/{PACKAGE}:index:AllocationPoolArgs"
    volume = schema["resources"][f"{PACKAGE}:index:Volume"]
    assert volume["requiredInputs"] == ["size"]  # defaulted fields are optional inputs
    network = schema["resources"][f"{PACKAGE}:index:Network"]["properties"]
    assert network["subnetIds"]["type"] == "object"
    assert network["subnetIds"]["additionalProperties"]["type"] == "string"


def test_get_schema_over_grpc_as_the_engine_asks(schema: dict[str, Any]) -> None:
    """Start the plugin the way the language host does (the engine's address as argument; the plugin prints its
    port), then call ResourceProvider.GetSchema on it."""
    env = {**os.environ, "PYTHONPATH": ""}
    proc = subprocess.Popen([sys.executable, str(ROOT / "provider" / "__main__.py"), "127.0.0.1:1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd="/")
    try:
        port = int(proc.stdout.readline().decode().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = provider_pb2_grpc.ResourceProviderStub(channel)
            reply = stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=60)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert json.loads(reply.schema) == schema


def _children(plan: Any) -> list[tuple[str, str, dict[str, Any]]]:
    return [(r["type"], r["name"], r["inputs"]) for r in plan.resources if r["custom"]]


def test_construct_through_the_provider_makes_the_python_paths_children() -> None:
    def direct() -> None:
        net = Network("app", NetworkArgs(subnets=[SubnetArgs(name="v4", cidr="10.1.0.0/24")]))
        Server("web-0", ServerArgs(flavor="m1.small", image="debian-12",
                                   ports=[PortArgs(network=net.network_id, subnet_id=net.subnets["v4"].id)],
                                   metadata={"role": "web"}))

    def hosted() -> None:
        net = Network("app", NetworkArgs(subnets=[SubnetArgs(name="v4", cidr="10.1.0.0/24")]))
        result = provider().construct(
            "web-0", f"{PACKAGE}:index:Server",
            {"flavor": "m1.small", "image": "debian-12", "metadata": {"role": "web"},
             "ports": [{"network": net.network_id, "subnetId": net.subnets["v4"].id}]},
            pulumi.ResourceOptions())
        assert set(result.state) >= {"serverId", "privateIp"}

    a = run_program(direct, source="direct")
    b = run_program(hosted, source="hosted")
    assert _children(a) == _children(b)
    assert any(t == "openstack:compute/instance:Instance" for t, _, _ in _children(b))
