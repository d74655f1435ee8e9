"""Seed a boot like Nova's config drive: ``openstack/latest/{meta_data.json,user_data,network_data.json}``.

cloud-init's ConfigDrive datasource reads ``/var/lib/cloud/seed/config_drive`` before looking for a
``config-2`` device (cloud-init 22.4 ``DataSourceConfigDrive``).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEED_DIR = "var/lib/cloud/seed/config_drive"
LATEST = f"{SEED_DIR}/openstack/latest"
_NAMESPACE = uuid.UUID("6f1c4a52-49d6-4c53-9a51-7a0a8d8b0f11")


def delivered_bytes(user_data: str | bytes) -> bytes:
    """The bytes the instance reads, given what the provider is handed.

    gophercloud (under terraform-provider-openstack / pulumi-openstack) sends a string that already
    decodes as base64 unchanged and base64-encodes anything else; Nova decodes it once. So a
    gzip+base64 ``user_data`` reaches the instance as gzip bytes and plain MIME as itself.
    Bytes are taken as already delivered.
    """
    if isinstance(user_data, bytes):
        return user_data
    compact = user_data.replace("\r", "").replace("\n", "")
    if compact:
        try:
            return base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            pass
    return user_data.encode("utf-8")


def instance_uuid(server: str) -> str:
    """A stable instance id per server name (cloud-init keys its per-instance state on it)."""
    return str(uuid.uuid5(_NAMESPACE, server))


def meta_data(server: str, metadata: dict[str, Any] | None, public_keys: dict[str, str] | None) -> dict:
    """Nova's ``meta_data.json`` for one server (``uuid`` is required by cloud-init)."""
    doc: dict[str, Any] = {
        "uuid": instance_uuid(server),
        "name": server,
        "hostname": server,
        "availability_zone": "nova",
        "launch_index": 0,
        "project_id": "0" * 32,
        "meta": {str(k): str(v) for k, v in (metadata or {}).items()},
    }
    if public_keys:
        doc["public_keys"] = dict(public_keys)
        doc["keys"] = [{"name": n, "type": "ssh", "data": k} for n, k in public_keys.items()]
    return doc


@dataclass(frozen=True)
class Nic:
    """One port of the server: the NIC's name and MAC in the boot, and its fixed addresses (CIDR form)."""

    name: str
    mac: str
    addresses: tuple[str, ...] = ()
    listed: bool = True  # False: attached to the running server, so not in the config drive's network_data


def mac_address(server: str, index: int = 0) -> str:
    """A port's MAC (Neutron's fa:16:3e prefix); the harness gives its NIC the same one."""
    key = server if index == 0 else f"{server}/port{index}"
    return "fa:16:3e:" + ":".join(f"{b:02x}" for b in uuid.UUID(instance_uuid(key)).bytes[:3])


def nics(server: str, ports: list[list[str] | None] | None = None) -> list[Nic]:
    """The NICs for ``ports`` (each the port's fixed addresses, e.g. ["10.0.0.5/24"]); one NIC by default.

    ``None`` is a NIC attached after boot (compute.InterfaceAttach): present, without an address, and absent
    from network_data.json as on a real instance.
    """
    return [Nic(f"eth{i}", mac_address(server, i), tuple(addresses or ()), listed=addresses is not None)
            for i, addresses in enumerate(ports or [[]])]


def network_data(server: str, ports: list[Nic] | None = None) -> dict:
    """The ports as Nova writes them: static IPv4 where the port has a fixed address, else DHCP."""
    links, networks = [], []
    for index, nic in enumerate(ports or nics(server)):
        if not nic.listed:
            continue
        links.append({"id": f"tap{index}", "type": "ovs", "ethernet_mac_address": nic.mac, "mtu": 1450,
                      "vif_id": instance_uuid(f"{server}/vif{index}")})
        network_id = instance_uuid(f"{server}/net{index}")
        if not nic.addresses:
            networks.append({"id": f"network{index}", "type": "ipv4_dhcp", "link": f"tap{index}",
                             "network_id": network_id})
        for number, address in enumerate(nic.addresses):
            iface = ipaddress.ip_interface(address)
            networks.append({"id": f"network{index}-{number}", "type": f"ipv{iface.version}",
                             "link": f"tap{index}", "ip_address": str(iface.ip),
                             "netmask": str(iface.netmask), "network_id": network_id, "routes": []})
    return {"links": links, "networks": networks, "services": []}


def write_seed(upper: Path, server: str, user_data: bytes, metadata: dict[str, Any] | None = None,
               public_keys: dict[str, str] | None = None, ports: list[Nic] | None = None) -> list[str]:
    """Write the config drive files into the overlay's upper directory; return their paths (in the image)."""
    latest = upper / LATEST
    latest.mkdir(parents=True, exist_ok=True)
    files = {
        "meta_data.json": json.dumps(meta_data(server, metadata, public_keys), indent=2).encode(),
        "network_data.json": json.dumps(network_data(server, ports), indent=2).encode(),
        "user_data": user_data,
    }
    written = []
    for name, data in files.items():
        (latest / name).write_bytes(data)
        written.append(f"/{LATEST}/{name}")
    return written
