"""Kolla service names: the `enable_*` switches kolla-ansible ships, the defaults, and what is gone."""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path

from components.errors import StackError

DATA = Path(__file__).resolve().parent / "data"
SWITCHES_FILE = DATA / "enable-switches-22.2.0.txt"

# Enabled unless the stack disables them. haproxy/keepalived follow the layout (off on one node).
DEFAULT_SERVICES = ("keystone", "glance", "nova", "neutron", "placement", "heat", "horizon",
                    "mariadb", "rabbitmq", "memcached")
LOAD_BALANCER = ("haproxy", "keepalived")

# Services kolla-ansible no longer deploys, and what an operator uses instead (kolla.md §2).
REMOVED = {
    "swift": "the swift role was removed from kolla-ansible in 2025.1; use an external object store, "
             "e.g. Ceph RGW through 'ceph_rgw' (which fronts an existing RGW with haproxy)",
    "murano": "murano was removed from kolla-ansible after 2024.1 (the project is retired); "
              "there is no replacement in kolla-ansible, Heat templates cover application stacks",
    "ceph": "kolla-ansible stopped deploying Ceph in Ussuri (2020); deploy Ceph with cephadm and set "
            "'cinder_backend: ceph' to use it as an external cluster",
    "install_type": "kolla_install_type was removed in Zed (2022); images are always built from source",
}


@cache
def known_switches() -> frozenset[str]:
    """Every `enable_<x>` switch of the bundled kolla-ansible release (without the prefix)."""
    lines = SWITCHES_FILE.read_text().splitlines()
    return frozenset(line.removeprefix("enable_") for line in lines if line.startswith("enable_"))


def canonical(name: str, *, file: str, field: str) -> str:
    """The switch name for a service (`ceph-rgw` -> `ceph_rgw`); StackError when unknown or removed."""
    key = str(name).strip().lower().replace("-", "_").removeprefix("enable_")
    if key in REMOVED:
        raise StackError(f"service '{name}' is not available: {REMOVED[key]}", file=file, field=field)
    if key not in known_switches():
        close = difflib.get_close_matches(key, sorted(known_switches()), n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise StackError(f"unknown service '{name}': kolla-ansible 22.2.0 has no enable_{key}{hint}",
                         file=file, field=field)
    return key
