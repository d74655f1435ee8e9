"""`python -m components boot-test FILE [--server NAME] [-p k=v] [-e ENV] [--json] [--keep]`.

Renders the stack offline, then boots each server's user data (or the named one) through real
cloud-init and heat-cfntools in the harness of `userdata.boot`, and prints the per-server report.
Exit codes: 0 every boot clean, 1 a boot failed or the input is invalid, 2 the harness cannot run here.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from components.errors import StackError

KEYPAIR = "openstack:compute/keypair:Keypair"
PORT = "openstack:networking/port:Port"
SUBNET = "openstack:networking/subnet:Subnet"
INTERFACE_ATTACH = "openstack:compute/interfaceAttach:InterfaceAttach"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m components boot-test",
        description="Boot a stack's rendered user data through real cloud-init (Debian 12) and "
                    "heat-cfntools in a throw-away root filesystem; print what each first boot did.",
    )
    parser.add_argument("file", help="stack file, HOT or CFN template")
    parser.add_argument("--server", action="append", default=[], metavar="NAME",
                        help="boot only this server (repeatable; default: every server with user data)")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("-e", "--environment", action="append", default=[], metavar="ENV_FILE")
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")
    parser.add_argument("--keep", action="store_true",
                        help="keep each boot's directory (overlay upper dir with every file written)")
    return parser


def boot_inputs(plan: Any, server: str) -> dict[str, Any]:
    """Nova metadata and the key pair's public key of a rendered server, as the boot seed wants them."""
    record = plan.user_data[server]
    instance = next((r for r in plan.resources if r["urn"] == record.urn), None)
    inputs = instance["inputs"] if instance else {}
    metadata = inputs.get("metadata") if isinstance(inputs.get("metadata"), dict) else None
    keys: dict[str, str] = {}
    key_name = inputs.get("keyPair")
    if isinstance(key_name, str):
        for pair in plan.resources:
            if pair["type"] == KEYPAIR and pair["inputs"].get("name") == key_name:
                key = pair["inputs"].get("publicKey")
                if isinstance(key, str):
                    keys[key_name] = key
    return {"metadata": metadata, "public_keys": keys or None,
            "ports": _ports(plan, inputs, instance["id"] if instance else None)}


def _ports(plan: Any, inputs: dict[str, Any], instance_id: str | None) -> list[list[str] | None] | None:
    """Each port of the instance with its fixed addresses in CIDR form (ports in `networks` order), then
    None for each port attached to the running server (hotplug: no entry in the config drive).

    Only addresses the stack fixes are known offline; other ports get no address (DHCP on a cloud).
    """
    by_id = {r["id"]: r for r in plan.resources if r.get("id")}
    ports: list[list[str] | None] = []
    for entry in inputs.get("networks") or []:
        port = by_id.get(entry.get("port")) if isinstance(entry, dict) else None
        if port is None or port["type"] != PORT:
            ports.append([])
            continue
        addresses = []
        for fixed in port["inputs"].get("fixedIps") or []:
            subnet = by_id.get(fixed.get("subnetId"))
            cidr = subnet["inputs"].get("cidr") if subnet and subnet["type"] == SUBNET else None
            if isinstance(fixed.get("ipAddress"), str) and isinstance(cidr, str):
                addresses.append(f"{fixed['ipAddress']}/{cidr.split('/')[1]}")
        ports.append(addresses)
    hotplugged: list[list[str] | None] = [None for r in plan.resources if r["type"] == INTERFACE_ATTACH
                                          and instance_id and r["inputs"].get("instanceId") == instance_id]
    return (ports + hotplugged) or None


def main(argv: list[str]) -> int:
    """Render, boot, print; see the module docstring for exit codes."""
    args = _parser().parse_args(argv)
    from openstack_stacks.tools.cli import parse_parameters
    from openstack_stacks.tools.offline import render
    from userdata.boot import BootUnavailableError, available, boot

    try:
        plan = render(args.file, parse_parameters(args.parameter), env_files=args.environment)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    servers = sorted(plan.user_data)
    unknown = [s for s in args.server if s not in plan.user_data]
    if unknown:
        print(f"error: {args.file}: no server with user data named {', '.join(unknown)} "
              f"(servers: {', '.join(servers) or 'none'})", file=sys.stderr)
        return 1
    chosen = args.server or servers
    if not chosen:
        print(f"{args.file}: no server has user data; nothing to boot")
        return 0
    ok, reason = available(build=True)
    if not ok:
        print(f"boot-test cannot run here: {reason}", file=sys.stderr)
        return 2
    reports = []
    for server in chosen:
        try:
            report = boot(plan.user_data[server].user_data, server=server, keep=args.keep,
                          **boot_inputs(plan, server))
        except BootUnavailableError as exc:
            print(f"boot-test cannot run here: {exc}", file=sys.stderr)
            return 2
        reports.append(report)
        if not args.json:
            print(report.to_text(), flush=True)
    failed = [r.server for r in reports if not r.ok]
    if args.json:
        print(json.dumps([r.to_dict() for r in reports], indent=2, sort_keys=True))
    else:
        print(f"{len(reports) - len(failed)}/{len(reports)} servers booted cleanly"
              + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0
