"""Build one template: resolve parameters, order resources by dependency, run each type's plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi

from components.errors import StackError
from openstack_stacks import report
from openstack_stacks.heat.environment import Environment
from openstack_stacks.heat.functions import resolve
from openstack_stacks.heat.implicit import add_implicit
from openstack_stacks.heat.parameters import resolve_parameters
from openstack_stacks.heat.resources.base import REGISTRY, HeatResource
from openstack_stacks.heat.resources.nested import NestedTemplate
from openstack_stacks.heat.scope import Nesting, Scope
from openstack_stacks.heat.template import Template
from openstack_stacks.heat.values import BUILDING

MAX_DEPTH = 5
# Python errors that reach the builder from bad input that no check caught yet (StackError is a ValueError
# but is never caught here: it already names the resource).
INTERNAL = (TypeError, IndexError, KeyError, AttributeError, ArithmeticError)
DEPLOYMENTS = ("OS::Heat::SoftwareDeployment", "OS::Heat::StructuredDeployment")  # Heat's max_nested_stack_depth


def references(value: Any, fmt: str) -> set[str]:
    """Names of resources a template value refers to (get_resource/get_attr, Ref/Fn::GetAtt)."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, arg in value.items():
            if key in ("get_resource", "Ref") and isinstance(arg, str):
                found.add(arg)
            elif key in ("get_attr", "Fn::GetAtt") and isinstance(arg, list) and arg and isinstance(arg[0], str):
                found.add(arg[0])
            found |= references(arg, fmt)
    elif isinstance(value, list):
        for item in value:
            found |= references(item, fmt)
    return found


def order(template: Template, resources: dict[str, Any]) -> list[str]:
    """Template order, each resource after everything it refers to or depends on (cycles are errors)."""
    s = template.sections
    deps: dict[str, set[str]] = {}
    for name, body in resources.items():
        if not isinstance(body, dict):
            raise StackError("a resource must be a mapping", file=template.path, resource=name)
        explicit = body.get(s.depends_on) or []
        explicit = [explicit] if isinstance(explicit, str) else list(explicit)
        for dep in explicit:
            if dep not in resources:
                raise StackError(f"depends on unknown resource {dep!r}", file=template.path, resource=name)
        refs = references({k: v for k, v in body.items() if k != s.depends_on}, template.format)
        deps[name] = {d for d in refs if d in resources} | set(explicit)
    def deployed_on(body: Any) -> str | None:
        props = body.get(s.properties) or {} if body.get(s.type) in DEPLOYMENTS else None
        target = props.get("server") if isinstance(props, dict) else None
        return target.get("get_resource") if isinstance(target, dict) else None

    for name, body in resources.items():  # a server waits for what its software deployments read
        server = deployed_on(body)
        if server in resources:
            # ... including another server's deployment they depend on (it has signalled its result then);
            # its own deployments run in its user data
            own = {n for n, b in resources.items() if deployed_on(b) == server}
            deps[server] |= {d for d in deps[name] if d not in (server, name)} - own
    add_implicit(resources, s.type, s.properties, deps)
    _wait_for_signallers(template, resources, deps)
    done: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        if name in visiting:
            raise StackError("dependency cycle", file=template.path, resource=name)
        visiting.add(name)
        for dep in sorted(deps[name], key=list(resources).index):
            visit(dep)
        visiting.discard(name)
        done.append(name)

    for name in resources:
        visit(name)
    return done, deps  # type: ignore[return-value]


def _wait_for_signallers(template: Template, resources: dict[str, Any], deps: dict[str, set[str]]) -> None:
    """A wait condition comes after the servers that signal its handle (it reads their consoles)."""
    from openstack_stacks.heat.resources.wait import WAITS, handle_of, signallers

    s = template.sections
    types = {n: b.get(s.type) for n, b in resources.items()}
    for name, body in resources.items():
        if body.get(s.type) in WAITS:
            handle = handle_of(body, s.properties)
            if handle in resources:
                deps[name] |= set(signallers(deps, types, handle))


def anchors(res: HeatResource) -> list[pulumi.Resource]:
    """What a dependent must wait for: the plugin's resources, or (a no-op plugin) what it waited for."""
    return list(res.resources) or list(res.depends_on)


