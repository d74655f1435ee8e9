"""KollaCluster resource graph through the real program under Pulumi's mocks (stacks/kolla-*.yaml)."""

from __future__ import annotations

import email
import email.policy
import ipaddress
import re

import pytest
import yaml

from openstack_stacks.tools import offline
from openstack_stacks.tools.cloudmodel import OfflineCloud

INSTANCE = "openstack:compute/instance:Instance"
PORT = "openstack:networking/port:Port"
SUBNET = "openstack:networking/subnet:Subnet"
RULE = "openstack:networking/secGroupRule:SecGroupRule"
SECGROUP = "openstack:networking/secGroup:SecGroup"
VOLUME = "openstack:blockstorage/volume:Volume"
ATTACH = "openstack:compute/volumeAttach:VolumeAttach"
FIPA = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
PARAMS = {"admin_cidr": "198.51.100.0/24", "key_pair": "ops", "compute_count": 3}
SHIFT = 100


class ShiftedCloud(OfflineCloud):
    """Hands out management addresses other than the requested ones, so a test can tell whether the
    inventory was rendered from the ports' real addresses or from the plan."""

    def _port(self, rid, name, inputs):
        state = super()._port(rid, name, inputs)
        if name.endswith("-mgmt"):
            moved = [str(ipaddress.ip_address(f["ipAddress"]) + SHIFT) for f in state["fixedIps"]]
            state["fixedIps"] = [{**f, "ipAddress": ip} for f, ip in zip(state["fixedIps"], moved)]
            state["allFixedIps"] = moved
        return state


@pytest.fixture(scope="module")
def ha():
    return offline.render("stacks/kolla-ha.yaml", PARAMS)


@pytest.fixture(scope="module")
def aio():
    return offline.render("stacks/kolla-aio.yaml", {"admin_cidr": "198.51.100.0/24", "key_pair": "ops"})


def role_of(instance: dict) -> str:
    return instance["inputs"]["metadata"]["kolla_role"]


def ports_by_id(plan) -> dict[str, dict]:
    return {r["id"]: r for r in plan.by_type(PORT)}


def node_ports(plan) -> dict[str, list[dict]]:
    """Instance name -> its ports in NIC order: boot NICs, then NICs attached to the running server."""
    ports = ports_by_id(plan)
    attached: dict[str, list[dict]] = {}
    for a in plan.by_type("openstack:compute/interfaceAttach:InterfaceAttach"):
        attached.setdefault(a["inputs"]["instanceId"], []).append(ports[a["inputs"]["portId"]])
    return {i["name"]: [ports[n["port"]] for n in i["inputs"]["networks"]] + attached.get(i["id"], [])
            for i in plan.by_type(INSTANCE)}


def written_files(plan, server: str) -> dict[str, dict]:
    """write_files of a server's cloud-config parts, by path."""
    message = email.message_from_bytes(plan.user_data[server].mime, policy=email.policy.compat32)
    out = {}
    for part in message.get_payload():
        if part.get_content_type() == "text/cloud-config":
            body = yaml.safe_load(part.get_payload(decode=True)) or {}
            out.update({f["path"]: f for f in body.get("write_files", [])})
    return out


def inventory_hosts(text: str) -> dict[str, str]:
    return dict(re.findall(r"^(\S+) ansible_host=(\S+)", text, re.M))


def test_node_counts_per_role(ha) -> None:
    roles = [role_of(i) for i in ha.by_type(INSTANCE)]
    assert {r: roles.count(r) for r in set(roles)} == {"controller": 3, "compute": 3, "storage": 1, "deploy": 1}
    names = sorted(i["inputs"]["name"] for i in ha.by_type(INSTANCE))
    assert names == ["kolla-compute01", "kolla-compute02", "kolla-compute03", "kolla-control01",
                     "kolla-control02", "kolla-control03", "kolla-deploy", "kolla-storage01"]


def test_exactly_the_controller_management_ports_carry_the_vip(ha) -> None:
    vip = ha.outputs["vip"]
    carriers = sorted(p["name"] for p in ha.by_type(PORT) if p["inputs"].get("allowedAddressPairs"))
    assert carriers == ["kolla-control01-mgmt", "kolla-control02-mgmt", "kolla-control03-mgmt"]
    for port in ha.by_type(PORT):
        pairs = port["inputs"].get("allowedAddressPairs")
        if pairs:
            assert pairs == [{"ipAddress": vip}]


