"""`python -m components adopt HEAT_RESOURCES_JSON TEMPLATE [-p k=v ...] --out import.json`.

Moves a running Heat stack under Pulumi without recreating anything: the template is rendered offline
(the resources our program registers for it) and every Heat resource from
`openstack stack resource list --nested-depth 5 -f json` (or the Heat API's `{"resources": [...]}`)
is mapped to the resource of the same template name and type. The result is a `pulumi import --file`
document: each entry carries the type token, the Pulumi name (`logicalName`), the cloud ID and its
parent (by entry name, components included), so the imported URNs equal the program's URNs.
Resources whose cloud IDs Heat does not list (inline security group rules, router interface ports,
ports Nova created) are reported with the reason and the command that finds them.
Exit 0 when every cloud resource of the program is mapped, 3 when some are not, 1 on invalid input.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from components.errors import StackError

INSTANCE = "openstack:compute/instance:Instance"
NETWORK = "openstack:networking/network:Network"
SUBNET = "openstack:networking/subnet:Subnet"
ROUTER = "openstack:networking/router:Router"
ROUTER_IF = "openstack:networking/routerInterface:RouterInterface"
PORT = "openstack:networking/port:Port"
FIP = "openstack:networking/floatingIp:FloatingIp"
FIP_ASSOC = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
SECGROUP = "openstack:networking/secGroup:SecGroup"
RULE = "openstack:networking/secGroupRule:SecGroupRule"
VOLUME = "openstack:blockstorage/volume:Volume"
ATTACH = "openstack:compute/volumeAttach:VolumeAttach"
KEYPAIR = "openstack:compute/keypair:Keypair"
SERVER_GROUP = "openstack:compute/serverGroup:ServerGroup"

def _registry_tables() -> tuple[dict[str, str], dict[str, str]]:
    """Heat type -> the provider type our program registers under the same name, and Heat type -> why it has
    nothing in the cloud to import: both declared by the Heat resource plugins themselves."""
    from openstack_stacks.heat import resources  # noqa: F401 - importing the plugins registers them
    from openstack_stacks.heat.resources.base import REGISTRY

    primary = {t: cls.PULUMI_TYPE for t, cls in REGISTRY.items() if cls.PULUMI_TYPE}
    skipped = {t: cls.NOT_IN_CLOUD for t, cls in REGISTRY.items() if cls.NOT_IN_CLOUD}
    return primary, skipped


PRIMARY, NOT_IN_CLOUD = _registry_tables()
# Values Heat generated and kept in its own database: the program cannot know them.
HEAT_GENERATED = {
    "OS::Heat::RandomString": "its value lives in Heat's database, not in the resource list; the program's "
                              "random:index/randomPassword:RandomPassword of the same name would generate a new "
                              "one. Read it (`openstack stack resource show STACK NAME -c attributes`) and add "
                              "an entry with type random:index/randomPassword:RandomPassword, that name and "
                              "the value as its id (the random provider imports a password by value)",
}
DONE_STATES = ("CREATE_COMPLETE", "UPDATE_COMPLETE", "RESUME_COMPLETE", "CHECK_COMPLETE", "SNAPSHOT_COMPLETE",
               "ADOPT_COMPLETE", "IMPORT_COMPLETE")


@dataclass
class HeatResource:
    """One row of `openstack stack resource list -f json` (or the Heat API)."""

    name: str
    physical_id: str
    type: str
    status: str
    stack: str = ""
    path: tuple[str, ...] = ()  # template names from the top stack down (group, member, ...)


@dataclass
class Adoption:
    """The import document plus what could not be mapped and why."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    unmapped_heat: list[dict[str, str]] = field(default_factory=list)   # Heat resources without an entry
    unmapped_plan: list[dict[str, str]] = field(default_factory=list)   # program resources first `up` creates
    skipped: list[dict[str, str]] = field(default_factory=list)         # Heat resources with nothing to import
    warnings: list[str] = field(default_factory=list)

    def import_file(self) -> dict[str, Any]:
        """The `pulumi import --file` document."""
        return {"nameTable": {}, "resources": self.entries}

    @property
    def complete(self) -> bool:
        return not self.unmapped_heat and not self.unmapped_plan

    def to_dict(self) -> dict[str, Any]:
        return {"import": self.import_file(), "unmappedHeat": self.unmapped_heat,
                "unmappedProgram": self.unmapped_plan, "skipped": self.skipped, "warnings": self.warnings,
                "complete": self.complete}


