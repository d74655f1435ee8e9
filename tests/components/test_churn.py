"""Churn guarantees (issue 6 section 2), each shown through the diff of two offline renders.

Stack files live in tests/data/diff/churn/; variants are edited copies in tmp_path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from openstack_stacks.tools import diff as diff_cli
from openstack_stacks.tools.diffing import PlanDiff, diff_plans, render_text
from openstack_stacks.tools.offline import render

ROOT = Path(__file__).resolve().parents[2]
CHURN = Path(__file__).parents[1] / "data" / "diff" / "churn"
WEB, TRIO = CHURN / "web.yaml", CHURN / "trio.yaml"
INSTANCE = "openstack:compute/instance:Instance"
ATTACH = "openstack:compute/volumeAttach:VolumeAttach"
VOLUME = "openstack:blockstorage/volume:Volume"
RULE = "openstack:networking/secGroupRule:SecGroupRule"
PORT = "openstack:networking/port:Port"
FIP = "openstack:networking/floatingIp:FloatingIp"
FIP_ASSOC = "openstack:networking/floatingIpAssociate:FloatingIpAssociate"
ROUTER_IF = "openstack:networking/routerInterface:RouterInterface"


def plan(path: Path, **parameters: Any) -> dict[str, Any]:
    return render(path, parameters).to_dict()


def variant(tmp_path: Path, stack: str, edit: Callable[[str], str], file: str | None = None) -> Path:
    """A copy of the churn directory with `file` (default: the stack file) edited."""
    target = tmp_path / "variant"
    if not target.exists():
        shutil.copytree(CHURN, target)
    path = target / (file or stack)
    before = path.read_text()
    after = edit(before)
    assert after != before, "the edit did not change the file"
    path.write_text(after)
    return target / stack


def changes(diff: PlanDiff) -> dict[tuple[str, str], str]:
    """(type, name) -> op for every custom resource that changes."""
    return {(r.type, r.name): r.op for r in diff.resources if r.op != "same" and r.custom}


@pytest.fixture(scope="module")
def web3() -> dict[str, Any]:
    return plan(WEB)


@pytest.fixture(scope="module")
def web5() -> dict[str, Any]:
    return plan(WEB, web_count=5)


def test_render_twice_in_two_processes_changes_nothing(tmp_path):
    outs = []
    for seed in ("1", "2"):  # different hash seeds: set/dict order must not leak into the plan
        out = tmp_path / f"run{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "components", "render", str(WEB), "--out", str(out)],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        outs.append(out / "plan.json")
    diff = diff_plans(*(__import__("json").loads(p.read_text()) for p in outs))
    assert not diff.changed and not diff.errors
    assert diff.counts()["same"] > 30
    assert outs[0].read_bytes() == outs[1].read_bytes()
    assert diff_cli.main([str(outs[0]), str(outs[1])]) == 0


def test_one_server_script_change_replaces_only_that_server_and_its_attachment(tmp_path):
    new = variant(tmp_path, "trio.yaml", lambda s: s.replace("echo beta v1", "echo beta v2"))
    diff = diff_plans(plan(TRIO), plan(new))
    assert changes(diff) == {(INSTANCE, "beta"): "replace", (ATTACH, "beta-data-attach"): "replace"}
    beta = diff.get("beta", INSTANCE)
    assert beta.replace_paths == ["userData"]
    # HEAT_CFNTOOLS carries the server's script in the cfn-userdata part, like Heat.
    assert "part 4 cfn-userdata (text/x-cfninitdata) changed" in beta.properties[0].note
    assert diff.get("beta-data-attach").caused_by == ["beta"]
    assert diff.get("beta-data", VOLUME).op == "same"


def test_replaced_server_never_has_its_volume_attached_twice(tmp_path):
    new = variant(tmp_path, "trio.yaml", lambda s: s.replace("echo beta v1", "echo beta v2"))
    diff = diff_plans(plan(TRIO), plan(new))
    attach = diff.get("beta-data-attach")
    assert attach.delete_before_replace  # pitfalls 11 (pulumi/pulumi-aws#2769, tpo#639)
    live = 1
    for op, urn in diff.operations():
        if urn == attach.urn:
            live += 1 if op == "create" else -1
            assert live <= 1, "the volume would be attached to the old and the new server at once"
    ops = diff.operations()
    assert ops.index(("delete", attach.urn)) < ops.index(("create", attach.urn))
    assert ops.index(("create", diff.get("beta", INSTANCE).urn)) < ops.index(("create", attach.urn))


def test_count_up_creates_two_servers_and_nothing_else(web3, web5):
    diff = diff_plans(web3, web5)
    assert not diff.errors
    assert {r.op for r in diff.resources if r.op != "same"} == {"create"}
    created = {(r.type, r.name) for r in diff.by_op("create") if r.custom}
    for i in (3, 4):
        for token, name in ((INSTANCE, f"web-{i}"), (PORT, f"web-{i}-port0"), (VOLUME, f"web-{i}-data"),
                            (ATTACH, f"web-{i}-data-attach"), (FIP, f"web-{i}-port0-fip"),
                            (FIP_ASSOC, f"web-{i}-port0-fip-assoc")):
            assert (token, name) in created
    assert all(name.startswith(("web-3", "web-4")) for _, name in created)


def test_count_down_removes_the_last_two_and_refuses_to_delete_their_volumes(web3, web5):
    diff = diff_plans(web5, web3)
    deleted = {r.name for r in diff.by_op("delete")}
    assert deleted and all(name.startswith(("web-3", "web-4")) for name in deleted)
    assert {r.op for r in diff.resources if r.op != "same"} == {"delete"}
    assert len(diff.errors) == 2
    assert all("is protected and would be deleted" in e for e in diff.errors)
    assert {"web-3-data", "web-4-data"} == {e.split("'")[1] for e in diff.errors}


def test_count_down_deletes_volumes_only_when_the_stack_says_so():
    unprotected = diff_plans(plan(WEB, web_count=5, data_protect=False), plan(WEB, data_protect=False))
    assert not unprotected.errors
    assert unprotected.get("web-4-data", VOLUME).op == "delete"
    assert not unprotected.get("web-4-data", VOLUME).retain_on_delete
    retained = diff_plans(plan(WEB, web_count=5, data_protect=False, data_deletion="Retain"),
                          plan(WEB, data_protect=False, data_deletion="Retain"))
    assert not retained.errors
    step = retained.get("web-4-data", VOLUME)
    assert step.op == "delete" and step.retain_on_delete
    assert "(delete, retained in the cloud) web-4-data" in render_text(retained)


def test_retain_alone_lets_volumes_leave_the_stack_and_keeps_them_in_the_cloud(tmp_path):
    # `deletion_policy: Retain` without `protect`: leaving the stack keeps the volume, so it is not refused.
    new = variant(tmp_path, "web.yaml", lambda s: s.replace('protect: "${data_protect}", ', ""))
    before, after = plan(new, web_count=5, data_deletion="Retain"), plan(new, data_deletion="Retain")
    volumes = {r["name"]: r["options"] for r in after["resources"] if r["type"] == VOLUME}
    assert volumes["web-0-data"]["protect"] is False and volumes["web-0-data"]["retainOnDelete"] is True
    diff = diff_plans(before, after)
    assert not diff.errors
    assert {r.name for r in diff.by_op("delete") if r.type == VOLUME} == {"web-3-data", "web-4-data"}
    assert all(r.retain_on_delete for r in diff.by_op("delete") if r.type == VOLUME)
    # Without Retain the same volumes stay protected by default.
    assert diff_plans(plan(new, web_count=5), plan(new)).errors


def test_replacing_a_retained_volume_says_the_old_one_stays_and_the_new_one_is_empty(tmp_path):
    new = variant(tmp_path, "web.yaml", lambda s: s.replace('protect: "${data_protect}", ', ""))
    before = plan(new, data_deletion="Retain")
    changed = variant(tmp_path, "web.yaml", lambda s: s.replace("size: 10,", "size: 10, availability_zone: az2,"))
    step = diff_plans(before, plan(changed, data_deletion="Retain")).get("web-0-data", VOLUME)
    assert step.op == "replace"
    assert any("stays in the cloud with its data" in n and "starts empty" in n for n in step.notes)


def test_shared_part_change_replaces_the_servers_using_it_and_says_why(tmp_path, web3):
    new = variant(tmp_path, "web.yaml", lambda s: s.replace("[nginx]", "[nginx, curl]"), "parts/common.yaml")
    diff = diff_plans(web3, plan(new))
    replaced = {name for (token, name), op in changes(diff).items() if token == INSTANCE and op == "replace"}
    assert replaced == {"web-0", "web-1", "web-2"}
    assert diff.get("db", INSTANCE).op == "same"
    assert set(changes(diff)) == {(t, n) for n in ("web-0", "web-1", "web-2")
                                  for t in (INSTANCE,)} | {(ATTACH, f"web-{i}-data-attach") for i in range(3)}
    note = diff.get("web-0", INSTANCE).properties[0].note
    assert "cloud-config" in note and "changed" in note


def test_shared_part_change_with_ignore_policy_replaces_nothing_and_says_so(tmp_path):
    new = variant(tmp_path, "web.yaml", lambda s: s.replace("[nginx]", "[nginx, curl]"), "parts/common.yaml")
    diff = diff_plans(plan(WEB, update_policy="IGNORE"), plan(new, update_policy="IGNORE"))
    assert not diff.changed and not diff.errors
    prop = diff.get("web-1", INSTANCE).properties[0]
    assert prop.path == "userData" and prop.ignored
    assert "ignored (user_data_update_policy: IGNORE)" in prop.note
    assert "IGNORE" in render_text(diff)


def test_rename_with_previous_names_replaces_nothing(tmp_path, web3):
    new = variant(tmp_path, "web.yaml",
                  lambda s: s.replace("servers:\n  web:\n", "servers:\n  front:\n    previous_names: [web]\n"))
    diff = diff_plans(web3, plan(new))
    assert not diff.by_op("create") and not diff.by_op("delete") and not diff.by_op("replace")
    assert diff.get("front-1", INSTANCE).old_name == "web-1"
    assert diff.get("front-1", INSTANCE).changed_paths == ["name"]
    assert diff.get("front-1-data", VOLUME).old_name == "web-1-data"
    assert diff.get("front-1-data-attach").op == "same"


def test_flavor_change_resizes_and_image_change_rebuilds(web3):
    resized = diff_plans(web3, plan(WEB, flavor="m1.large"))
    assert changes(resized) == {(INSTANCE, f"web-{i}"): "update" for i in range(3)}
    assert "resize" in resized.get("web-0", INSTANCE).properties[0].note
    rebuilt = diff_plans(web3, plan(WEB, image="debian-13"))
    assert set(changes(rebuilt).values()) == {"update"}
    assert {name for _, name in changes(rebuilt)} == {"web-0", "web-1", "web-2", "db"}
    prop = rebuilt.get("db", INSTANCE).properties[0]
    assert prop.path == "imageName" and "rebuild" in prop.note


def test_adding_a_rule_creates_only_that_rule(tmp_path, web3):
    new = variant(tmp_path, "web.yaml", lambda s: s.replace(
        "      - {protocol: tcp, port: 80, remote_ip_prefix: 0.0.0.0/0}\n",
        "      - {protocol: tcp, port: 80, remote_ip_prefix: 0.0.0.0/0}\n"
        "      - {protocol: tcp, port: 443, remote_ip_prefix: 0.0.0.0/0}\n"))
    diff = diff_plans(web3, plan(new))
    assert list(changes(diff).values()) == ["create"]
    ((token, _),) = changes(diff)
    assert token == RULE


def test_rule_order_and_cidr_spelling_never_cause_a_replace(tmp_path, web3):
    reordered = variant(tmp_path, "web.yaml", lambda s: s.replace(
        "      - {protocol: tcp, port: 80, remote_ip_prefix: 0.0.0.0/0}\n"
        '      - {protocol: tcp, port: 22, remote_ip_prefix: "${admin_cidr}"}\n',
        '      - {protocol: tcp, port: 22, remote_ip_prefix: "${admin_cidr}"}\n'
        "      - {protocol: tcp, port: 80, remote_ip_prefix: 0.0.0.0/0}\n"))
    assert not diff_plans(web3, plan(reordered)).changed
    # tpo#955: Neutron stores 198.51.100.7 as 198.51.100.7/32; sending the bare address replaces forever.
    assert not diff_plans(web3, plan(WEB, admin_cidr="198.51.100.7/32")).changed
    prefixes = {r["inputs"].get("remoteIpPrefix") for r in web3["resources"] if r["type"] == RULE}
    assert "198.51.100.7/32" in prefixes and "198.51.100.7" not in prefixes


def test_replacing_a_protected_volume_fails_unless_allowed(tmp_path, web3):
    az = variant(tmp_path, "web.yaml", lambda s: s.replace(
        "shared-data: {size: 50}", "shared-data: {size: 50, availability_zone: az2}"))
    diff = diff_plans(web3, plan(az))
    assert diff.get("shared-data", VOLUME).op == "replace"
    assert len(diff.errors) == 1 and "'shared-data' is protected and would be replaced" in diff.errors[0]
    assert "protect: false" in diff.errors[0]
    allowed = variant(tmp_path, "web.yaml", lambda s: s.replace(
        "availability_zone: az2}", "availability_zone: az2, protect: false}"))
    diff = diff_plans(web3, plan(allowed))
    assert not diff.errors
    assert changes(diff) == {(VOLUME, "shared-data"): "replace", (ATTACH, "db-shared-data-attach"): "replace"}


def test_growing_a_volume_is_an_in_place_extend(tmp_path, web3):
    bigger = variant(tmp_path, "web.yaml", lambda s: s.replace("shared-data: {size: 50}", "shared-data: {size: 80}"))
    diff = diff_plans(web3, plan(bigger))
    assert changes(diff) == {(VOLUME, "shared-data"): "update"}
    assert not diff.errors


def test_deletion_policy_retain_maps_to_retain_on_delete():
    volumes = {r["name"]: r for r in plan(WEB, data_deletion="Retain")["resources"] if r["type"] == VOLUME}
    assert volumes["web-0-data"]["options"]["retainOnDelete"] is True
    assert volumes["shared-data"]["options"]["retainOnDelete"] is False
    assert volumes["shared-data"]["options"]["protect"] is True  # volumes are protected by default


# -- known upstream perpetual-diff traps ---------------------------------------------------------

def test_trap_security_groups_by_id_on_instance(web3):
    # tpo#6 / tpo#1173: Instance.security_groups never converges; groups go on the ports.
    for res in web3["resources"]:
        if res["type"] == INSTANCE:
            assert not res["inputs"].get("securityGroups"), res["name"]
            assert all("port" in n for n in res["inputs"]["networks"])
    ports = [r for r in web3["resources"] if r["type"] == PORT]
    assert ports and all(r["inputs"].get("securityGroupIds") for r in ports)


def test_trap_no_fixed_ip_ports_on_instance_networks(web3):
    # po#891 / tpo#444: a port with no_fixed_ip attached through Instance.networks replaces forever.
    ports = {r["id"]: r for r in web3["resources"] if r["type"] == PORT}
    attached = [n["port"] for r in web3["resources"] if r["type"] == INSTANCE for n in r["inputs"]["networks"]]
    assert attached and all(not ports[p]["inputs"].get("noFixedIp") for p in attached)


def test_trap_network_added_to_a_server_does_not_replace_it(tmp_path, web3):
    # tpo#156 / tpo#1510: Instance.networks is ForceNew, so a NIC added as a boot NIC replaces the server.
    # A NIC declared `hotplug: true` is attached to the running server instead: nothing is replaced.
    new = variant(tmp_path, "web.yaml", lambda s: s.replace(
        "      - {network: app, subnet: app-v4, security_groups: [db]}\n",
        "      - {network: app, subnet: app-v4, security_groups: [db]}\n"
        "      - {network: app, subnet: app-v4, security_groups: [db], name: extra, hotplug: true}\n"))
    diff = diff_plans(web3, plan(new))
    assert changes(diff) == {(PORT, "db-extra"): "create",
                             ("openstack:compute/interfaceAttach:InterfaceAttach", "db-extra-attach"): "create"}
    # The same NIC as a boot NIC replaces the server, and the diff says how to avoid it.
    boot_nic = variant(tmp_path / "boot", "web.yaml", lambda s: s.replace(
        "      - {network: app, subnet: app-v4, security_groups: [db]}\n",
        "      - {network: app, subnet: app-v4, security_groups: [db]}\n"
        "      - {network: app, subnet: app-v4, security_groups: [db], name: extra}\n"))
    replaced = diff_plans(web3, plan(boot_nic)).get("db", INSTANCE)
    assert replaced.op == "replace"
    assert any("hotplug: true" in n for n in replaced.notes)


def test_trap_floating_ip_association_has_one_style(tmp_path, web3):
    # tpo#605: FloatingIp.port_id together with a FloatingIpAssociate disassociates the address.
    fips = [r for r in web3["resources"] if r["type"] == FIP]
    assocs = [r for r in web3["resources"] if r["type"] == FIP_ASSOC]
    assert fips and len(fips) == len(assocs)
    assert all(not r["inputs"].get("portId") for r in fips)
    # Adding a floating IP to an existing server creates the FIP and its association, nothing else.
    new = variant(tmp_path, "web.yaml", lambda s: s.replace(
        "security_groups: [db]}", "security_groups: [db], floating_ip: public}"))
    diff = diff_plans(web3, plan(new))
    assert changes(diff) == {(FIP, "db-port0-fip"): "create", (FIP_ASSOC, "db-port0-fip-assoc"): "create"}


def test_trap_router_interface_deletion_order(web3):
    # tpo#1511: ports and FIP associations must go before the router interface, the interface before
    # the subnet (409 SubnetInUse / RouterInterfaceInUseByRoute otherwise).
    empty = {**web3, "resources": [r for r in web3["resources"] if r["type"] == "pulumi:pulumi:Stack"]}
    ops = diff_plans(web3, empty).operations()
    order = {urn: i for i, (op, urn) in enumerate(ops) if op == "delete"}
    by_type: dict[str, list[int]] = {}
    for res in web3["resources"]:
        by_type.setdefault(res["type"], []).append(order[res["urn"]])
    for before, after in ((PORT, ROUTER_IF), (FIP_ASSOC, ROUTER_IF), (INSTANCE, PORT), (ATTACH, INSTANCE),
                          (ROUTER_IF, "openstack:networking/subnet:Subnet"),
                          (ROUTER_IF, "openstack:networking/router:Router"),
                          ("openstack:networking/subnet:Subnet", "openstack:networking/network:Network")):
        assert max(by_type[before]) < min(by_type[after]), (before, after)


def test_heat_deletion_policy_retain_maps_to_retain_on_delete():
    pytest.importorskip("openstack_stacks.heat", reason="the Heat front-end (issue 4) is not in the tree yet")
    template = CHURN.parent / "heat-volume.yaml"
    old = plan(template)
    volumes = {r["name"]: r for r in old["resources"] if r["type"] == VOLUME}
    assert volumes["data"]["options"]["retainOnDelete"] is True
    assert volumes["scratch"]["options"]["retainOnDelete"] is False
    # A HOT edit changes only what changed: a flavor is a resize of the one server.
    diff = diff_plans(old, plan(template, flavor="m1.large"))
    assert changes(diff) == {(INSTANCE, "server"): "update"}
