"""OS::Heat::SoftwareDeployment of `script` / `Heat::Ungrouped` configs: run once at the server's first boot.

Heat hands a deployment to an in-image agent (os-collect-config + hooks) after the server exists and waits for
its signal. Here a deployment becomes a user data part of its server (user_data_format SOFTWARE_CONFIG): a
shell script that sets the inputs as environment variables (plus deploy_server_id, deploy_action=CREATE,
heat_outputs_path) as the script hook does, runs the config, keeps deploy_stdout, deploy_stderr,
deploy_status_code and outputs under /var/lib/heat-deployments/<name>/, and signals the result over the
console channel (userdata.signals). The deployment resource is a BootWait on that signal: its attributes
(deploy_stdout, deploy_stderr, deploy_status_code and the config's declared outputs) are the real values, a
non-zero status code fails it, and what depends on it waits for it. An input naming an attribute of the
deployment's own server (its addresses, its name) is computed on the instance at boot.
"""

from __future__ import annotations

import hashlib
import json
import re
import shlex
from typing import TYPE_CHECKING, Any

from components.boot_wait import BootWait, BootWaitArgs
from components.errors import StackError
from openstack_stacks import report
from openstack_stacks.heat.functions import resolve
from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.resources.config import ConfigValue
from openstack_stacks.heat.resources.wait import handle_id
from openstack_stacks.heat.values import lift
from userdata import Part, signals, templates

if TYPE_CHECKING:
    from openstack_stacks.heat.scope import Scope

TYPES = ("OS::Heat::SoftwareDeployment", "OS::Heat::StructuredDeployment")
GROUPS = ("script", "Heat::Ungrouped")
STATE_DIR = "/var/lib/heat-deployments"
DEPLOY_SIGNAL = "deploy_signal.py"
DEFAULT_TIMEOUT = 3600  # Heat bounds a deployment by the stack timeout (60 min by default)
RESULT_ATTRIBUTES = ("deploy_stdout", "deploy_stderr", "deploy_status_code")
# Attributes of its own server a deployment input may name: computed on the instance at boot.
_OWN = re.compile(r"@@OWN:(nic:\d+|name)@@")
OWN_ADDRESS = ("first_address", "accessIPv4", "PrivateIp", "PrivateDnsName")
OWN_NETWORKS = ("networks", "addresses")
OWN_NAME = ("name", "instance_name")


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


def deploy_handle(scope: Scope, name: str) -> str:
    return handle_id("deploy-" + scope.logical_name(name))


def _own_marker(server: HeatResource, attr: Any, path: list[Any], deployment: str) -> str:
    """The boot-time placeholder for `get_attr: [own server, attr, *path]`."""
    names = list(getattr(server, "network_names", []))
    if attr in OWN_ADDRESS and not path:
        return "@@OWN:nic:0@@"
    if attr in OWN_NETWORKS and len(path) == 2 and path[0] in names and path[1] == 0:
        return f"@@OWN:nic:{names.index(path[0])}@@"
    if attr in OWN_NAME and not path:
        return "@@OWN:name@@"
    raise StackError(f"input names {attr!r}{''.join(f'[{p!r}]' for p in path)} of the deployment's own server: "
                     "only its addresses (first_address, networks/<name>/0) and name are known at its boot",
                     file=server.scope.path, resource=deployment)


def own_attributes(value: Any, server: HeatResource, deployment: str) -> Any:
    """`value` with get_attr / Fn::GetAtt on the deployment's own server replaced by boot-time markers."""
    if isinstance(value, dict) and len(value) == 1:
        (key, args), = value.items()
        if key in ("get_attr", "Fn::GetAtt") and isinstance(args, list) and args and args[0] == server.name:
            return _own_marker(server, args[1] if len(args) > 1 else None, list(args[2:]), deployment)
    if isinstance(value, dict):
        return {k: own_attributes(v, server, deployment) for k, v in value.items()}
    if isinstance(value, list):
        return [own_attributes(v, server, deployment) for v in value]
    return value


def _own_command(key: str) -> str:
    if key == "name":
        return "$(hostname)"
    nic = int(key.split(":")[1])
    # the NIC's first global IPv4 address; NICs come up in port order (eth0, eth1, ...)
    return ("$(ip -o -4 addr show scope global 2>/dev/null | awk '!seen[$2]++ {split($4, a, \"/\"); print a[1]}'"
            f" | sed -n '{nic + 1}p')")


def _export(key: str, value: Any) -> str:
    text = "" if value is None else str(value)
    if not _OWN.search(text):
        return f"export {key}={shlex.quote(text)}"
    out, last = [], 0
    for match in _OWN.finditer(text):
        literal = text[last:match.start()]
        out.append(re.sub(r'(["$`\\])', r"\\\1", literal))
        out.append(_own_command(match[1]))
        last = match.end()
    out.append(re.sub(r'(["$`\\])', r"\\\1", text[last:]))
    return f'export {key}="{"".join(out)}"'


