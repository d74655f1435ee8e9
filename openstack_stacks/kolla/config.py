"""The `kolla:` section of a stack file: opinionated defaults, each overridable, validated up front.

Every problem is a StackError naming the file and the field (`kolla.controllers.count`, ...).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

from components.errors import StackError
from openstack_stacks.kolla import services
from openstack_stacks.stackfile.fields import Field
from openstack_stacks.stackfile.loader import validate

KOLLA_ANSIBLE_VERSION = "22.2.0"
# kolla-ansible major version -> OpenStack release it deploys (PyPI, kolla.md §1).
RELEASES = {"22": "2026.1", "21": "2025.2", "20": "2025.1"}
# Host distributions supported by each release (support-matrix.rst); the container base follows the host.
SUPPORTED_DISTROS = {"2026.1": ("rocky", "ubuntu", "debian"), "2025.2": ("rocky", "ubuntu", "debian"),
                     "2025.1": ("rocky", "ubuntu", "debian")}


@dataclass(frozen=True)
class Distro:
    """What a cloud image of one distribution looks like: default image name, login user, NIC names."""

    image: str
    user: str
    network_interface: str
    external_interface: str


DISTROS = {
    # Rocky's GenericCloud images boot with net.ifnames=0; Ubuntu/Debian cloud images name virtio NICs ens3/ens4.
    # The deploy script re-detects the names by MAC on every host (host_vars), these are only defaults.
    "rocky": Distro("Rocky-10-GenericCloud-Base", "rocky", "eth0", "eth1"),
    "ubuntu": Distro("ubuntu-24.04", "ubuntu", "ens3", "ens4"),
    "debian": Distro("debian-13", "debian", "ens3", "ens4"),
}

LAYOUTS = ("ha", "aio")
CINDER_BACKENDS = ("lvm", "ceph")

ROLE = {
    "count": Field(int),
    "flavor": Field(str),
    "boot_volume_size": Field(int),
    "volume_size": Field(int),
    "volume_type": Field(str),
}
NETWORK = {
    "mgmt_cidr": Field(str, default="10.40.0.0/24"),
    "ext_cidr": Field(str, default="10.41.0.0/24"),
    "dns_nameservers": Field(str, many=True, default=("1.1.1.1", "9.9.9.9")),
    "vip": Field(str),
    "public_vip": Field(bool, default=True),
    "mtu": Field(int),
    "network_interface": Field(str),
    "neutron_external_interface": Field(str),
}
KOLLA = {
    "name": Field(str, default="kolla"),
    "layout": Field(str, default="ha", choices=LAYOUTS),
    "distro": Field(str, default="rocky", choices=tuple(DISTROS)),
    "image": Field(str),
    "image_user": Field(str),
    "external_network": Field(str, default="public"),
    "admin_cidr": Field(str, required=True),
    "key_pair": Field(str),
    "kolla_ansible_version": Field(str, default=KOLLA_ANSIBLE_VERSION),
    "openstack_release": Field(str),
    "controllers": Field(ROLE, default={}),
    "computes": Field(ROLE, default={}),
    "storage": Field(ROLE, default={}),
    "deploy": Field(ROLE, default={}),
    "network": Field(NETWORK, default={}),
    "services": Field(str, many=True, default=()),
    "disable_services": Field(str, many=True, default=()),
    "cinder_backend": Field(str, choices=CINDER_BACKENDS),
    "virt_type": Field(str, default="qemu", choices=("qemu", "kvm")),
    "neutron_plugin_agent": Field(str, default="openvswitch", choices=("openvswitch", "ovn")),
    "container_engine": Field(str, default="docker", choices=("docker", "podman")),
    "keepalived_virtual_router_id": Field(int, default=51),
    "workers": Field(int, default=2),
    "deploy_timeout": Field(int, default=14400),  # seconds pulumi up waits for kolla-deploy (bootstrap..post-deploy)
    "globals": Field(dict, default={}),
}

# Role defaults: count, flavor, boot volume (GB; None = the flavor's disk), data volume (GB).
ROLE_DEFAULTS = {
    "ha": {"controllers": (3, "m1.xlarge", 100, None), "computes": (1, "m1.large", 80, None),
           "storage": (0, "m1.medium", 40, 100), "deploy": (1, "m1.medium", 40, None)},
    "aio": {"controllers": (1, "m1.xlarge", 120, 100), "computes": (0, "m1.large", 80, None),
            "storage": (0, "m1.medium", 40, 100), "deploy": (0, "m1.medium", 40, None)},
}

# globals.yml keys the blueprint sets from its own fields: overriding them under `globals:` would let the
# rendered file and the cloud resources disagree (the VIP port, the NICs, ...).
MANAGED_GLOBALS = {
    "kolla_internal_vip_address": "network.vip",
    "kolla_external_vip_address": "network.vip",
    "kolla_external_fqdn": "network.public_vip",
    "network_interface": "network.network_interface",
    "api_interface": "network.network_interface",
    "neutron_external_interface": "network.neutron_external_interface",
    "kolla_base_distro": "distro",
    "openstack_release": "openstack_release",
    "enable_haproxy": "layout / services",
    "enable_keepalived": "layout / services",
    "keepalived_virtual_router_id": "keepalived_virtual_router_id",
    "nova_compute_virt_type": "virt_type",
    "kolla_install_type": "(removed in Zed, 2022)",
}


@dataclass(frozen=True)
class Role:
    """How many nodes of one role, and what they run on."""

    count: int
    flavor: str
    boot_volume_size: int | None
    volume_size: int | None
    volume_type: str | None


@dataclass(frozen=True)
class KollaConfig:
    """A validated Kolla blueprint (plain data; no Pulumi)."""

    file: str
    name: str
    layout: str
    distro: str
    image: str
    image_user: str
    external_network: str
    admin_cidr: str
    key_pair: str | None
    kolla_ansible_version: str
    openstack_release: str
    controllers: Role
    computes: Role
    storage: Role
    deploy: Role
    mgmt_cidr: str
    ext_cidr: str
    dns_nameservers: tuple[str, ...]
    vip: str | None
    public_vip: bool
    mtu: int | None
    network_interface: str
    neutron_external_interface: str
    enabled: dict[str, bool]
    cinder_backend: str | None
    virt_type: str
    neutron_plugin_agent: str
    container_engine: str
    keepalived_virtual_router_id: int
    workers: int
    globals_overrides: dict[str, Any] = field(default_factory=dict)
    deploy_timeout: int = 14400

    @property
    def aio(self) -> bool:
        return self.layout == "aio"

    @property
    def haproxy(self) -> bool:
        return self.enabled.get("haproxy", False)


def _error(message: str, file: str, where: str) -> StackError:
    return StackError(message, file=file, field=f"kolla.{where}")


def _role(raw: dict[str, Any], defaults: tuple, name: str, file: str) -> Role:
    count, flavor, boot, volume = defaults
    role = Role(
        count=count if raw.get("count") is None else raw["count"],
        flavor=raw.get("flavor") or flavor,
        boot_volume_size=boot if raw.get("boot_volume_size") is None else raw["boot_volume_size"],
        volume_size=volume if raw.get("volume_size") is None else raw["volume_size"],
        volume_type=raw.get("volume_type"),
    )
    if role.count < 0:
        raise _error(f"count must be 0 or more, got {role.count}", file, f"{name}.count")
    for key in ("boot_volume_size", "volume_size"):
        size = getattr(role, key)
        if size is not None and size < 1:
            raise _error(f"{key} must be at least 1 (GB), got {size}", file, f"{name}.{key}")
    return role


def _cidr(value: str, file: str, where: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise _error(f"invalid CIDR {value!r}: {exc}", file, where) from None
    if net.version != 4:
        raise _error(f"{value} is not IPv4 (the blueprint plans IPv4 management and external networks)",
                     file, where)
    return net


def _enabled(section: dict[str, Any], layout: str, file: str) -> tuple[dict[str, bool], str | None]:
    enabled = {name: True for name in services.DEFAULT_SERVICES}
    for name in services.LOAD_BALANCER:
        enabled[name] = layout == "ha"
    asked = [services.canonical(s, file=file, field=f"kolla.services[{i}]")
             for i, s in enumerate(section["services"])]
    dropped = [services.canonical(s, file=file, field=f"kolla.disable_services[{i}]")
               for i, s in enumerate(section["disable_services"])]
    both = sorted(set(asked) & set(dropped))
    if both:
        raise _error(f"service(s) {', '.join(both)} both enabled and disabled", file, "disable_services")
    enabled.update({s: True for s in asked})
    enabled.update({s: False for s in dropped})
    backend = section["cinder_backend"]
    if backend and not enabled.get("cinder"):
        enabled["cinder"] = True
    if enabled.get("cinder") and backend is None:
        backend = "lvm"
    if "haproxy" in asked and "keepalived" not in dropped:
        enabled["keepalived"] = True
    return enabled, backend


def load_config(section: Any, file: str) -> KollaConfig:
    """Validate the `kolla:` section (parameters already substituted) into a KollaConfig."""
    try:
        raw = validate(section, KOLLA, "kolla")
    except StackError as exc:
        raise StackError(exc.message, file=file, field=f"kolla.{exc.field}" if exc.field else "kolla") from None
    # An absent nested section gets its default ({}) without the table's own defaults: fill them in.
    for key in ("controllers", "computes", "storage", "deploy"):
        raw[key] = validate(raw[key], ROLE, key)
    raw["network"] = validate(raw["network"], NETWORK, "network")
    layout = raw["layout"]
    distro = DISTROS[raw["distro"]]
    version = raw["kolla_ansible_version"]
    release = raw["openstack_release"] or RELEASES.get(version.split(".")[0])
    if release is None:
        raise _error(f"kolla-ansible {version} is not a release this blueprint knows "
                     f"({', '.join(f'{k}.x' for k in RELEASES)}); set openstack_release too", file,
                     "openstack_release")
    if raw["distro"] not in SUPPORTED_DISTROS.get(release, tuple(DISTROS)):
        raise _error(f"{raw['distro']} is not a supported host for OpenStack {release}", file, "distro")
    roles = {name: _role(raw[name], ROLE_DEFAULTS[layout][name], name, file)
             for name in ("controllers", "computes", "storage", "deploy")}
    net = raw["network"]
    enabled, backend = _enabled(raw, layout, file)
    globals_overrides = dict(raw["globals"])
    for key in globals_overrides:
        if key in MANAGED_GLOBALS:
            raise _error(f"'{key}' is set by the blueprint; use {MANAGED_GLOBALS[key]} instead", file,
                         f"globals.{key}")
        if key.startswith("enable_"):
            raise _error(f"'{key}': list the service under services/disable_services instead", file,
                         f"globals.{key}")
    config = KollaConfig(
        file=file,
        name=raw["name"],
        layout=layout,
        distro=raw["distro"],
        image=raw["image"] or distro.image,
        image_user=raw["image_user"] or distro.user,
        external_network=raw["external_network"],
        admin_cidr=_admin_cidr(raw["admin_cidr"], file),
        key_pair=raw["key_pair"] or None,
        kolla_ansible_version=version,
        openstack_release=release,
        mgmt_cidr=net["mgmt_cidr"],
        ext_cidr=net["ext_cidr"],
        dns_nameservers=tuple(net["dns_nameservers"]),
        vip=net["vip"],
        public_vip=net["public_vip"],
        mtu=net["mtu"],
        network_interface=net["network_interface"] or distro.network_interface,
        neutron_external_interface=net["neutron_external_interface"] or distro.external_interface,
        enabled=enabled,
        cinder_backend=backend,
        virt_type=raw["virt_type"],
        neutron_plugin_agent=raw["neutron_plugin_agent"],
        container_engine=raw["container_engine"],
        keepalived_virtual_router_id=raw["keepalived_virtual_router_id"],
        workers=raw["workers"],
        deploy_timeout=raw["deploy_timeout"],
        globals_overrides=globals_overrides,
        **roles,
    )
    check_config(config)
    return config


def _admin_cidr(value: str, file: str) -> str:
    """The admin CIDR in CIDR notation (a bare address becomes /32, terraform-provider-openstack#955)."""
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError as exc:
        raise _error(f"invalid CIDR {value!r}: {exc}", file, "admin_cidr") from None


def check_config(config: KollaConfig) -> None:
    """Cross-field rules: quorum, VIP placement, layout vs. load balancer, storage vs. cinder, names."""
    file = config.file
    if not config.name or not config.name[0].isalpha() or not all(c.isalnum() or c == "-" for c in config.name):
        raise _error("the cluster name becomes part of host names: letters, digits and '-', "
                     "starting with a letter", file, "name")
    mgmt = _cidr(config.mgmt_cidr, file, "network.mgmt_cidr")
    ext = _cidr(config.ext_cidr, file, "network.ext_cidr")
    if mgmt.overlaps(ext):
        raise _error(f"{ext} overlaps the management network {mgmt}", file, "network.ext_cidr")
    if not 0 <= config.keepalived_virtual_router_id <= 255:
        raise _error("must be between 0 and 255", file, "keepalived_virtual_router_id")
    if not 60 <= config.deploy_timeout <= 43200:
        raise _error("must be 60-43200 seconds (Heat's wait condition limit)", file, "deploy_timeout")
    if config.workers < 1:
        raise _error("must be at least 1", file, "workers")
    if config.network_interface == config.neutron_external_interface:
        raise _error(f"'{config.network_interface}' is also network_interface: Neutron takes the external "
                     "NIC into br-ex and the host would lose its management address", file,
                     "network.neutron_external_interface")
    _check_layout(config)
    if config.enabled.get("cinder") and config.cinder_backend == "lvm":
        if config.aio:
            if not config.controllers.volume_size:
                raise _error("cinder with LVM on an all-in-one node needs controllers.volume_size "
                             "(the volume that holds the cinder-volumes VG)", file, "controllers.volume_size")
        elif config.storage.count == 0:
            raise _error("cinder with LVM needs storage nodes: set storage.count (1 or more), or "
                         "cinder_backend: ceph", file, "storage.count")
        elif not config.storage.volume_size:
            raise _error("storage nodes need volume_size for the cinder-volumes VG", file, "storage.volume_size")
    elif config.storage.count and not config.aio:
        raise _error("storage nodes serve Cinder LVM only: add 'cinder' to services or set storage.count: 0",
                     file, "storage.count")
    from openstack_stacks.kolla.addressing import plan_addresses

    plan_addresses(config)  # raises when the subnets are too small or the VIP is misplaced


def _check_layout(config: KollaConfig) -> None:
    file = config.file
    if config.aio:
        for role in ("computes", "storage", "deploy"):
            if getattr(config, role).count:
                raise _error(f"an all-in-one cloud is one node: {role}.count must be 0 (use layout: ha for "
                             "separate nodes)", file, f"{role}.count")
        if config.controllers.count != 1:
            raise _error(f"an all-in-one cloud has exactly 1 controller, got {config.controllers.count}",
                         file, "controllers.count")
        if config.haproxy:
            raise _error("an all-in-one node cannot hold a VIP (no second node to fail over to, and its only "
                         "address is the API address): leave haproxy off or use layout: ha", file, "services")
        if config.vip is not None:
            raise _error("an all-in-one node serves the APIs on its own address: drop network.vip "
                         "(kolla_internal_vip_address is the node's address)", file, "network.vip")
        return
    count = config.controllers.count
    if count < 3 or count % 2 == 0:
        raise _error(f"HA needs an odd number of controllers, at least 3 (MariaDB Galera and RabbitMQ "
                     f"keep quorum with a majority), got {count}", file, "controllers.count")
    if not config.haproxy or not config.enabled.get("keepalived"):
        raise _error("HA needs haproxy and keepalived: they hold the VIP that every API is reached on", file,
                     "disable_services")
    if config.deploy.count != 1:
        raise _error(f"HA has exactly one deploy node, got {config.deploy.count}", file, "deploy.count")
    if config.computes.count < 1:
        raise _error("HA needs at least one compute node", file, "computes.count")
