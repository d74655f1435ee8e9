"""Nested templates (a file as a type, directly or via resource_registry) and OS::Heat::ResourceGroup."""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi

from openstack_stacks.heat import template as templates
from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.values import lift, walk_path
from openstack_stacks.stackfile.loader import parse_document

TOKEN = "openstack-stacks:heat:Template"


class TemplateComponent(pulumi.ComponentResource):
    """The component of one nested template instance, named after the template resource."""

    def __init__(self, name: str, path: str, opts: pulumi.ResourceOptions | None) -> None:
        super().__init__(TOKEN, name, {"template": path}, opts)


class NestedTemplate(HeatResource):
    """A template file used as a resource type: properties are its parameters, outputs its attributes."""

    FILE: ClassVar[str] = ""
    REF = "stack_id"

    @classmethod
    def for_file(cls, path: str) -> type[NestedTemplate]:
        tpl = templates.parse(parse_document(path).keep_last(), path)
        names = tpl.section("parameters")
        outputs = tpl.section("outputs")
        return type("Nested", (cls,), {"FILE": path, "TYPES": (), "PROPERTIES": {n: Prop() for n in names},
                                       "ATTRIBUTES": {n: "output" for n in outputs}})

    def build(self) -> None:
        build_template, outputs_of = self.scope.nesting.build_template, self.scope.nesting.outputs_of
        tpl = templates.parse(parse_document(self.FILE).keep_last(), self.FILE)
        self.component = TemplateComponent(self.logical, self.FILE, self.child_opts())
        given = {k: v for k, v in self.props.items() if v is not None}
        self.child = build_template(tpl, given, stack_name=self.scope.stack_name, prefix=self.logical,
                                    environment=self.scope.environment,
                                    opts=pulumi.ResourceOptions(parent=self.component),
                                    depth=self.scope.depth + 1, facade=self.facade())
        self.outputs = outputs_of(self.child)
        self.resources.append(self.component)
        self.component.register_outputs({})

    def facade(self) -> dict[str, Any]:
        """What the nested template's resource_facade reads: this resource's metadata and policies."""
        from openstack_stacks.heat.functions import resolve

        s, hot = self.scope.template.sections, self.scope.format == "hot"
        body = self.definition or {}
        return {"metadata": resolve(body.get(s.metadata) or {}, self.scope),
                "deletion_policy": body.get(s.deletion_policy) or "Delete",
                "update_policy": resolve(body.get("update_policy" if hot else "UpdatePolicy") or {}, self.scope)}

    def attribute(self, name: str, path: list[Any]) -> Any:
        if name not in self.outputs:
            return super().attribute(name, path)
        return lift(walk_path, self.outputs[name], list(path)) if path else self.outputs[name]

    def stack_id(self) -> Any:
        return self.component.urn


ALL_AT_ONCE = ("`pulumi up` changes every member that differs at the same time (only `--parallel` bounds it), "
               "with no batches and no pause; a replaced member is created before the old one is deleted, but an "
               "in-place update (a rebuild, a resize) hits all members together. To roll by hand, run "
               "`pulumi up --target <member URN>` member by member")


def group_policy_note(group: HeatResource, policies: dict[str, Any] | None, what: str = "update_policy") -> None:
    """Say plainly that Pulumi cannot honour a group's rolling-update / batch policy, naming its settings."""
    from openstack_stacks import report

    if not policies:
        return
    if not isinstance(policies, dict):
        raise group.fail(f"{what} must be a mapping", field=what)
    for name, settings in sorted(policies.items()):
        given = ", ".join(f"{k} {v}" for k, v in sorted((settings or {}).items())) if isinstance(settings, dict) \
            else ""
        report.note(f"group '{group.logical}': Pulumi cannot honour {what} {name}"
                    f"{f' ({given})' if given else ''}: {ALL_AT_ONCE}")


