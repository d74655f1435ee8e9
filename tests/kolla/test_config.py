"""Kolla blueprint: defaults, overrides one by one, and bad configurations failing `render` clearly."""

from __future__ import annotations

import textwrap

import pytest

from components.errors import StackError
from openstack_stacks.kolla import detect, load_blueprint
from openstack_stacks.kolla.addressing import plan_addresses
from openstack_stacks.kolla.render import globals_yml

BASE = {"admin_cidr": "198.51.100.0/24", "key_pair": "ops"}


def blueprint(**kolla):
    """Load a `kolla:` section made of BASE plus `kolla` (None removes a key)."""
    section = {**BASE, **kolla}
    section = {k: v for k, v in section.items() if v is not None}
    return load_blueprint({"kolla": section}, path="bp.yaml")


def error_of(**kolla) -> StackError:
    with pytest.raises(StackError) as info:
        blueprint(**kolla)
    return info.value


def test_ha_defaults_are_three_controllers_one_compute_and_a_deploy_node() -> None:
    config = blueprint()
    plan = plan_addresses(config)
    roles = [n.role for n in plan.nodes]
    assert roles.count("controller") == 3 and roles.count("compute") == 1 and roles.count("deploy") == 1
    assert config.haproxy and config.enabled["keepalived"]
    assert config.kolla_ansible_version == "22.2.0" and config.openstack_release == "2026.1"
    assert config.distro == "rocky" and config.image_user == "rocky"
    assert plan.vip == "10.40.0.254"
    assert [n.mgmt_ip for n in plan.nodes if n.role == "controller"] == ["10.40.0.11", "10.40.0.12", "10.40.0.13"]


def test_each_default_is_overridable_on_its_own() -> None:
    base = blueprint()
    ubuntu = blueprint(distro="ubuntu")
    assert (ubuntu.image, ubuntu.image_user, ubuntu.network_interface) == ("ubuntu-24.04", "ubuntu", "ens3")
    assert ubuntu.computes == base.computes and ubuntu.vip == base.vip
    assert blueprint(workers=4).workers == 4
    assert blueprint(computes={"count": 5}).computes.count == 5
    assert blueprint(computes={"count": 5}).computes.flavor == base.computes.flavor
    assert blueprint(controllers={"flavor": "big"}).controllers.count == 3
    assert blueprint(network={"vip": "10.40.0.100"}).vip == "10.40.0.100"
    assert blueprint(kolla_ansible_version="21.0.0").openstack_release == "2025.2"
    assert blueprint(admin_cidr="203.0.113.9").admin_cidr == "203.0.113.9/32"
    assert not blueprint(disable_services=["heat"]).enabled["heat"]
    assert blueprint(services=["octavia", "ceph-rgw"]).enabled["ceph_rgw"]


def test_globals_overrides_reach_globals_yml_and_managed_keys_are_refused() -> None:
    config = blueprint(globals={"docker_registry": "registry.example:4000", "global_physnet_mtu": 1400})
    text = globals_yml(config, plan_addresses(config))
    assert "docker_registry: registry.example:4000" in text and "global_physnet_mtu: 1400" in text
    err = error_of(globals={"kolla_internal_vip_address": "10.40.0.9"})
    assert err.field == "kolla.globals.kolla_internal_vip_address" and "network.vip" in err.message
    assert "services" in error_of(globals={"enable_cinder": True}).message


@pytest.mark.parametrize("count", [2, 4, 1])
def test_ha_needs_an_odd_controller_count_of_at_least_three(count: int) -> None:
    err = error_of(controllers={"count": count})
    assert err.field == "kolla.controllers.count" and err.file == "bp.yaml"
    assert "odd number of controllers" in err.message and f"got {count}" in err.message


def test_vip_outside_the_management_subnet() -> None:
    err = error_of(network={"vip": "10.99.0.5"})
    assert err.field == "kolla.network.vip" and "outside the management subnet 10.40.0.0/24" in err.message


def test_vip_equal_to_a_node_address_or_the_gateway() -> None:
    assert "address of kolla-control02" in error_of(network={"vip": "10.40.0.12"}).message
    assert "gateway" in error_of(network={"vip": "10.40.0.1"}).message
    assert "broadcast" in error_of(network={"vip": "10.40.0.255"}).message


def test_unknown_service_names_the_switch_and_suggests() -> None:
    err = error_of(services=["octavio"])
    assert err.field == "kolla.services[0]"
    assert "unknown service 'octavio'" in err.message and "did you mean octavia" in err.message


@pytest.mark.parametrize("service, replacement", [
    ("swift", "Ceph RGW"), ("murano", "retired"), ("ceph", "cephadm"),
])
def test_removed_services_say_what_replaces_them(service: str, replacement: str) -> None:
    err = error_of(services=["keystone", service])
    assert err.field == "kolla.services[1]" and "not available" in err.message and replacement in err.message


