"""Base of every resource plugin: properties declared as data, attributes as a name -> method table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import pulumi

from components.errors import StackError
from openstack_stacks.heat.values import lift, walk_path

if TYPE_CHECKING:
    from openstack_stacks.heat.scope import Scope


@dataclass(frozen=True)
class Prop:
    """One property of a template resource type."""

    required: bool = False
    default: Any = None
    ignored: str | None = None  # accepted but without effect here: the reason, shown in a render note


REGISTRY: dict[str, type[HeatResource]] = {}


def register(cls: type[HeatResource]) -> type[HeatResource]:
    """Add a plugin for each type name it declares (adding a type = one class, one decorator)."""
    for name in cls.TYPES:
        REGISTRY[name] = cls
    return cls


class HeatResource:
    """One template resource. Subclasses set TYPES, PROPERTIES, ATTRIBUTES and implement `build`."""

    TYPES: ClassVar[tuple[str, ...]] = ()
    PROPERTIES: ClassVar[dict[str, Prop]] = {}
    ATTRIBUTES: ClassVar[dict[str, str]] = {}  # template attribute -> method returning its value
    REF: ClassVar[str] = "id"  # the method returning get_resource / Ref
    # For adopt: the provider resource registered under the template resource's own name (from the SDK class),
    # or why there is nothing in the cloud to import.
    PULUMI_TYPE: ClassVar[str | None] = None
    NOT_IN_CLOUD: ClassVar[str | None] = None

    def __init__(self, name: str, type_name: str, properties: dict[str, Any], scope: Scope, *,
                 definition: dict[str, Any], depends_on: list[pulumi.Resource],
                 opts: pulumi.ResourceOptions) -> None:
        self.name = name
        self.type_name = type_name
        self.scope = scope
        self.definition = definition
        self.logical = scope.logical_name(name)
        self.depends_on = depends_on
        self.opts = opts
        self.resources: list[pulumi.Resource] = []
        self.props = self._check(properties)

    def fail(self, message: str, field: str | None = None) -> StackError:
        return StackError(message, file=self.scope.path, resource=self.name, field=field)

    def _check(self, properties: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(properties, dict):
            raise self.fail("properties must be a mapping")
        unknown = sorted(set(properties) - set(self.PROPERTIES))
        if unknown:
            raise self.fail(f"{self.type_name}: unsupported propert{'y' if len(unknown) == 1 else 'ies'} "
                            f"{', '.join(unknown)}")
        out = {}
        for key, prop in self.PROPERTIES.items():
            value = properties.get(key)
            if value is None:
                if prop.required:
                    raise self.fail(f"{self.type_name}: property '{key}' is required", field=key)
                value = prop.default
            elif prop.ignored:
                from openstack_stacks import report
                report.note(f"{self.scope.path}: resource '{self.name}': property '{key}' has no effect here: "
                            f"{prop.ignored}")
            out[key] = value
        return out

    def child_opts(self, **extra: Any) -> pulumi.ResourceOptions:
        """Options for a resource this plugin registers (parent, explicit dependencies)."""
        return pulumi.ResourceOptions.merge(
            self.opts, pulumi.ResourceOptions(depends_on=list(self.depends_on) or None, **extra))

    def invoke_opts(self) -> pulumi.InvokeOptions:
        """Options for a lookup (get_network, get_image, ...): the provider these resources go to, so a stack
        in another region (OS::Heat::Stack context) or given an explicit provider looks up there too."""
        from components.regions import openstack_provider

        return pulumi.InvokeOptions(parent=self.opts.parent, provider=openstack_provider(self.opts))

    def build(self) -> None:
        raise NotImplementedError

    def ref(self) -> Any:
        return getattr(self, self.REF)()

    def unknowable(self, attribute: str, why: str) -> str:
        """The value of an attribute Pulumi cannot know: a string saying so, and one note per attribute."""
        from openstack_stacks import report

        report.note(f"{self.scope.path}: resource '{self.name}': attribute '{attribute}' is not known under "
                    f"Pulumi ({why}); what reads it gets a text saying so")
        return f"unknown under Pulumi: {self.type_name} '{self.logical}' attribute '{attribute}' ({why})"

    def status(self) -> str:
        return self.unknowable("status", "Pulumi keeps no live status; the resource exists once `pulumi up` "
                                         "succeeds, where Heat would say ACTIVE or available")

    def show(self) -> Any:
        """Heat's `show` (the API's record): here the attributes this type knows, and the ID."""
        known = {key: getattr(self, method)() for key, method in self.ATTRIBUTES.items()
                 if method not in ("show", "status", "console_urls")}
        return lift(lambda ref, values: {"id": ref, **values}, self.ref(), known)

    def attribute(self, name: str, path: list[Any]) -> Any:
        if name == "show" and name not in self.ATTRIBUTES:
            value = self.show()
            return lift(walk_path, value, list(path)) if path else value
        if name not in self.ATTRIBUTES:
            known = ", ".join(sorted(self.ATTRIBUTES)) or "none"
            raise StackError(f"{self.type_name} '{self.name}' has no attribute {name!r} here (supported: {known})",
                             file=self.scope.path, resource=self.scope.where)
        value = getattr(self, self.ATTRIBUTES[name])()
        return lift(walk_path, value, list(path)) if path else value
