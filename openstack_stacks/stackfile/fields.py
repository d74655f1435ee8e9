"""The stack-file format declared as data: each section's fields, their kinds and defaults.

Like Heat's resource plugins, a resource kind is a table of properties, not a branch in code.
Kinds: str, int, bool, map (free mapping), list (of str), or a nested Fields table / list of tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    """One property: its kind, whether it is required, its default and allowed values."""

    kind: Any
    required: bool = False
    default: Any = None
    choices: tuple = ()
    secret_ok: bool = False
    many: bool = False  # a list of `kind`


SUBNET = {
    "cidr": Field(str, required=True),
    "gateway_ip": Field(str),
    "dns_nameservers": Field(str, many=True, default=()),
    "allocation_pools": Field(
        {"start": Field(str, required=True), "end": Field(str, required=True)}, many=True, default=()
    ),
    "enable_dhcp": Field(bool, default=True),
    "router_interface": Field(bool, default=True),
    "name": Field(str),
}
NETWORK = {
    "external_network": Field(str),
    "router": Field(bool),
    "mtu": Field(int),
    "port_security_enabled": Field(bool),
    "shared": Field(bool),
    "subnets": Field("named", default={}),
    "name": Field(str),
    "previous_names": Field(str, many=True, default=()),
}
RULE = {
    "direction": Field(str, default="ingress", choices=("ingress", "egress")),
    "protocol": Field(str),
    "port": Field(int),
    "port_range": Field(str),
    "remote_ip_prefix": Field(str),
    "remote_group": Field(str),
    "ethertype": Field(str, choices=("IPv4", "IPv6")),
    "description": Field(str),
}
SECURITY_GROUP = {
    "description": Field(str, default=""),
    "delete_default_rules": Field(bool),
    "rules": Field(RULE, many=True, default=()),
    "name": Field(str),
    "previous_names": Field(str, many=True, default=()),
}
KEYPAIR = {"public_key": Field(str), "name": Field(str)}
SERVER_GROUP = {
    "policy": Field(str, default="anti-affinity",
                    choices=("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity")),
    "name": Field(str),
}
VOLUME = {
    "size": Field(int, required=True),
    "volume_type": Field(str),
    "image": Field(str),
    "availability_zone": Field(str),
    "description": Field(str),
    "metadata": Field(dict, default={}),
    # Unset: protected, unless deletion_policy is Retain (then leaving the stack keeps the volume anyway).
    "protect": Field(bool),
    "deletion_policy": Field(str, default="Delete", choices=("Delete", "Retain")),
    "name": Field(str),
    "previous_names": Field(str, many=True, default=()),
}
INLINE_VOLUME = {"name_suffix": Field(str, required=True), **{k: v for k, v in VOLUME.items() if k != "name"}}
PORT = {
    "network": Field(str),
    "existing_network": Field(str),
    "subnet": Field(str),
    "fixed_ip": Field(str),
    "security_groups": Field(str, many=True, default=()),
    "allowed_address_pairs": Field(str, many=True, default=()),
    "port_security": Field(bool, default=True),
    "floating_ip": Field(str),
    "name": Field(str),
    "hotplug": Field(bool, default=False),
    "no_fixed_ip": Field(bool, default=False),
}
PART = {
    "type": Field(str, required=True),
    "content": Field(object, secret_ok=True),
    "file": Field(str),
    "filename": Field(str),
    "merge_type": Field(str),
}
BOOT_VOLUME = {
    "size": Field(int, required=True),
    "volume_type": Field(str),
    "delete_on_termination": Field(bool, default=True),
}
WAIT = {
    "timeout": Field(int, default=900),  # seconds pulumi up waits for the boot signal (Heat's limit: 43200)
}
SERVER = {
    "count": Field(int),
    "image": Field(str),
    "flavor": Field(str, required=True),
    "key_pair": Field(str),
    "key_name": Field(str),
    "server_group": Field(str),
    "availability_zone": Field(str),
    "boot_volume": Field(BOOT_VOLUME),
    "ports": Field(PORT, many=True, required=True),
    "volumes": Field("volume_ref", many=True, default=()),
    "metadata": Field(dict, default={}, secret_ok=True),
    "config_drive": Field(bool),
    "user_data_format": Field(str, default="HEAT_CFNTOOLS", choices=("HEAT_CFNTOOLS", "RAW", "SOFTWARE_CONFIG")),
    "script": Field(str, secret_ok=True),
    "script_file": Field(str),
    "user_data_parts": Field(PART, many=True, default=()),
    "cfn_init": Field(dict, secret_ok=True),
    "instance_user": Field(str),
    "metadata_server_url": Field(str),
    "user_data_update_policy": Field(str, default="REPLACE", choices=("REPLACE", "IGNORE")),
    "admin_pass": Field(str, secret_ok=True),
    "delete_before_replace": Field(bool, default=False),
    "depends_on": Field(str, many=True, default=()),
    "wait": Field(WAIT),
    "previous_names": Field(str, many=True, default=()),
    "name": Field(str),
}
OUTPUT = {"value": Field(object, required=True, secret_ok=True), "description": Field(str), "secret": Field(bool)}

SECTIONS: dict[str, dict[str, Field]] = {
    "keypairs": KEYPAIR,
    "server_groups": SERVER_GROUP,
    "networks": NETWORK,
    "security_groups": SECURITY_GROUP,
    "volumes": VOLUME,
    "servers": SERVER,
    "outputs": OUTPUT,
}
TOP_LEVEL = ("description", "parameters", "name_prefix", *SECTIONS)
