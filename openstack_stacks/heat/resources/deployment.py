"""OS::Heat::SoftwareDeployment of `script` / `Heat::Ungrouped` configs: run once at the server's first boot.

Heat hands a deployment to an in-image agent (os-collect-config + hooks) after the server exists and waits for
its signal. Pulumi has neither the metadata service nor the signal, so a deployment becomes a user data part of
its server (user_data_format SOFTWARE_CONFIG): a shell script that sets the inputs as environment variables
(plus deploy_server_id, deploy_action=CREATE, heat_outputs_path) as the script hook does, runs the config and
keeps deploy_stdout, deploy_stderr, deploy_status_code and outputs under /var/lib/heat-deployments/<name>/.
Its outputs cannot flow back into the template; a changed input changes the server's user data.
"""

from __future__ import annotations

import hashlib
import shlex
from typing import TYPE_CHECKING, Any

from components.errors import StackError
from openstack_stacks import report
from openstack_stacks.heat.functions import resolve
from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.resources.config import ConfigValue
from openstack_stacks.heat.values import lift
from userdata import Part

if TYPE_CHECKING:
    from openstack_stacks.heat.scope import Scope

TYPES = ("OS::Heat::SoftwareDeployment", "OS::Heat::StructuredDeployment")
GROUPS = ("script", "Heat::Ungrouped")
STATE_DIR = "/var/lib/heat-deployments"


def deployments_of(scope: Scope, server: str) -> list[tuple[str, dict[str, Any]]]:
    """(name, properties) of the template's deployments whose `server` is `{get_resource: server}`."""
    s = scope.template.sections
    out = []
    for name, body in scope.template.section("resources").items():
        if isinstance(body, dict) and body.get(s.type) in TYPES:
            props = body.get(s.properties) or {}
            if props.get("server") == {"get_resource": server}:
                out.append((name, props))
    return out


def _fill_inputs(data: Any, values: dict[str, Any]) -> Any:
    if isinstance(data, dict) and set(data) == {"get_input"}:
        return values.get(str(data["get_input"]))
    if isinstance(data, dict):
        return {k: _fill_inputs(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [_fill_inputs(v, values) for v in data]
    return data


def _structured(name: str, config: ConfigValue, values: dict[str, Any]) -> str:
    import json

    if config.group != "Heat::Ungrouped":
        raise StackError(f"structured deployment '{name}': config group '{config.group}' needs an in-image hook",
                         resource=name)
    env = {key: default for key, default in config.inputs}
    env.update(values)
    data = json.dumps(_fill_inputs(config.structured, env), sort_keys=True, indent=1)
    marker = "HEAT_CONFIG_" + hashlib.sha256(data.encode()).hexdigest()[:12]
    return (f"#!/bin/sh\n# Heat structured deployment '{name}' of config '{config.name}': data only, no hook "
            f"applies it\nd={STATE_DIR}/{name}\nmkdir -p \"$d\"\numask 077\n"
            f"cat > \"$d/config.json\" <<'{marker}'\n{data}\n{marker}\n")


def _script(name: str, config: ConfigValue, values: dict[str, Any]) -> str:
    if config.structured is not None:
        return _structured(name, config, values)
    if config.group not in GROUPS:
        raise StackError(f"software deployment '{name}': config group '{config.group}' needs an in-image hook "
                         f"(supported: {', '.join(GROUPS)})", resource=name)
    body = config.text()
    marker = "HEAT_CONFIG_" + hashlib.sha256(body.encode()).hexdigest()[:12]
    state = f"{STATE_DIR}/{name}"
    env = {key: default for key, default in config.inputs}
    env.update(values)
    exports = "\n".join(f"export {k}={shlex.quote('' if v is None else str(v))}" for k, v in sorted(env.items()))
    return (f"#!/bin/sh\n# Heat software deployment '{name}' of config '{config.name}', run once at first boot\n"
            f"d={state}\nmkdir -p \"$d\"\ncat > \"$d/config\" <<'{marker}'\n{body}"
            f"{'' if body.endswith(chr(10)) else chr(10)}{marker}\nchmod 700 \"$d/config\"\n{exports}\n"
            "export deploy_server_id=\"$(cat /var/lib/cloud/data/instance-id 2>/dev/null)\"\n"
            "export deploy_action=CREATE heat_outputs_path=\"$d/outputs\"\n"
            "\"$d/config\" > \"$d/deploy_stdout\" 2> \"$d/deploy_stderr\"\necho $? > \"$d/deploy_status_code\"\n")


def deployment_parts(server: HeatResource) -> Any:
    """User data parts for the deployments of `server` (an Output when inputs are Outputs)."""
    found = deployments_of(server.scope, server.name)
    if not found:
        return ()
    parts = []
    for name, props in found:
        server.scope.where = name
        config = resolve(props.get("config"), server.scope)
        values = resolve(props.get("input_values") or {}, server.scope)
        parts.append(lift(lambda c, v, n=name: Part(_script(n, c, v), "x-shellscript", f"deploy-{n}"),
                          config, values))
    server.scope.where = server.name
    return lift(tuple, parts)


@register
class SoftwareDeployment(HeatResource):
    TYPES = TYPES
    PROPERTIES = {"config": Prop(), "server": Prop(required=True), "input_values": Prop(default={}),
                  "actions": Prop(default=["CREATE", "UPDATE"]), "name": Prop(),
                  "signal_transport": Prop(), "options": Prop(), "input_key": Prop(),
                  "input_values_validate": Prop()}
    REF = "state_dir"

    def build(self) -> None:
        if not any(r for r in self.scope.resources.values() if getattr(r, "deployed", None) and
                   self.name in r.deployed):
            raise self.fail("the deployment's server must be an OS::Nova::Server of this template "
                            "(server: {get_resource: ...}) with user_data_format SOFTWARE_CONFIG")
        if self.type_name == "OS::Heat::StructuredDeployment":
            report.note(f"structured deployment '{self.logical}': its data is written to {self.state_dir()}/"
                        "config.json at the first boot of its server; no in-image hook applies it")
            return
        report.note(f"software deployment '{self.logical}' runs once at the first boot of its server (user data "
                    f"part deploy-{self.name}); its outputs stay on the server in {self.state_dir()}")

    def state_dir(self) -> str:
        return f"{STATE_DIR}/{self.name}"

    def attribute(self, name: str, path: list[Any]) -> Any:
        return f"unavailable under Pulumi: see {self.state_dir()}/{name} on the server"
