"""Wait conditions: Pulumi has no inbound signal endpoint, so handles resolve to a documented no-op.

A handle's URL is `noop://heat-wait-condition/<name>` and its `curl_cli` is `true`: a template's
`wc_notify --data-binary '{...}'` or `cfn-signal ... '<url>'` line then does nothing (`cfn-signal` reports a
failed signal, which no one waits for). The wait condition is a dependency only: whatever depends on it
waits for what it depends on (usually the server being created), not for the instance to finish booting.
Each one is reported in the render notes.
"""

from __future__ import annotations

from typing import Any

from openstack_stacks import report
from openstack_stacks.heat.resources.base import HeatResource, Prop, register

NOOP_URL = "noop://heat-wait-condition/{name}"


@register
class WaitConditionHandle(HeatResource):
    TYPES = ("OS::Heat::WaitConditionHandle", "AWS::CloudFormation::WaitConditionHandle")
    PROPERTIES = {"signal_transport": Prop(ignored="no signal endpoint in Pulumi")}
    ATTRIBUTES = {"curl_cli": "curl_cli", "endpoint": "url", "token": "token", "signal": "signal"}
    REF = "url"

    def build(self) -> None:
        report.note(f"wait condition handle '{self.logical}' has no signal endpoint under Pulumi: its URL is "
                    f"{self.url()} and its curl_cli is 'true', so signals sent by the instance are no-ops")

    def url(self) -> str:
        return NOOP_URL.format(name=self.logical)

    def curl_cli(self) -> str:
        return "true"

    def token(self) -> str:
        return ""

    def signal(self) -> dict[str, Any]:
        return {"alarm_url": self.url()}


@register
class WaitCondition(HeatResource):
    TYPES = ("OS::Heat::WaitCondition", "AWS::CloudFormation::WaitCondition")
    PROPERTIES = {"handle": Prop(), "timeout": Prop(), "count": Prop(default=1),
                  "Handle": Prop(), "Timeout": Prop(), "Count": Prop(default=1)}
    ATTRIBUTES = {"data": "data", "Data": "data"}
    REF = "data"

    def build(self) -> None:
        report.note(f"wait condition '{self.logical}' is a no-op dependency: Pulumi cannot receive the signal, "
                    "so resources that depend on it wait only for what it depends on, not for the "
                    "instance to finish booting")

    def data(self) -> str:
        return "{}"