def build_template(template: Template, given: dict[str, Any], *, stack_name: str, prefix: str,
                   environment: Environment, opts: pulumi.ResourceOptions | None, depth: int = 0,
                   secret_names: frozenset[str] = frozenset(), facade: dict[str, Any] | None = None) -> Scope:
    """Build every resource of `template`; returns the scope (resources and outputs resolvable from it).

    `facade` is the parent resource of a nested template (metadata, deletion_policy, update_policy), what
    resource_facade reads."""
    if depth > MAX_DEPTH:
        raise StackError(f"nested templates deeper than {MAX_DEPTH}", file=template.path)
    declared = template.section("parameters")
    values = dict(environment.parameter_defaults_for(declared)) if depth == 0 else {}
    values.update(environment.parameters if depth == 0 else {})
    values.update(given)
    params = resolve_parameters(declared, values, fmt=template.format, version=template.version,
                                path=template.path, secret_names=secret_names)
    scope = Scope(template, params, stack_name=stack_name, prefix=prefix, environment=environment)
    scope.depth = depth
    scope.facade = facade
    scope.nesting = Nesting(build_template=build_template, outputs_of=outputs_of, plugin_for=plugin_for)
    scope.opts = opts or pulumi.ResourceOptions()
    resources = template.section("resources")
    names, deps = order(template, resources)
    scope.deps = deps
    s = template.sections
    for name in names:
        body = resources[name]
        scope.where = name
        if s.condition in body and not scope.condition_value(body[s.condition]):
            continue
        type_name = body.get(s.type)
        if not isinstance(type_name, str):
            raise StackError("a resource needs a type", file=template.path, resource=name)
        plugin = plugin_for(type_name, scope, name)
        BUILDING[-1] = (template.path, name)
        try:
            properties = resolve(body.get(s.properties) or {}, scope)
            waits: list[pulumi.Resource] = []
            for dep in sorted(deps[name], key=list(resources).index):
                if dep in scope.resources:
                    waits.extend(r for r in anchors(scope.resources[dep]) if r not in waits)
            res = plugin(name, type_name, properties, scope, definition=body, depends_on=waits, opts=scope.opts)
            res.build()
        except StackError as exc:
            raise exc.with_context(file=template.path, resource=name) from None
        except (ValueError, *INTERNAL) as exc:  # a gap in a function or plugin: still one line naming the resource
            kind = "invalid value" if isinstance(exc, (ValueError, ArithmeticError)) else \
                "a value has the wrong type or shape"
            raise StackError(f"{kind} ({' '.join(str(exc).split()) or type(exc).__name__})", file=template.path,
                             resource=name) from None
        scope.resources[name] = res
    scope.where = None
    return scope


def outputs_of(scope: Scope) -> dict[str, Any]:
    """The template's outputs (those whose condition holds), resolved."""
    out: dict[str, Any] = {}
    s = scope.template.sections
    for name, body in scope.template.section("outputs").items():
        scope.where = f"outputs.{name}"
        BUILDING[-1] = (scope.path, f"outputs.{name}")
        if not isinstance(body, dict):
            raise StackError("an output must be a mapping", file=scope.path, field=f"outputs.{name}")
        if s.condition in body and not scope.condition_value(body[s.condition]):
            continue
        try:
            out[name] = resolve(body.get(s.value), scope)
        except StackError as exc:
            if "unknown resource" not in exc.message:
                raise
            # Heat creates the stack and shows the output's error (output_error); so does this front-end.
            report.note(f"{scope.path}: output '{name}' has no value: {exc.message}")
    scope.where = None
    return out


def plugin_for(type_name: str, scope: Scope, name: str) -> type[HeatResource]:
    """The plugin for a type: registry entry, environment mapping, or a nested template file."""
    if not isinstance(type_name, str) or not type_name:
        raise StackError(f"a resource type must be a name, got {type_name!r}", file=scope.path, resource=name,
                         field="type")
    mapped = scope.environment.map_type(type_name)
    if mapped.endswith((".yaml", ".yml", ".template", ".json")):
        return NestedTemplate.for_file(str(_relative(mapped, scope, type_name)))
    if mapped in REGISTRY:
        return REGISTRY[mapped]
    raise StackError(f"resource type '{type_name}' is not supported (see docs/templates.md)",
                     file=scope.path, resource=name)


def _relative(target: str, scope: Scope, type_name: str) -> Path:
    """A nested template file, confined to the tree of the file that names it (the environment file for a
    resource_registry mapping, else the template)."""
    from openstack_stacks import files

    if "://" in target and not target.startswith("file://"):
        raise StackError(f"nested template URL {target} is not supported", file=scope.path, resource=scope.where)
    mapped = type_name != target and scope.environment.maps(type_name)
    naming = (scope.environment.file_for(type_name) if mapped else None) or scope.path
    base = Path(naming).resolve().parent if mapped else scope.template.directory
    return files.confine(target.removeprefix("file://"), base=base, file=naming, resource=scope.where,
                         field="type")