# -- reading the inputs --------------------------------------------------------------------------

def parse_heat_resources(doc: Any, source: str = "HEAT_RESOURCES_JSON") -> list[HeatResource]:
    """Rows from the OSC list (`[{resource_name, physical_resource_id, resource_type, resource_status,
    stack_name}]`) or the Heat API (`{"resources": [...]}`, `logical_resource_id`, `parent_resource`)."""
    rows = doc.get("resources") if isinstance(doc, dict) else doc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise StackError("expected the JSON list printed by `openstack stack resource list -f json` "
                         "or the Heat API's {\"resources\": [...]}", file=source)
    out = []
    for i, row in enumerate(rows):
        name = row.get("resource_name") or row.get("logical_resource_id")
        rtype = row.get("resource_type")
        if not name or not rtype:
            raise StackError("row has no resource_name or resource_type", file=source, field=f"[{i}]")
        out.append(HeatResource(name=str(name), physical_id=str(row.get("physical_resource_id") or ""),
                                type=str(rtype), status=str(row.get("resource_status") or ""),
                                stack=str(row.get("stack_name") or "")))
    _assign_paths(out, rows)
    return out


def _assign_paths(resources: list[HeatResource], rows: list[dict[str, Any]]) -> None:
    """Give each row its template path: nested stacks are named `<parent stack>-<resource>-<short id>`."""
    stacks = {r.stack for r in resources}
    top = min(stacks, key=len) if stacks else ""
    by_stack: dict[str, list[HeatResource]] = {}
    for res in resources:
        by_stack.setdefault(res.stack, []).append(res)
    paths: dict[str, tuple[str, ...]] = {top: ()}

    def stack_path(stack: str, depth: int = 0) -> tuple[str, ...] | None:
        if stack in paths:
            return paths[stack]
        if depth > 10:
            return None
        for parent in sorted(stacks, key=len, reverse=True):
            if parent == stack or not stack.startswith(parent + "-"):
                continue
            rest = stack[len(parent) + 1:]
            for container in by_stack.get(parent, []):
                if re.fullmatch(re.escape(container.name) + r"-[A-Za-z0-9]+", rest):
                    parent_path = stack_path(parent, depth + 1)
                    if parent_path is not None:
                        paths[stack] = (*parent_path, container.name)
                        return paths[stack]
        return None

    for res, row in zip(resources, rows, strict=True):
        base = stack_path(res.stack) if res.stack else ()
        if base is None and row.get("parent_resource"):  # Heat API rows name their parent directly
            base = (str(row["parent_resource"]),)
        res.path = (*(base if base is not None else (res.stack,)), res.name)


def load_template(path: Path) -> dict[str, Any]:
    """The template's resources: name -> {"type", "properties"} (HOT and CFN spellings)."""
    try:
        doc = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise StackError(f"cannot read the template: {exc}", file=str(path)) from None
    if not isinstance(doc, dict):
        raise StackError("not a template (no mapping at the top)", file=str(path))
    resources = doc.get("resources") or doc.get("Resources") or {}
    return {str(name): {"type": body.get("type") or body.get("Type"),
                        "properties": body.get("properties") or body.get("Properties") or {}}
            for name, body in resources.items() if isinstance(body, dict)}