def test_vip_is_a_reserved_address_in_the_management_subnet_and_no_node_has_it(ha) -> None:
    subnet = ha.get("kolla-mgmt-v4", SUBNET)
    vip_port = ha.get("kolla-vip", PORT)
    vip = vip_port["inputs"]["fixedIps"][0]["ipAddress"]
    assert vip == ha.outputs["vip"]
    assert ipaddress.ip_address(vip) in ipaddress.ip_network(subnet["inputs"]["cidr"])
    assert vip_port["inputs"]["fixedIps"][0]["subnetId"] == subnet["id"]
    assert vip_port["id"] not in {n["port"] for i in ha.by_type(INSTANCE) for n in i["inputs"]["networks"]}
    node_ips = {f["ipAddress"] for p in ha.by_type(PORT) if p["name"] != "kolla-vip"
                for f in p["inputs"].get("fixedIps", [])}
    assert vip not in node_ips
    assocs = [a for a in ha.by_type(FIPA) if a["inputs"]["portId"] == vip_port["id"]]
    assert len(assocs) == 1  # the public VIP (kolla_external_fqdn)


def test_external_ports_have_port_security_off_and_no_security_groups(ha) -> None:
    ext_subnet = ha.get("kolla-ext-v4", SUBNET)
    assert ext_subnet["inputs"]["enableDhcp"] is False
    for name, ports in node_ports(ha).items():
        is_network_node = name.startswith("kolla-control")
        assert len(ports) == (2 if is_network_node else 1), name
        assert ports[0]["name"] == f"{name}-mgmt" and ports[0]["inputs"]["securityGroupIds"]
        if is_network_node:
            ext = ports[1]["inputs"]
            assert ports[1]["name"] == f"{name}-ext"
            assert ext["portSecurityEnabled"] is False and ext["noSecurityGroups"] is True
            assert "securityGroupIds" not in ext and "allowedAddressPairs" not in ext
            # No address at all, and (pulumi/pulumi-openstack#891) never through Instance.networks: the
            # port is attached to the running server.
            assert ext["noFixedIp"] is True and "fixedIps" not in ext
            instance = ha.get(name, INSTANCE)
            assert ports[1]["id"] not in [n["port"] for n in instance["inputs"]["networks"]]


def test_vrrp_rule_between_controllers_only(ha) -> None:
    vrrp = ha.get("kolla-vrrp", SECGROUP)
    rules = [r for r in ha.by_type(RULE) if r["inputs"]["securityGroupId"] == vrrp["id"]]
    assert [(r["inputs"]["protocol"], r["inputs"]["remoteGroupId"]) for r in rules] == [("112", vrrp["id"])]
    holders = sorted(p["name"] for p in ha.by_type(PORT) if vrrp["id"] in p["inputs"].get("securityGroupIds", []))
    assert holders == ["kolla-control01-mgmt", "kolla-control02-mgmt", "kolla-control03-mgmt"]


def test_api_only_from_admin_cidr_and_ssh_only_to_the_deploy_node(ha) -> None:
    groups = {g["name"]: g["id"] for g in ha.by_type(SECGROUP)}
    rules = ha.by_type(RULE)
    for rule in rules:
        prefix = rule["inputs"].get("remoteIpPrefix")
        assert prefix in (None, "198.51.100.0/24"), rule["name"]
        if prefix is None:
            assert rule["inputs"]["remoteGroupId"] == rule["inputs"]["securityGroupId"]
    api_ports = {r["inputs"]["portRangeMin"] for r in rules
                 if r["inputs"]["securityGroupId"] == groups["kolla-api"] and r["inputs"]["protocol"] == "tcp"}
    assert {80, 5000, 8774, 9292, 9696, 8776} <= api_ports and 22 not in api_ports
    def holders(group: str) -> list[str]:
        return sorted(p["name"] for p in ha.by_type(PORT) if groups[group] in p["inputs"].get("securityGroupIds", []))

    assert holders("kolla-ssh") == ["kolla-deploy-mgmt"]
    with_api = holders("kolla-api")
    assert with_api == ["kolla-control01-mgmt", "kolla-control02-mgmt", "kolla-control03-mgmt", "kolla-vip"]