def _fill_inputs(data: Any, values: dict[str, Any]) -> Any:
    if isinstance(data, dict) and set(data) == {"get_input"}:
        return values.get(str(data["get_input"]))
    if isinstance(data, dict):
        return {k: _fill_inputs(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [_fill_inputs(v, values) for v in data]
    return data


def _signal(name: str, handle: str, outputs: tuple[str, ...]) -> str:
    """Shell lines that signal the deployment's result over the console (python3 for the full result; a
    status-code-only signal where the image has no python3)."""
    program = templates.template(DEPLOY_SIGNAL)
    marker = "HEAT_SIGNAL_" + hashlib.sha256(program.encode()).hexdigest()[:12]
    args = " ".join(shlex.quote(a) for a in (name, *outputs))
    return (f"code=$(cat \"$d/deploy_status_code\")\n"
            f"if command -v python3 >/dev/null 2>&1; then\n"
            f"cat > \"$d/deploy_signal.py\" <<'{marker}'\n{program}{marker}\n"
            f"python3 \"$d/deploy_signal.py\" \"$d\" \"$code\" {args} > \"$d/signal.json\"\n"
            f"else\n"
            f"if [ \"$code\" = 0 ]; then s=SUCCESS; else s=FAILURE; fi\n"
            f"printf '{{\"status\": \"%s\", \"id\": \"%s\", \"reason\": \"status code %s\", \"data\": "
            f"{{\"deploy_status_code\": %s}}}}' \"$s\" {shlex.quote(name)} \"$code\" \"$code\" > \"$d/signal.json\"\n"
            f"fi\n"
            f"{signals.shell_command(handle)} --data-binary \"@$d/signal.json\"\n")


def _structured(name: str, config: ConfigValue, values: dict[str, Any], handle: str) -> str:
    if config.group != "Heat::Ungrouped":
        raise StackError(f"structured deployment '{name}': config group '{config.group}' needs an in-image hook",
                         resource=name)
    env = {key: default for key, default in config.inputs}
    env.update(values)
    data = json.dumps(_fill_inputs(config.structured, env), sort_keys=True, indent=1)
    marker = "HEAT_CONFIG_" + hashlib.sha256(data.encode()).hexdigest()[:12]
    return (f"#!/bin/sh\n# Heat structured deployment '{name}' of config '{config.name}': data only, no hook "
            f"applies it\nd={STATE_DIR}/{name}\nmkdir -p \"$d\"\numask 077\n"
            f"cat > \"$d/config.json\" <<'{marker}'\n{data}\n{marker}\n"
            f"echo 0 > \"$d/deploy_status_code\"\n{_signal(name, handle, ())}")


def _script(name: str, config: ConfigValue, values: dict[str, Any], handle: str) -> str:
    if config.structured is not None:
        return _structured(name, config, values, handle)
    if config.group not in GROUPS:
        raise StackError(f"software deployment '{name}': config group '{config.group}' needs an in-image hook "
                         f"(supported: {', '.join(GROUPS)})", resource=name)
    body = config.text()
    marker = "HEAT_CONFIG_" + hashlib.sha256(body.encode()).hexdigest()[:12]
    state = f"{STATE_DIR}/{name}"
    env = {key: default for key, default in config.inputs}
    env.update(values)
    exports = "\n".join(_export(k, v) for k, v in sorted(env.items()))
    return (f"#!/bin/sh\n# Heat software deployment '{name}' of config '{config.name}', run once at first boot\n"
            f"d={state}\nmkdir -p \"$d\"\ncat > \"$d/config\" <<'{marker}'\n{body}"
            f"{'' if body.endswith(chr(10)) else chr(10)}{marker}\nchmod 700 \"$d/config\"\n{exports}\n"
            "export deploy_server_id=\"$(cat /var/lib/cloud/data/instance-id 2>/dev/null)\"\n"
            "export deploy_action=CREATE heat_outputs_path=\"$d/outputs\"\n"
            "\"$d/config\" > \"$d/deploy_stdout\" 2> \"$d/deploy_stderr\"\necho $? > \"$d/deploy_status_code\"\n"
            f"{_signal(name, handle, config.outputs)}")


def deployment_parts(server: HeatResource) -> Any:
    """User data parts for the deployments of `server` (an Output when inputs are Outputs)."""
    found = deployments_of(server.scope, server.name)
    if not found:
        return ()
    parts = []
    for name, props in found:
        server.scope.where = name
        config = resolve(props.get("config"), server.scope)
        values = resolve(own_attributes(props.get("input_values") or {}, server, name), server.scope)
        handle = deploy_handle(server.scope, name)
        parts.append(lift(lambda c, v, n=name, h=handle: Part(_script(n, c, v, h), "x-shellscript", f"deploy-{n}"),
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
    wait: BootWait | None = None

    def build(self) -> None:
        servers = [r for r in self.scope.resources.values() if getattr(r, "deployed", None) and
                   self.name in r.deployed]
        if not servers:
            raise self.fail("the deployment's server must be an OS::Nova::Server of this template "
                            "(server: {get_resource: ...}) with user_data_format SOFTWARE_CONFIG")
        server = servers[0]
        if self.type_name == "OS::Heat::StructuredDeployment":
            report.note(f"structured deployment '{self.logical}': its data is written to {self.state_dir()}/"
                        "config.json at the first boot of its server; no in-image hook applies it")
        else:
            report.note(f"software deployment '{self.logical}' runs once at the first boot of its server (user "
                        f"data part deploy-{self.name}) and signals its result over the console; pulumi up "
                        "waits for it")
        secrets = [p.value for p in self.scope.parameters.values() if p.secret]
        self.wait = BootWait(self.logical, BootWaitArgs(
            server_ids=[server.server.instance.id], handle=deploy_handle(self.scope, self.name), count=1,
            timeout=DEFAULT_TIMEOUT, secrets=secrets,
            description=f"{self.type_name} {self.name} on {server.name}: its result signal"),
            opts=self.child_opts())
        self.resources.append(self.wait)

    def state_dir(self) -> str:
        return f"{STATE_DIR}/{self.name}"

    def attribute(self, name: str, path: list[Any]) -> Any:
        key = self.name

        def pick(data: str) -> Any:
            result = json.loads(data or "{}").get(key)
            value = result.get(name) if isinstance(result, dict) else None
            if value is None and name in RESULT_ATTRIBUTES:
                return "" if name != "deploy_status_code" else None
            return value

        return lift(pick, self.wait.data) if self.wait is not None else None
