"""Template parameters: type coercion, constraints (length, range, modulo, allowed_values/pattern), secrets."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pulumi

from components.errors import StackError
from openstack_stacks.heat.values import has_output

HOT_TYPES = {"string", "number", "comma_delimited_list", "json", "boolean"}
CFN_TYPES = {"String": "string", "Number": "number", "CommaDelimitedList": "comma_delimited_list",
             "Json": "json", "Boolean": "boolean"}


@dataclass
class Parameter:
    """One declared parameter with its resolved value."""

    name: str
    type: str
    value: Any
    secret: bool
    plain: Any = None  # a secret parameter's value itself, for conditions only (they decide what exists)


def _coerce(kind: str, value: Any, fail: Any) -> Any:
    if kind == "string":
        return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    if kind == "number":
        if isinstance(value, bool):
            raise fail(f"{value!r} is not a number")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise fail(f"{value!r} is not a number") from None
        return int(number) if number.is_integer() and "." not in str(value) else number
    if kind == "comma_delimited_list":
        if isinstance(value, list):
            return [str(v) for v in value]
        return [v.strip() for v in str(value).split(",")] if str(value) else []
    if kind == "json":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise fail(f"{value!r} is not JSON") from None
        if not isinstance(value, (dict, list)):
            raise fail(f"{value!r} is not a JSON mapping or list")
        return value
    if kind == "boolean":
        text = str(value).lower()
        if text in ("true", "t", "on", "y", "yes", "1"):
            return True
        if text in ("false", "f", "off", "n", "no", "0"):
            return False
        raise fail(f"{value!r} is not a boolean")
    raise fail(f"unknown parameter type {kind!r}")


def _hot_constraints(spec: dict[str, Any]) -> list[tuple[str, Any, str | None]]:
    out = []
    for item in spec.get("constraints") or []:
        if not isinstance(item, dict):
            continue
        desc = item.get("description")
        for key, arg in item.items():
            if key != "description":
                out.append((key, arg, desc))
    return out


def _cfn_constraints(spec: dict[str, Any]) -> list[tuple[str, Any, str | None]]:
    desc = spec.get("ConstraintDescription")
    out: list[tuple[str, Any, str | None]] = []
    if "AllowedValues" in spec:
        out.append(("allowed_values", spec["AllowedValues"], desc))
    if "AllowedPattern" in spec:
        out.append(("allowed_pattern", spec["AllowedPattern"], desc))
    if "MinLength" in spec or "MaxLength" in spec:
        out.append(("length", {"min": spec.get("MinLength"), "max": spec.get("MaxLength")}, desc))
    if "MinValue" in spec or "MaxValue" in spec:
        out.append(("range", {"min": spec.get("MinValue"), "max": spec.get("MaxValue")}, desc))
    return out


def _num(x: Any) -> float | None:
    return None if x is None else float(x)


def check_constraint(kind: str, arg: Any, value: Any, ptype: str) -> str | None:
    """Why `value` breaks the constraint, or None. Custom constraints need a cloud and pass."""
    if kind == "length":
        size = len(value)
        lo, hi = _num(arg.get("min")), _num(arg.get("max"))
        if (lo is not None and size < lo) or (hi is not None and size > hi):
            return f"length must be between {arg.get('min')} and {arg.get('max')}"
    elif kind == "range":
        lo, hi = _num(arg.get("min")), _num(arg.get("max"))
        number = float(value)
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            return f"must be between {arg.get('min')} and {arg.get('max')}"
    elif kind == "modulo":
        step, offset = int(arg.get("step")), int(arg.get("offset", 0))
        if float(value) % step != offset:
            return f"must be {offset} modulo {step}"
    elif kind == "allowed_values":
        values = value if ptype == "comma_delimited_list" else [value]
        allowed = [str(a) for a in arg]
        if any(str(v) not in allowed for v in values):
            return f"must be one of {', '.join(allowed)}"
    elif kind == "allowed_pattern":
        if not re.fullmatch(str(arg), str(value)):
            return f"must match pattern {arg!r}"
    elif kind != "custom_constraint":
        return f"unknown constraint {kind!r}"
    return None


def resolve_parameters(declared: dict[str, Any], given: dict[str, Any], *, fmt: str, version: str,
                       path: str, secret_names: frozenset[str] = frozenset()) -> dict[str, Parameter]:
    """Coerce and check every declared parameter; unknown given names and missing values are errors.

    `secret_names` were given as secrets (Pulumi config `--secret`): secret as if declared hidden/NoEcho.
    """
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise StackError(f"unknown parameter(s): {', '.join(unknown)}", file=path)
    out: dict[str, Parameter] = {}
    for name, spec in declared.items():
        if not isinstance(spec, dict):
            raise StackError("a parameter must be a mapping", file=path, field=f"parameters.{name}")

        def fail(message: str, name: str = name) -> StackError:
            return StackError(message, file=path, field=f"parameters.{name}")

        if fmt == "cfn":
            raw_type = spec.get("Type", "String")
            if raw_type not in CFN_TYPES:
                raise fail(f"unsupported parameter type {raw_type!r}")
            ptype, secret = CFN_TYPES[raw_type], str(spec.get("NoEcho", "false")).lower() == "true"
            default_key, constraints = "Default", _cfn_constraints(spec)
        else:
            ptype, secret, default_key, constraints = spec.get("type"), bool(spec.get("hidden")), "default", \
                _hot_constraints(spec)
            if ptype not in HOT_TYPES:
                raise fail(f"unsupported parameter type {ptype!r}")
            if any(k == "modulo" for k, _, _ in constraints) and version < "2017-02-24":
                raise fail("the modulo constraint needs heat_template_version 2017-02-24 or later")
        secret = secret or name in secret_names
        if name in given:
            raw = given[name]
        elif default_key in spec:
            raw = spec[default_key]
        else:
            raise fail("a value is required (no default)")
        if secret:
            from openstack_stacks import report

            report.secret_value(raw)  # kept out of every message (report.scrub)
        def checked(raw: Any, ptype: str = ptype, constraints: list = constraints, secret: bool = secret,
                    fail: Any = fail) -> Any:
            value = _coerce(ptype, raw, fail)
            for kind, arg, desc in constraints:
                reason = check_constraint(kind, arg, value, ptype)
                if reason:
                    shown = "(hidden)" if secret else repr(value)
                    raise fail(f"{shown} {desc or reason}")
            return value

        # A nested template's parameter can be another resource's attribute (known only after it exists):
        # coerce and check it when it is known, never through str() of the Output.
        value = pulumi.Output.from_input(raw).apply(checked) if has_output(raw) else checked(raw)
        out[name] = Parameter(name, ptype, pulumi.Output.secret(value) if secret else value, secret,
                              plain=value if secret else None)
    return out