def test_one_protected_volume_per_storage_node(ha) -> None:
    volumes = ha.by_type(VOLUME)
    assert [v["name"] for v in volumes] == ["kolla-storage01-cinder"]
    assert volumes[0]["options"]["protect"] and volumes[0]["inputs"]["size"] == 100
    attach = ha.by_type(ATTACH)
    storage = ha.get("kolla-storage01", INSTANCE)
    assert [(a["inputs"]["instanceId"], a["inputs"]["volumeId"]) for a in attach] == [(storage["id"], volumes[0]["id"])]
    assert attach[0]["options"]["deleteBeforeReplace"] and "device" not in attach[0]["inputs"]
    env = written_files(ha, "kolla-storage01")["/etc/kolla-node/node.env"]["content"]
    assert f"KOLLA_LVM_VOLUME_ID={volumes[0]['id']}" in env


def test_deploy_node_files_use_the_ports_real_addresses(monkeypatch) -> None:
    monkeypatch.setattr(offline, "OfflineCloud", ShiftedCloud)
    plan = offline.render("stacks/kolla-ha.yaml", PARAMS)
    ports = ports_by_id(plan)
    real = {}
    for inst in plan.by_type(INSTANCE):
        first = ports[inst["inputs"]["networks"][0]["port"]]
        real[inst["name"]] = str(ipaddress.ip_address(first["inputs"]["fixedIps"][0]["ipAddress"]) + SHIFT)
    files = written_files(plan, "kolla-deploy")
    inventory = files["/etc/kolla/multinode"]["content"]
    hosts = inventory_hosts(inventory)
    assert hosts["kolla-control01"] == "10.40.0.111"  # shifted: not the planned 10.40.0.11
    assert hosts == {name: ip for name, ip in real.items() if name != "kolla-deploy"}
    assert files["/etc/kolla/nodes"]["content"].count("\n") == 1 + len(hosts)
    for name, ip in hosts.items():
        assert f"{name} {ip}\n" in files["/etc/kolla/nodes"]["content"]
    # what render writes under DIR/kolla is byte for byte what the deploy node receives
    assert plan.artifacts["kolla/multinode"] == inventory
    assert plan.artifacts["kolla/globals.yml"] == files["/etc/kolla/globals.yml"]["content"]


def test_globals_carry_the_vip_and_the_public_address(ha) -> None:
    files = written_files(ha, "kolla-deploy")
    settings = yaml.safe_load(files["/etc/kolla/globals.yml"]["content"])
    assert settings["kolla_internal_vip_address"] == ha.outputs["vip"]
    assert settings["kolla_external_fqdn"] == ha.outputs["public_address"]
    assert settings["enable_haproxy"] is True and settings["keepalived_traffic_mode"] == "unicast"
    assert settings["enable_cinder_backend_lvm"] is True
    assert "network_interface" not in settings  # per host (inventory / host_vars), never an extra var
    assert ha.outputs["horizon_url"] == f"http://{ha.outputs['public_address']}/"


def test_deploy_node_gets_key_script_and_unit_and_its_user_data_is_secret(ha) -> None:
    files = written_files(ha, "kolla-deploy")
    assert files["/usr/local/sbin/kolla-deploy"]["permissions"] == "0755"
    assert files["/root/.ssh/kolla_deploy"]["permissions"] == "0600"
    assert "ExecStart=/usr/local/sbin/kolla-deploy" in files["/etc/systemd/system/kolla-deploy.service"]["content"]
    assert ha.user_data["kolla-deploy"].secret  # carries the cluster's private key
    assert not ha.user_data["kolla-control01"].secret
    names = [p["filename"] for p in ha.user_data["kolla-deploy"].parts]
    assert names[-3:] == ["kolla-deploy.yaml", "kolla-node-prepare.sh", "start-deploy.sh"]


def test_every_node_trusts_the_deploy_key(ha) -> None:
    keys = set()
    for server, record in ha.user_data.items():
        message = email.message_from_bytes(record.mime, policy=email.policy.compat32)
        found = [yaml.safe_load(p.get_payload(decode=True)).get("ssh_authorized_keys") for p in message.get_payload()
                 if p.get_filename() in ("kolla-node.yaml", "kolla-deploy.yaml")]
        assert len(found) == 1 and len(found[0]) == 1, server
        keys.add(found[0][0])
    assert len(keys) == 1


def test_outputs_tell_how_to_follow_the_deployment(ha) -> None:
    out = ha.outputs
    assert out["deploy_node_address"] == ha.outputs["deploy_node_address"]
    assert out["deploy_log"] == f"ssh rocky@{out['deploy_node_address']} sudo tail -f /var/log/kolla-deploy.log"
    assert out["deploy_status"].endswith("/var/lib/kolla-deploy/status")
    assert out["vip"] == "10.40.0.254" and out["public_address"] != out["deploy_node_address"]