@register
class ResourceGroup(HeatResource):
    """`count` members named `<group>-<index>` (stable names; Heat's own member names are indexes)."""

    TYPES = ("OS::Heat::ResourceGroup",)
    NOT_IN_CLOUD = 'a group: its members are mapped one by one'
    PROPERTIES = {"count": Prop(default=1), "resource_def": Prop(required=True), "index_var": Prop(default="%index%"),
                  "removal_policies": Prop(default=[]), "removal_policies_mode": Prop(default="append")}
    ATTRIBUTES = {"refs": "refs", "refs_map": "refs_map"}
    REF = "refs"

    def build(self) -> None:
        plugin_for = self.scope.nesting.plugin_for
        from openstack_stacks.heat.functions import _substitute

        p = self.props
        if p["removal_policies"]:
            raise self.fail("removal_policies is not supported (member names are never reused anyway)")
        from openstack_stacks import limits

        count = limits.count(p["count"], file=self.scope.path, resource=self.name, field="count")
        definition = p["resource_def"]
        if not isinstance(definition, dict):
            raise self.fail("resource_def must be a mapping with a type")
        self.component = TemplateComponent(self.logical, "OS::Heat::ResourceGroup", self.child_opts())
        self.members: list[HeatResource] = []
        type_name = definition.get("type")
        plugin = plugin_for(type_name, self.scope, self.name)
        for index in range(count):
            props = _substitute(definition.get("properties") or {}, {p["index_var"]: index})
            member_name = f"{self.name}-{index}"
            member = plugin(member_name, type_name, props, self.scope, definition=definition, depends_on=[],
                            opts=pulumi.ResourceOptions(parent=self.component))
            member.build()
            self.members.append(member)
        self.resources.append(self.component)
        self.component.register_outputs({})
        group_policy_note(self, self.definition.get("update_policy") or self.definition.get("UpdatePolicy"))

    def refs(self) -> Any:
        return [m.ref() for m in self.members]

    def refs_map(self) -> Any:
        return {str(i): m.ref() for i, m in enumerate(self.members)}

    def attribute(self, name: str, path: list[Any]) -> Any:
        if name in self.ATTRIBUTES:
            return super().attribute(name, path)
        if name.startswith("resource."):
            parts = name.split(".")
            member = self.members[int(parts[1])]
            return member.attribute(parts[2], path) if len(parts) > 2 else member.ref()
        if name == "attributes":
            return {str(i): m.attribute(str(path[0]), path[1:]) for i, m in enumerate(self.members)}
        return [m.attribute(name, path) for m in self.members]



@register
class AutoScalingGroup(ResourceGroup):
    """A fixed group of `desired_capacity` (else `min_size`) members: nothing scales it under Pulumi."""

    TYPES = ("OS::Heat::AutoScalingGroup",)
    PROPERTIES = {"resource": Prop(required=True), "min_size": Prop(required=True), "max_size": Prop(required=True),
                  "desired_capacity": Prop(), "cooldown": Prop(ignored="nothing scales the group"),
                  "rolling_updates": Prop()}
    ATTRIBUTES = {"refs": "refs", "refs_map": "refs_map", "current_size": "size"}

    def build(self) -> None:
        from openstack_stacks import report
        p = self.props
        from openstack_stacks import limits

        field = "desired_capacity" if p["desired_capacity"] is not None else "min_size"
        size = limits.count(p[field], what=field, file=self.scope.path, resource=self.name, field=field)
        self.props = {"count": size, "resource_def": p["resource"], "index_var": "%index%", "removal_policies": []}
        super().build()
        group_policy_note(self, {"rolling_updates": p["rolling_updates"]} if p["rolling_updates"] else None,
                          "the property")
        report.note(f"autoscaling group '{self.logical}' is a fixed group of {size} member(s) "
                    f"('{self.logical}-0'...): change desired_capacity in the template to scale it")

    def size(self) -> Any:
        return len(self.members)

    def attribute(self, name: str, path: list[Any]) -> Any:
        if name == "outputs_list":
            return [m.attribute(str(path[0]), path[1:]) for m in self.members]
        if name == "outputs":
            return {m.logical: m.attribute(str(path[0]), path[1:]) for m in self.members}
        return super().attribute(name, path)


