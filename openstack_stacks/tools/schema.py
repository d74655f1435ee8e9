"""Check resource inputs against the real pulumi-openstack provider schema.

The schema (`openstack_stacks/tools/data/pulumi-openstack-schema.json`, pulumi-openstack v5.5.1 = 5.5.3 SDK) is what the
provider's Check would enforce: input names, types and required inputs. It also tells update from replace:
an input marked `willReplaceOnChanges` forces a new resource when it changes.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).parent / "data" / "pulumi-openstack-schema.json"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
_ANY = "pulumi.json#/Any"


@functools.lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The provider schema as a dict (read once)."""
    return json.loads(SCHEMA_PATH.read_text())


def resource_schema(token: str) -> dict[str, Any] | None:
    """Schema of one resource type (the provider's, or a dynamic resource of the library), or None."""
    if token.startswith(DYNAMIC_PREFIX):
        return dynamic_schemas().get(token)
    return load_schema()["resources"].get(token)


DYNAMIC_PREFIX = "pulumi-python:dynamic"


def dynamic_schemas() -> dict[str, dict[str, Any]]:
    """The library's dynamic resources (a pickled `__provider` input each, outside any provider schema)."""
    from components import boot_wait

    return {boot_wait.TYPE: boot_wait.SCHEMA}


def unwrap_secret(value: Any) -> Any:
    """Return the plain value of a mock secret envelope (or the value itself)."""
    if isinstance(value, dict) and SECRET_SIG in value:
        return value.get("value")
    return value


def plain_value(value: Any) -> Any:
    """`value` with every secret envelope inside it unwrapped (an envelope inside an envelope too)."""
    while isinstance(value, dict) and SECRET_SIG in value:
        value = value.get("value")
    if isinstance(value, dict):
        return {k: plain_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    return value


def _resolve(spec: dict[str, Any]) -> dict[str, Any]:
    ref = spec.get("$ref")
    if ref and ref.startswith("#/types/"):
        return load_schema()["types"][ref[len("#/types/"):]]
    return spec


def check_inputs(token: str, inputs: dict[str, Any]) -> list[str]:
    """Return the problems of `inputs` for resource `token` (empty list when valid).

    Each problem names the input path: unknown input, wrong type, missing required input.
    """
    schema = resource_schema(token)
    if schema is None:
        return [f"unknown resource type {token}"]
    problems: list[str] = []
    for name in schema.get("requiredInputs", []):
        if unwrap_secret(inputs.get(name)) is None:
            problems.append(f"missing required input '{name}'")
    props = schema.get("inputProperties", {})
    for name, value in inputs.items():
        if name.startswith("__"):
            continue
        if name not in props:
            problems.append(f"unknown input '{name}'")
            continue
        problems.extend(_check_value(name, props[name], unwrap_secret(value)))
    return problems


def _check_value(path: str, spec: dict[str, Any], value: Any) -> list[str]:
    if value is None:
        return []
    if spec.get("$ref") == _ANY:
        return []
    spec = _resolve(spec)
    kind = spec.get("type")
    if kind == "string":
        ok = isinstance(value, str)
    elif kind == "integer":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "array":
        if not isinstance(value, list):
            return [f"input '{path}' must be a list, got {type(value).__name__}"]
        out: list[str] = []
        for i, item in enumerate(value):
            out.extend(_check_value(f"{path}[{i}]", spec.get("items", {}), unwrap_secret(item)))
        return out
    elif kind == "object":
        if not isinstance(value, dict):
            return [f"input '{path}' must be an object, got {type(value).__name__}"]
        out = []
        if "properties" in spec:
            props = spec["properties"]
            for key in spec.get("required", []):
                if value.get(key) is None:
                    out.append(f"missing required input '{path}.{key}'")
            for key, item in value.items():
                if key not in props:
                    out.append(f"unknown input '{path}.{key}'")
                else:
                    out.extend(_check_value(f"{path}.{key}", props[key], unwrap_secret(item)))
        elif "additionalProperties" in spec:
            for key, item in value.items():
                out.extend(
                    _check_value(f"{path}.{key}", spec["additionalProperties"], unwrap_secret(item))
                )
        return out
    else:
        return []
    return [] if ok else [f"input '{path}' must be {kind}, got {type(value).__name__} {value!r}"]


def replaces_on_change(token: str, path: list[str | int]) -> bool:
    """True when changing the input at `path` (e.g. ["networks", 0, "port"]) replaces the resource."""
    schema = resource_schema(token)
    if schema is None or not path:
        return False
    spec: dict[str, Any] = schema.get("inputProperties", {}).get(str(path[0]), {})
    if spec.get("willReplaceOnChanges"):
        return True
    for step in path[1:]:
        spec = _resolve(spec)
        if spec.get("type") == "array":
            spec = spec.get("items", {})
            if isinstance(step, int):
                continue
        spec = _resolve(spec)
        if "properties" in spec:
            spec = spec["properties"].get(str(step), {})
        elif "additionalProperties" in spec:
            spec = spec["additionalProperties"]
        else:
            return False
        if spec.get("willReplaceOnChanges"):
            return True
    return False
