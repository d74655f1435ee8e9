"""The Pulumi YAML example (examples/yaml) uses only types and properties the component package's schema has."""

import json
from pathlib import Path
from typing import Any

import yaml

from components.provider import provider

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads(provider().schema)


def _check(value: Any, spec: dict[str, Any], where: str, problems: list[str]) -> None:
    if isinstance(value, str) and value.startswith("${"):
        return  # an interpolated output: its type is the engine's business
    ref = spec.get("$ref")
    if ref:
        _check_object(value, SCHEMA["types"][ref.split("/")[-1]], where, problems)
        return
    kind = spec.get("type")
    if kind == "array":
        if not isinstance(value, list):
            problems.append(f"{where}: expected a list")
            return
        for i, item in enumerate(value):
            _check(item, spec["items"], f"{where}[{i}]", problems)
    elif kind == "object" and "additionalProperties" in spec:
        for key, item in value.items():
            _check(item, spec["additionalProperties"], f"{where}.{key}", problems)
    elif kind in ("string", "integer", "number", "boolean"):
        python = {"string": str, "integer": int, "number": (int, float), "boolean": bool}[kind]
        if not isinstance(value, python):
            problems.append(f"{where}: expected {kind}, got {value!r}")


def _check_object(value: Any, spec: dict[str, Any], where: str, problems: list[str]) -> None:
    """A resource's inputs (inputProperties, requiredInputs) or an object type's properties (required)."""
    resource = "inputProperties" in spec
    properties = spec["inputProperties"] if resource else spec.get("properties", {})
    for key, item in value.items():
        if key not in properties:
            problems.append(f"{where}: no property {key!r}")
        else:
            _check(item, properties[key], f"{where}.{key}", problems)
    for key in spec.get("requiredInputs" if resource else "required") or []:
        if key not in value:
            problems.append(f"{where}: missing required {key!r}")


def test_yaml_example_matches_the_schema() -> None:
    program = yaml.safe_load((ROOT / "examples" / "yaml" / "Pulumi.yaml").read_text())
    problems: list[str] = []
    used = set()
    for name, resource in program["resources"].items():
        token = resource["type"]
        assert token in SCHEMA["resources"], f"{name}: unknown type {token}"
        used.add(token)
        _check_object(resource.get("properties", {}), SCHEMA["resources"][token], name, problems)
    assert not problems
    assert {"openstack-stacks:index:Network", "openstack-stacks:index:Server"} <= used
    # Outputs name component outputs the schema declares.
    for expr in program["outputs"].values():
        resource, _, prop = expr.strip("${}").partition(".")
        token = program["resources"][resource]["type"]
        assert prop in SCHEMA["resources"][token]["properties"], expr


def test_a_wrong_property_is_caught() -> None:
    problems: list[str] = []
    _check_object({"flavor": "m1", "portz": []}, SCHEMA["resources"]["openstack-stacks:index:Server"], "s", problems)
    assert any("portz" in p for p in problems) and any("ports" in p for p in problems)