@register
class ScalingPolicy(HeatResource):
    """No alarm service drives Pulumi: the webhook URL is a documented no-op."""

    TYPES = ("OS::Heat::ScalingPolicy",)
    PROPERTIES = {"adjustment_type": Prop(required=True), "auto_scaling_group_id": Prop(required=True),
                  "scaling_adjustment": Prop(required=True), "cooldown": Prop(), "min_adjustment_step": Prop()}
    ATTRIBUTES = {"alarm_url": "url", "signal_url": "url"}
    REF = "url"

    def build(self) -> None:
        from openstack_stacks import report
        report.note(f"scaling policy '{self.logical}' does nothing under Pulumi: its alarm_url is {self.url()}")

    def url(self) -> str:
        return f"noop://heat-scaling-policy/{self.logical}"


@register
class HeatStack(HeatResource):
    """OS::Heat::Stack: a template given as text (or get_file) built in place, as a nested template is.

    `context: {region_name: R}` sends its resources, and every lookup inside, to an explicit openstack provider
    for region R (components.regions.region_provider) where Heat would create the stack through R's Heat API.
    """

    TYPES = ("OS::Heat::Stack",)
    PROPERTIES = {"template": Prop(required=True), "parameters": Prop(default={}), "context": Prop(default={}),
                  "timeout": Prop(ignored="Pulumi has no stack timeout (each resource has the provider's own)")}
    ATTRIBUTES = {"outputs": "all_outputs", "stack_name": "stack_name"}
    REF = "stack_id"
    CONTEXT = ("region_name", "insecure")

    def build(self) -> None:
        from components.regions import region_provider
        from openstack_stacks.stackfile.loader import parse_text

        build_template, outputs_of = self.scope.nesting.build_template, self.scope.nesting.outputs_of

        p = self.props
        context = p["context"] or {}
        if not isinstance(context, dict):
            raise self.fail("context must be a mapping", field="context")
        unsupported = sorted(set(context) - set(self.CONTEXT))
        if unsupported:
            raise self.fail(f"context {', '.join(unsupported)} is not supported: the stack's resources use the "
                            "stack's own openstack credentials (only region_name and insecure apply)",
                            field="context")
        if not isinstance(p["template"], str):
            raise self.fail("template must be the template's text (inline or get_file)", field="template")
        label = f"{self.scope.path}#{self.name}"
        tpl = templates.parse(parse_text(p["template"], label).keep_last(), label)
        extra: dict[str, Any] = {}
        self.provider = None
        region = context.get("region_name")
        if region is not None or context.get("insecure") is not None:
            provider_opts = pulumi.ResourceOptions(parent=self.opts.parent)
            self.provider = region_provider(f"{self.logical}-provider", str(region) if region else None,
                                            provider_opts, insecure=context.get("insecure"))
            extra["providers"] = [self.provider]
        self.component = TemplateComponent(self.logical, label, self.child_opts(**extra))
        if not isinstance(p["parameters"], dict):
            raise self.fail("parameters must be a mapping", field="parameters")
        self.child = build_template(tpl, dict(p["parameters"]), stack_name=self.logical, prefix=self.logical,
                                    environment=self.scope.environment,
                                    opts=pulumi.ResourceOptions(parent=self.component), depth=self.scope.depth + 1)
        self.outputs = outputs_of(self.child)
        self.resources.append(self.component)
        self.component.register_outputs({})

    def stack_id(self) -> Any:
        return self.component.urn

    def all_outputs(self) -> Any:
        return dict(self.outputs)

    def stack_name(self) -> str:
        return self.logical