def test_aio_is_one_node_without_haproxy() -> None:
    config = blueprint(layout="aio")
    plan = plan_addresses(config)
    assert [n.role for n in plan.nodes] == ["aio"] and not config.haproxy
    assert plan.vip == plan.nodes[0].mgmt_ip  # kolla_internal_vip_address is the node's own address


def test_aio_with_haproxy_cannot_hold_a_vip() -> None:
    err = error_of(layout="aio", services=["haproxy"])
    assert err.field == "kolla.services" and "cannot hold a VIP" in err.message
    assert "drop network.vip" in error_of(layout="aio", network={"vip": "10.40.0.200"}).message
    assert error_of(layout="aio", computes={"count": 2}).field == "kolla.computes.count"


def test_ha_without_the_load_balancer_is_refused() -> None:
    err = error_of(disable_services=["haproxy"])
    assert "HA needs haproxy and keepalived" in err.message


def test_cinder_lvm_needs_storage_nodes_and_storage_needs_cinder() -> None:
    assert error_of(services=["cinder"]).field == "kolla.storage.count"
    assert blueprint(services=["cinder"], storage={"count": 1}).cinder_backend == "lvm"
    assert "Cinder LVM only" in error_of(storage={"count": 1}).message
    ceph = blueprint(cinder_backend="ceph")
    assert ceph.enabled["cinder"] and "cinder_backend_ceph: true" in globals_yml(ceph, plan_addresses(ceph))


def test_networks_must_not_overlap_and_must_fit() -> None:
    assert "overlaps" in error_of(network={"ext_cidr": "10.40.0.0/25"}).message
    assert "too small" in error_of(network={"mgmt_cidr": "10.40.0.0/27"}).message
    assert error_of(network={"mgmt_cidr": "10.40.0.0/33"}).field == "kolla.network.mgmt_cidr"


def test_same_nic_for_management_and_external_is_refused() -> None:
    err = error_of(network={"network_interface": "ens3", "neutron_external_interface": "ens3"})
    assert err.field == "kolla.network.neutron_external_interface" and "br-ex" in err.message


def test_unknown_and_missing_fields() -> None:
    assert error_of(flavour="x").field == "kolla.flavour"
    assert error_of(admin_cidr=None).field == "kolla.admin_cidr"
    assert blueprint(key_pair=None).key_pair is None
    assert error_of(distro="centos").field == "kolla.distro"
    assert "set openstack_release" in error_of(kolla_ansible_version="30.0.0").message


def test_adding_computes_moves_no_other_node() -> None:
    small = {n.name: n.mgmt_ip for n in plan_addresses(blueprint(services=["cinder"], storage={"count": 1})).nodes}
    big = {n.name: n.mgmt_ip for n in plan_addresses(blueprint(services=["cinder"], storage={"count": 1},
                                                               computes={"count": 6})).nodes}
    assert all(big[name] == ip for name, ip in small.items())


def test_detect_only_kolla_documents() -> None:
    assert detect({"kolla": {}})
    assert not detect({"servers": {}}) and not detect({"heat_template_version": "2021-04-16"})


def test_render_fails_with_file_and_field_for_an_even_controller_count(write_stack, render) -> None:
    path = write_stack("""
        parameters:
          controllers: {type: number, default: 4}
        kolla:
          admin_cidr: 198.51.100.0/24
          key_pair: ops
          controllers: {count: "${controllers}"}
    """)
    with pytest.raises(StackError) as info:
        render(path)
    assert str(info.value).startswith(f"{path}: field 'kolla.controllers.count': HA needs an odd number")
    assert len(render(path, {"controllers": 3}).by_type("openstack:compute/instance:Instance")) == 5


def test_cli_prints_one_line_and_exits_1(write_stack, tmp_path, capsys) -> None:
    from openstack_stacks.tools.cli import main

    path = write_stack(textwrap.dedent("""
        kolla:
          admin_cidr: 198.51.100.0/24
          key_pair: ops
          services: [swift]
    """))
    assert main(["render", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "service 'swift' is not available" in err and "kolla.services[0]" in err


def test_secret_parameters_are_refused(write_stack, render) -> None:
    path = write_stack("""
        parameters:
          registry: {type: string, secret: true, default: r.example}
        kolla:
          admin_cidr: 198.51.100.0/24
          key_pair: ops
          globals: {docker_registry: "${registry}"}
    """)
    with pytest.raises(StackError, match="secret parameters cannot be used in a Kolla blueprint"):
        render(path)


def test_deploy_timeout_default_and_bounds() -> None:
    assert blueprint().deploy_timeout == 14400
    assert blueprint(deploy_timeout=3600).deploy_timeout == 3600
    exc = error_of(deploy_timeout=30)
    assert exc.field == "kolla.deploy_timeout" and "60-43200 seconds" in exc.message