def _reference(value: Any) -> str | None:
    """The resource a property points at: {get_resource: X} / {Ref: X}."""
    if isinstance(value, dict) and len(value) == 1:
        key, target = next(iter(value.items()))
        if key in ("get_resource", "Ref") and isinstance(target, str):
            return target
    return None


def parse_rule_list(doc: Any, source: str = "RULES_JSON") -> list[dict[str, Any]]:
    """Rules from `openstack security group rule list --long -f json` or the Neutron API
    (`{"security_group_rules": [...]}`), normalised to the provider's input names."""
    rows = doc.get("security_group_rules") if isinstance(doc, dict) else doc
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise StackError("expected the JSON list printed by `openstack security group rule list --long -f json`",
                         file=source)
    out = []
    for row in rows:
        if "ID" in row:  # OSC columns; Port Range is "80:80" or ""
            low, _, high = str(row.get("Port Range") or "").partition(":")
            out.append({"id": row["ID"], "securityGroupId": row.get("Security Group"),
                        "direction": row.get("Direction"), "ethertype": row.get("Ethertype"),
                        "protocol": row.get("IP Protocol"), "portRangeMin": int(low) if low.isdigit() else None,
                        "portRangeMax": int(high or low) if (high or low).isdigit() else None,
                        "remoteIpPrefix": row.get("IP Range"), "remoteGroupId": row.get("Remote Security Group")})
        else:
            out.append({"id": row.get("id"), "securityGroupId": row.get("security_group_id"),
                        "direction": row.get("direction"), "ethertype": row.get("ethertype"),
                        "protocol": row.get("protocol"), "portRangeMin": row.get("port_range_min"),
                        "portRangeMax": row.get("port_range_max"), "remoteIpPrefix": row.get("remote_ip_prefix"),
                        "remoteGroupId": row.get("remote_group_id")})
    return out


def _rule_key(rule: dict[str, Any]) -> tuple:
    def num(value: Any) -> int | None:
        return None if value in (None, "", -1) else int(value)

    protocol = rule.get("protocol")
    return (rule.get("securityGroupId"), (rule.get("direction") or "ingress").lower(),
            (rule.get("ethertype") or "IPv4").lower(), None if protocol in (None, "", "any") else str(protocol),
            num(rule.get("portRangeMin")), num(rule.get("portRangeMax")),
            rule.get("remoteIpPrefix") or None, rule.get("remoteGroupId") or None)


# -- mapping ---------------------------------------------------------------------------------------

