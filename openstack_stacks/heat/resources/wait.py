"""Wait conditions through the console signal channel (userdata.signals, components.boot_wait).

A handle needs no Heat endpoint. Its Ref / `endpoint` is `https://signal.invalid/openstack-stacks/v1/<handle>`:
heat-cfntools' `cfn-signal ... URL` and a script's `curl ... URL` run unchanged, and the curl shim the user
data installs (the `signal-hook.sh` boothook, added whenever the user data names such a URL) turns the call
into a framed line on the serial console. Its `curl_cli` is a self-contained `sh -c '...'` line that does the
same with nothing installed (RAW user data): `wc_notify --data-binary '{"status": "SUCCESS"}'` works as is.

A wait condition becomes a `BootWait` on the servers whose user data refers to its handle (directly or through
a config): `pulumi up` waits at it until `count` signals arrived or `timeout` passed, and fails on a FAILURE
signal. Its `data` / `Data` (and get_attr on it) is the real data as an Output, so a server whose user data
is built from it, and anything that `depends_on` it, waits for the boot.
"""

from __future__ import annotations

import re
from typing import Any

from components.boot_wait import BootWait, BootWaitArgs
from openstack_stacks import report
from openstack_stacks.heat.resources.base import HeatResource, Prop, register
from openstack_stacks.heat.values import has_output
from userdata import signals

HANDLES = ("OS::Heat::WaitConditionHandle", "AWS::CloudFormation::WaitConditionHandle")
WAITS = ("OS::Heat::WaitCondition", "AWS::CloudFormation::WaitCondition")
SERVERS = ("OS::Nova::Server", "AWS::EC2::Instance")
TOKEN = "openstack-stacks-console-signal"


def handle_id(logical: str) -> str:
    """The handle's name on the console: the logical name, in the characters a frame allows (<= 64)."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "-", logical)[-64:]
    return cleaned or "handle"


def handle_of(body: dict[str, Any], properties_key: str) -> str | None:
    """The handle a wait condition names (`handle: {get_resource: h}` / `Handle: {Ref: h}`)."""
    props = body.get(properties_key) or {}
    ref = props.get("handle", props.get("Handle")) if isinstance(props, dict) else None
    if isinstance(ref, dict):
        target = ref.get("get_resource", ref.get("Ref"))
        return target if isinstance(target, str) else None
    return None


def signallers(deps: dict[str, set[str]], types: dict[str, Any], handle: str) -> list[str]:
    """Servers whose definition refers to `handle`, directly or through what they refer to."""
    out = []
    for name, kind in types.items():
        if kind not in SERVERS:
            continue
        seen, todo = set(), [name]
        while todo:
            current = todo.pop()
            for dep in deps.get(current, ()):
                if dep not in seen and types.get(dep) not in WAITS + SERVERS:
                    seen.add(dep)
                    todo.append(dep)
        if handle in seen:
            out.append(name)
    return out


@register
class WaitConditionHandle(HeatResource):
    TYPES = HANDLES
    NOT_IN_CLOUD = "a signal address on the instance's console: nothing in the cloud to import"
    PROPERTIES = {"signal_transport": Prop(ignored="signals travel over the console log (userdata.signals)")}
    ATTRIBUTES = {"curl_cli": "curl_cli", "endpoint": "url", "token": "token", "signal": "signal"}
    REF = "url"

    def build(self) -> None:
        pass

    def handle(self) -> str:
        return handle_id(self.logical)

    def url(self) -> str:
        return signals.signal_url(self.handle())

    def curl_cli(self) -> str:
        return signals.shell_command(self.handle())

    def token(self) -> str:
        return TOKEN

    def signal(self) -> dict[str, Any]:
        return {"alarm_url": self.url()}


@register
class WaitCondition(HeatResource):
    TYPES = WAITS
    NOT_IN_CLOUD = 'a boot wait (components.boot_wait): nothing in the cloud to import; it waits for signals again'
    PROPERTIES = {"handle": Prop(), "timeout": Prop(), "count": Prop(),
                  "Handle": Prop(), "Timeout": Prop(), "Count": Prop()}
    ATTRIBUTES = {"data": "data", "Data": "data"}
    REF = "data"
    wait: BootWait | None = None

    def _number(self, key: str, default: int | None) -> int:
        value = self.props.get(key.lower())
        value = self.props.get(key) if value is None else value
        if value is None and default is not None:
            return default
        if value is None or has_output(value):
            raise self.fail(f"{self.type_name}: '{key.lower()}' must be a number", field=key.lower())
        try:
            return int(float(value))
        except (TypeError, ValueError):
            raise self.fail(f"{self.type_name}: '{key.lower()}' must be a number, not {value!r}",
                            field=key.lower()) from None

    def build(self) -> None:
        s = self.scope.template.sections
        handle_name = handle_of(self.definition, s.properties)
        handle = self.scope.resources.get(handle_name) if handle_name else None
        if not isinstance(handle, WaitConditionHandle):
            raise self.fail(f"{self.type_name}: 'handle' must name a wait condition handle of this template",
                            field="handle")
        timeout, count = self._number("Timeout", None), self._number("Count", 1)
        resources = self.scope.template.section("resources")
        types = {n: b.get(s.type) for n, b in resources.items() if isinstance(b, dict)}
        names = signallers(self.scope.deps, types, handle_name)
        servers = [self.scope.resources[n] for n in names if getattr(self.scope.resources.get(n), "server", None)]
        if not servers:
            report.note(f"wait condition '{self.logical}': no server of this template signals handle "
                        f"'{handle_name}', so nothing waits for it")
            return
        secrets = [p.value for p in self.scope.parameters.values() if p.secret]
        self.wait = BootWait(self.logical, BootWaitArgs(
            server_ids=[r.server.instance.id for r in servers], handle=handle.handle(), count=count,
            timeout=timeout, secrets=secrets,
            description=f"{self.type_name} {self.name}: {count} signal(s) from {', '.join(names)}"),
            opts=self.child_opts())
        self.resources.append(self.wait)

    def data(self) -> Any:
        return self.wait.data if self.wait is not None else "{}"
