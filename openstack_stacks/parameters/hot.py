"""HOT spelling of parameters (heat/engine/hot/parameters.py): keys per template version, constraint list."""

from __future__ import annotations

from typing import Any

from openstack_stacks.parameters.core import ParameterError, Schema, check_type, constraint

TYPES = ("string", "number", "comma_delimited_list", "json", "boolean")
KEYS = ("type", "description", "default", "schema", "constraints", "hidden", "label", "immutable")
CONSTRAINT_KEYS = ("description", "length", "range", "modulo", "allowed_values", "allowed_pattern",
                   "custom_constraint")
# The order Heat looks for the constraint a mapping expresses (HOTParamSchema._constraint_from_def).
ORDER = ("modulo", "range", "length", "allowed_values", "allowed_pattern", "custom_constraint")


def keys_for(version: str) -> tuple[str, ...]:
    """`tags` exists from 2018-03-02 (HOTParamSchema20180302)."""
    return KEYS + (("tags",) if version >= "2018-03-02" else ())


def schema(name: str, spec: Any, version: str) -> Schema:
    """The Schema of one HOT parameter declaration."""
    if not isinstance(spec, dict):
        raise ParameterError("invalid parameter: expected a mapping")
    allowed = keys_for(version)
    unknown = [str(k) for k in spec if k not in allowed]
    if unknown:
        raise ParameterError(f"invalid key {', '.join(unknown)!r} for a parameter (allowed in "
                             f"heat_template_version {version}: {', '.join(allowed)})")
    if "type" not in spec:
        raise ParameterError("missing parameter type")
    if not isinstance(spec.get("tags", []), list):
        raise ParameterError("tags must be a list")
    ptype = check_type(name, spec["type"], TYPES)
    constraints = []
    raw = spec.get("constraints")
    if raw is not None:
        if not isinstance(raw, list):
            raise ParameterError("invalid parameter constraints: expected a list")
        for item in raw:
            if not isinstance(item, dict):
                raise ParameterError("invalid parameter constraints: expected a mapping")
            unknown = [str(k) for k in item if k not in CONSTRAINT_KEYS]
            if unknown:
                raise ParameterError(f"invalid key {', '.join(unknown)!r} for parameter constraints")
            kinds = [k for k in ORDER if k in item and (k != "modulo" or version >= "2017-02-24")]
            if not kinds:
                if "modulo" in item:
                    raise ParameterError("the modulo constraint needs heat_template_version 2017-02-24 or later")
                raise ParameterError("no constraint expressed")
            constraints.append(constraint(kinds[0], item[kinds[0]], item.get("description")))
    out = Schema(name, ptype, default=spec.get("default"), has_default=spec.get("default") is not None,
                 hidden=bool(spec.get("hidden", False)), description=str(spec.get("description") or ""),
                 label=spec.get("label"), constraints=constraints, immutable=bool(spec.get("immutable", False)),
                 tags=list(spec.get("tags") or []))
    out.validate()
    return out
