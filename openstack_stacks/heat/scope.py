"""One template instance being built: parameters, conditions, mappings and the resources built so far."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components.errors import StackError
from openstack_stacks.heat.functions import resolve, table
from openstack_stacks.heat.parameters import Parameter
from openstack_stacks.heat.template import Template

if TYPE_CHECKING:
    from openstack_stacks.heat.resources.base import HeatResource

PSEUDO_HOT = ("OS::stack_name", "OS::stack_id", "OS::project_id")
PSEUDO_CFN = ("AWS::StackName", "AWS::StackId", "AWS::Region", "AWS::AccountId", "AWS::NoValue")


class Scope:
    """Evaluation context of one template: what functions read and what plugins register into."""

    def __init__(self, template: Template, parameters: dict[str, Parameter], *, stack_name: str, prefix: str,
                 environment: Any) -> None:
        self.template = template
        self.path = template.path
        self.format = template.format
        self.version = template.version
        self.functions = table(template.format, template.version)
        self.parameters = parameters
        self.stack_name = stack_name
        self.prefix = prefix
        self.environment = environment
        self.mappings = template.section("mappings") if template.sections.mappings else {}
        self.resources: dict[str, HeatResource] = {}
        self.where: str | None = None
        self._conditions: dict[str, bool] = {}
        self._in_condition = 0
        self._condition_defs = template.section("conditions")

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

    def parameter(self, name: Any) -> Any:
        if isinstance(name, str) and name in self.parameters:
            param = self.parameters[name]
            if param.secret and self._in_condition and param.plain is not None:
                return param.plain  # a condition is a yes/no for what exists, never sent anywhere
            return param.value
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
    def condition_value(self, expr: Any) -> bool:
        """A condition: a name from `conditions`, a boolean, or a condition function."""
        if isinstance(expr, bool):
            return expr
        if isinstance(expr, str):
            return self.named_condition(expr)
        self._in_condition += 1
        try:
            value = resolve(expr, self)
        finally:
            self._in_condition -= 1
        if not isinstance(value, bool):
            raise StackError(f"condition {expr!r} is not a boolean", file=self.path, resource=self.where)
        return value

    def named_condition(self, name: str) -> bool:
        if name not in self._conditions:
            if name not in self._condition_defs:
                raise StackError(f"unknown condition {name!r}", file=self.path, resource=self.where)
            self._conditions[name] = False  # guards a self-reference
            self._conditions[name] = self.condition_value(self._condition_defs[name])
        return self._conditions[name]
