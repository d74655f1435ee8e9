"""Template parameters: one core (`core`: types, constraints, schemas, Heat's rules) and thin dialect layers
(`hot`, `cfn`, `stackfile`) used by the three front-ends (Heat's engine/parameters.py with hot/ and cfn/).

The stack-file and Kolla front-ends call `parse_parameters` and `resolve_parameters` below; the Heat
front-end calls `openstack_stacks.heat.parameters`, which reads HOT or CFN spelling into the same schemas.
"""

from __future__ import annotations

from typing import Any

from components.errors import StackError
from openstack_stacks.parameters import stackfile
from openstack_stacks.parameters.core import ParameterError, Schema

Parameter = Schema  # the stack-file front-end's name for a declared parameter

__all__ = ["Parameter", "ParameterError", "Schema", "missing_message", "parse_parameters", "resolve_parameters",
           "unknown_given"]


def unknown_given(declared: dict[str, Any], given: dict[str, Any]) -> list[str]:
    """Names given a value that the template does not declare (Heat's UnknownUserParameter)."""
    return sorted(str(n) for n in set(given) - set(declared))


def missing_message(name: str, secret: bool) -> str:
    return ("parameter has no default and no value was given "
            + (f"(pulumi config set --path 'secretParameters.{name}' --secret VALUE or render -s {name}=VALUE)"
               if secret else
               f"(pulumi config set --path 'parameters.{name}' VALUE or render -p {name}=VALUE)"))


def parse_parameters(declared: Any, file: str) -> dict[str, Schema]:
    """Parse a stack file's `parameters:` section (stack-file spelling: `secret` or HOT `hidden`)."""
    if not isinstance(declared, dict):
        raise StackError("'parameters' must be a mapping", file=file, field="parameters")
    out = {}
    for name, spec in declared.items():
        try:
            out[name] = stackfile.schema(name, spec)
        except ParameterError as exc:
            raise StackError(str(exc), file=file, resource=f"parameter {name}") from None
    return out


def resolve_parameters(declared: dict[str, Schema], given: dict[str, Any], file: str,
                       secret_names: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Values for every declared parameter: given or default, converted and checked.

    Parameters named in `secret_names` were given as secrets (Pulumi config `--secret`) and become
    hidden, as if declared `secret: true`.
    """
    unknown = unknown_given(declared, given)
    if unknown:
        raise StackError(f"unknown parameter(s) {', '.join(unknown)} (declared: {', '.join(declared) or 'none'})",
                         file=file, field="parameters")
    values = {}
    for name, param in declared.items():
        if name in secret_names:
            param.hidden = True
        if name in given:
            raw = given[name]
        elif param.has_default:
            raw = param.default
        else:
            raise StackError(missing_message(name, param.hidden), file=file, resource=name)
        if param.hidden:
            from openstack_stacks import report

            report.secret_value(raw)  # kept out of every message (report.scrub)
        try:
            values[name] = param.check(raw)
        except ParameterError as exc:
            raise StackError(str(exc), file=file, resource=f"parameter {name}") from None
    return values
