"""Template parameters: declared type, default, constraints (HOT-style) and secrecy.

Shared by the stack-file front-end; constraint keys follow Heat's HOT spelling:
`length`, `range`, `modulo`, `allowed_values`, `allowed_pattern` (each may carry a `description`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from components.errors import StackError

TYPES = ("string", "number", "boolean", "comma_delimited_list", "json")
CONSTRAINTS = ("length", "range", "modulo", "allowed_values", "allowed_pattern", "description")
_TRUE = {"true", "yes", "on", "1", "t", "y"}
_FALSE = {"false", "no", "off", "0", "f", "n"}


@dataclass
class Parameter:
    """One declared parameter."""

    name: str
    type: str = "string"
    default: Any = None
    secret: bool = False
    description: str = ""
    constraints: list[dict[str, Any]] = field(default_factory=list)
    has_default: bool = False

    def coerce(self, value: Any) -> Any:
        """Convert a raw value (often a string from config or `-p`) to the declared type."""
        kind = self.type
        try:
            if kind == "string":
                if isinstance(value, (dict, list)):
                    raise ValueError("a string is expected")
                return "" if value is None else (str(value).lower() if isinstance(value, bool) else str(value))
            if kind == "number":
                if isinstance(value, bool):
                    raise ValueError("a number is expected")
                if isinstance(value, (int, float)):
                    return value
                text = str(value).strip()
                return int(text) if re.fullmatch(r"[-+]?\d+", text) else float(text)
            if kind == "boolean":
                if isinstance(value, bool):
                    return value
                text = str(value).strip().lower()
                if text in _TRUE:
                    return True
                if text in _FALSE:
                    return False
                raise ValueError("a boolean is expected")
            if kind == "comma_delimited_list":
                if isinstance(value, list):
                    return [str(v) for v in value]
                return [v.strip() for v in str(value).split(",")] if str(value) else []
            if kind == "json":
                return json.loads(value) if isinstance(value, str) else value
        except (ValueError, TypeError) as exc:
            raise StackError(f"value {value!r} is not a valid {kind}: {exc}", field=self.name) from None
        raise StackError(f"unknown parameter type {kind!r}", field=self.name)

    def check(self, value: Any) -> None:
        """Raise StackError when `value` violates a constraint."""
        for constraint in self.constraints:
            problem = _violation(constraint, value)
            if problem:
                desc = constraint.get("description")
                raise StackError(desc or problem, field=self.name)


def _violation(constraint: dict[str, Any], value: Any) -> str | None:
    if "allowed_values" in constraint:
        allowed = constraint["allowed_values"]
        items = value if isinstance(value, list) else [value]
        bad = [v for v in items if v not in allowed and str(v) not in [str(a) for a in allowed]]
        if bad:
            return f"{bad[0]!r} is not one of {allowed}"
    if "length" in constraint:
        bounds = constraint["length"]
        size = len(value) if value is not None else 0
        if "min" in bounds and size < bounds["min"]:
            return f"length {size} is below the minimum {bounds['min']}"
        if "max" in bounds and size > bounds["max"]:
            return f"length {size} is above the maximum {bounds['max']}"
    if "range" in constraint:
        bounds = constraint["range"]
        if "min" in bounds and value < bounds["min"]:
            return f"{value} is below the minimum {bounds['min']}"
        if "max" in bounds and value > bounds["max"]:
            return f"{value} is above the maximum {bounds['max']}"
    if "modulo" in constraint:
        step, offset = constraint["modulo"].get("step", 1), constraint["modulo"].get("offset", 0)
        if value % step != offset:
            return f"{value} is not {offset} modulo {step}"
    if "allowed_pattern" in constraint:
        pattern = constraint["allowed_pattern"]
        if not re.fullmatch(pattern, str(value)):
            return f"{value!r} does not match the pattern {pattern!r}"
    return None


def parse_parameters(declared: dict[str, Any], file: str) -> dict[str, Parameter]:
    """Parse a `parameters:` section (stack-file spelling; `secret` or HOT `hidden`)."""
    if not isinstance(declared, dict):
        raise StackError("'parameters' must be a mapping", file=file, field="parameters")
    out = {}
    for name, spec in declared.items():
        if not isinstance(spec, dict):
            raise StackError("a parameter must be a mapping with at least 'type'", file=file, resource=name)
        unknown = set(spec) - {"type", "default", "secret", "hidden", "description", "label", "constraints"}
        if unknown:
            raise StackError(f"unknown key(s) {', '.join(sorted(unknown))}", file=file, resource=name)
        kind = spec.get("type", "string")
        if kind not in TYPES:
            raise StackError(f"type must be one of {', '.join(TYPES)}", file=file, resource=name, field="type")
        constraints = spec.get("constraints", [])
        if not isinstance(constraints, list) or any(
            not isinstance(c, dict) or set(c) - set(CONSTRAINTS) for c in constraints
        ):
            raise StackError(
                f"constraints must be a list of {', '.join(CONSTRAINTS[:-1])}",
                file=file, resource=name, field="constraints",
            )
        out[name] = Parameter(
            name=name,
            type=kind,
            default=spec.get("default"),
            has_default="default" in spec,
            secret=bool(spec.get("secret") or spec.get("hidden")),
            description=spec.get("description", ""),
            constraints=constraints,
        )
    return out


def resolve_parameters(
    declared: dict[str, Parameter], given: dict[str, Any], file: str, secret_names: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Values for every declared parameter: given (coerced) or default; constraints checked.

    Parameters named in `secret_names` were given as secrets (Pulumi config `--secret`) and become
    secret parameters, as if declared `secret: true`.
    """
    unknown = set(given) - set(declared)
    if unknown:
        raise StackError(
            f"unknown parameter(s) {', '.join(sorted(unknown))} (declared: {', '.join(declared) or 'none'})",
            file=file, field="parameters",
        )
    values = {}
    for name, param in declared.items():
        if name in secret_names:
            param.secret = True
        if name in given:
            raw = given[name]
        elif param.has_default:
            raw = param.default
        else:
            raise StackError(
                "parameter has no default and no value was given "
                f"(pulumi config set --path 'parameters.{name}' VALUE{' --secret' if param.secret else ''}"
                f" or render -p {name}=VALUE)",
                file=file, resource=name,
            )
        if param.secret:
            from openstack_stacks import report

            report.secret_value(raw)  # kept out of every message (report.scrub)
        try:
            value = param.coerce(raw)
            param.check(value)
        except StackError as exc:
            raise StackError(exc.message, file=file, resource=f"parameter {name}") from None
        values[name] = value
    return values
