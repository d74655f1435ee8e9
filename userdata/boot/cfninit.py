"""Check what heat-cfntools' ``cfn-init`` made of ``AWS::CloudFormation::Init`` in ``cfn-init-data``.

The harness does not run cfn-init itself: as on a Heat server, the user's script calls
``/opt/aws/bin/cfn-init``, which without a stack or credentials reads the part handler's
``/var/lib/heat-cfntools/cfn-init-data``. This module compares the declared files and commands with
the booted image and ``/var/log/cfn-init.log``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from userdata.boot.report import HEAT_DIR, CfnInitReport, DeclaredFile, FileReport

INIT_KEY = "AWS::CloudFormation::Init"
CFN_INIT_LOG = "/var/log/cfn-init.log"
# heat_cfntools/cfntools/cfn_helper.py CommandsHandler: "<label> is being processed"
_PROCESSED = re.compile(r"^DEBUG \[[^\]]+\] (?P<label>.+) is being processed$")
_SERVICE = re.compile(r"^INFO \[[^\]]+\] (?:Enabling|Starting|Restarting) service (?P<name>\S+)$")
_LEVEL = re.compile(r"^(?P<level>[A-Z]+) \[[^\]]+\] (?P<msg>.*)$")


def config_names(init: dict[str, Any], configset: str = "default") -> list[str]:
    """The config sections cfn-init runs, in order (configSets ``default``, else ``config``)."""
    sets = init.get("configSets")
    if not isinstance(sets, dict) or configset not in sets:
        return ["config"]
    names: list[str] = []
    for item in sets[configset]:
        if isinstance(item, dict) and "ConfigSet" in item:
            names += config_names(init, item["ConfigSet"])
        else:
            names.append(str(item))
    return names


def _content_ok(spec: dict[str, Any], data: bytes) -> bool | None:
    content = spec.get("content")
    if content is None:
        return None
    if isinstance(content, str):
        return data == content.encode()
    try:
        return json.loads(data) == content
    except ValueError:
        return False


def _owner(spec: dict[str, Any]) -> str | None:
    if "owner" not in spec and "group" not in spec:
        return None
    return f"{spec.get('owner', 'root')}:{spec.get('group', 'root')}"


def installed_packages(upper: Path) -> set[str]:
    """Packages dpkg records as installed, when the boot changed its status file."""
    status = upper / "var/lib/dpkg/status"
    if not status.is_file():
        return set()
    found = set()
    for stanza in status.read_text(errors="replace").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line and line[0] != " ")
        if fields.get("Status") == "install ok installed" and "Package" in fields:
            found.add(fields["Package"])
    return found


def cfn_init_report(upper: Path, stat_file: Callable[[str], FileReport | None]) -> CfnInitReport | None:
    """None when the server got no ``cfn-init-data``; else what cfn-init did with it."""
    data_file = upper / HEAT_DIR.lstrip("/") / "cfn-init-data"
    if not data_file.is_file():
        return None
    log_file = upper / CFN_INIT_LOG.lstrip("/")
    log = log_file.read_text(errors="replace") if log_file.is_file() else ""
    report = CfnInitReport(ran=log_file.is_file(), log=log)
    try:
        init = json.loads(data_file.read_text()).get(INIT_KEY)
    except (ValueError, AttributeError):
        init = None
    if not isinstance(init, dict):
        report.errors.append(f"cfn-init-data holds no {INIT_KEY} map")
        return report
    for name in config_names(init):
        config = init.get(name) or {}
        for path, spec in sorted((config.get("files") or {}).items()):
            found = stat_file(path)
            content_ok = None
            if found is not None:
                content_ok = _content_ok(spec, (upper / path.lstrip("/")).read_bytes())
            report.files.append(DeclaredFile(path, spec.get("mode"), _owner(spec), found, content_ok))
        report.commands += sorted(config.get("commands") or {})
        report.packages += sorted((config.get("packages") or {}).get("apt") or {})
        for manager in ("sysvinit", "systemd"):
            report.services += sorted((config.get("services") or {}).get(manager) or {})
    installed = installed_packages(upper)
    report.packages_installed = [p for p in report.packages if p in installed]
    for line in log.splitlines():
        processed = _PROCESSED.match(line)
        if processed:
            report.commands_run.append(processed.group("label"))
        service = _SERVICE.match(line)
        if service and service.group("name") not in report.services_started:
            report.services_started.append(service.group("name"))
        level = _LEVEL.match(line)
        if level and level.group("level") in ("ERROR", "CRITICAL"):
            report.errors.append(level.group("msg"))
    return report
