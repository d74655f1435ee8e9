"""Template parameters of a HOT or CFN template: the shared parameter core, read in the template's dialect;
values may be Pulumi Outputs (a nested template's parameter given another resource's attribute)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.errors import StackError
from openstack_stacks.heat.values import has_output
from openstack_stacks.parameters import cfn, hot
from openstack_stacks.parameters.core import ParameterError, Schema

NO_PLAIN = object()  # the value is known only once other resources exist (a nested template's input)


@dataclass
class Parameter:
    """One declared parameter with its resolved value (`plain`: before it was made a Pulumi secret)."""

    name: str
    type: str
    value: Any
    secret: bool
    plain: Any = NO_PLAIN


def schema_of(name: str, spec: Any, *, fmt: str, version: str) -> Schema:
    """The core Schema of one declaration in the template's dialect (ParameterError when invalid)."""
    return cfn.schema(name, spec) if fmt == "cfn" else hot.schema(name, spec, version)


def resolve_parameters(declared: dict[str, Any], given: dict[str, Any], *, fmt: str, version: str,
                       path: str, secret_names: frozenset[str] = frozenset()) -> dict[str, Parameter]:
    """Check every declaration and value; unknown given names and missing values are errors.

    `secret_names` were given as secrets (Pulumi config `--secret`): secret as if declared hidden/NoEcho.
    """
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise StackError(f"unknown parameter(s): {', '.join(unknown)}", file=path)
    out: dict[str, Parameter] = {}
    for name, spec in declared.items():
        def fail(message: str, name: str = name) -> StackError:
            return StackError(message, file=path, field=f"parameters.{name}")

        try:
            schema = schema_of(name, spec, fmt=fmt, version=version)
        except ParameterError as exc:
            raise fail(str(exc)) from None
        schema.hidden = schema.hidden or name in secret_names
        if name in given and given[name] is not None:
            raw = given[name]
        elif schema.has_default:
            raw = schema.default
        else:
            raise fail("a value is required (no default)")
        if schema.hidden:
            from openstack_stacks import report

            report.secret_value(raw)  # kept out of every message (report.scrub)

        def checked(raw: Any, schema: Schema = schema, fail: Any = fail) -> Any:
            try:
                return schema.check(raw)
            except ParameterError as exc:
                raise fail(str(exc)) from None

        # A nested template's parameter can be another resource's attribute (known only after it exists):
        # coerce and check it when it is known, never through str() of the Output.
        value = pulumi.Output.from_input(raw).apply(checked) if has_output(raw) else checked(raw)
        out[name] = Parameter(name, schema.type, pulumi.Output.secret(value) if schema.hidden else value,
                              schema.hidden, NO_PLAIN if has_output(value) else value)
    return out