class _Mapper:
    def __init__(self, plan: dict[str, Any], heat: list[HeatResource], template: dict[str, Any],
                 rules: list[dict[str, Any]] | None = None) -> None:
        self.plan = plan
        self.rules = rules or []
        self.resources: list[dict[str, Any]] = plan["resources"]
        self.by_urn = {r["urn"]: r for r in self.resources}
        self.heat = heat
        self.template = template
        self.top = {h.name: h for h in heat if len(h.path) == 1}
        self.containers = {h.path[:k] for h in heat for k in range(1, len(h.path))}
        self.result = Adoption()
        self.ids: dict[str, str] = {}  # plan URN -> cloud ID to import
        self.blocked: dict[str, str] = {}  # plan URN -> why its Heat resource cannot be imported
        self.keys = self._entry_names()

    def _entry_names(self) -> dict[str, str]:
        """Unique entry names (the `name` field; parents refer to it), `logicalName` stays the Pulumi name."""
        count: dict[str, int] = {}
        for res in self.resources:
            count[res["name"]] = count.get(res["name"], 0) + 1
        keys: dict[str, str] = {}
        used: set[str] = set()
        for res in self.resources:
            suffix = res["type"].rsplit(":", 1)[-1].lower() if res["custom"] else "component"
            key = res["name"] if count[res["name"]] == 1 else f"{res['name']}-{suffix}"
            base, n = key, 2
            while key in used:
                key, n = f"{base}-{n}", n + 1
            used.add(key)
            keys[res["urn"]] = key
        return keys

    def candidates(self, heat: HeatResource, token: str) -> list[dict[str, Any]]:
        names = ["-".join(heat.path), heat.path[-1]] if len(heat.path) > 1 else [heat.name]
        for name in dict.fromkeys(names):
            found = [r for r in self.resources if r["custom"] and r["type"] == token and r["name"] == name]
            if len(found) == 1:
                return found
        return []

    def run(self) -> Adoption:
        for heat in self.heat:
            self._map(heat)
        self._derived()
        self._entries()
        return self.result

    def _map(self, heat: HeatResource) -> None:
        row = {"heat": "/".join(heat.path), "type": heat.type}
        if heat.type in NOT_IN_CLOUD or heat.type.endswith((".yaml", ".template", ".yml")) \
                or heat.path in self.containers:
            self.result.skipped.append({**row, "reason": NOT_IN_CLOUD.get(heat.type, "a nested stack: its "
                                                                           "resources are mapped one by one")})
            return
        if heat.type in HEAT_GENERATED:
            self.result.skipped.append({**row, "reason": HEAT_GENERATED[heat.type]})
            self.result.warnings.append(f"{heat.type} '{heat.name}': {HEAT_GENERATED[heat.type]}")
            return
        token = PRIMARY.get(heat.type)
        if token is None:
            self.result.unmapped_heat.append({**row, "reason": "no mapping for this Heat type"})
            return
        found = self.candidates(heat, token)
        if not heat.physical_id or not heat.status.endswith(DONE_STATES):
            reason = f"no usable physical resource (status {heat.status or 'unknown'})"
            self.result.unmapped_heat.append({**row, "reason": reason})
            for res in found:
                self.blocked[res["urn"]] = f"Heat resource '{heat.name}' has {reason}: the first `pulumi up` " \
                                           "creates it"
            return
        if not found:
            self.result.unmapped_heat.append({**row, "reason": f"the program registers no {token} named "
                                                               f"'{'-'.join(heat.path)}'"})
            return
        res = found[0]
        cloud_id = self._cloud_id(heat, res)
        if cloud_id is None:
            return
        self.ids[res["urn"]] = cloud_id
        if token == INSTANCE and "userData" not in (res.get("options") or {}).get("ignoreChanges", []) \
                and res["inputs"].get("userData"):
            self.result.warnings.append(
                f"server '{res['name']}': the program renders its own user data; unless it equals Heat's byte "
                f"for byte the first `pulumi up` replaces the server (userData is ForceNew, pitfalls 1). Set "
                f"user_data_update_policy: IGNORE on adopted servers")

    def _cloud_id(self, heat: HeatResource, res: dict[str, Any]) -> str | None:
        """The ID `pulumi import` expects for this provider type (terraform-provider-openstack import docs)."""
        if res["type"] == ROUTER_IF:
            self._unmapped_plan(res, f"Heat lists router interface '{heat.name}' as '{heat.physical_id}' "
                                     "(router:subnet); the provider imports it by the router port ID: "
                                     "`openstack port list --router <router> --fixed-ip subnet=<subnet> -c ID`")
            return None
        derived = self._from_plan(res)
        if derived:
            return derived
        if res["type"] == ATTACH:
            props = self.template.get(heat.name, {}).get("properties", {})
            server = _reference(props.get("instance_uuid") or props.get("InstanceId"))
            server_id = self.top[server].physical_id if server in self.top else None
            if not server_id:
                self._unmapped_plan(res, f"volume attachment '{heat.name}': its server is not a resource of the "
                                         "stack; the import ID is <server id>/<volume id>")
                return None
            return f"{server_id}/{heat.physical_id}"
        if res["type"] == FIP_ASSOC:
            props = self.template.get(heat.name, {}).get("properties", {})
            target = _reference(props.get("floatingip_id") or props.get("AllocationId") or props.get("EIP"))
            if target in self.top:
                return self.top[target].physical_id
            literal = props.get("floatingip_id")
            if isinstance(literal, str):
                return literal
            self._unmapped_plan(res, f"floating IP association '{heat.name}': the floating IP it associates is "
                                     "not in the stack; the import ID is the floating IP's ID")
            return None
        return heat.physical_id

    def _derived(self) -> None:
        """Program resources a Heat resource expands to (association of a FloatingIP with port_id, ...)."""
        for res in self.resources:
            if not res["custom"] or res["urn"] in self.ids:
                continue
            if res["urn"] in self.blocked:
                self._unmapped_plan(res, self.blocked[res["urn"]])
                continue
            derived = self._from_plan(res) if res["type"] == FIP_ASSOC else None
            if derived:  # a Heat FloatingIP with port_id is the association too
                self.ids[res["urn"]] = derived
                continue
            if res["type"] == RULE and self._rule_id(res):
                continue
            if any(u["urn"] == res["urn"] for u in self.result.unmapped_plan):
                continue
            self._unmapped_plan(res, self._why_unknown(res))

    def _from_plan(self, res: dict[str, Any]) -> str | None:
        """IDs that follow from already mapped resources the plan links to (by ID or dependsOn).

        VolumeAttach imports as `<server id>/<volume id>` (Nova's attachment ID is the volume ID);
        FloatingIpAssociate imports as the floating IP's ID.
        """
        offline_to_urn = {r["id"]: r["urn"] for r in self.resources if r.get("id")}
        if res["type"] == ATTACH:
            server = self.ids.get(offline_to_urn.get(res["inputs"].get("instanceId"), ""))
            volume = self.ids.get(offline_to_urn.get(res["inputs"].get("volumeId"), ""))
            return f"{server}/{volume}" if server and volume else None
        if res["type"] == FIP_ASSOC:
            fips = [u for u in (res.get("options") or {}).get("dependsOn", [])
                    if u in self.ids and self.by_urn[u]["type"] == FIP]
            return self.ids[fips[0]] if len(fips) == 1 else None
        return None

    def _rule_id(self, res: dict[str, Any]) -> bool:
        """Find an inline rule's cloud ID by content in the listed rules (groups mapped to their cloud IDs)."""
        offline_to_cloud = {self.by_urn[u]["id"]: cloud for u, cloud in self.ids.items() if self.by_urn[u].get("id")}
        wanted = {**res["inputs"]}
        for key in ("securityGroupId", "remoteGroupId"):
            if wanted.get(key):
                wanted[key] = offline_to_cloud.get(wanted[key], wanted[key])
        found = [r for r in self.rules if _rule_key(r) == _rule_key(wanted)]
        if len(found) == 1 and found[0].get("id"):
            self.ids[res["urn"]] = str(found[0]["id"])
            return True
        return False

    def _why_unknown(self, res: dict[str, Any]) -> str:
        if res["type"] == RULE:
            return ("a rule of an inline security group: Heat does not list rule IDs; pass "
                    "`--security-group-rules` with the output of `openstack security group rule list --long "
                    "-f json` (the first `pulumi up` would otherwise fail with 409 'rule already exists')")
        if res["type"] == PORT:
            return ("a port Nova created for a server's `networks` entry: find its ID with "
                    "`openstack port list --server <server id>`; unmapped, the first `pulumi up` creates a new "
                    "port and replaces the server (networks is ForceNew)")
        if res["type"] == FIP_ASSOC:
            return "the association of a floating IP that is not mapped"
        return "no Heat resource maps to it: the first `pulumi up` creates it"

    def _unmapped_plan(self, res: dict[str, Any], reason: str) -> None:
        self.result.unmapped_plan.append({"urn": res["urn"], "type": res["type"], "name": res["name"],
                                          "reason": reason})

    def _entries(self) -> None:
        needed: set[str] = set()
        for urn in self.ids:
            parent = self.by_urn[urn].get("parent")
            while parent in self.by_urn:
                needed.add(parent)
                parent = self.by_urn[parent].get("parent")
        for res in self.resources:  # registration order: parents first
            if res["urn"] not in self.ids and res["urn"] not in needed:
                continue
            entry: dict[str, Any] = {"type": res["type"], "name": self.keys[res["urn"]],
                                     "logicalName": res["name"]}
            if res["urn"] in self.ids:
                entry["id"] = self.ids[res["urn"]]
            else:
                entry["component"] = True
            if res.get("parent") in self.by_urn:
                entry["parent"] = self.keys[res["parent"]]
            self.result.entries.append(entry)


