"""One template instance being built: parameters, conditions, mappings and the resources built so far."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from components.errors import StackError
from openstack_stacks.heat.functions import condition_table, resolve_condition, table
from openstack_stacks.heat.parameters import NO_PLAIN, Parameter
from openstack_stacks.heat.template import Template
from openstack_stacks.heat.values import has_output

if TYPE_CHECKING:
    from openstack_stacks.heat.resources.base import HeatResource

PSEUDO_HOT = ("OS::stack_name", "OS::stack_id", "OS::project_id")
PSEUDO_CFN = ("AWS::StackName", "AWS::StackId", "AWS::Region", "AWS::AccountId", "AWS::NoValue")


@dataclass(frozen=True)
class Nesting:
    """The builder's entry points, handed to plugins that build templates of their own (nested stacks,
    groups) through the scope, so they need not import the builder (which imports them)."""

    build_template: Callable[..., Scope]
    outputs_of: Callable[[Scope], dict[str, Any]]
    plugin_for: Callable[[str, Scope, str], type[HeatResource]]


class Scope:
    """Evaluation context of one template: what functions read and what plugins register into."""

    def __init__(self, template: Template, parameters: dict[str, Parameter], *, stack_name: str, prefix: str,
                 environment: Any) -> None:
        self.template = template
        self.path = template.path
        self.format = template.format
        self.version = template.version
        self.functions = table(template.format, template.version)
        self.condition_functions = condition_table(template.format, template.version)
        self.facade: dict[str, Any] | None = None  # a nested template's parent resource (resource_facade)
        self.parameters = parameters
        self.stack_name = stack_name
        self.prefix = prefix
        self.environment = environment
        self.mappings = template.section("mappings") if template.sections.mappings else {}
        self.resources: dict[str, HeatResource] = {}
        self.where: str | None = None
        self._conditions: dict[str, bool | None] = {}
        self._condition_defs = template.section("conditions")
        self.nesting: Nesting | None = None  # set by the builder

    # --- names -------------------------------------------------------------------------------------
    def logical_name(self, resource: str) -> str:
        """Pulumi logical name of a template resource: its name, prefixed by nested-stack path."""
        return f"{self.prefix}-{resource}" if self.prefix else resource

    # --- parameters ----------------------------------------------------------------------------------
    def pseudo(self) -> dict[str, Any]:
        stack_id = f"{self.stack_name}/offline"
        return {"OS::stack_name": self.stack_name, "OS::stack_id": stack_id, "OS::project_id": "",
                "AWS::StackName": self.stack_name,
                "AWS::StackId": f"arn:openstack:heat::project:stacks/{stack_id}",
                "AWS::Region": "ap-southeast-1", "AWS::AccountId": "", "AWS::NoValue": None}

    def has_parameter(self, name: Any) -> bool:
        pseudo = PSEUDO_CFN if self.format == "cfn" else PSEUDO_HOT
        return isinstance(name, str) and (name in self.parameters or name in pseudo)

    def parameter(self, name: Any, *, in_condition: bool = False) -> Any:
        """A parameter's value; a hidden one is a Pulumi secret, except inside conditions, which decide what
        exists (as in Heat) and need the plain value (it never reaches a resource from there)."""
        if isinstance(name, str) and name in self.parameters:
            param = self.parameters[name]
            return param.plain if in_condition and param.plain is not NO_PLAIN else param.value
        if self.has_parameter(name):
            return self.pseudo()[name]
        raise StackError(f"unknown parameter {name!r}", file=self.path, resource=self.where)

    # --- resources -----------------------------------------------------------------------------------
    def _resource(self, name: Any) -> HeatResource:
        if not isinstance(name, str) or name not in self.resources:
            raise StackError(f"unknown resource {name!r} (or one disabled by its condition)", file=self.path,
                             resource=self.where)
        return self.resources[name]

    def resource_ref(self, name: Any) -> Any:
        return self._resource(name).ref()

    def resource_attr(self, name: Any, path: list[Any]) -> Any:
        res = self._resource(name)
        if not path:
            return {key: res.attribute(key, []) for key in res.ATTRIBUTES}
        if not isinstance(path[0], str):
            raise StackError(f"attribute name must be a string, got {path[0]!r}", file=self.path,
                             resource=self.where)
        return res.attribute(path[0], path[1:])

    # --- files ---------------------------------------------------------------------------------------
    def read_file(self, name: Any) -> str:
        if not isinstance(name, str):
            raise StackError(f"get_file needs a path, got {name!r}", file=self.path, resource=self.where)
        if "://" in name and not name.startswith("file://"):
            raise StackError(f"get_file of a URL is not supported: {name}", file=self.path, resource=self.where)
        from openstack_stacks import files

        return files.read_reference(name.removeprefix("file://"), base=self.template.directory, file=self.path,
                                    resource=self.where, field="get_file")

    # --- conditions ----------------------------------------------------------------------------------
    def _fail(self, message: str) -> StackError:
        return StackError(message, file=self.path, resource=self.where)

    def condition_value(self, expr: Any, functions: Any = None) -> bool:
        """A condition: a name from `conditions`, a boolean, or a condition function (Heat's parse_condition)."""
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, str):
            return self.named_condition(expr)
        if not (isinstance(expr, dict) and len(expr) == 1):
            raise self._fail(f'Invalid condition "{expr}"')
        value = resolve_condition(expr, self)
        if not isinstance(value, bool):
            raise self._fail(f"condition {expr!r} is not a boolean")
        return value

    def named_condition(self, name: str) -> bool:
        """A condition of the `conditions` section, resolved once; circular definitions are refused."""
        if not isinstance(name, str) or name not in self._condition_defs:
            raise self._fail(f'Invalid condition "{name}"')
        if name not in self._conditions:
            self._conditions[name] = None  # in progress
            definition = self._condition_defs[name]
            if isinstance(definition, bool):
                value = definition
            elif isinstance(definition, dict) and len(definition) == 1:
                value = resolve_condition(definition, self)
                if has_output(value) or not isinstance(value, bool):
                    raise self._fail(f'The definition of condition "{name}" is invalid: {definition}')
            else:
                raise self._fail(f'The definition of condition "{name}" is invalid: {definition}')
            self._conditions[name] = value
        value = self._conditions[name]
        if value is None:
            raise self._fail(f'Circular definition for condition "{name}"')
        return value