def test_aio_is_one_node_with_its_own_floating_ip_and_no_vip(aio) -> None:
    instances = aio.by_type(INSTANCE)
    assert [i["name"] for i in instances] == ["kolla-aio"]
    assert not [p for p in aio.by_type(PORT) if p["inputs"].get("allowedAddressPairs")]
    assert "kolla-vrrp" not in {g["name"] for g in aio.by_type(SECGROUP)}
    mgmt, ext = node_ports(aio)["kolla-aio"]
    assert ext["inputs"]["portSecurityEnabled"] is False and ext["inputs"]["noFixedIp"] is True
    assert [a["inputs"]["portId"] for a in aio.by_type(FIPA)] == [mgmt["id"]]
    files = written_files(aio, "kolla-aio")
    settings = yaml.safe_load(files["/etc/kolla/globals.yml"]["content"])
    node_ip = mgmt["inputs"]["fixedIps"][0]["ipAddress"]
    assert settings["enable_haproxy"] is False and settings["kolla_internal_vip_address"] == node_ip
    assert settings["kolla_external_fqdn"] == aio.outputs["deploy_node_address"]
    assert "kolla-aio ansible_host=" + node_ip + " ansible_connection=local" in files["/etc/kolla/multinode"]["content"]
    assert "/etc/kolla-node/node.env" in files and "/usr/local/sbin/kolla-deploy" in files


def test_adding_a_compute_creates_it_and_replaces_nothing() -> None:
    from openstack_stacks.tools.diff import diff_files

    diff = diff_files("stacks/kolla-ha.yaml", "stacks/kolla-ha.yaml", {"admin_cidr": "198.51.100.0/24",
                      "key_pair": "ops"}, old_parameters={"compute_count": 2}, new_parameters={"compute_count": 3})
    created = sorted(r.name for r in diff.by_op("create") if r.custom)
    assert created == ["kolla-compute03", "kolla-compute03-mgmt"]
    assert diff.by_op("replace") == [] and diff.by_op("delete") == []
    deploy = diff.get("kolla-deploy", INSTANCE)
    assert deploy.op == "same" and [p.path for p in deploy.properties if p.ignored] == ["userData"]


def test_render_is_deterministic(ha) -> None:
    again = offline.render("stacks/kolla-ha.yaml", PARAMS)
    assert again.artifacts == ha.artifacts
    assert {k: v.user_data for k, v in again.user_data.items()} == {k: v.user_data for k, v in ha.user_data.items()}


def test_aio_with_cinder_puts_the_lvm_volume_on_the_node(write_stack) -> None:
    path = write_stack("""
        kolla:
          layout: aio
          admin_cidr: 198.51.100.0/24
          key_pair: ops
          services: [cinder]
          controllers: {volume_size: 30, volume_type: ssd}
    """)
    plan = offline.render(path)
    volume = plan.get("kolla-aio-cinder", VOLUME)
    assert volume["inputs"]["size"] == 30 and volume["inputs"]["volumeType"] == "ssd" and volume["options"]["protect"]
    assert [a["inputs"]["instanceId"] for a in plan.by_type(ATTACH)] == [plan.get("kolla-aio", INSTANCE)["id"]]
    files = written_files(plan, "kolla-aio")
    assert f"KOLLA_LVM_VOLUME_ID={volume['id']}" in files["/etc/kolla-node/node.env"]["content"]
    assert yaml.safe_load(files["/etc/kolla/globals.yml"]["content"])["enable_cinder_backend_lvm"] is True
    storage = files["/etc/kolla/multinode"]["content"].split("[storage]\n", 1)[1].split("\n\n", 1)[0]
    assert storage.startswith("kolla-aio ansible_host=")


def test_deploy_node_is_waited_for(ha) -> None:
    waits = ha.by_type("pulumi-python:dynamic/openstack-stacks:BootWait")
    assert [w["name"] for w in waits] == ["kolla-deploy-wait"]
    (wait,) = waits
    deploy = next(r for r in ha.resources if r["type"] == "openstack:compute/instance:Instance"
                  and r["id"] in wait["inputs"]["serverIds"])
    assert deploy["urn"] in wait["options"]["dependsOn"] and wait["inputs"]["handle"] == "kolla-deploy"
    assert wait["inputs"]["timeout"] == 14400
    assert ha.outputs["openstack_up"] is False  # offline: no deploy ran