def adopt_plan(plan: dict[str, Any], heat_rows: Any, template: dict[str, Any],
               rule_rows: Any = None) -> Adoption:
    """Map Heat resources (and optionally listed security group rules) onto a rendered plan."""
    rules = parse_rule_list(rule_rows) if rule_rows is not None else []
    return _Mapper(plan, parse_heat_resources(heat_rows), template, rules).run()


def _read_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise StackError(f"not readable as JSON: {exc}", file=str(path)) from None


def adopt(heat_json: str | Path, template: str | Path, parameters: dict[str, Any] | None = None, *,
          env_files: tuple[str, ...] = (), rules_json: str | Path | None = None) -> Adoption:
    """Render `template` offline and map the Heat resource list (and listed rules) onto it."""
    from openstack_stacks.tools.offline import render

    heat = parse_heat_resources(_read_json(heat_json), str(heat_json))
    rules = parse_rule_list(_read_json(rules_json), str(rules_json)) if rules_json else []
    plan = render(template, parameters or {}, env_files=env_files).to_dict()
    return _Mapper(plan, heat, load_template(Path(template)), rules).run()


def render_report(result: Adoption, out: str) -> str:
    """Human-readable summary printed after writing the import file."""
    custom = sum(1 for e in result.entries if "id" in e)
    lines = [f"wrote {out}: {custom} resources to import, "
             f"{len(result.entries) - custom} components as parents"]
    for row in result.skipped:
        lines.append(f"  skipped {row['heat']} ({row['type']}): {row['reason']}")
    for row in result.unmapped_heat:
        lines.append(f"  UNMAPPED Heat resource {row['heat']} ({row['type']}): {row['reason']}")
    for row in result.unmapped_plan:
        lines.append(f"  NOT IMPORTED {row['type']} '{row['name']}': {row['reason']}")
    for warning in result.warnings:
        lines.append(f"  warning: {warning}")
    lines.append("complete: the first `pulumi up` after `pulumi import --file` changes nothing"
                 if result.complete else "incomplete: resolve the entries above before `pulumi up`")
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m components adopt",
                                     description="Write a `pulumi import --file` document for a Heat stack.")
    parser.add_argument("heat_resources", help="output of `openstack stack resource list --nested-depth 5 -f json`")
    parser.add_argument("template", help="the stack's HOT/CFN template")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("-e", "--environment", action="append", default=[], metavar="ENV_FILE")
    parser.add_argument("--security-group-rules", metavar="RULES_JSON",
                        help="output of `openstack security group rule list --long -f json` (IDs of inline rules)")
    parser.add_argument("--out", required=True, help="import file to write (JSON)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser


def main(argv: list[str]) -> int:
    """CLI entry: 0 complete, 3 some resources unmapped (listed with the reason), 1 invalid input."""
    from openstack_stacks.tools.cli import parse_parameters

    args = _parser().parse_args(argv)
    try:
        result = adopt(args.heat_resources, args.template, parse_parameters(args.parameter),
                       env_files=tuple(args.environment), rules_json=args.security_group_rules)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    Path(args.out).write_text(json.dumps(result.import_file(), indent=4) + "\n")
    sys.stdout.write(json.dumps(result.to_dict(), indent=2) + "\n" if args.json else render_report(result, args.out))
    return 0 if result.complete else 3
