"""CloudFormation spelling of parameters (heat/engine/parameters.py Schema.from_dict): `Type` is required."""

from __future__ import annotations

from typing import Any

from openstack_stacks.parameters.core import ParameterError, Schema, check_type, constraint

TYPES = {"String": "string", "Number": "number", "CommaDelimitedList": "comma_delimited_list", "Json": "json",
         "Boolean": "boolean"}
KEYS = ("Type", "Default", "NoEcho", "AllowedValues", "AllowedPattern", "MaxLength", "MinLength", "MaxValue",
        "MinValue", "Description", "ConstraintDescription", "Label")


def schema(name: str, spec: Any) -> Schema:
    """The Schema of one CFN parameter declaration."""
    if not isinstance(spec, dict):
        raise ParameterError("invalid parameter: expected a mapping")
    unknown = [str(k) for k in spec if k not in KEYS]
    if unknown:
        raise ParameterError(f"invalid key {', '.join(unknown)!r} for a parameter (allowed: {', '.join(KEYS)})")
    if "Type" not in spec:
        raise ParameterError("missing parameter type")
    ptype = TYPES[check_type(name, spec["Type"], list(TYPES))]
    desc = spec.get("ConstraintDescription")
    constraints = []
    if "MinValue" in spec or "MaxValue" in spec:
        constraints.append(constraint("range", {"min": spec.get("MinValue"), "max": spec.get("MaxValue")}, desc))
    if "MinLength" in spec or "MaxLength" in spec:
        constraints.append(constraint("length", {"min": spec.get("MinLength"), "max": spec.get("MaxLength")},
                                      desc))
    if "AllowedValues" in spec:
        constraints.append(constraint("allowed_values", spec["AllowedValues"], desc))
    if "AllowedPattern" in spec:
        constraints.append(constraint("allowed_pattern", spec["AllowedPattern"], desc))
    out = Schema(name, ptype, default=spec.get("Default"), has_default=spec.get("Default") is not None,
                 hidden=str(spec.get("NoEcho", "false")).lower() == "true",
                 description=str(spec.get("Description") or ""), label=spec.get("Label"), constraints=constraints)
    out.validate()
    return out
